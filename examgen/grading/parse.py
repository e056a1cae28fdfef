"""Student answer text → a value record or a :class:`FormatError` (the parse phase of grading).

Students type answers on paper, in Google Forms or in Excel, and the text arrives here exactly as
exported: full-width digits, Korean words around the number ("약 0.73입니다"), units ("512차원"),
decimal commas, ①②, 가나다. Every ``parse_*`` function is pure, never raises on any input
string, and returns either a record (:class:`Number`, :class:`Vector`, :class:`Matrix`,
:class:`Choices`, :class:`Expression`) whose ``notes`` say what was interpreted, or a
:class:`FormatError` that says what is wrong and points at the offending character. Invalid is
not wrong: a format error is reported as such, never graded as a wrong value.

Nothing is evaluated: arithmetic in answers ("√2/2", "3/4", "1.5×10^-3") goes through the
whitelisted parser in :mod:`examgen.mathexpr` and is computed by a small float walker over the
resulting sympy tree, so no student text reaches ``eval`` or sympy's own parser.

Text is normalised first (NFKC, full-width → ASCII, Unicode minus and dashes → '-', superscripts
→ '^'), keeping for each normalised character the index of the character the student typed, so
every :attr:`FormatError.position` is an index into the original text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

import sympy

from examgen.mathexpr import CONSTANTS, FUNCTIONS, GREEK, ExpressionError, parse_expression

__all__ = [
    "MAX_ANSWER_LENGTH", "Choices", "Expression", "FormatError", "Matrix", "Number", "Vector",
    "is_blank", "normalize_text", "parse_choices", "parse_expression_answer", "parse_matrix",
    "parse_number", "parse_vector",
]

MAX_ANSWER_LENGTH = 2000


# -- records -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FormatError:
    """An answer that cannot be read: what is wrong and what was expected, and where.

    ``position`` is a 0-based index into the text the student typed (it may equal the text's
    length when something is missing at the end), or None when no single character is at fault.
    """

    message: str
    position: int | None = None

    def pointer(self, text: str) -> str:
        """The line of ``text`` holding ``position`` with a caret under it (just the message
        when there is no position). Wide characters (Korean, full-width) count two columns."""
        if self.position is None:
            return self.message
        pos = max(0, min(self.position, len(text)))
        start = text.rfind("\n", 0, pos) + 1
        stop = text.find("\n", pos)
        line = text[start:len(text) if stop < 0 else stop]
        pad = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text[start:pos])
        return f"{line}\n{' ' * pad}^"


@dataclass(frozen=True)
class Number:
    """A single number. ``decimals``: digits after the decimal point as written (None for
    scientific notation and expressions; a percentage counts the digits of the value, so "73%"
    has 2). ``sigfigs``: significant figures as written (trailing zeros count; for scientific
    notation those of the mantissa; None for expressions). ``formula``: the function a formula
    calls ("cos", "sigmoid", "e^" for a power of e), which makes it a formula rather than a
    computed number (arithmetic such as "3/4" or "√2/2" is not a formula); its value is still
    given. ``alternative``: the other reading of an ambiguous comma ("1,500" is read as 1500, and
    as 1.5 with a decimal comma)."""

    value: float
    decimals: int | None
    sigfigs: int | None
    notes: tuple[str, ...] = ()
    formula: str | None = None
    alternative: Number | None = None


@dataclass(frozen=True)
class Vector:
    values: tuple[float, ...]
    decimals: tuple[int | None, ...]
    notes: tuple[str, ...] = ()
    formula: str | None = None      # as in Number, for the first element that is a formula


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[float, ...], ...]
    notes: tuple[str, ...] = ()
    formula: str | None = None      # as in Number, for the first element that is a formula


@dataclass(frozen=True)
class Choices:
    keys: frozenset[str]    # uppercase option keys "A", "B", ...
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expression:
    expr: sympy.Expr
    notes: tuple[str, ...] = ()


# -- text with a map back to the original ----------------------------------------------------------

@dataclass(frozen=True)
class _Src:
    """Normalised text; ``pos[i]`` is the index in the original text of ``text[i]`` and ``end``
    the original index just past this piece."""

    text: str
    pos: tuple[int, ...]
    end: int

    def at(self, i: int) -> int:
        return self.pos[i] if 0 <= i < len(self.pos) else self.end

    def cut(self, a: int, b: int | None = None) -> _Src:
        n = len(self.text)
        a = max(0, min(a, n))
        b = n if b is None else max(a, min(b, n))
        return _Src(self.text[a:b], self.pos[a:b], self.at(b))

    def strip(self) -> _Src:
        a = len(self.text) - len(self.text.lstrip())
        return self.cut(a, max(a, len(self.text.rstrip())))

    def replace(self, i: int, c: str) -> _Src:
        """Replace the single character at ``i`` by the single character ``c``."""
        return _Src(self.text[:i] + c + self.text[i + 1:], self.pos, self.end)

    def drop(self, indices: set[int]) -> _Src:
        keep = [i for i in range(len(self.text)) if i not in indices]
        return _Src("".join(self.text[i] for i in keep), tuple(self.pos[i] for i in keep), self.end)

    def append(self, s: str, at: int) -> _Src:
        return _Src(self.text + s, self.pos + (at,) * len(s), self.end)


_SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
_CIRCLED = ({chr(0x2460 + i): i + 1 for i in range(20)}       # ① … ⑳
            | {chr(0x2776 + i): i + 1 for i in range(10)}     # ❶ … ❿
            | {chr(0x2780 + i): i + 1 for i in range(10)}     # ➀ … ➉
            | {chr(0x278A + i): i + 1 for i in range(10)})    # ➊ … ➓
_CHAR_MAP = {
    "−": "-", "–": "-", "—": "-", "―": "-", "‒": "-", "‐": "-", "‑": "-", "﹣": "-", "⁃": "-",
    "〈": "<", "〉": ">", "⟨": "<", "⟩": ">", "《": "<", "》": ">",
    "【": "[", "】": "]", "〔": "[", "〕": "]", "⟦": "[", "⟧": "]",
    "、": ",", "。": ".", "⁄": "/", "∕": "/",
    "・": "·", "ㆍ": "·", "\u119e": "·", "∙": "·", "•": "·", "⋅": "·",
    "✕": "×", "✖": "×", "﹪": "%", "∶": ":",
    "‘": "'", "’": "'", "“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"',
}
_NEWLINES = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _continues(c: str) -> bool:
    """True for characters that NFKC may compose with the one before (combining marks and
    conjoining Hangul vowels/finals, as in decomposed Korean from macOS)."""
    o = ord(c)
    return unicodedata.category(c).startswith("M") or 0x1160 <= o <= 0x11FF or 0xD7B0 <= o <= 0xD7FF


def _map_char(c: str) -> str:
    if c in _CHAR_MAP:
        return _CHAR_MAP[c]
    if c in _NEWLINES:
        return "\n"
    if c.isspace():
        return " "
    cat = unicodedata.category(c)
    if cat == "Cf":      # zero-width spaces, BOM, soft hyphens: invisible in the sheet
        return ""
    if cat == "Nd":      # digits of other scripts
        return str(unicodedata.decimal(c, 0))
    return c


def _normalize(text: str, *, circled: bool = False) -> _Src:
    """NFKC per cluster with an index map; superscript runs become '^…' (NFKC alone would turn
    10⁻³ into 10-3); with ``circled`` ①②… become (1)(2)… instead of bare digits."""
    out: list[str] = []
    pos: list[int] = []
    in_super = False
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _continues(text[j]):
            j += 1
        c0 = text[i]
        if circled and c0 in _CIRCLED:
            piece, in_super = f"({_CIRCLED[c0]})", False
        else:
            sup = c0 in _SUPERSCRIPTS
            piece = unicodedata.normalize("NFKC", text[i:j])
            if sup and not in_super:
                piece = "^" + piece
            in_super = sup
        for c in piece:
            m = _map_char(c)
            out.extend(m)
            pos.extend([i] * len(m))
        i = j
    return _Src("".join(out), tuple(pos), n)


def normalize_text(text: str) -> str:
    """NFKC (full-width digits, letters and punctuation → ASCII), Unicode minus and dashes → '-',
    superscripts → '^…', zero-width characters removed, whitespace collapsed to single spaces and
    stripped; '·' and Korean are kept."""
    return re.sub(r"\s+", " ", _normalize(text).text).strip()


_BLANK_WORDS = frozenset({
    "n/a", "na", "none", "null", "nil", "pass", "skip", "패스",
    "없음", "없습니다", "없어요", "모름", "모르겠음", "모르겠다", "모르겠어요", "모르겠습니다", "몰라요",
    "잘 모르겠습니다", "잘 모르겠어요", "잘 모름",
})


def is_blank(text: str) -> bool:
    """True for answers that say nothing: empty, whitespace, '-', '—', '?', 'N/A', '없음', '모름',
    '모르겠습니다' and the like."""
    if not text.strip():
        return True
    if len(text) > MAX_ANSWER_LENGTH:
        return False
    t = normalize_text(text).lower()
    return bool(re.fullmatch(r"[-?._…·/\\ ]*", t)) or t.rstrip(".") in _BLANK_WORDS


# -- shared helpers ------------------------------------------------------------------------------

def _show(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _precheck(text: str) -> FormatError | None:
    if len(text) > MAX_ANSWER_LENGTH:
        return FormatError(f"answer longer than {MAX_ANSWER_LENGTH} characters", MAX_ANSWER_LENGTH)
    if is_blank(text):
        return FormatError("empty answer", None)
    return None


def _dedupe(notes: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(notes))


_HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
_HANGUL_RUN = re.compile(f"[{_HANGUL}]+")
_LEAD_QUOTES = re.compile(r"[\"'`]+")
_LEAD_LABEL = re.compile(r"[^\W\d]\w{0,20}(?:\s+[^\W\d]\w{0,20})?\s*:")
_LEAD_ASSIGN = re.compile(r"[^\W\d]\w{0,20}\s*=(?!=)")
_LEAD_APPROX = re.compile(r"(?:approximately|approx\.?|about|around|roughly|ca\.)(?![^\W\d_])|[≈≒≃≅~=]",
                          re.IGNORECASE)
_LEAD_APPROX_EXPR = re.compile(r"=")
_TRAIL_QUOTES = re.compile(r"[\"'`]+$")
_TRAIL_PUNCT = re.compile(r"[.!?]+$")
_TRAIL_HANGUL = re.compile(f"[{_HANGUL}]+$")
_TRAIL_UNIT = re.compile(
    r"(?<![^\W\d_])(?:rad|radians?|deg|degrees?|dims?|dimensions?|params?|parameters?|tokens?|"
    r"words?|steps?|units?|elements?|weights?|bits?|bytes?|flops?|percent)$|°$",
    re.IGNORECASE)
_ENDINGS = ("입니다", "이에요", "이예요", "예요", "에요", "이요", "이다", "이고", "정도", "가량", "내외",
            "쯤", "임", "요")
_NUMBER_WORDS = "십백천만억조"
_PERCENT_WORDS = ("퍼센트", "프로", "percent")


# a transpose mark after a closing bracket: ^T, ^t, ^{T}, ^(T), ᵀ (NFKC: T), ⊤ and Matlab's '
_TRANSPOSE = re.compile(r"(?<=[\])}>])\s*(?:\^\s*(?:\{\s*[Tt]\s*\}|\(\s*[Tt]\s*\)|[Tt])|[T⊤'])$")


class _Edges(NamedTuple):
    """What is left of an answer once the words around it are stripped."""

    src: _Src
    notes: list[str]
    transpose: tuple[int, int] | None = None   # where a transpose mark was, in the typed text


def _strip_edges(s: _Src, *, number: bool, arrays: bool = False) -> _Edges | FormatError:
    """Remove words around the answer: labels ("답:", "d_v ="), "약", "≈", Korean endings
    ("입니다"), units ("차원", "개", "rad"); with ``arrays`` one transpose mark after the closing
    bracket ("[1, 2]ᵀ", "[1, 2]'" unless the answer is quoted). Korean number words (만, 천) and
    마이너스 are refused rather than dropped, since dropping them would change the value."""
    notes: list[str] = []
    quoted = False
    transpose: tuple[int, int] | None = None
    while True:  # leading
        s = s.strip()
        t = s.text
        m = (_LEAD_QUOTES.match(t) or _LEAD_LABEL.match(t)
             or (_LEAD_ASSIGN.match(t) if number else None)
             or (_LEAD_APPROX if number else _LEAD_APPROX_EXPR).match(t))
        if m is None:
            m = _HANGUL_RUN.match(t)
            if m is not None and m.group() == "마이너스":
                return FormatError("'마이너스' is not read; write the sign as '-'", s.at(0))
        if m is None or not m.group():
            break
        if _LEAD_QUOTES.fullmatch(m.group()):
            quoted = True
        else:
            notes.append(f"ignored '{m.group().strip()}'")
        s = s.cut(m.end())
    while True:  # trailing
        s = s.strip()
        t = s.text
        if not t:
            break
        if arrays and transpose is None and (m := _TRANSPOSE.search(t)) \
                and not (quoted and m.group().endswith("'")):
            transpose = (s.at(m.start() + len(m.group()) - len(m.group().lstrip())), s.at(len(t)))
            s = s.cut(0, m.start())
            continue
        if m := _TRAIL_QUOTES.search(t):
            s = s.cut(0, m.start())
            continue
        if m := _TRAIL_PUNCT.search(t):
            before = t[:m.start()]
            if before and before[-1].isdigit():
                # "0.73." ends a sentence; "3." is the number 3 written with a point
                if not re.search(r"[0-9]*\.[0-9]+$", before) and m.group() == ".":
                    break
                notes.append(f"ignored trailing '{m.group()}'")
            s = s.cut(0, m.start())
            continue
        if m := _TRAIL_HANGUL.search(t):
            run = m.group()
            start = m.start()
            peeled: list[str] = []
            while True:
                ending = next((e for e in _ENDINGS if run.endswith(e)), None)
                if ending is None:
                    break
                peeled.append(f"ignored '{ending}'")
                run = run[:-len(ending)]
            notes.extend(peeled)
            if run:
                before = t[:start].rstrip()
                if run[0] in _NUMBER_WORDS and before[-1:].isdigit():
                    return FormatError(f"'{run}' is a Korean number word; write the whole number in "
                                       "digits", s.at(start))
                if number and run in _PERCENT_WORDS:
                    s = s.cut(0, start).append("%", s.at(start))
                    continue
                notes.append(f"ignored unit '{run}'" if number else f"ignored '{run}'")
            s = s.cut(0, start)
            continue
        if number and (m := _TRAIL_UNIT.search(t)):
            if m.group().lower() == "percent":
                s = s.cut(0, m.start()).strip().append("%", s.at(m.start()))
            else:
                notes.append(f"ignored unit '{m.group()}'")
                s = s.cut(0, m.start())
            continue
        break
    return _Edges(s, notes, transpose)


# -- numbers -------------------------------------------------------------------------------------

_COMMA_RUN = re.compile(r"(?<![0-9.,])[0-9]+(?:,[0-9]+)+(?:\.[0-9]*)?")
_X_TIMES = re.compile(r"(?<=[0-9)])\s*([xX])\s*(?=[0-9(√.])")
_LEX = re.compile(
    r"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[^\W\d_]+)"
    r"|(?P<op>\*\*|[-+*/^()·×∗÷√])"
    r"|(?P<sep>[,;~])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_MANTISSA = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
_PLAIN = re.compile(rf"([+-]?)\s*({_MANTISSA})")
_SCI_E = re.compile(rf"([+-]?)\s*({_MANTISSA})[eE]([+-]?[0-9]+)")
_SCI_TIMES = re.compile(
    rf"([+-]?)\s*({_MANTISSA})\s*[×*·∗]\s*10\s*(?:\^|\*\*)\s*"
    r"(?:\(\s*([+-]?)\s*([0-9]+)\s*\)|([+-]?)\s*([0-9]+))")
_SPACED_THOUSANDS = re.compile(r"[+-]?\s*[1-9][0-9]{0,2}(?: [0-9]{3})+(?:\.[0-9]+)?")
# one comma with three digits after it and 1-3 digits (not 0) before: 1,500 is 1500 or 1.5
_AMBIGUOUS_COMMA = re.compile(r"(?<![0-9.,])[1-9][0-9]{0,2},[0-9]{3}(?![0-9.,])")
_SEP_WORDS = frozenset({"and", "or", "to"})
_NON_FINITE = frozenset({"nan", "inf", "infinity", "infty", "∞"})

CommaMode = Literal["auto", "decimal"]


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    start: int  # index into the _Src being lexed


def _lex(t: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _LEX.finditer(t):
        kind = m.lastgroup or "other"
        toks.append(_Tok(kind, m.group(), m.start()))
    return toks


def _resolve_commas(s: _Src, mode: CommaMode) -> tuple[_Src, list[str]] | FormatError:
    """Read commas inside digit runs: thousands separators ("1,024", "1,050,624") or a decimal
    comma ("0,73"); refuse the ambiguous ("1,234,5")."""
    notes: list[str] = []
    drop: set[int] = set()
    point: list[int] = []
    for m in _COMMA_RUN.finditer(s.text):
        lit = m.group()
        head = lit.split(".")[0]
        groups = head.split(",")
        has_point = "." in lit
        commas = [m.start() + i for i, c in enumerate(lit) if c == ","]
        thousands = (1 <= len(groups[0]) <= 3 and not groups[0].startswith("0")
                     and all(len(g) == 3 for g in groups[1:]))
        decimal = len(groups) == 2 and not has_point
        if mode == "auto" and thousands:
            drop.update(commas)
            notes.append("read ',' as a thousands separator")
        elif decimal:
            point.append(commas[0])
            notes.append("read ',' as a decimal point")
        else:
            if mode == "decimal":
                bad = commas[1] if len(commas) > 1 else m.start() + lit.index(".")
            elif not (1 <= len(groups[0]) <= 3) or groups[0].startswith("0"):
                bad = commas[0]
            else:
                bad = next(c for c, g in zip(commas, groups[1:], strict=True) if len(g) != 3)
            return FormatError(f"'{_show(lit)}' is ambiguous: use ',' only between groups of three "
                               "digits, or one '.' as the decimal point", s.at(bad))
    for i in point:
        s = s.replace(i, ".")
    return s.drop(drop), notes


def _digits_info(mantissa: str) -> tuple[int, int]:
    """(decimals, significant figures) of an unsigned plain decimal as written."""
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    return len(frac), (len(digits) if digits else max(1, len(frac)))


def _fmt(x: float) -> str:
    return format(x, ".15g")


class _NotReal(ValueError):
    pass


_FLOAT_FUNCS: dict[type, Callable[[float], float]] = {
    sympy.exp: math.exp, sympy.log: math.log, sympy.sin: math.sin, sympy.cos: math.cos,
    sympy.tan: math.tan, sympy.tanh: math.tanh, sympy.Abs: abs,
}


def _to_float(e: sympy.Basic) -> float:
    """Evaluate a constant sympy tree in floating point. sympy's evalf is not used: nested
    exponentials ("exp(exp(exp(10)))") make it run for minutes; floats overflow at once."""
    if e.is_Rational:
        return int(e.p) / int(e.q)  # type: ignore[attr-defined]
    if e.is_Float:
        return float(e)  # type: ignore[arg-type]
    if e is sympy.pi:
        return math.pi
    if e is sympy.E:
        return math.e
    if e is sympy.I:
        raise _NotReal
    args = [_to_float(a) for a in e.args]
    if e.is_Add:
        return math.fsum(args)
    if e.is_Mul:
        return math.prod(args)
    if e.is_Pow:
        r = args[0] ** args[1]
        if isinstance(r, complex):
            raise _NotReal
        return float(r)
    fn = _FLOAT_FUNCS.get(type(e))
    if fn is None or len(args) != 1:
        raise ValueError(f"cannot evaluate {type(e).__name__}")
    return fn(args[0])


_EULER = sympy.Symbol("e", real=True)


def _evaluate(s: _Src, shown: str) -> float | FormatError:
    """The value of a constant expression; ``e`` (which the lexical check lets through only
    before '^') is Euler's number."""
    try:
        expr = parse_expression(s.text, frozenset({"e"})).subs(_EULER, sympy.E)
    except ExpressionError as e:
        msg = re.sub(r" at position \d+$", "", str(e))
        return FormatError(f"'{shown}' is not a number: {msg}", s.at(e.position))
    except Exception:  # noqa: BLE001 - student input never raises
        return FormatError(f"'{shown}' is not a number", None)
    try:
        if expr.free_symbols:
            return FormatError(f"'{shown}' is not a number", None)
        value = _to_float(expr)
    except _NotReal:
        return FormatError(f"'{shown}' is not a real number", None)
    except ZeroDivisionError:
        return FormatError(f"'{shown}' is not a finite number: division by zero", None)
    except Exception:  # noqa: BLE001 - overflow, math domain errors: all are not finite
        return FormatError(f"'{shown}' is not a finite number", None)
    if not math.isfinite(value):
        return FormatError(f"'{shown}' is not a finite number", None)
    return value


