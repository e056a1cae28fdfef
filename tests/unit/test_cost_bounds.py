"""Every answer has a bounded cost: huge literals and powers are refused before sympy sees them,
and symbolic comparisons run in a worker process that is killed at its deadline (issue 18)."""

from __future__ import annotations

import pytest

from examgen import symcheck
from examgen.grading import parse as P
from examgen.grading.key import PartKey
from examgen.grading.score import score
from examgen.mathexpr import ExpressionError, parse_expression
from examgen.model import Outcome

V = frozenset({"h", "d_v"})
NUM = PartKey(column="Q1", question_id="n", kind="numeric", points=1, value=0.5)
SYM = PartKey(column="Q5", question_id="s", kind="symbolic", points=2, expression="h*d_v",
              variables=("h", "d_v"))

# each of these hung sympy (minutes, uninterruptible) or raised OverflowError before
HOSTILE = ["1e999999", "1e99999999+1", "2x1e999999", "2*1e999999", "exp(exp(exp(exp(10))))",
           "exp(1e300)", "exp(exp(1e300))", "(1e300)^64", "2^2^2^2^2", "9^64^64",
           "1" * 400, "exp(exp(exp(exp(10.0))))*h", "1e99999999*h"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_literals_and_powers_are_refused_by_the_parser(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text, V)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_numeric_answers_are_format_errors(text: str) -> None:
    got = score(NUM, text)
    assert got.outcome is Outcome.FORMAT_ERROR, got


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_symbolic_answers_are_format_errors(text: str) -> None:
    got = score(SYM, text)
    assert got.outcome is Outcome.FORMAT_ERROR, got
    assert "could not read the answer" in got.feedback


@pytest.mark.parametrize("text, value", [
    ("1e300", 1e300), ("1.5e-3", 1.5e-3), ("2^10", 1024.0),
    ("exp(2)", 7.38905609893065),
])
def test_reasonable_values_still_read(text: str, value: float) -> None:
    got = P.parse_number(text)
    assert isinstance(got, P.Number), got
    assert got.value == pytest.approx(value, abs=1e-12)


def test_a_check_over_budget_is_killed_and_reported() -> None:
    assert symcheck.run_with_deadline(symcheck._sleep, (30.0,), budget=0.5) == ("timeout", None)
    assert symcheck.run_with_deadline(symcheck._sleep, (0.0,), budget=20) == ("ok", 0.0)


def test_a_symbolic_answer_over_budget_is_a_format_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # (h+1)^64 (d_v+1)^64 - h d_v keeps sympy.simplify busy for minutes
    monkeypatch.setattr(symcheck, "BUDGET_S", 1.0)
    monkeypatch.setattr(symcheck.check_equivalent, "__defaults__", (1.0,))
    got = score(SYM, "(h+1)^64*(d_v+1)^64*(h+2)^64")
    assert got.outcome is Outcome.FORMAT_ERROR
    assert "too costly" in got.feedback
    assert score(SYM, "d_v*h").outcome is Outcome.CORRECT   # the pool serves on


def test_a_failing_check_is_a_format_error_not_a_crash() -> None:
    status, text = symcheck.run_with_deadline(symcheck._sleep, ("x",), budget=20)
    assert status == "error" and "TypeError" in text
