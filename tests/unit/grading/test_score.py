"""Scoring single answers (cases checked by hand)."""

from __future__ import annotations

import pytest

from examgen.grading.key import parse_tolerance
from examgen.grading.score import score
from examgen.model import Misconception, Outcome, PartKey, Text, Tolerance

# a manifest part whose worked solution shows intermediate values at 3 decimals: the rounding
# allowance (2 x half a unit in the 3rd decimal) applies
NUM = PartKey(column="Q1", question_id="q", kind="numeric", points=3, value=0.7346,
              tolerance=Tolerance("abs", 0.005), decimals=3, allowance=0.001,
              misconceptions=(Misconception("no_scaling", Text("스케일링 누락", "forgot scaling"),
                                            0.9213, "0.921"),))


@pytest.mark.parametrize("text, outcome, points", [
    ("0.735", Outcome.CORRECT, 3),
    ("0.734", Outcome.CORRECT, 3),
    ("약 0.735", Outcome.CORRECT, 3),
    ("０.７３５", Outcome.CORRECT, 3),
    ("0,735", Outcome.CORRECT, 3),
    ("0.7", Outcome.INSUFFICIENT_PRECISION, 1.5),   # |0.7 - 0.7346| <= 0.05: right to 1 decimal
    ("0.740", Outcome.CORRECT, 3),   # 0.0054 off: beyond ±0.005, within the rounding allowance
    ("0.741", Outcome.WRONG, 0),     # 0.0064 off: beyond tolerance + allowance (0.006)
    ("0.76", Outcome.WRONG, 0),
    ("0.921", Outcome.WRONG, 0),                    # the misconception's answer
    ("", Outcome.BLANK, 0),
    ("모름", Outcome.BLANK, 0),
    ("0.7.3", Outcome.FORMAT_ERROR, 0),
])
def test_numeric(text: str, outcome: Outcome, points: float) -> None:
    s = score(NUM, text)
    assert (s.outcome, s.points) == (outcome, points), s.feedback


def test_rounding_allowance_says_so() -> None:
    assert "consistent with rounding the intermediate values" in score(NUM, "0.740").feedback


def _num(value: float, tol: Tolerance, *, points: float = 2, allowance: float = 0.0,
         misconceptions: tuple[Misconception, ...] = ()) -> PartKey:
    return PartKey(column="Q", question_id="q", kind="numeric", points=points, value=value,
                   tolerance=tol, decimals=3, allowance=allowance, misconceptions=misconceptions)


@pytest.mark.parametrize("value, tol, text, outcome, points", [
    # no allowance (KEY.csv parts, integer answers; tests/unit/grading/test_key.py says which):
    # the tolerance is the tolerance, whatever the decimals
    (0.73, Tolerance("abs", 0.01), "0.74", Outcome.CORRECT, 2),
    (0.73, Tolerance("abs", 0.01), "0.75", Outcome.WRONG, 0),
    (5632, Tolerance("abs", 0), "5633", Outcome.WRONG, 0),
    (5632, Tolerance("abs", 0), "5632.4", Outcome.WRONG, 0),
    (0.001234, Tolerance("sigfigs", 3), "0.00124", Outcome.WRONG, 0),
    (13.0, Tolerance("abs", 0.01), "13.02", Outcome.WRONG, 0),
])
def test_no_allowance_means_the_tolerance(value: float, tol: Tolerance, text: str,
                                          outcome: Outcome, points: float) -> None:
    s = score(_num(value, tol), text)
    assert (s.outcome, s.points) == (outcome, points), s.feedback
    assert "rounding" not in s.feedback


Q9A = _num(0.37754066879814546, Tolerance("abs", 0.01), points=1, allowance=0.001)
Q8A = _num(0.6224593312018546, Tolerance("abs", 0.01), points=1, allowance=0.001)
Q8E = _num(-0.29419151219042455, Tolerance("abs", 0.01), allowance=0.001, misconceptions=(
    Misconception("tanh_gates", Text("게이트에 tanh", "sigmoid replaced by tanh"), 0.0, "0.000"),))