def _is_sep_word(word: str) -> bool:
    """Words between two numbers that make them two answers: Korean ("그리고", "또는"), and/or/to."""
    return bool(_HANGUL_RUN.fullmatch(word)) or word.lower() in _SEP_WORDS


def _is_power_of_e(toks: list[_Tok], k: int) -> bool:
    """Whether the name at ``k`` is the 'e' of "e^0.5" (a lone 'e' is not read as a number)."""
    after = next((t for t in toks[k + 1:] if t.kind != "space"), None)
    return toks[k].text == "e" and after is not None and after.text in ("^", "**")


def _formula(toks: list[_Tok]) -> str | None:
    """The first function a number's tokens call ("e^" for a power of e); √ and sqrt are
    arithmetic, not a formula."""
    for k, tok in enumerate(toks):
        name = GREEK.get(tok.text, tok.text)
        if tok.kind == "name" and name in FUNCTIONS and name != "sqrt":
            return "sigmoid" if name == "sigma" else name
        if tok.kind == "name" and _is_power_of_e(toks, k):
            return "e^"
    return None


def _join_spaced_thousands(s: _Src) -> tuple[_Src, list[str]]:
    """"14 400" (a space or thin space between groups of three digits) → "14400"."""
    if not _SPACED_THOUSANDS.fullmatch(s.text):
        return s, []
    t = s.text
    spaces = {i for i in range(1, len(t) - 1) if t[i] == " " and t[i - 1].isdigit()
              and t[i + 1].isdigit()}
    return s.drop(spaces), ["read ' ' as a thousands separator"]


