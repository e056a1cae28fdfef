"""The shared lexer of every parser: text normalised with a map back to what the student typed,
words stripped from the edges, number tokens, brackets, commas resolved."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, NamedTuple

from examgen.grading.parse.records import (
    MAX_ANSWER_LENGTH,
    FormatError,
)

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
    lead = _strip_leading(s, number)
    if isinstance(lead, FormatError):
        return lead
    s, notes, quoted = lead
    transpose: tuple[int, int] | None = None
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
        rest = _strip_trailing_once(s, notes, number)
        if rest is None:
            break
        if isinstance(rest, FormatError):
            return rest
        s = rest
    return _Edges(s, notes, transpose)


def _strip_leading(s: _Src, number: bool) -> tuple[_Src, list[str], bool] | FormatError:
    """Quotes, labels, "=" and "약"/"≈" (numbers), Korean words before the answer: what is
    left, notes on what was dropped, and whether the answer was quoted."""
    notes: list[str] = []
    quoted = False
    while True:
        s = s.strip()
        t = s.text
        m = (_LEAD_QUOTES.match(t) or _LEAD_LABEL.match(t)
             or (_LEAD_ASSIGN.match(t) if number else None)
             or (_LEAD_APPROX if number else _LEAD_APPROX_EXPR).match(t)
             or _HANGUL_RUN.match(t))
        if m is not None and m.group() == "마이너스":
            return FormatError("'마이너스' is not read; write the sign as '-'", s.at(0))
        if m is None or not m.group():
            return s, notes, quoted
        if _LEAD_QUOTES.fullmatch(m.group()):
            quoted = True
        else:
            notes.append(f"ignored '{m.group().strip()}'")
        s = s.cut(m.end())


def _strip_trailing_once(s: _Src, notes: list[str], number: bool) -> _Src | FormatError | None:
    """``s`` (stripped, not empty) without one trailing quote, punctuation, Korean word or
    unit (noted in ``notes``); None when nothing more is to be dropped."""
    t = s.text
    if m := _TRAIL_QUOTES.search(t):
        return s.cut(0, m.start())
    if m := _TRAIL_PUNCT.search(t):
        before = t[:m.start()]
        if before and before[-1].isdigit():
            # "0.73." ends a sentence; "3." is the number 3 written with a point
            if not re.search(r"[0-9]*\.[0-9]+$", before) and m.group() == ".":
                return None
            notes.append(f"ignored trailing '{m.group()}'")
        return s.cut(0, m.start())
    if m := _TRAIL_HANGUL.search(t):
        return _strip_trailing_korean(s, m, notes, number)
    if number and (m := _TRAIL_UNIT.search(t)):
        if m.group().lower() == "percent":
            return s.cut(0, m.start()).strip().append("%", s.at(m.start()))
        notes.append(f"ignored unit '{m.group()}'")
        return s.cut(0, m.start())
    return None


def _strip_trailing_korean(s: _Src, m: re.Match[str], notes: list[str], number: bool
                           ) -> _Src | FormatError:
    """A trailing Korean word ``m``: endings ("입니다") and units dropped, a percent word read
    as "%", a number word refused."""
    start = m.start()
    run = m.group()
    while (ending := next((e for e in _ENDINGS if run.endswith(e)), None)) is not None:
        notes.append(f"ignored '{ending}'")
        run = run[:-len(ending)]
    if run:
        before = s.text[:start].rstrip()
        if run[0] in _NUMBER_WORDS and before[-1:].isdigit():
            return FormatError(f"'{run}' is a Korean number word; write the whole number in "
                               "digits", s.at(start))
        if number and run in _PERCENT_WORDS:
            return s.cut(0, start).append("%", s.at(start))
        notes.append(f"ignored unit '{run}'" if number else f"ignored '{run}'")
    return s.cut(0, start)


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


_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


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