@pytest.mark.parametrize("part, text, outcome, points", [
    # "right value, too few digits" needs an answer that says something: nonzero, and 2+
    # significant figures or 1+ decimal place
    (Q9A, "0.4", Outcome.INSUFFICIENT_PRECISION, 0.5),    # |0.4 - 0.378| <= 0.05
    (Q9A, "0", Outcome.WRONG, 0),                         # |0 - 0.378| <= 0.5, but says nothing
    (Q9A, "0.0", Outcome.WRONG, 0),
    (Q8A, "1", Outcome.WRONG, 0),                         # |1 - 0.622| <= 0.5, one figure
    (Q8A, "0.6", Outcome.INSUFFICIENT_PRECISION, 0.5),
    (_num(5.63, Tolerance("abs", 0.01)), "6", Outcome.WRONG, 0),
    (_num(5.63, Tolerance("abs", 0.01)), "5.6", Outcome.INSUFFICIENT_PRECISION, 1),
    (_num(12.3, Tolerance("abs", 0.01)), "12", Outcome.INSUFFICIENT_PRECISION, 1),  # 2 figures
    (_num(0.001234, Tolerance("sigfigs", 3)), "0.0012", Outcome.INSUFFICIENT_PRECISION, 1),
    (_num(3.14159, Tolerance("decimals", 2)), "3.1", Outcome.INSUFFICIENT_PRECISION, 1),
])
def test_insufficient_precision_needs_information(part: PartKey, text: str, outcome: Outcome,
                                                  points: float) -> None:
    s = score(part, text)
    assert (s.outcome, s.points) == (outcome, points), s.feedback


def test_misconception_wins_over_insufficient_precision() -> None:
    s = score(Q8E, "0")   # |0 - (-0.294)| <= 0.5 and it is the tanh misconception's 0.000
    assert (s.outcome, s.points, s.misconception) == (Outcome.WRONG, 0, "tanh_gates")
    assert "sigmoid replaced by tanh" in s.feedback
    coarse = _num(0.378, Tolerance("abs", 0.01), misconceptions=(
        Misconception("rounded_early", Text("반올림", "rounded early"), 0.4, "0.4"),))
    s = score(coarse, "0.4")   # right to one decimal, but exactly a known wrong path
    assert (s.outcome, s.misconception) == (Outcome.WRONG, "rounded_early")


PE = _num(0.9955033739876628, Tolerance("abs", 0.005), points=3)
GATE = _num(0.37754066879814546, Tolerance("abs", 0.01), points=1)


@pytest.mark.parametrize("part, text, in_tolerance", [
    (PE, "cos(3/10000^(6/16))", True),
    (GATE, "1/(1+exp(0.5))", True),
    (GATE, "1/(1+e^0.5)", True),
    (GATE, "sigmoid(-0.5)", True),
    (GATE, "σ(0.5)", False),
    (GATE, "e^(-2)", False),
])
def test_formula_is_not_a_computed_number(part: PartKey, text: str, in_tolerance: bool) -> None:
    s = score(part, text)
    assert (s.outcome, s.points, s.needs_review) == (Outcome.WRONG, 0, True), s.feedback
    assert "give the value, not the formula" in s.feedback
    assert ("would be accepted" in s.feedback) == in_tolerance, s.feedback


@pytest.mark.parametrize("part, text", [
    (_num(0.7071067811865476, Tolerance("abs", 0.01)), "√2/2"),
    (_num(0.75, Tolerance("abs", 0.01)), "3/4"),
    (_num(1024, Tolerance("abs", 0)), "2^10"),
])
def test_arithmetic_is_a_number(part: PartKey, text: str) -> None:
    s = score(part, text)
    assert (s.outcome, s.needs_review) == (Outcome.CORRECT, False), s.feedback


def test_formula_in_a_vector_is_not_a_computed_number() -> None:
    s = score(VEC, "[sigmoid(0.4), 0.5, 0.85]")
    assert (s.outcome, s.points, s.needs_review) == (Outcome.WRONG, 0, True)
    assert "give the value, not the formula" in s.feedback


