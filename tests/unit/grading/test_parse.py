"""Parsing student answers: every accepted form with its value and written precision, every
refusal with its message and position, code injection, and properties over random text."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from examgen.grading import parse as P
from examgen.grading.parse import (
    Choices,
    Expression,
    FormatError,
    Matrix,
    Number,
    Vector,
    is_blank,
    normalize_text,
    parse_choices,
    parse_expression_answer,
    parse_matrix,
    parse_number,
    parse_vector,
)

H, DV, DM = sympy.symbols("h d_v d_model", real=True)
VARS = frozenset({"h", "d_v", "d_model"})
SQRT2_2 = 0.7071067811865476  # √2/2 to double precision


def test_public_surface_is_pinned() -> None:
    assert sorted(P.__all__) == sorted([
        "MAX_ANSWER_LENGTH", "Choices", "Expression", "FormatError", "Matrix", "Number", "Vector",
        "is_blank", "normalize_text", "parse_choices", "parse_expression_answer", "parse_matrix",
        "parse_number", "parse_vector",
    ])


# -- blank and normalisation ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\t\n", "-", "—", "–", "N/A", "n/a", "없음", "모름",
                                  "모르겠습니다", "?", "??", " ? ", "none", "잘 모르겠어요", "\u3000"])
def test_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["0", "A", "가", "-1", "0.73", "h*d_v", "x", "없다고 생각함", "?" * 2 + "1"])
def test_is_not_blank(text: str) -> None:
    assert not is_blank(text)


@pytest.mark.parametrize("text, expected", [
    ("０.７３", "0.73"),
    ("ＡＢＣ", "ABC"),
    ("［１，２］", "[1,2]"),
    ("  a   b \n c ", "a b c"),
    ("−0.5", "-0.5"),
    ("–0.5 — 1", "-0.5 - 1"),
    ("d_v·h", "d_v·h"),
    ("10⁻³", "10^-3"),
    ("x²+1", "x^2+1"),
    ("\ufeff0.5\u200b", "0.5"),
    ("약　0.73", "약 0.73"),
    ("①", "1"),
])
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_decomposed_korean_is_composed() -> None:
    nfd = "0.73\u110b\u1175\u11b8\u1102\u1175\u1103\u1161"  # "입니다" as macOS writes it (NFD)
    assert normalize_text(nfd) == "0.73입니다"
    got = parse_number(nfd)
    assert isinstance(got, Number) and got.value == 0.73 and got.notes == ("ignored '입니다'",)


# -- numbers -------------------------------------------------------------------------------------

NUMBERS = [
    # text, value, decimals, sigfigs, note (a fragment that must appear in one note; None: no notes)
    ("0.73", 0.73, 2, 2, None),
    ("-0.73", -0.73, 2, 2, None),
    ("+2", 2.0, 0, 1, None),
    (".5", 0.5, 1, 1, None),
    ("3", 3.0, 0, 1, None),
    ("3.", 3.0, 0, 1, None),
    ("512", 512.0, 0, 3, None),
    ("0.730", 0.73, 3, 3, None),
    ("0.0730", 0.073, 4, 3, None),
    ("1000", 1000.0, 0, 4, None),
    ("0.00", 0.0, 2, 2, None),
    ("- 0.73", -0.73, 2, 2, None),
    ("−0.73", -0.73, 2, 2, None),
    ("(0.5)", 0.5, 1, 1, None),
    ("1,024", 1024.0, 0, 4, "read ',' as a thousands separator"),
    ("1,050,624", 1050624.0, 0, 7, "thousands separator"),
    ("1,024.5", 1024.5, 1, 5, "thousands separator"),
    ("14 400", 14400.0, 0, 5, "read ' ' as a thousands separator"),
    ("14\u2009400", 14400.0, 0, 5, "read ' ' as a thousands separator"),   # thin space
    ("14\u202f400", 14400.0, 0, 5, "thousands separator"),                # narrow no-break space
    ("1 050 624", 1050624.0, 0, 7, "thousands separator"),
    ("-14 400.5", -14400.5, 1, 6, "thousands separator"),
    ("약 14 400개", 14400.0, 0, 5, "thousands separator"),
    ("0,73", 0.73, 2, 2, "read ',' as a decimal point"),
    ("0,730", 0.73, 3, 3, "decimal point"),
    ("1,5", 1.5, 1, 2, "decimal point"),
    ("1,2345", 1.2345, 4, 5, "decimal point"),
    ("1.5e-3", 0.0015, None, 2, None),
    ("1.2e-3", 0.0012, None, 2, None),
    ("1.50e-3", 0.0015, None, 3, None),
    ("1.5E3", 1500.0, None, 2, None),
    ("1e+16", 1e16, None, 1, None),
    ("1.5×10^-3", 0.0015, None, 2, None),
    ("1.5 × 10^-3", 0.0015, None, 2, None),
    ("1.5 x 10^-3", 0.0015, None, 2, "read 'x' as '×'"),
    ("1.5*10**-3", 0.0015, None, 2, None),
    ("1.5·10^(-3)", 0.0015, None, 2, None),
    ("1.5·10⁻³", 0.0015, None, 2, None),
    ("3/4", 0.75, None, None, None),
    ("-3/4", -0.75, None, None, None),
    ("√2/2", SQRT2_2, None, None, None),
    ("sqrt(2)/2", SQRT2_2, None, None, None),
    ("2 √2", 2 * 1.4142135623730951, None, None, None),
    ("2^10", 1024.0, None, None, None),
    ("2¹⁰", 1024.0, None, None, None),
    ("½", 0.5, None, None, None),
    ("π/2", math.pi / 2, None, None, None),
    ("exp(0)", 1.0, None, None, None),
    ("sigmoid(0)", 0.5, None, None, None),
    ("50%", 0.5, 2, 2, "read '50%' as 0.5"),
    ("73%", 0.73, 2, 2, "read '73%' as 0.73"),
    ("12.5 %", 0.125, 3, 3, "as 0.125"),
    ("50퍼센트", 0.5, 2, 2, "read '50%' as 0.5"),
    ("０.７３", 0.73, 2, 2, None),
    ("－０．７３", -0.73, 2, 2, None),
    ("약 0.73", 0.73, 2, 2, "ignored '약'"),
    ("약0.73", 0.73, 2, 2, "ignored '약'"),
    ("0.73입니다", 0.73, 2, 2, "ignored '입니다'"),
    ("0.73입니다.", 0.73, 2, 2, "ignored '입니다'"),
    ("답: 0.73", 0.73, 2, 2, "ignored '답:'"),
    ("정답은 0.73입니다", 0.73, 2, 2, "ignored '정답은'"),
    ("512차원", 512.0, 0, 3, "ignored unit '차원'"),
    ("512 차원입니다", 512.0, 0, 3, "ignored unit '차원'"),
    ("≈0.73", 0.73, 2, 2, "ignored '≈'"),
    ("= 0.73", 0.73, 2, 2, "ignored '='"),
    ("~0.73", 0.73, 2, 2, "ignored '~'"),
    ("about 0.73", 0.73, 2, 2, "ignored 'about'"),
    ("d_v = 64", 64.0, 0, 2, "ignored 'd_v ='"),
    ("0.73 rad", 0.73, 2, 2, "ignored unit 'rad'"),
    ("512 dims", 512.0, 0, 3, "ignored unit 'dims'"),
    ("약 1,050,624개", 1050624.0, 0, 7, "ignored unit '개'"),
    ("0.73 정도", 0.73, 2, 2, "ignored '정도'"),
    ("0.73.", 0.73, 2, 2, "ignored trailing '.'"),
    ("0.73?", 0.73, 2, 2, "ignored trailing '?'"),
    ("'0.73", 0.73, 2, 2, None),
    ("\ufeff0.73", 0.73, 2, 2, None),
]


@pytest.mark.parametrize("text, value, decimals, sigfigs, note", NUMBERS)
def test_parse_number_accepts(text: str, value: float, decimals: int | None, sigfigs: int | None,
                              note: str | None) -> None:
    got = parse_number(text)
    assert isinstance(got, Number), got
    if decimals is not None:
        assert got.value == value  # a plain decimal is read exactly as float() reads it
    else:
        assert math.isclose(got.value, value, rel_tol=1e-12)
    assert (got.decimals, got.sigfigs) == (decimals, sigfigs)
    if note is None:
        assert got.notes == ()
    else:
        assert any(note in n for n in got.notes), got.notes


def test_parse_number_notes_in_order() -> None:
    got = parse_number("약 1,050,624개")
    assert isinstance(got, Number)
    assert got.notes == ("ignored '약'", "ignored unit '개'", "read ',' as a thousands separator")


NUMBER_ERRORS = [
    # text, message fragment, position in the original text
    ("0.5 0.6", "expected one number, found 2", 4),
    ("0.5, 0.6", "expected one number, found 2", 5),
    ("0.5 그리고 0.6", "expected one number, found 2", 8),
    ("0.5~0.6", "expected one number, found 2", 4),
    ("1 2 3", "expected one number, found 3", 2),
    ("14 40", "expected one number, found 2", 3),        # groups of three digits only
    ("14  400", "expected one number, found 2", 4),      # one space, not two
    ("0 400", "expected one number, found 2", 2),        # no group starts with 0
    ("1400 000", "expected one number, found 2", 5),     # the first group has 1-3 digits
    ("2 3/4", "expected one number, found 2", 2),
    ("0.7a3", "'0.7a3' is not a number: unexpected 'a'", 3),
    ("약 0.7a3입니다", "unexpected 'a'", 5),
    ("0.7.3", "'0.7.3' is not a number: two decimal points", 3),
    ("1.2.3", "two decimal points", 3),
    ("1..2", "two decimal points", 2),
    ("약", "expected a number, found only words", None),
    ("답: 입니다", "found only words", None),
    ("nan", "not a finite number", 0),
    ("NaN", "not a finite number", 0),
    ("inf", "not a finite number", 0),
    ("-inf", "not a finite number", 0),
    ("∞", "not a finite number", 0),
    ("1e400", "not a finite number", 0),
    ("1/0", "not a finite number", None),
    ("log(0)", "not a finite number", None),
    ("exp(exp(exp(10)))", "not a finite number", 4),  # the exp that overflows; sympy would run for minutes
    ("(-8)^(1/3)", "not a real number", None),
    ("1,234,5", "ambiguous", 5),
    ("12,34,567", "ambiguous", 2),
    ("0,123,456", "ambiguous", 1),
    ("5만", "Korean number word", 1),
    ("3 천", "Korean number word", 2),
    ("마이너스 3", "write the sign as '-'", 0),
    ("0.5 and", "unexpected 'and' at the end", 4),
    ("0.5 # 1", "unexpected '#'", 4),
    ("0.73 ± 0.01", "unexpected '±'", 5),
    ("h*d_v", "unexpected 'h'", 0),
    ("(0.5", "missing ')'", 4),
    ("10^400", "exponent larger than 64", 2),
    ("()", "expected a number inside '()'", 1),
    ("%", "expected a number before '%'", 0),
]


@pytest.mark.parametrize("text, fragment, position", NUMBER_ERRORS)
def test_parse_number_rejects(text: str, fragment: str, position: int | None) -> None:
    got = parse_number(text)
    assert isinstance(got, FormatError), got
    assert fragment in got.message
    assert got.position == position


@pytest.mark.parametrize("text, value, other", [
    # one comma, three digits after it, a whole part of 1-3 digits (not 0): thousands or decimal
    ("1,500", 1500.0, 1.5),
    ("5,632", 5632.0, 5.632),
    ("12,345", 12345.0, 12.345),
    ("약 1,024개", 1024.0, 1.024),
    ("0,378", 0.378, None),          # a thousands group never follows a lone 0
    ("1,5", 1.5, None),              # two digits after the comma: a decimal comma
    ("1,024.5", 1024.5, None),       # a point as well: the comma separates thousands
    ("1,050,624", 1050624.0, None),  # two commas: thousands
    ("1500", 1500.0, None),
])
def test_ambiguous_comma_keeps_the_other_reading(text: str, value: float, other: float | None
                                                  ) -> None:
    got = parse_number(text)
    assert isinstance(got, Number) and got.value == value
    if other is None:
        assert got.alternative is None
    else:
        assert got.alternative is not None and got.alternative.value == other
        assert got.alternative.decimals == 3
        assert any("decimal point" in n for n in got.alternative.notes)


@pytest.mark.parametrize("text, value, formula", [
    # named functions (and e^) make a formula, not a computed number; arithmetic does not
    ("exp(0)", 1.0, "exp"),
    ("sigmoid(0)", 0.5, "sigmoid"),
    ("σ(0)", 0.5, "sigmoid"),
    ("cos(3/10000^(6/16))", math.cos(3 / 10000 ** (6 / 16)), "cos"),
    ("1/(1+exp(0.5))", 1 / (1 + math.exp(0.5)), "exp"),
    ("1/(1+e^0.5)", 1 / (1 + math.exp(0.5)), "e^"),
    ("1/(1+e^(0.5))", 1 / (1 + math.exp(0.5)), "e^"),
    ("tanh(-2)", math.tanh(-2), "tanh"),
    ("약 log(2)입니다", math.log(2), "log"),
    ("√2/2", SQRT2_2, None),
    ("sqrt(2)/2", SQRT2_2, None),
    ("2^10", 1024.0, None),
    ("3/4", 0.75, None),
    ("π/2", math.pi / 2, None),
    ("1.5e-3", 0.0015, None),
    ("0.73", 0.73, None),
])
def test_formula_is_marked(text: str, value: float, formula: str | None) -> None:
    got = parse_number(text)
    assert isinstance(got, Number), got
    assert math.isclose(got.value, value, rel_tol=1e-12)
    assert got.formula == formula


@pytest.mark.parametrize("text, fragment, position", [
    ("e", "unexpected 'e'", 0),          # e alone is not read as Euler's number
    ("2e", "unexpected 'e'", 1),
    ("e*2", "unexpected 'e'", 0),
])
def test_bare_e_is_not_a_number(text: str, fragment: str, position: int) -> None:
    got = parse_number(text)
    assert isinstance(got, FormatError) and fragment in got.message, got
    assert got.position == position


def test_formula_in_a_vector_or_matrix_is_marked() -> None:
    vec = parse_vector("[exp(0), 0.5]", 2)
    assert isinstance(vec, Vector) and vec.values == (1.0, 0.5) and vec.formula == "exp"
    mat = parse_matrix("[[1, 2], [tanh(0), 4]]", (2, 2))
    assert isinstance(mat, Matrix) and mat.formula == "tanh"
    plain = parse_vector("[1/2, √2/2]", 2)
    assert isinstance(plain, Vector) and plain.formula is None


def test_blank_number_is_a_format_error_without_position() -> None:
    assert parse_number("  ") == FormatError("empty answer", None)


# -- vectors -------------------------------------------------------------------------------------

VECTORS = [
    # text, length, values, decimals, note
    ("[0.6, 0.5, 0.85]", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("0.6 0.5 0.85", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("(0.6; 0.5; 0.85)", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("0.6, 0.5, 0.85", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("0.6,0.5,0.85", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("[0,6; 0,5; 0,85]", 3, (0.6, 0.5, 0.85), (1, 1, 2), "read ',' as a decimal point"),
    ("[1,024; 2]", 2, (1.024, 2.0), (3, 0), "decimal point"),
    ("<0.6,0.5>", 2, (0.6, 0.5), (1, 1), None),
    ("〈0.6, 0.5〉", 2, (0.6, 0.5), (1, 1), None),
    ("{0.6, 0.5}", 2, (0.6, 0.5), (1, 1), None),
    ("［０.６，０.５，０.８５］", 3, (0.6, 0.5, 0.85), (1, 1, 2), None),
    ("（０.６；０.５）", 2, (0.6, 0.5), (1, 1), None),
    ("[1/2, √2/2, sqrt(2)]", 3, (0.5, SQRT2_2, 1.4142135623730951), (None, None, None), None),
    ("[√2 / 2, 3/4]", 2, (SQRT2_2, 0.75), (None, None), None),
    ("[1.5 × 10^-3 2]", 2, (0.0015, 2.0), (None, 0), None),
    ("1.5 x 10^-3, 2", 2, (0.0015, 2.0), (None, 0), "read 'x' as '×'"),
    ("0.6 -0.5", 2, (0.6, -0.5), (1, 1), None),
    ("-0.6, -0.5", 2, (-0.6, -0.5), (1, 1), None),
    ("[-1 +2]", 2, (-1.0, 2.0), (0, 0), None),
    ("0.6 - 0.5", 1, (0.1,), (None,), None),  # a spaced minus subtracts
    ("[0.6, 0.5,]", 2, (0.6, 0.5), (1, 1), "ignored trailing ','"),
    ("[50%, 25%]", 2, (0.5, 0.25), (2, 2), "read '50%' as 0.5"),
    ("v = [0.6, 0.5]입니다", 2, (0.6, 0.5), (1, 1), "ignored '입니다'"),
    ("답: [0.6 0.5]", 2, (0.6, 0.5), (1, 1), "ignored '답:'"),
    ("[[0.6, 0.5]]", 2, (0.6, 0.5), (1, 1), None),
    ("7", 1, (7.0,), (0,), None),
    ("-0.5", 1, (-0.5,), (1,), None),
    # transposed (a column written as a row): the values are the same
    ("[0.2 0.3 0.5]^T", 3, (0.2, 0.3, 0.5), (1, 1, 1), "ignored the transpose mark '^T'"),
    ("[0.2, 0.3, 0.5]ᵀ", 3, (0.2, 0.3, 0.5), (1, 1, 1), "ignored the transpose mark 'ᵀ'"),
    ("(0.2, 0.3, 0.5)ᵀ", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("[0.2, 0.3, 0.5]^t", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("[0.2, 0.3, 0.5]^{T}", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark '^{T}'"),
    ("[0.2, 0.3, 0.5] ^ T", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("[0.2, 0.3, 0.5]'", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("[0.2, 0.3, 0.5]⊤", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("[0,2; 0,3; 0,5]ᵀ", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("답: [0.2, 0.3, 0.5]ᵀ입니다", 3, (0.2, 0.3, 0.5), (1, 1, 1), "transpose mark"),
    ("'[0.2, 0.3, 0.5]'", 3, (0.2, 0.3, 0.5), (1, 1, 1), None),  # quoted, not transposed
    # a column: one-element rows
    ("[[0.2],[0.3],[0.5]]", 3, (0.2, 0.3, 0.5), (1, 1, 1), None),
    ("[[0.2]; [0.3]; [0.5]]", 3, (0.2, 0.3, 0.5), (1, 1, 1), None),
    ("[[0.2] [0.3] [0.5]]", 3, (0.2, 0.3, 0.5), (1, 1, 1), None),
    ("[[1/5], [0.3], [0.5]]ᵀ", 3, (0.2, 0.3, 0.5), (None, 1, 1), "transpose mark"),
]


@pytest.mark.parametrize("text, length, values, decimals, note", VECTORS)
def test_parse_vector_accepts(text: str, length: int, values: tuple[float, ...],
                              decimals: tuple[int | None, ...], note: str | None) -> None:
    for given_length in (None, length):
        got = parse_vector(text, given_length)
        assert isinstance(got, Vector), got
        assert len(got.values) == len(values)
        assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(got.values, values, strict=True))
        assert got.decimals == decimals
        if note is None:
            assert got.notes == ()
        else:
            assert any(note in n for n in got.notes), got.notes


VECTOR_ERRORS = [
    # text, length, fragment, position
    ("[0.6, 0.5]", 3, "expected 3 numbers, found 2", None),
    ("[0.6, 0.5, 0.1, 0.2]", 3, "expected 3 numbers, found 4", 16),
    ("[0.6]", 2, "expected 2 numbers, found 1", None),
    ("[0.6, 0.5]", 1, "expected 1 number, found 2", 6),
    ("[0.6,,0.5]", None, "missing a number before ','", 5),
    ("[,0.6]", None, "missing a number before ','", 1),
    ("[0.6, 0.5", None, "missing ']'", 9),
    ("[0.6, 0.5]]", None, "unexpected ']'", 10),
    ("[0.6, 0.5)", None, "expected ']', found ')'", 9),
    ("[[1, 2], [3, 4]]", None, "found '[' inside it", 1),
    ("[[1, 2], [3, 4]]ᵀ", None, "found '[' inside it", 1),
    ("[[0.2], [0.3]]", 3, "expected 3 numbers, found 2", None),
    ("[[0.2], [0.3], [0.5], [0.1]]", 3, "expected 3 numbers, found 4", 23),
    ("0.2 0.3^T", None, "element 2: '0.3^T' is not a number", 8),   # a mark follows a bracket
    ("[]", None, "found an empty list", 1),
    ("[0.6, 0.7a]", None, "element 2: '0.7a' is not a number: unexpected 'a'", 9),
    ("[0.6, 0.7.1]", None, "element 2: '0.7.1' is not a number: two decimal points", 9),
    ("[1 2; 3]", None, "element 1: expected one number, found 2", 3),
    ("[0,6; 0,5,1]", None, "element 2: '0,5,1' is ambiguous", 9),
    ("[0.6, nan]", None, "element 2: 'nan' is not a finite number", 6),
    ("모르는 값", None, "expected numbers, found only words", None),
]


@pytest.mark.parametrize("text, length, fragment, position", VECTOR_ERRORS)
def test_parse_vector_rejects(text: str, length: int | None, fragment: str, position: int | None) -> None:
    got = parse_vector(text, length)
    assert isinstance(got, FormatError), got
    assert fragment in got.message
    assert got.position == position


# -- matrices ------------------------------------------------------------------------------------

M22 = ((1.0, 2.0), (3.0, 4.0))

MATRICES = [
    ("[[1, 2], [3, 4]]", M22),
    ("[[1,2],[3,4]]", M22),
    ("[1, 2], [3, 4]", M22),
    ("[1, 2]\n[3, 4]", M22),
    ("((1, 2), (3, 4))", M22),
    ("1 2; 3 4", M22),
    ("[1 2; 3 4]", M22),
    ("1, 2; 3, 4", M22),
    ("1 2\n3 4", M22),
    ("1 2\r\n3 4\r\n", M22),
    ("1 2;\n3 4;", M22),
    ("［［１，２］，［３，４］］", M22),
    ("답: [[1, 2], [3, 4]]입니다", M22),
    ("[[0.5, -1/2], [√2/2, 1e-3]]", ((0.5, -0.5), (SQRT2_2, 0.001))),
    ("[1, 2, 3]", ((1.0, 2.0, 3.0),)),
    ("[[1, 2, 3]]", ((1.0, 2.0, 3.0),)),
    ("[[1], [2]]", ((1.0,), (2.0,))),
    ("5", ((5.0,),)),
    ("[[1, 3], [2, 4]]^T", M22),           # a transpose mark transposes
    ("[[1, 3], [2, 4]]ᵀ", M22),
    ("[[1, 3], [2, 4]]'", M22),
    ("[1 3; 2 4]^{T}", M22),
    ("답: [[1, 3], [2, 4]]ᵀ입니다", M22),
    ("[1, 2, 3]^T", ((1.0,), (2.0,), (3.0,))),
    ("'[[1, 2], [3, 4]]'", M22),            # quoted, not transposed
]


@pytest.mark.parametrize("text, rows", MATRICES)
def test_parse_matrix_accepts(text: str, rows: tuple[tuple[float, ...], ...]) -> None:
    for shape in (None, (len(rows), len(rows[0]))):
        got = parse_matrix(text, shape)
        assert isinstance(got, Matrix), got
        assert len(got.rows) == len(rows)
        for a, b in zip(got.rows, rows, strict=True):
            assert len(a) == len(b)
            assert all(math.isclose(x, y, rel_tol=1e-12) for x, y in zip(a, b, strict=True))


def test_matrix_transpose_says_so() -> None:
    got = parse_matrix("[[1, 3], [2, 4]]ᵀ", (2, 2))
    assert isinstance(got, Matrix) and got.rows == M22
    assert got.notes == ("transposed the matrix (transpose mark 'ᵀ')",)
    assert parse_matrix("[[1, 2], [3, 4]]").notes == ()  # type: ignore[union-attr]


MATRIX_ERRORS = [
    ("[[1, 2], [3, 4, 5]]", None, "row 2 has 3 numbers, row 1 has 2", 10),
    ("1 2; 3", None, "row 2 has 1 number, row 1 has 2", 5),
    ("1 2\n3 4 5", None, "row 2 has 3 numbers, row 1 has 2", 4),
    ("[[1, 2], [3, 4]]", (2, 3), "expected a 2×3 matrix, found 2×2", None),
    ("[[1, 2, 3], [4, 5, 6]]^T", (2, 3), "expected a 2×3 matrix, found 3×2", None),
    ("[1, 2, 3]", (2, 2), "expected a 2×2 matrix, found 1×3", None),
    ("[[1, 2], []]", None, "row 2 is empty", 10),
    ("[[1, 2], [3, x]]", None, "row 2, element 2: 'x' is not a number", 13),
    ("[[1, 2], [3, 4]", None, "missing ']'", 15),
    ("[1 2; 3 [4]]", None, "unexpected '[' inside a row", 8),
    ("[]", None, "expected a matrix, found an empty list", 1),
    ("1 2; 3 4.4.4", None, "row 2, element 2: '4.4.4' is not a number: two decimal points", 10),
]


@pytest.mark.parametrize("text, shape, fragment, position", MATRIX_ERRORS)
def test_parse_matrix_rejects(text: str, shape: tuple[int, int] | None, fragment: str,
                              position: int | None) -> None:
    got = parse_matrix(text, shape)
    assert isinstance(got, FormatError), got
    assert fragment in got.message
    assert got.position == position


# -- choices -------------------------------------------------------------------------------------

CHOICES = [
    # text, multiple, keys, note
    ("A", False, "A", None),
    ("a", False, "A", None),
    ("(a)", False, "A", None),
    ("A.", False, "A", None),
    ("A)", False, "A", None),
    (" b ", False, "B", None),
    ("1", False, "A", "read '1' as A"),
    ("4", False, "D", "read '4' as D"),
    ("3번", False, "C", "read '3' as C"),
    ("①", False, "A", "read '①' as A"),
    ("②", False, "B", "read '②' as B"),
    ("❸", False, "C", "read '❸' as C"),
    ("Ⓑ", False, "B", None),
    ("Ｃ", False, "C", None),
    ("가", False, "A", "read '가' as A"),
    ("나", False, "B", "read '나' as B"),
    ("다", False, "C", "read '다' as C"),
    ("라", False, "D", "read '라' as D"),
    ("ㄷ", False, "C", "read 'ㄷ' as C"),
    ("답: B", False, "B", None),
    ("정답은 C입니다", False, "C", None),
    ("다입니다", False, "C", "read '다' as C"),
    ("option B", False, "B", None),
    ("A, A", False, "A", "ignored repeated 'A'"),
    ("A;C", True, "AC", None),
    ("A, C", True, "AC", None),
    ("AC", True, "AC", None),
    ("a c", True, "AC", None),
    ("1,3", True, "AC", "read '3' as C"),
    ("①③", True, "AC", "read '③' as C"),
    ("A와 C", True, "AC", None),
    ("A 그리고 C", True, "AC", None),
    ("가, 다", True, "AC", "read '다' as C"),
    ("A and C", True, "AC", None),
    ("13", True, "AC", "read '13' as 1, 3"),
    ("C, A, C", True, "AC", "ignored repeated 'C'"),
    ("B", True, "B", None),
]


@pytest.mark.parametrize("text, multiple, keys, note", CHOICES)
def test_parse_choices_accepts(text: str, multiple: bool, keys: str, note: str | None) -> None:
    got = parse_choices(text, 4, multiple)
    assert isinstance(got, Choices), got
    assert got.keys == frozenset(keys)
    if note is None:
        assert got.notes == ()
    else:
        assert any(note in n for n in got.notes), got.notes


CHOICE_ERRORS = [
    # text, n_options, multiple, fragment, position
    ("E", 4, False, "option E does not exist; options are A–D", 0),
    ("e", 4, False, "option E does not exist; options are A–D", 0),
    ("A, E", 4, True, "option E does not exist; options are A–D", 3),
    ("5", 4, False, "option 5 does not exist; options are 1–4 (A–D)", 0),
    ("0", 4, False, "option 0 does not exist", 0),
    ("⑤", 4, False, "option 5 does not exist", 0),
    ("마", 4, False, "option 마 does not exist; options are 가–라 (A–D)", 0),
    ("C", 2, False, "option C does not exist; options are A–B", 0),
    ("B", 1, False, "option B does not exist; options are A", 0),
    ("A, C", 4, False, "expected one option, found 2", 3),
    ("AC", 4, False, "expected one option, found 2", 1),
    ("A와 C", 4, False, "expected one option, found 2", 3),
    ("13", 4, False, "option 13 does not exist", 0),
    ("A-C", 4, True, "unexpected '-'", 1),
    ("A?", 4, False, "unexpected '?'", 1),
    ("A #C", 4, True, "unexpected '#'", 2),
    ("정확히는 A", 4, False, "unexpected '정'", 0),
    ("()", 4, False, "expected an option letter A–D, found none", None),
]


@pytest.mark.parametrize("text, n, multiple, fragment, position", CHOICE_ERRORS)
def test_parse_choices_rejects(text: str, n: int, multiple: bool, fragment: str,
                               position: int | None) -> None:
    got = parse_choices(text, n, multiple)
    assert isinstance(got, FormatError), got
    assert fragment in got.message
    assert got.position == position


def test_parse_choices_refuses_a_bad_option_count() -> None:
    with pytest.raises(ValueError, match="n_options"):
        parse_choices("A", 0, False)


# -- expressions ---------------------------------------------------------------------------------

EXPRESSIONS = [
    ("h*d_v", H * DV, None),
    ("d_v·h", H * DV, None),
    ("d_v ㆍ h", H * DV, None),
    ("h × d_v", H * DV, None),
    ("h x d_v", H * DV, "read 'x' as '×'"),
    ("h d_v", H * DV, None),
    ("ｈ＊ｄ_ｖ", H * DV, None),
    ("답: h*d_v", H * DV, "ignored '답:'"),
    ("h*d_v입니다", H * DV, "ignored '입니다'"),
    ("= h d_v", H * DV, "ignored '='"),
    ("d_model²", DM**2, None),
    ("4 d_model^2 + 4d_model", 4 * DM**2 + 4 * DM, None),
    ("d_model/h", DM / H, None),
    ("√2/2", sympy.sqrt(2) / 2, None),
]


@pytest.mark.parametrize("text, expected, note", EXPRESSIONS)
def test_parse_expression_answer_accepts(text: str, expected: sympy.Expr, note: str | None) -> None:
    got = parse_expression_answer(text, VARS)
    assert isinstance(got, Expression), got
    assert sympy.simplify(got.expr - expected) == 0
    if note is None:
        assert got.notes == ()
    else:
        assert any(note in n for n in got.notes), got.notes


def test_x_stays_a_variable_when_it_is_one() -> None:
    got = parse_expression_answer("h x d_v", frozenset({"h", "x", "d_v"}))
    assert isinstance(got, Expression)
    assert got.expr.has(sympy.Symbol("x", real=True))


EXPRESSION_ERRORS = [
    ("h*d_k", "unknown name 'd_k' (allowed: d_model, d_v, h)", 2),
    ("답: h*d_k", "unknown name 'd_k'", 5),
    ("(h*d_v", "missing ')'", 6),
    ("h*d_v)", "unexpected ')'", 5),
    ("h*d_v)입니다", "unexpected ')'", 5),
    ("h @ d_v", "unexpected character '@'", 2),
    ("ｈ＠ｄ_ｖ", "unexpected character '@'", 1),
    ("h*", "ends too early", 2),
    ("h 곱하기 d_v", "unknown name '곱하기'", 2),
    ("h/0", "not finite", None),
    ("입니다", "expected an expression, found only words", None),
]


@pytest.mark.parametrize("text, fragment, position", EXPRESSION_ERRORS)
def test_parse_expression_answer_rejects(text: str, fragment: str, position: int | None) -> None:
    got = parse_expression_answer(text, VARS)
    assert isinstance(got, FormatError), got
    assert fragment in got.message
    assert " at position" not in got.message
    assert got.position == position


# -- positions, pointer, limits ------------------------------------------------------------------

def test_positions_refer_to_the_original_text() -> None:
    # full-width characters, a BOM and Korean before the error all count as one character each
    text = "\ufeff약　０.７ａ３"
    got = parse_number(text)
    assert isinstance(got, FormatError)
    assert text[got.position or 0] == "ａ"


@pytest.mark.parametrize("error, text, expected", [
    (FormatError("bad", 3), "0.7a3", "0.7a3\n   ^"),
    (FormatError("bad", 5), "0.7a3", "0.7a3\n     ^"),
    (FormatError("bad", None), "0.7a3", "bad"),
    (FormatError("bad", 3), "약 0.7a", "약 0.7a\n    ^"),           # '약' is two columns wide
    (FormatError("bad", 6), "1 2\n3 4 x", "3 4 x\n  ^"),              # the line holding the error
])
def test_pointer(error: FormatError, text: str, expected: str) -> None:
    assert error.pointer(text) == expected


ALL_PARSERS = [
    ("number", lambda t: parse_number(t), Number),
    ("vector", lambda t: parse_vector(t), Vector),
    ("vector3", lambda t: parse_vector(t, 3), Vector),
    ("matrix", lambda t: parse_matrix(t), Matrix),
    ("matrix22", lambda t: parse_matrix(t, (2, 2)), Matrix),
    ("choice", lambda t: parse_choices(t, 4, False), Choices),
    ("choices", lambda t: parse_choices(t, 5, True), Choices),
    ("expression", lambda t: parse_expression_answer(t, VARS), Expression),
]


@pytest.mark.parametrize("name, parse, kind", ALL_PARSERS, ids=[p[0] for p in ALL_PARSERS])
def test_too_long_answers_are_refused_without_parsing(name: str, parse, kind: type) -> None:
    got = parse("1" * 2001)
    assert got == FormatError("answer longer than 2000 characters", 2000)


@pytest.mark.parametrize("name, parse, kind", ALL_PARSERS, ids=[p[0] for p in ALL_PARSERS])
def test_code_injection_executes_nothing(name: str, parse, kind: type, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: calls.append(cmd) or 0)
    marker = tmp_path / "pwned"
    tmp_x = Path("/tmp/x")
    tmp_x_existed = tmp_x.exists()
    for text in ("__import__('os').system('touch /tmp/x')",
                 f"__import__('os').system('touch {marker}')",
                 f"eval(\"__import__('os').system('touch {marker}')\")",
                 "exec('import os')", "().__class__.__bases__[0].__subclasses__()",
                 "lambda: os.system('id')", "${7*7}{{7*7}}"):
        got = parse(text)
        assert isinstance(got, FormatError), (text, got)
    assert calls == []
    assert not marker.exists()
    assert tmp_x.exists() == tmp_x_existed


# -- properties ----------------------------------------------------------------------------------

_ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(list("0123456789.,;:-+*/^()[]<>{}%√×·xXeE ①②③가나다라마약답입니다차원개번와\n")),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),   # Hangul syllables
    st.characters(min_codepoint=0x3130, max_codepoint=0x318F),   # compatibility jamo
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),   # full-width ASCII
    st.characters(min_codepoint=0x2070, max_codepoint=0x209F),   # superscripts, subscripts
)
_TEXT = st.one_of(st.text(), st.text(alphabet=_ALPHABET, max_size=60))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_random_text_never_raises(text: str) -> None:
    assert isinstance(is_blank(text), bool)
    assert isinstance(normalize_text(text), str)
    for _, parse, kind in ALL_PARSERS:
        got = parse(text)
        assert isinstance(got, (kind, FormatError)), got
        if isinstance(got, FormatError):
            assert got.message
            assert got.position is None or 0 <= got.position <= len(text)
            assert isinstance(got.pointer(text), str)


_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_FORMATS = st.sampled_from(["repr", 0, 1, 2, 3, 4, 5, 6])


def _written(x: float, fmt: str | int) -> str:
    return repr(x) if fmt == "repr" else f"{x:.{fmt}f}"


def _written_decimals(s: str) -> int | None:
    if "e" in s:
        return None
    return len(s.partition(".")[2])


@settings(max_examples=300, deadline=None)
@given(_FINITE, _FORMATS)
def test_numbers_round_trip(x: float, fmt: str | int) -> None:
    s = _written(x, fmt)
    got = parse_number(s)
    assert isinstance(got, Number), (s, got)
    assert math.isclose(got.value, float(s), rel_tol=1e-12, abs_tol=0.0)
    assert got.decimals == _written_decimals(s)
    if fmt == "repr":
        assert got.value == x


_STYLES = [
    lambda xs: "[" + ", ".join(xs) + "]",
    lambda xs: " ".join(xs),
    lambda xs: "(" + "; ".join(xs) + ")",
    lambda xs: ", ".join(xs),
    lambda xs: ",".join(xs),
    lambda xs: "<" + ",".join(xs) + ">",
    lambda xs: "[" + "; ".join(x.replace(".", ",") for x in xs) + "]",   # decimal commas
    lambda xs: "［" + "，".join(xs) + "］",                               # full-width brackets
    lambda xs: "답: [" + " ".join(xs) + "]입니다",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(_FINITE, min_size=1, max_size=6), _FORMATS, st.integers(0, len(_STYLES) - 1))
def test_vectors_round_trip(xs: list[float], fmt: str | int, style: int) -> None:
    written = [_written(x, fmt) for x in xs]
    text = _STYLES[style](written)
    got = parse_vector(text, len(xs))
    assert isinstance(got, Vector), (text, got)
    for value, w in zip(got.values, written, strict=True):
        assert math.isclose(value, float(w), rel_tol=1e-12, abs_tol=0.0), (text, got)
    assert got.decimals == tuple(_written_decimals(w) for w in written)
