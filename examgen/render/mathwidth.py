"""How wide a formula of the bank's LaTeX prints inline: a lower and an upper bound, in ems of
the text size, read from the LaTeX source without typesetting it (:mod:`examgen.render.linefit`
uses them to find where a paragraph's lines can end).

Both bounds are checked against the widths Typst itself measures for every formula the bank
prints (tests/unit/render/test_linefit.py). The subset is the one
:mod:`examgen.render.texmath` converts, so every command is known:

- floor: the letters, digits, operators, parentheses and commas on the base line (not in
  braces, not a command's name or argument, not a script), each at the narrowest glyph of
  its kind in the math font; 0 for what stacks rows;
- ceiling: every token at more than its widest, with the spacing Typst puts around it: a
  letter 1.1 em (1.25 em bold), a digit 0.55 em, a relation, a binary operator or a symbol
  1.6 em, an arrow 2 em, a fraction 0.5 em of padding on top of both its numerator and its
  denominator, a root 1.2 em, a column of a matrix 1.3 em, its rows added up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from examgen.render.texmath import BIG, FUNCTIONS, SYMBOLS, tokens

__all__ = ["math_ceiling_em", "math_floor_em"]

# the narrowest glyph of each kind in the math font (New Computer Modern Math): a letter,
# upright or italic (l, i: 0.28 em), a digit (all 0.5 em), an operator or relation (0.78 em),
# a parenthesis (0.39 em), a bracket or a comma (0.28 em); \\! takes 1/6 em back
_FLOOR_EM = {"a": 0.25, "0": 0.5, "+": 0.7, "-": 0.7, "=": 0.7, "<": 0.7, ">": 0.7,
             "(": 0.35, ")": 0.35, "[": 0.25, "]": 0.25, ",": 0.25}
_NEGATIVE_SPACE_EM = 0.17
_STACKED = re.compile(r"\\(begin|over|atop|choose|substack|cases)\b|&|\\\\")

_LETTER, _BOLD_LETTER, _DIGIT = 1.1, 1.25, 0.55
_SYMBOL, _ARROW = 1.6, 2.0
_COMMAND_EM = {
    "frac": 0.5, "dfrac": 0.5, "tfrac": 0.5, "sqrt": 1.2, "quad": 1.0, "qquad": 2.0,
    "begin": 1.0, "end": 1.0,    # a matrix's delimiters
    **{f: 0.6 * len(f) + 0.4 for f in FUNCTIONS},
    **dict.fromkeys(BIG, 1.8),
}
_NOTHING = {"mathrm", "mathit", "mathcal", "operatorname", "text", "textrm", "left", "right",
            "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "displaystyle",
            "limits", "mathbf", "boldsymbol"}
_ACCENT_EM = 0.3    # an accent (tilde, hat, arrow) may stand out of a narrow letter
_ACCENTS = {"tilde", "hat", "widehat", "bar", "overline", "vec", "overrightarrow", "dot",
            "ddot", "overleftarrow", "underline"}
_BOLD = {"mathbf", "boldsymbol"}
_NONE: set[str] = set()
_WORDS = {"text", "textrm", "mathrm", "operatorname"}     # spaces in them print
_ESCAPED_EM = {",": 0.2, ":": 0.25, ";": 0.3, " ": 0.35, "!": 0.0, "\\": 0.0}
_CHAR_EM = {",": 0.5, ";": 0.5, ".": 0.3, "!": 0.45, "'": 0.4, "|": 0.6, "/": 0.6, "(": 0.5,
            ")": 0.5, "[": 0.5, "]": 0.5, "&": 1.3, "_": 0.0, "^": 0.0, "{": 0.0, "}": 0.0,
            "+": _SYMBOL, "-": _SYMBOL, "=": _SYMBOL, "<": _SYMBOL, ">": _SYMBOL, "*": _SYMBOL,
            ":": _SYMBOL, "?": 0.6, '"': 0.6}


@lru_cache(maxsize=65536)
def math_floor_em(tex: str) -> float:
    """A lower bound of the printed width of ``tex`` (see the module's text)."""
    if _STACKED.search(tex):
        return 0.0
    total = 0.0
    depth = 0
    skip_next = False    # a script, or a command's first argument if one follows unbraced
    for t in tokens(tex):
        if t.kind in ("cmd", "esc"):
            total -= _NEGATIVE_SPACE_EM if t.kind == "esc" and t.text == "!" else 0.0
            skip_next = True
            continue
        if t.kind == "space":
            continue
        for ch in t.text:    # a number or a word: its characters one by one
            if ch in "{}":
                depth = depth + 1 if ch == "{" else max(0, depth - 1)
            elif ch in "_^":
                skip_next = True
                continue
            elif depth == 0 and not skip_next:
                total += _FLOOR_EM.get("0" if ch.isdigit() and ch.isascii() else
                                       "a" if ch.isascii() and ch.isalpha() else ch, 0.0)
            skip_next = False
    return max(0.0, total)


def _command_em(name: str) -> float:
    if name in _COMMAND_EM:
        return _COMMAND_EM[name]
    if name in _NOTHING:
        return 0.0
    if name in _ACCENTS:
        return _ACCENT_EM
    if "arrow" in name.lower() or name in ("mapsto", "to", "gets"):
        return _ARROW
    return _SYMBOL if name in SYMBOLS else _ARROW     # nothing else converts; say it wide


def _char_em(ch: str, bold: bool) -> float:
    if ch.isdigit():
        return _DIGIT
    if ch.isascii() and ch.isalpha():
        return _BOLD_LETTER if bold else _LETTER
    return _CHAR_EM.get(ch, _SYMBOL if not ch.isascii() else _LETTER)


@lru_cache(maxsize=65536)
def math_ceiling_em(tex: str) -> float:
    """An upper bound of the printed width of ``tex`` (see the module's text)."""
    total = 0.0
    styled: list[tuple[int, str]] = []   # (brace depth, command) of open bold or word groups
    depth = 0
    pending = ""                         # a style command waiting for its argument
    env_name = False                     # inside \begin{...} or \end{...}'s name
    for t in tokens(tex):
        inside = {c for _, c in styled} if styled else _NONE
        if t.kind == "cmd":
            total += _command_em(t.text)
            env_name = t.text in ("begin", "end")
            pending = t.text if t.text in _BOLD | _WORDS else ""
            continue
        if t.kind == "esc":
            total += _ESCAPED_EM.get(t.text, _LETTER)
            continue
        if t.kind == "space":
            total += 0.35 if inside & _WORDS else 0.0
            continue
        for ch in t.text:    # a number or a word: its characters one by one
            inside = {c for _, c in styled} if styled else _NONE
            if env_name:
                env_name = ch != "}"
            elif ch in "{}":
                if ch == "{" and pending:
                    styled.append((depth + 1, pending))
                elif ch == "}" and styled and styled[-1][0] == depth:
                    styled.pop()
                depth += 1 if ch == "{" else -1
                pending = ""
            else:
                total += _char_em(ch, bool(inside & _BOLD) or pending in _BOLD)
                pending = ""
    return total