@pytest.mark.parametrize("value, tol, text, outcome, needs_review, fragment", [
    # "1,500": 1500 or 1.5; the key decides when exactly one reading is right
    (1.5, Tolerance("abs", 0.01), "1,500", Outcome.CORRECT, False, "decimal"),
    (1500, Tolerance("abs", 0), "1,500", Outcome.CORRECT, False, "thousands"),
    (5632, Tolerance("abs", 0), "5,632", Outcome.CORRECT, False, "thousands"),
    (5.632, Tolerance("abs", 0.001), "5,632", Outcome.CORRECT, False, "decimal"),
    # both readings wrong alike: no doubt to resolve
    (0.73, Tolerance("abs", 0.01), "1,500", Outcome.WRONG, False, "thousands"),
    # the readings grade differently and neither is right: read as thousands, reviewed
    (1.5004, Tolerance("abs", 0.0001), "1,500", Outcome.WRONG, True, "1.5"),
    (0.378, Tolerance("abs", 0.01), "0,378", Outcome.CORRECT, False, "decimal"),
])
def test_ambiguous_comma(value: float, tol: Tolerance, text: str, outcome: Outcome,
                         needs_review: bool, fragment: str) -> None:
    s = score(_num(value, tol), text)
    assert (s.outcome, s.needs_review) == (outcome, needs_review), s.feedback
    assert fragment in s.feedback


def test_space_as_thousands_separator() -> None:
    s = score(_num(14400, Tolerance("abs", 0)), "14 400")
    assert s.outcome is Outcome.CORRECT and "thousands separator" in s.feedback


def test_misconception_is_named() -> None:
    s = score(NUM, "0.921")
    assert s.misconception == "no_scaling" and "forgot scaling" in s.feedback


def test_format_error_says_where_and_needs_review() -> None:
    s = score(NUM, "0.7.3")
    assert s.needs_review and "could not read the answer" in s.feedback


VEC = PartKey(column="Q2", question_id="v", kind="vector", points=3, value=(0.6, 0.5, 0.85),
              tolerance=Tolerance("abs", 0.01), decimals=2)


@pytest.mark.parametrize("text, outcome, points", [
    ("[0.6, 0.5, 0.85]", Outcome.CORRECT, 3),
    ("0.6 0.5 0.85", Outcome.CORRECT, 3),
    ("(0.6; 0.5; 0.85)", Outcome.CORRECT, 3),
    ("[0.6, 0.5, 0.95]", Outcome.PARTIAL, 2),
    ("[1, 1, 1]", Outcome.WRONG, 0),
    ("[0.6, 0.5]", Outcome.FORMAT_ERROR, 0),
    ("[0.6 0.5 0.85]^T", Outcome.CORRECT, 3),
    ("(0.6, 0.5, 0.85)ᵀ", Outcome.CORRECT, 3),
    ("[[0.6], [0.5], [0.85]]", Outcome.CORRECT, 3),
    ("[0.6, 0.5, 0.862]", Outcome.PARTIAL, 2),      # 0.012 off: no allowance for this part
])
def test_vector(text: str, outcome: Outcome, points: float) -> None:
    s = score(VEC, text)
    assert (s.outcome, s.points) == (outcome, points), s.feedback


ONE = PartKey(column="Q3", question_id="c", kind="single_choice", points=2,
              options=("A", "B", "C", "D"), correct=frozenset({"C"}),
              option_misconceptions=(("A", "swap_update"),))
MANY = PartKey(column="Q4", question_id="m", kind="multiple_choice", points=4,
               options=("A", "B", "C", "D", "E"), correct=frozenset({"A", "C"}))


@pytest.mark.parametrize("part, text, outcome, points", [
    (ONE, "C", Outcome.CORRECT, 2), (ONE, "c", Outcome.CORRECT, 2), (ONE, "3", Outcome.CORRECT, 2),
    (ONE, "③", Outcome.CORRECT, 2), (ONE, "다", Outcome.CORRECT, 2), (ONE, "B", Outcome.WRONG, 0),
    (ONE, "A;C", Outcome.FORMAT_ERROR, 0), (ONE, "F", Outcome.FORMAT_ERROR, 0),
    (MANY, "A;C", Outcome.CORRECT, 4), (MANY, "C, A", Outcome.CORRECT, 4),
    (MANY, "A", Outcome.PARTIAL, 2),          # one of two right: (1 - 0) / 2
    (MANY, "A;C;D", Outcome.PARTIAL, 2),      # (2 - 1) / 2
    (MANY, "B;D", Outcome.WRONG, 0),
])
def test_choices(part: PartKey, text: str, outcome: Outcome, points: float) -> None:
    s = score(part, text)
    assert (s.outcome, s.points) == (outcome, points), s.feedback


