"""Tolerances and number formatting (checked by hand)."""

from __future__ import annotations

import math

import pytest

from examgen import formatting as F
from examgen.model import Text, Tolerance


@pytest.mark.parametrize("tol, expected, got, ok", [
    (Tolerance("abs", 0.01), 0.73, 0.735, True),
    (Tolerance("abs", 0.01), 0.73, 0.7401, False),
    (Tolerance("rel", 0.01), 200.0, 201.9, True),
    (Tolerance("rel", 0.01), 200.0, 202.1, False),
    (Tolerance("sigfigs", 3), 0.7346, 0.735, True),       # 0.7346 -> 0.735 at 3 s.f.
    (Tolerance("sigfigs", 3), 0.7346, 0.7341, True),      # within half a unit (0.0005)
    (Tolerance("sigfigs", 3), 0.7346, 0.733, False),
    (Tolerance("sigfigs", 2), 1050624, 1_100_000, True),  # 1.1e6 at 2 s.f.: half unit 5e4
    (Tolerance("decimals", 2), 0.125, 0.13, True),
    (Tolerance("decimals", 2), 0.125, 0.14, False),
    (Tolerance("abs", 0.0), 7, 7, True),
    (Tolerance("abs", 0.0), 7, 8, False),
    (Tolerance("abs", 1.0), 1.0, math.nan, False),
    (Tolerance("abs", 1.0), math.inf, math.inf, True),
])
def test_tolerance_accepts(tol: Tolerance, expected: float, got: float, ok: bool) -> None:
    assert tol.accepts(expected, got) is ok


@pytest.mark.parametrize("tol, expected, decimals", [
    (Tolerance("abs", 0.01), 0.73, 2),
    (Tolerance("abs", 0.005), 0.73, 2),
    (Tolerance("abs", 0.001), 0.73, 3),
    (Tolerance("sigfigs", 3), 0.734, 3),
    (Tolerance("sigfigs", 3), 73.4, 1),
    (Tolerance("rel", 0.01), 0.73, 2),
    (Tolerance("decimals", 4), 12.0, 4),
])
def test_display_decimals_keep_rounding_within_tolerance(tol: Tolerance, expected: float,
                                                         decimals: int) -> None:
    assert tol.display_decimals(expected) == decimals
    shown = round(expected, decimals)
    assert tol.accepts(expected, shown)


def test_tolerance_describe() -> None:
    assert Tolerance("abs", 0.01).describe() == "±0.01"
    assert Tolerance("rel", 0.02).describe() == "±2%"
    assert Tolerance("sigfigs", 3).describe("en") == "3 significant figures"


@pytest.mark.parametrize("value, decimals, text", [
    (0.6000000000000001, None, "0.6"),
    (3, None, "3"),
    (-0.0001, 2, "0.00"),
    (0.125, 2, "0.13"),     # half up, as by hand (issue 16: 0.0625 was printed 0.062)
    (1.0, 3, "1.000"),
    (float("nan"), 2, "NaN"),
])
def test_fmt_num(value: float, decimals: int | None, text: str) -> None:
    assert F.fmt_num(value, decimals) == text


def test_fmt_sig_and_sci() -> None:
    assert F.fmt_sig(3.16227766, 4) == "3.162"
    assert F.fmt_sig(1000.0, 4) == "1000"
    assert F.fmt_sig(1000.0, 5) == "1000.0"  # five significant figures
    assert F.fmt_sci(0.000123456, 3) == "1.23 \\times 10^{-4}"
    assert F.fmt_sci(9.996e-5, 3) == "1.00 \\times 10^{-4}"


def test_latex_and_plain_values() -> None:
    assert F.latex_vec([0.6, 0.5, 0.85]) == "\\begin{bmatrix} 0.6 & 0.5 & 0.85 \\end{bmatrix}"
    assert F.latex_mat([[1, 2], [3, 4]]) == "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"
    assert F.fmt_value([[1, 2], [3, 4]]) == "[[1, 2], [3, 4]]"
    assert F.round_value([0.12345, -0.00001], 3) == (0.123, 0.0)
    assert F.round_value(2.5, 0) == 2.0


def test_text_falls_back_to_korean() -> None:
    assert Text("가", None).get("en") == "가"
    assert Text("가", "a").get("en") == "a"