def _parse_core(s: _Src, comma: CommaMode) -> Number | FormatError:
    """One number in ``s`` (already stripped of words): a plain decimal, scientific notation,
    a percentage or a constant expression; with an ambiguous comma ("1,500", read as 1500) the
    decimal-comma reading as its ``alternative``."""
    got = _parse_one(s, comma)
    if comma == "auto" and isinstance(got, Number) and _AMBIGUOUS_COMMA.search(s.text):
        other = _parse_one(s, "decimal")
        if isinstance(other, Number):
            return replace(got, alternative=other)
    return got


def _parse_one(s: _Src, comma: CommaMode) -> Number | FormatError:
    notes: list[str] = []
    s = s.strip()
    if not s.text:
        return FormatError("expected a number, found nothing", s.end)
    percent = re.search(r"\s*%$", s.text)
    if percent:
        s = s.cut(0, percent.start()).strip()
        if not s.text:
            return FormatError("expected a number before '%'", s.end)
    while s.text.startswith("(") and _match(s.text, 0) == len(s.text) - 1:
        s = s.cut(1, len(s.text) - 1).strip()  # "(0.5)" is still the plain decimal 0.5
    if not s.text:
        return FormatError("expected a number inside '()'", s.end)
    shown = _show(s.text)
    if s.text.lower().lstrip("+-").strip() in _NON_FINITE:
        return FormatError(f"'{shown}' is not a finite number", s.at(0))
    resolved = _resolve_commas(s, comma)
    if isinstance(resolved, FormatError):
        return resolved
    s, comma_notes = resolved
    notes += comma_notes
    s, space_notes = _join_spaced_thousands(s)
    notes += space_notes
    for m in reversed(list(_X_TIMES.finditer(s.text))):
        s = s.replace(m.start(1), "×")
        notes.append("read 'x' as '×'")

    toks = _lex(s.text)
    allowed = FUNCTIONS.keys() | CONSTANTS.keys()
    for k, tok in enumerate(toks):  # the first offending character, in reading order
        if tok.kind == "other" or (tok.kind == "name" and not _is_sep_word(tok.text)
                                   and GREEK.get(tok.text, tok.text) not in allowed
                                   and not _is_power_of_e(toks, k)):
            return FormatError(f"'{shown}' is not a number: unexpected '{tok.text}'", s.at(tok.start))
        if tok.kind == "num" and k and toks[k - 1].kind == "num" and tok.text.startswith("."):
            return FormatError(f"'{shown}' is not a number: two decimal points", s.at(tok.start))
    # several numbers side by side: "0.5 0.6", "0.5, 0.6", "0.5 그리고 0.6"
    groups: list[list[_Tok]] = [[]]
    space = sep = False
    for tok in toks:
        if tok.kind == "space":
            space = True
            continue
        if tok.kind == "sep" or (tok.kind == "name" and _is_sep_word(tok.text)):
            if not groups[-1]:
                return FormatError(f"'{shown}' is not a number: unexpected '{tok.text}'", s.at(tok.start))
            sep = True
            continue
        prev = groups[-1][-1] if groups[-1] else None
        ends_value = prev is not None and (prev.kind == "num" or prev.text == ")")
        if groups[-1] and (sep or (space and ends_value and tok.kind == "num")):
            groups.append([])
        groups[-1].append(tok)
        space = sep = False
    if sep:
        last = next(t for t in reversed(toks) if t.kind == "sep" or t.kind == "name")
        return FormatError(f"'{shown}' is not a number: unexpected '{last.text}' at the end",
                           s.at(last.start))
    if len(groups) > 1:
        return FormatError(f"expected one number, found {len(groups)}", s.at(groups[1][0].start))

    t = s.text
    value: float
    decimals: int | None
    sigfigs: int | None
    if plain := _PLAIN.fullmatch(t):
        value = float(plain.group(1) + plain.group(2))
        decimals, sigfigs = _digits_info(plain.group(2))
    elif sci := _SCI_E.fullmatch(t):
        value = float(f"{sci.group(1)}{sci.group(2)}e{sci.group(3)}")
        decimals, sigfigs = None, _digits_info(sci.group(2))[1]
    elif times := _SCI_TIMES.fullmatch(t):
        g = times.groups()
        exp_sign, exp = (g[2], g[3]) if g[3] else (g[4], g[5])
        value = float(f"{g[0]}{g[1]}e{exp_sign}{exp}")
        decimals, sigfigs = None, _digits_info(g[1])[1]
    else:
        got = _evaluate(s, shown)
        if isinstance(got, FormatError):
            return got
        value, decimals, sigfigs = got, None, None
    if not math.isfinite(value):
        return FormatError(f"'{shown}' is not a finite number", s.at(0))
    if percent:
        value /= 100
        decimals = None if decimals is None else decimals + 2
        notes.append(f"read '{shown}%' as {_fmt(value)}")
    return Number(value, decimals, sigfigs, _dedupe(notes), _formula(toks))


