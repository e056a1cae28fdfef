"""One number: plain, scientific, with a formula or a percent, with words and units around it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace

import sympy

from examgen.grading.parse.lexer import (
    _AMBIGUOUS_COMMA,
    _HANGUL_RUN,
    _NON_FINITE,
    _PLAIN,
    _SCI_E,
    _SCI_TIMES,
    _SEP_WORDS,
    _SPACED_THOUSANDS,
    _X_TIMES,
    CommaMode,
    _dedupe,
    _Edges,
    _lex,
    _match,
    _normalize,
    _precheck,
    _resolve_commas,
    _show,
    _Src,
    _strip_edges,
    _Tok,
)
from examgen.grading.parse.records import (
    FormatError,
    Number,
)
from examgen.mathexpr import CONSTANTS, FUNCTIONS, GREEK, ExpressionError, parse_expression


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
    leaf = _leaf_float(e)
    if leaf is not None:
        return leaf
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


def _leaf_float(e: sympy.Basic) -> float | None:
    """The value of a number or constant (``_NotReal`` for i); None for any other node."""
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
    return None


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
    bare = _bare_number(s)
    if isinstance(bare, FormatError):
        return bare
    s, percent = bare
    shown = _show(s.text)
    if s.text.lower().lstrip("+-").strip() in _NON_FINITE:
        return FormatError(f"'{shown}' is not a finite number", s.at(0))
    prepared = _number_separators(s, comma)
    if isinstance(prepared, FormatError):
        return prepared
    s, notes = prepared
    toks = _lex(s.text)
    err = _check_number_tokens(toks, s, shown)
    if err is None:
        err = _check_one_number(toks, s, shown)
    if err is not None:
        return err
    got = _number_value(s, shown)
    if isinstance(got, FormatError):
        return got
    value, decimals, sigfigs = got
    if not math.isfinite(value):
        return FormatError(f"'{shown}' is not a finite number", s.at(0))
    if percent:
        value /= 100
        decimals = None if decimals is None else decimals + 2
        notes.append(f"read '{shown}%' as {_fmt(value)}")
    return Number(value, decimals, sigfigs, _dedupe(notes), _formula(toks))


def _bare_number(s: _Src) -> tuple[_Src, bool] | FormatError:
    """``s`` without a trailing '%' and enclosing parentheses ("(0.5)" is still the plain
    decimal 0.5), and whether it had the '%'."""
    s = s.strip()
    if not s.text:
        return FormatError("expected a number, found nothing", s.end)
    percent = re.search(r"\s*%$", s.text)
    if percent:
        s = s.cut(0, percent.start()).strip()
        if not s.text:
            return FormatError("expected a number before '%'", s.end)
    while s.text.startswith("(") and _match(s.text, 0) == len(s.text) - 1:
        s = s.cut(1, len(s.text) - 1).strip()
    if not s.text:
        return FormatError("expected a number inside '()'", s.end)
    return s, percent is not None


def _number_separators(s: _Src, comma: CommaMode) -> tuple[_Src, list[str]] | FormatError:
    """Thousands commas and spaces resolved, an 'x' between numbers read as '×'; notes."""
    resolved = _resolve_commas(s, comma)
    if isinstance(resolved, FormatError):
        return resolved
    s, comma_notes = resolved
    notes: list[str] = []
    notes += comma_notes
    s, space_notes = _join_spaced_thousands(s)
    notes += space_notes
    for m in reversed(list(_X_TIMES.finditer(s.text))):
        s = s.replace(m.start(1), "×")
        notes.append("read 'x' as '×'")
    return s, notes


def _check_number_tokens(toks: list[_Tok], s: _Src, shown: str) -> FormatError | None:
    """The first offending character, in reading order: a word that is no function, constant
    or separator word, or a second decimal point."""
    allowed = FUNCTIONS.keys() | CONSTANTS.keys()
    for k, tok in enumerate(toks):
        if tok.kind == "other" or (tok.kind == "name" and not _is_sep_word(tok.text)
                                   and GREEK.get(tok.text, tok.text) not in allowed
                                   and not _is_power_of_e(toks, k)):
            return FormatError(f"'{shown}' is not a number: unexpected '{tok.text}'", s.at(tok.start))
        if tok.kind == "num" and k and toks[k - 1].kind == "num" and tok.text.startswith("."):
            return FormatError(f"'{shown}' is not a number: two decimal points", s.at(tok.start))
    return None


def _check_one_number(toks: list[_Tok], s: _Src, shown: str) -> FormatError | None:
    """An error when the tokens are several numbers side by side: "0.5 0.6", "0.5, 0.6",
    "0.5 그리고 0.6"."""
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
    return None


def _number_value(s: _Src, shown: str) -> tuple[float, int | None, int | None] | FormatError:
    """The value, decimals and significant figures of a plain decimal or scientific notation;
    the value alone of a constant expression."""
    t = s.text
    if plain := _PLAIN.fullmatch(t):
        decimals, sigfigs = _digits_info(plain.group(2))
        return float(plain.group(1) + plain.group(2)), decimals, sigfigs
    if sci := _SCI_E.fullmatch(t):
        return float(f"{sci.group(1)}{sci.group(2)}e{sci.group(3)}"), None, \
            _digits_info(sci.group(2))[1]
    if times := _SCI_TIMES.fullmatch(t):
        g = times.groups()
        exp_sign, exp = (g[2], g[3]) if g[3] else (g[4], g[5])
        return float(f"{g[0]}{g[1]}e{exp_sign}{exp}"), None, _digits_info(g[1])[1]
    got = _evaluate(s, shown)
    if isinstance(got, FormatError):
        return got
    return got, None, None


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


