"""What ziamath is given: a sign after a relation typeset as a prefix minus, word subscripts
upright. The expected strings are written by hand."""

from __future__ import annotations

import pytest

from examgen.render.mathsvg import typeset, ziamath_tex


@pytest.mark.parametrize("tex, expected", [
    ("w_z = -0.5", "w_z = {-}0.5"),
    ("a, -1", "a, {-}1"),
    ("x \\le -2", "x \\le {-}2"),
    ("h = -\\frac{1}{2}", "h = {-}\\frac{1}{2}"),
    ("(-1)(-0.5) + (-1)", "({-}1)({-}0.5) + ({-}1)"),  # after an opening bracket
    ("\\sigma(- 0.5)", "\\sigma({-} 0.5)"),
    ("\\left[ -1, 2 \\right]", "\\left[ {-}1, 2 \\right]"),
    ("\\{ -1 \\}", "\\{ {-}1 \\}"),
    ("(x) - 1", "(x) - 1"),                        # a closing bracket: a subtraction
    ("x - 0.5", "x - 0.5"),                        # a subtraction stays binary
    ("\\inf -1", "\\inf -1"),                      # \in only as a whole command
    ("d_{model}", "d_{\\mathrm{model}}"),
    ("W_{hh} h_{t-1}", "W_{hh} h_{t-1}"),          # index letters stay italic
])
def test_ziamath_tex(tex: str, expected: str) -> None:
    assert ziamath_tex(tex) == expected


def test_a_sign_after_a_parenthesis_is_set_tight() -> None:
    signed = typeset("(-1)").width_em
    plain = typeset("(1)").width_em
    assert signed - plain < typeset("-").width_em + 0.05   # no medium spaces around it


def test_a_sign_after_equals_is_set_tight() -> None:
    signed = typeset("w = -0.5").width_em
    binary = typeset("w = 1 - 0.5").width_em - typeset("1").width_em
    # a binary minus carries medium spaces on both sides; the sign carries none
    assert signed < binary - 0.2