def _start(text: str, *, number: bool, what: str, arrays: bool = False) -> _Edges | FormatError:
    """The shared start of every parser: length check, normalisation, words stripped from the
    edges, and "found only words" when nothing is left."""
    if err := _precheck(text):
        return err
    stripped = _strip_edges(_normalize(text), number=number, arrays=arrays)
    if isinstance(stripped, FormatError):
        return stripped
    if not stripped.src.text:
        return FormatError(f"expected {what}, found only words", None)
    return stripped


def parse_number(text: str) -> Number | FormatError:
    """One number: "0.73", "-0.73", ".5", "1,024", "14 400", "0,73", "1.5e-3", "1.5×10^-3",
    "3/4", "√2/2", "2^10", "50%", full-width digits, with Korean words and units around it
    ("약 0.73입니다", "512차원", "답: 0.73", "0.73 rad"). A formula ("cos(0.1)", "e^0.5") is
    evaluated and marked (:attr:`Number.formula`); an ambiguous comma ("1,500") keeps its other
    reading (:attr:`Number.alternative`)."""
    prepared = _start(text, number=True, what="a number")
    if isinstance(prepared, FormatError):
        return prepared
    got = _parse_core(prepared.src, "auto")
    if isinstance(got, FormatError):
        return got
    return _with_notes_before(got, prepared.notes)