def test_choice_misconception_and_negative_marking() -> None:
    s = score(ONE, "A")
    assert s.misconception == "swap_update"
    neg = PartKey(**{**ONE.__dict__, "negative": 0.25})
    assert score(neg, "B").points == -0.5
    assert score(neg, "").points == 0  # blank is not penalised


SYM = PartKey(column="Q5", question_id="s", kind="symbolic", points=2, expression="h*d_v",
              variables=("h", "d_v"))


@pytest.mark.parametrize("text, outcome", [
    ("h*d_v", Outcome.CORRECT), ("d_v·h", Outcome.CORRECT), ("h × d_v", Outcome.CORRECT),
    ("h d_v", Outcome.CORRECT), ("h+d_v", Outcome.WRONG), ("h*d_k", Outcome.FORMAT_ERROR),
    ("__import__('os').system('x')", Outcome.FORMAT_ERROR),
])
def test_symbolic(text: str, outcome: Outcome) -> None:
    assert score(SYM, text).outcome == outcome


@pytest.mark.parametrize("text, tol", [
    ("0.01", Tolerance("abs", 0.01)), ("1%", Tolerance("rel", 0.01)),
    ("3sf", Tolerance("sigfigs", 3)), ("2dp", Tolerance("decimals", 2)),
    ("1 %", Tolerance("rel", 0.01)),
    ("±0.1", Tolerance("abs", 0.1)), ("+-0.1", Tolerance("abs", 0.1)),
    ("± 0.1", Tolerance("abs", 0.1)), ("±1%", Tolerance("rel", 0.01)),
])
def test_parse_tolerance(text: str, tol: Tolerance) -> None:
    assert parse_tolerance(text) == tol


@pytest.mark.parametrize("text", ["about right", "±", "±-0.1", "±3sf", "+-2dp", "-0.1"])
def test_parse_tolerance_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not one of|must not be negative"):
        parse_tolerance(text)


# -- the fast paths must agree with the general parser -------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from examgen.grading import parse as P  # noqa: E402
from examgen.grading.score import plain_number, plain_vector  # noqa: E402

plain = st.builds(lambda sign, whole, frac: f"{sign}{whole}{('.' + frac) if frac is not None else ''}",
                  st.sampled_from(["", "-"]),
                  st.one_of(st.just("0"), st.integers(1, 10**9).map(str)),
                  st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=8)))


@settings(max_examples=300, deadline=None)
@given(plain)
def test_plain_number_fast_path_equals_parser(text: str) -> None:
    fast = plain_number(text)
    assert fast is not None
    assert fast == P.parse_number(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(plain, min_size=1, max_size=5))
def test_plain_vector_fast_path_equals_parser(cells: list[str]) -> None:
    text = "[" + ", ".join(cells) + "]"
    fast = plain_vector(text, len(cells))
    slow = P.parse_vector(text, len(cells))
    assert fast is not None and not isinstance(slow, P.FormatError)
    assert fast.values == slow.values and fast.decimals == slow.decimals


@pytest.mark.parametrize("text", ["007", "1,5", "0.5 0.6", "1e3", "약 3", "", "-", "3."])
def test_fast_path_declines_anything_else(text: str) -> None:
    assert plain_number(text) is None


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "?", "N/A", "없음", "모름", "모르겠습니다",
                                  "-" * 40, ". . . . . . . . . . . . . . . .", "0.5", "A",
                                  "LSTM은 셀 상태와 은닉 상태를 따로 두어 정보를 오래 보존한다",
                                  "forget gate and input gate, " * 3])
def test_blank_shortcut_agrees_with_parser(text: str) -> None:
    from examgen.grading.score import blank

    assert blank(text) == P.is_blank(text)
