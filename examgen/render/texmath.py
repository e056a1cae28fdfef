"""The bank's LaTeX math -> Typst math source.

The bank writes formulas in a small LaTeX subset (see docs/bank-format.md): letters, numbers,
``^``/``_``, ``{}`` groups, ``\\frac``/``\\dfrac``/``\\sqrt``, ``bmatrix``, ``\\mathbf`` and
``\\mathrm``, accents, Greek letters, operators, named functions and spacing. :func:`tex_to_typst`
converts one formula; anything outside the subset (an unknown macro, an unbalanced brace, an
unknown environment) raises :class:`TexMathError` saying what and where in the formula, so
``bank check`` can report it and no raw LaTeX reaches a page.

Output conventions: symbols are written as Unicode characters (no dependence on Typst's
symbol names), runs of three or more letters are upright words (``pos``, ``model``), every
punctuation character Typst math would interpret (``/`` makes a fraction, ``"`` a string,
``#`` code, ``$`` the end) is escaped, and commas and semicolons inside function arguments are
escaped so they never split an argument.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from examgen.errors import TexMathError

__all__ = ["TexMathError", "tex_to_typst", "tokens"]


SYMBOLS: dict[str, str] = {
    # Greek (LaTeX \varepsilon is the open epsilon, \epsilon the lunate one)
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators and relations
    "times": "×", "cdot": "⋅", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "pm": "±",
    "mp": "∓", "div": "÷", "ast": "∗", "circ": "∘", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "neq": "≠", "ne": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ll": "≪", "gg": "≫", "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆", "cup": "∪", "cap": "∩", "mid": "∣", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "mapsto": "↦", "partial": "∂", "nabla": "∇", "infty": "∞",
    "top": "⊤", "perp": "⊥", "forall": "∀", "exists": "∃", "emptyset": "∅",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "prime": "′",
    "Vert": "‖", "lvert": "|", "rvert": "|", "vert": "|",
    "langle": "⟨", "rangle": "⟩",
    "{": "\\{", "}": "\\}", "|": "‖", "%": "%", "&": "\\&", "#": "\\#", "$": "\\$", "_": "\\_",
}
# big operators keep Typst's limits handling
BIG = {"sum": "sum", "prod": "product", "int": "integral"}
FUNCTIONS = {"sin", "cos", "tan", "tanh", "sinh", "cosh", "exp", "log", "ln", "max", "min",
             "arg", "det", "lim", "sup", "inf"}
SPACES = {",": "thin", ":": "med", ";": "thick", " ": "med", "quad": "quad",
          "qquad": "quad quad", "!": ""}
ACCENTS = {"tilde": "tilde", "hat": "hat", "widehat": "hat", "bar": "macron",
           "overline": "overline", "vec": "arrow", "overrightarrow": "arrow", "dot": "dot",
           "ddot": "dot.double", "overleftarrow": "accent(ARG, ←)", "underline": "underline"}
STYLES = {"mathbf": "upright(bold({}))", "boldsymbol": "bold({})", "mathrm": "upright({})",
          "text": "upright({})", "textrm": "upright({})", "mathit": "italic({})",
          "operatorname": "op({})", "mathcal": "cal({})"}
# paired delimiters: Typst's norm(), floor(), ceil() size and space them as LaTeX would
PAIRS = {"lVert": ("rVert", "norm"), "lfloor": ("rfloor", "floor"), "lceil": ("rceil", "ceil")}
DROPPED = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
           "displaystyle", "limits"}
MATRICES = {"bmatrix": '"["', "pmatrix": '"("', "vmatrix": '"|"', "Vmatrix": '"‖"',
            "matrix": "#none", "Bmatrix": '"{"'}
# commands that stand for a fixed piece of Typst math
_CONSTANT = {**SYMBOLS, **SPACES, **dict.fromkeys(DROPPED, ""), **{f: f for f in FUNCTIONS},
             **BIG}
_TOKEN = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|(\d+(?:\.\d+)?)|([A-Za-z]+)|(\s+)|(.)", re.S)
# math characters Typst interprets: escaped so they print as themselves
_ESCAPE = set('/"#$\\_^&@<>*~`\'!;,[]{}')
_PLAIN = set("()=+-.:|?")


class _Tok(NamedTuple):   # made ~40 times a formula: 2.5x as fast to make as a frozen dataclass
    kind: str        # cmd, esc, num, word, space, char
    text: str
    pos: int


@lru_cache(maxsize=1024)   # the converter and the width bounds read a formula in turn
def tokens(src: str) -> tuple[_Tok, ...]:
    """The LaTeX tokens of ``src``: commands, escaped characters, numbers, words (ASCII
    letters), spaces and single characters, each with its position (cached: the converter
    and :mod:`examgen.render.mathwidth` read the same formulas)."""
    out = []
    for m in _TOKEN.finditer(src):
        cmd, esc, num, word, space, char = m.groups()
        if cmd is not None:
            out.append(_Tok("cmd", cmd, m.start()))
        elif esc is not None:
            out.append(_Tok("esc", esc, m.start()))
        elif num is not None:
            out.append(_Tok("num", num, m.start()))
        elif word is not None:
            out.append(_Tok("word", word, m.start()))
        elif space is not None:
            out.append(_Tok("space", " ", m.start()))
        else:
            out.append(_Tok("char", char, m.start()))
    return tuple(out)


class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.toks = list(tokens(src))   # the parser splits some in place
        self.i = 0

    def fail(self, detail: str, pos: int | None = None) -> TexMathError:
        at = f" at column {pos + 1}" if pos is not None else ""
        return TexMathError(detail + at, self.src)

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def skip_space(self) -> None:
        while (t := self.peek()) is not None and t.kind == "space":
            self.i += 1

    def parse(self) -> str:
        out = self.sequence(stop=None, words_upright=False)
        t = self.peek()
        if t is not None:   # a stray closing brace
            raise self.fail("unbalanced braces: '}' without '{'", t.pos)
        return out

    def sequence(self, stop: str | None, words_upright: bool, in_args: bool = False) -> str:
        """Atoms up to ``stop`` ('}' / 'end' / '&' row-ends in matrices) or the end."""
        parts: list[str] = []
        while (t := self.peek()) is not None:
            if t.kind == "char" and t.text == "}" and stop == "}":
                return _join(parts)
            if t.kind == "cmd" and stop == t.text:
                return _join(parts)
            if stop == "cell" and ((t.kind == "char" and t.text == "&")
                                   or (t.kind == "esc" and t.text == "\\")
                                   or (t.kind == "cmd" and t.text == "end")):
                return _join(parts)
            if t.kind == "char" and t.text == "}" and stop is None:
                raise self.fail("unbalanced braces: '}' without '{'", t.pos)
            parts.append(self.atom(words_upright, in_args))
        if stop == "}":
            raise self.fail("unbalanced braces: '{' is never closed")
        if stop == "cell":
            raise self.fail("\\begin{...} without \\end")
        if stop is not None:
            raise self.fail(f"unbalanced delimiters: no \\{stop}")
        return _join(parts)

    def group(self, words_upright: bool, in_args: bool = True) -> str:
        """One argument: a {group} or a single token."""
        self.skip_space()
        t = self.peek()
        if t is None:
            raise self.fail("an argument is missing at the end")
        if t.kind == "char" and t.text == "{":
            self.i += 1
            inner = self.sequence("}", words_upright, in_args)
            self.i += 1
            return inner
        if t.kind == "word" and len(t.text) > 1:   # \frac12, x^ab: one letter only
            self.toks[self.i] = _Tok("word", t.text[1:], t.pos + 1)
            return self.word(t.text[0], words_upright)
        if t.kind == "num" and len(t.text) > 1:
            self.toks[self.i] = _Tok("num", t.text[1:], t.pos + 1)
            return t.text[0]
        return self.atom(words_upright, in_args)

    def word(self, text: str, upright: bool) -> str:
        if upright or len(text) >= 3:
            return f'"{text}"'
        return " ".join(text)

    def atom(self, words_upright: bool, in_args: bool) -> str:
        t = self.peek()
        assert t is not None
        self.i += 1
        if t.kind == "space":
            return ""
        if t.kind == "num":
            return t.text
        if t.kind == "word":
            return self.word(t.text, words_upright)
        if t.kind == "char":
            return self.char(t, words_upright, in_args)
        if t.kind == "esc":
            if t.text == "\\":
                raise self.fail("a line break '\\\\' outside a matrix", t.pos)
            if t.text in SPACES:
                return SPACES[t.text]
            if t.text in SYMBOLS:
                return SYMBOLS[t.text]
            raise self.fail(f"unknown escape '\\{t.text}'", t.pos)
        return self.command(t, words_upright)

    def char(self, t: _Tok, words_upright: bool, in_args: bool) -> str:
        c = t.text
        if c == "{":
            inner = self.sequence("}", words_upright, in_args)
            self.i += 1
            return inner
        if c in "^_":
            arg = self.group(words_upright)
            return f"{c}({arg})"
        if c == "'":
            return "'"
        if c in (",", ";"):
            return "\\" + c if in_args else c
        if c in _PLAIN or c.isalnum() and not c.isascii():
            return c if c.isascii() or not c.isalpha() else self.word(c, True)
        if c in _ESCAPE:
            return "\\" + c
        return c

    def command(self, t: _Tok, words_upright: bool) -> str:
        name = t.text
        if name in _CONSTANT:
            return _CONSTANT[name]
        for table, handler in self.handlers:
            if name in table:
                return handler(self, t, words_upright)
        raise self.fail(f"unknown macro '\\{name}'", t.pos)

    def pair(self, t: _Tok, words_upright: bool) -> str:
        close, func = PAIRS[t.text]
        inner = self.sequence(close, words_upright, in_args=True)
        self.i += 1
        return f"{func}({inner})"

    def frac(self, t: _Tok, words_upright: bool) -> str:
        frac = f"frac({self.group(False)}, {self.group(False)})"
        return f"display({frac})" if t.text == "dfrac" else frac

    def sqrt(self, t: _Tok, words_upright: bool) -> str:
        self.skip_space()
        nxt = self.peek()
        if nxt is not None and nxt.kind == "char" and nxt.text == "[":
            raise self.fail("\\sqrt[n] is not supported", nxt.pos)
        return f"sqrt({self.group(False)})"

    def accent(self, t: _Tok, words_upright: bool) -> str:
        arg = self.group(words_upright)
        form = ACCENTS[t.text]
        return form.replace("ARG", arg) if "ARG" in form else f"{form}({arg})"

    def style(self, t: _Tok, words_upright: bool) -> str:
        return STYLES[t.text].format(self.group(t.text not in ("mathit", "boldsymbol")))

    def begin(self, t: _Tok, words_upright: bool) -> str:
        if t.text == "end":
            raise self.fail("\\end without \\begin", t.pos)
        return self.matrix(t)

    handlers: tuple[tuple[Any, Callable[[_Parser, _Tok, bool], str]], ...] = (
        (PAIRS, pair), ({"frac", "dfrac", "tfrac"}, frac), ({"sqrt"}, sqrt), (ACCENTS, accent),
        (STYLES, style), ({"begin", "end"}, begin))

    def env_name(self) -> str:
        self.skip_space()
        t = self.peek()
        if t is None or t.kind != "char" or t.text != "{":
            raise self.fail("\\begin/\\end needs {name}")
        self.i += 1
        name = ""
        while (t := self.peek()) is not None and not (t.kind == "char" and t.text == "}"):
            name += t.text
            self.i += 1
        if t is None:
            raise self.fail("unbalanced braces: '{' is never closed")
        self.i += 1
        return name

    def matrix(self, begin: _Tok) -> str:
        env = self.env_name()
        if env not in MATRICES:
            raise self.fail(f"unknown environment '{env}'", begin.pos)
        rows: list[list[str]] = [[]]
        while True:
            rows[-1].append(self.sequence("cell", False, in_args=True) or "")
            t = self.peek()
            assert t is not None
            self.i += 1
            if t.kind == "char":          # &
                continue
            if t.kind == "esc":           # \\ ends a row
                rows.append([])
                continue
            end = self.env_name()         # \end
            if end != env:
                raise self.fail(f"\\begin{{{env}}} ended by \\end{{{end}}}", t.pos)
            break
        if rows and rows[-1] in ([], [""]) and len(rows) > 1:
            rows.pop()                    # a trailing \\
        width = max(len(r) for r in rows)
        body = "; ".join(", ".join((c or "zws") for c in r + [""] * (width - len(r)))
                         for r in rows)
        return f"mat(delim: {MATRICES[env]}, {body})"


def _join(parts: list[str]) -> str:
    """Atoms separated by spaces, except scripts and primes, which attach to what precedes."""
    out = ""
    for p in parts:
        if not p:
            continue
        glue = "" if not out or p[0] in "'^_" else " "
        out += glue + p
    return out


def tex_to_typst(tex: str) -> str:
    """Typst math source (without the ``$``) for one LaTeX formula; :class:`TexMathError`
    when the formula is outside the supported subset."""
    return _Parser(tex).parse()