def _with_notes_before(n: Number, notes: list[str]) -> Number:
    """``n`` (and its other reading) with ``notes`` ahead of its own."""
    alternative = n.alternative and _with_notes_before(n.alternative, notes)
    return replace(n, notes=_dedupe(notes + list(n.notes)), alternative=alternative)


# -- vectors and matrices ------------------------------------------------------------------------

_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_BINARY_START = "*/^×·÷∗)"
_OPERATOR_END = "+-*/^×·÷∗(√"


def _check_brackets(s: _Src) -> FormatError | None:
    stack: list[str] = []
    for i, c in enumerate(s.text):
        if c in _PAIRS:
            stack.append(c)
        elif c in _CLOSERS:
            if not stack:
                return FormatError(f"unexpected '{c}': nothing to close", s.at(i))
            o = stack.pop()
            if _PAIRS[o] != c:
                return FormatError(f"expected '{_PAIRS[o]}', found '{c}'", s.at(i))
    if stack:
        return FormatError(f"missing '{_PAIRS[stack[-1]]}'", s.end)
    return None


def _match(t: str, i: int) -> int | None:
    """Index of the bracket closing the one at ``i`` (brackets are balanced)."""
    depth = 0
    for j in range(i, len(t)):
        if t[j] in _PAIRS:
            depth += 1
        elif t[j] in _CLOSERS:
            depth -= 1
            if depth == 0:
                return j
    return None


def _wrapped(s: _Src) -> bool:
    t = s.text
    return bool(t) and t[0] in _PAIRS and _match(t, 0) == len(t) - 1


def _split_top(s: _Src, seps: str) -> tuple[list[_Src], list[int]]:
    """Split at ``seps`` outside brackets; also returns where each separator was."""
    pieces: list[_Src] = []
    where: list[int] = []
    depth, start = 0, 0
    for i, c in enumerate(s.text):
        if c in _PAIRS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
        elif c in seps and depth == 0:
            pieces.append(s.cut(start, i))
            where.append(i)
            start = i + 1
    pieces.append(s.cut(start))
    return pieces, where


def _split_words(p: _Src) -> list[_Src]:
    """Split at whitespace outside brackets, keeping "1.5 × 10^-3", "√2 / 2", "- 0.5" and
    "sqrt (2)" together; a sign glued to a number starts a new element ("0.6 -0.5")."""
    t = p.text
    words: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, c in enumerate(t):
        if c.isspace() and depth == 0:
            if start >= 0:
                words.append((start, i))
                start = -1
            continue
        if start < 0:
            start = i
        if c in _PAIRS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
    if start >= 0:
        words.append((start, len(t)))
    merged: list[list[tuple[int, int]]] = []
    for a, b in words:
        w = t[a:b]
        if merged:
            prev = t[merged[-1][-1][0]:merged[-1][-1][1]]
            if (prev[-1] in _OPERATOR_END or prev in ("x", "X") or w[0] in _BINARY_START
                    or w in ("+", "-", "x", "X")
                    or (w[0] == "(" and prev[-1].isalpha())):
                merged[-1].append((a, b))
                continue
        merged.append([(a, b)])
    return [p.cut(g[0][0], g[-1][1]) for g in merged]


def _split_elements(s: _Src, seps: str, words: bool, notes: list[str]) -> list[_Src] | FormatError:
    pieces, where = _split_top(s, seps)
    if len(pieces) > 1 and not pieces[-1].text.strip():
        notes.append(f"ignored trailing '{s.text[where[-1]]}'")
        pieces.pop()
    out: list[_Src] = []
    for k, piece in enumerate(pieces):
        if not piece.text.strip():
            i = where[k] if k < len(where) else where[-1]
            return FormatError(f"missing a number before '{s.text[i]}'", s.at(i))
        out.extend(_split_words(piece.strip()) if words else [piece.strip()])
    return out


def _parse_elements(elements: list[_Src], comma: CommaMode, label: Callable[[int], str],
                    notes: list[str]) -> list[Number] | FormatError:
    numbers: list[Number] = []
    for k, el in enumerate(elements, 1):
        got = _parse_core(el, comma)
        if isinstance(got, FormatError):
            return FormatError(f"{label(k)}: {got.message}", got.position)
        numbers.append(got)
        notes.extend(got.notes)
    return numbers


def _prepare(text: str, what: str) -> _Edges | FormatError:
    """The start of the vector and matrix parsers: words and a transpose mark stripped, brackets
    checked."""
    prepared = _start(text, number=True, what=what, arrays=True)
    if isinstance(prepared, FormatError):
        return prepared
    if err := _check_brackets(prepared.src):
        return err
    return prepared


def _mark(text: str, span: tuple[int, int]) -> str:
    return text[span[0]:span[1]].strip()


def _first_formula(numbers: list[Number]) -> str | None:
    return next((n.formula for n in numbers if n.formula), None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def parse_vector(text: str, length: int | None = None) -> Vector | FormatError:
    """A list of numbers: "[0.6, 0.5, 0.85]", "0.6 0.5 0.85", "(0.6; 0.5; 0.85)", "<0.6,0.5>",
    "[0,6; 0,5; 0,85]". When ';' is present it separates the numbers and ',' is a decimal
    comma; otherwise ',' or whitespace separates, except that when ``length`` is given and only
    reading ',' as a decimal comma between whitespace-separated numbers gives that many
    ("0,6 0,5 0,85", "[0,5]" for one number), that reading is taken. A column of one-element
    rows ("[[0.2], [0.3]]") and a transpose mark after the closing bracket ("[0.2, 0.3]ᵀ", "^T",
    "'") are read as the same vector. Each element may be any form :func:`parse_number` reads
    (without words around it)."""
    prepared = _prepare(text, "numbers")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, transpose = prepared
    if transpose is not None:
        notes.append(f"ignored the transpose mark '{_mark(text, transpose)}' (a vector's values "
                     "are the same as a row or as a column)")
    while _wrapped(s):
        s = s.cut(1, len(s.text) - 1).strip()
    for i, c in enumerate(s.text):
        if c in "[]{}<>":
            column = _column(s, length, notes)
            if column is not None:
                return column
            return FormatError(f"expected one list of numbers, found '{c}' inside it", s.at(i))
    if not s.text:
        return FormatError("expected numbers, found an empty list", s.end)
    if ";" in s.text:
        return _vector_from(s, ";", False, "decimal", length, notes)
    got = _vector_from(s, ",", True, "auto", length, notes)
    if isinstance(got, FormatError) and length is not None and "," in s.text:
        alternative = _vector_from(s, "", True, "decimal", length, notes)
        if isinstance(alternative, Vector):
            return alternative
    return got


def _vector_from(s: _Src, seps: str, words: bool, comma: CommaMode, length: int | None,
                 notes_before: list[str]) -> Vector | FormatError:
    notes = list(notes_before)
    elements = _split_elements(s, seps, words, notes)
    if isinstance(elements, FormatError):
        return elements
    return _vector_of(elements, comma, length, notes)


def _column(s: _Src, length: int | None, notes: list[str]) -> Vector | FormatError | None:
    """A column vector written as one-element rows ("[0.2], [0.3], [0.5]" once the outer
    brackets are off), or None when ``s`` is not one."""
    rows = _row_groups(s)
    if rows is None or any(not row.text.strip() for row in rows):
        return None
    elements: list[_Src] = []
    for row in rows:
        cells = _split_elements(row.strip(), ",", True, notes)
        if isinstance(cells, FormatError) or len(cells) != 1:
            return None
        elements += cells
    return _vector_of(elements, "auto", length, notes)


def _vector_of(elements: list[_Src], comma: CommaMode, length: int | None, notes: list[str]
               ) -> Vector | FormatError:
    """The vector of ``elements``, which must be ``length`` many when that is given."""
    numbers = _parse_elements(elements, comma, lambda k: f"element {k}", notes)
    if isinstance(numbers, FormatError):
        return numbers
    if length is not None and len(numbers) != length:
        where = elements[length].at(0) if len(numbers) > length else None
        return FormatError(f"expected {_count(length, 'number')}, found {len(numbers)}", where)
    return Vector(tuple(n.value for n in numbers), tuple(n.decimals for n in numbers), _dedupe(notes),
                  _first_formula(numbers))


def _row_groups(s: _Src) -> list[_Src] | None:
    """The bracketed rows of "[1, 2], [3, 4]" (only separators between them), or None."""
    rows: list[_Src] = []
    t = s.text
    i = 0
    while i < len(t):
        c = t[i]
        if c.isspace() or c in ",;":
            i += 1
            continue
        if c not in _PAIRS:
            return None
        j = _match(t, i)
        if j is None:
            return None
        inner = s.cut(i + 1, j)
        row_like = c in "[{" or bool(re.search(r"[,;]|\S\s+\S", inner.text.strip()))
        if not row_like:
            return None
        rows.append(inner)
        i = j + 1
    return rows or None


def _row_label(r: int) -> Callable[[int], str]:
    return lambda k: f"row {r}, element {k}"


def parse_matrix(text: str, shape: tuple[int, int] | None = None) -> Matrix | FormatError:
    """Rows of numbers: "[[1, 2], [3, 4]]", "1 2; 3 4", "[1 2; 3 4]", one row per line.
    Within a row ',' or whitespace separates (no decimal commas). A transpose mark after the
    closing bracket ("[[1, 3], [2, 4]]ᵀ") transposes: the answer is the matrix it denotes."""
    prepared = _prepare(text, "a matrix")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, transpose = prepared
    body = s.cut(1, len(s.text) - 1).strip() if _wrapped(s) else s
    groups = _row_groups(body)
    rows_src: list[_Src]
    if groups is not None:
        rows_src = groups
        for k, row in enumerate(rows_src, 1):
            if not row.text.strip():
                return FormatError(f"row {k} is empty", row.end)
    else:
        rows_src = [r for r in _split_top(body, ";\n")[0] if r.text.strip()]
        if not rows_src:
            return FormatError("expected a matrix, found an empty list", body.end)
    for row in rows_src:
        for i, c in enumerate(row.text):
            if c in "[]{}<>":
                return FormatError(f"unexpected '{c}' inside a row", row.at(i))
    rows: list[tuple[float, ...]] = []
    starts: list[int] = []
    formula: str | None = None
    for r, row in enumerate(rows_src, 1):
        elements = _split_elements(row.strip(), ",", True, notes)
        if isinstance(elements, FormatError):
            return FormatError(f"row {r}: {elements.message}", elements.position)
        numbers = _parse_elements(elements, "auto", _row_label(r), notes)
        if isinstance(numbers, FormatError):
            return numbers
        rows.append(tuple(n.value for n in numbers))
        starts.append(elements[0].at(0))
        formula = formula or _first_formula(numbers)
    for r, row_values in enumerate(rows[1:], 2):
        if len(row_values) != len(rows[0]):
            return FormatError(f"row {r} has {_count(len(row_values), 'number')}, row 1 has "
                               f"{len(rows[0])}", starts[r - 1])
    if transpose is not None:
        rows = [tuple(column) for column in zip(*rows, strict=True)]
        notes.append(f"transposed the matrix (transpose mark '{_mark(text, transpose)}')")
    if shape is not None and (len(rows), len(rows[0])) != tuple(shape):
        return FormatError(f"expected a {shape[0]}×{shape[1]} matrix, found {len(rows)}×{len(rows[0])}",
                           None)
    return Matrix(tuple(rows), _dedupe(notes), formula)


# -- choices -------------------------------------------------------------------------------------

_KO_KEYS = "가나다라마바사아자차카타파하"
_JAMO_KEYS = unicodedata.normalize("NFKC", "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ")  # conjoining forms, as normalised
_CHOICE_SEP_WORDS = ("그리고", "또는", "이랑", "하고", "및", "와", "과", "랑")
_CHOICE_SKIP_WORDS = ("입니다", "이에요", "이예요", "예요", "이요", "이다", "정답은", "정답", "답은", "답",
                      "보기", "번", "임", "요")
_LATIN_SKIP = frozenset({"and", "or", "answer", "ans", "option", "options", "choice", "choices", "is"})
_CHOICE_IGNORED = " ,;/&+·()[]{}<>.:'\"`!"


def parse_choices(text: str, n_options: int, multiple: bool) -> Choices | FormatError:
    """Option keys for a question with ``n_options`` options keyed A, B, C, …: "A", "a", "(a)",
    "A.", "1" (1-based), "①", "가"/"ㄱ" (= A); with ``multiple`` several: "A;C", "AC", "1,3",
    "①③", "A와 C". Duplicates collapse."""
    if not 1 <= n_options <= 26:
        raise ValueError(f"n_options must be between 1 and 26, got {n_options}")
    if early := _precheck(text):
        return early
    s = _normalize(text, circled=True)
    t = s.text
    last = chr(ord("A") + n_options - 1)
    letters = f"A–{last}" if n_options > 1 else "A"
    notes: list[str] = []
    found: dict[str, int] = {}

    def add(index: int, at: int, written: str, kind: str) -> FormatError | None:
        if not 1 <= index <= n_options:
            if kind == "digit":
                span = f"1–{n_options}" if n_options > 1 else "1"
                return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                                   s.at(at))
            if kind == "korean":
                span = f"{_KO_KEYS[0]}–{_KO_KEYS[min(n_options, 14) - 1]}"
                return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                                   s.at(at))
            return FormatError(f"option {written.upper()} does not exist; options are {letters}", s.at(at))
        key = chr(ord("A") + index - 1)
        if kind != "letter":
            shown = text[s.at(at):s.at(at + len(written) - 1) + 1] or written
            notes.append(f"read '{shown}' as {key}")
        if key in found:
            notes.append(f"ignored repeated '{key}'")
        else:
            found[key] = s.at(at)
        return None

    i = 0
    while i < len(t):
        c = t[i]
        if c.isspace() or c in _CHOICE_IGNORED:
            i += 1
            continue
        err: FormatError | None = None
        if "0" <= c <= "9":
            j = i
            while j < len(t) and "0" <= t[j] <= "9":
                j += 1
            run = t[i:j]
            value = int(run) if len(run) < 4 else 10_000
            if len(run) > 1 and multiple and not 1 <= value <= n_options \
                    and all(1 <= int(d) <= n_options for d in run):
                notes.append(f"read '{run}' as {', '.join(run)}")
                for k, d in enumerate(run):
                    err = err or add(int(d), i + k, d, "digit")
            else:
                err = add(value, i, run, "digit")
            i = j
        elif c.isascii() and c.isalpha():
            j = i
            while j < len(t) and t[j].isascii() and t[j].isalpha():
                j += 1
            word = t[i:j]
            if not (len(word) > 1 and word.lower() in _LATIN_SKIP):
                for k, letter in enumerate(word):
                    err = err or add(ord(letter.upper()) - ord("A") + 1, i + k, letter, "letter")
            i = j
        elif _HANGUL_RUN.match(c):
            skip = next((w for w in _CHOICE_SEP_WORDS + _CHOICE_SKIP_WORDS if t.startswith(w, i)), None)
            if skip is not None:
                i += len(skip)
                continue
            if c in _KO_KEYS:
                err = add(_KO_KEYS.index(c) + 1, i, c, "korean")
            elif c in _JAMO_KEYS:
                err = add(_JAMO_KEYS.index(c) + 1, i, c, "korean")
            else:
                err = FormatError(f"unexpected '{c}'; write option letters {letters}", s.at(i))
            i += 1
        else:
            err = FormatError(f"unexpected '{c}'; write option letters {letters}", s.at(i))
        if err is not None:
            return err
    if not found:
        return FormatError(f"expected an option letter {letters}, found none", None)
    if not multiple and len(found) > 1:
        return FormatError(f"expected one option, found {len(found)}", list(found.values())[1])
    return Choices(frozenset(found), _dedupe(notes))


# -- expressions ---------------------------------------------------------------------------------

_X_WORD = re.compile(r"(?<=[\w)])\s+([xX])\s+(?=[\w(√])")


def parse_expression_answer(text: str, variables: frozenset[str]) -> Expression | FormatError:
    """A symbolic answer in ``variables`` ("h*d_v", "d_v·h", "h × d_v", "h d_v"), read by the
    whitelisted parser of :mod:`examgen.mathexpr`; words around it ("답:", "입니다") are
    dropped. A standalone 'x' between terms is read as '×' unless x is a variable."""
    prepared = _start(text, number=False, what="an expression")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, _ = prepared
    if "x" not in variables and "X" not in variables:
        for m in reversed(list(_X_WORD.finditer(s.text))):
            s = s.replace(m.start(1), "×")
            notes.append("read 'x' as '×'")
    try:
        expr = parse_expression(s.text, variables)
    except ExpressionError as e:
        return FormatError(re.sub(r" at position \d+$", "", str(e)), s.at(e.position))
    except Exception:  # noqa: BLE001 - student input never raises
        return FormatError("could not read the expression", None)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return FormatError("the expression is not finite (division by zero?)", None)
    return Expression(expr, _dedupe(notes))
