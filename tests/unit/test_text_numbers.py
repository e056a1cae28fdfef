"""Numbers in bank text: keys rounded half up as by hand, ``{{ x }}`` in its shortest form,
negative factors in parentheses, and Korean particles chosen by how the number is read."""

from __future__ import annotations

import numpy as np
import pytest

from examgen import formatting as F
from examgen.bank import load_bank
from examgen.korean import final_consonant, particle
from examgen.textrender import render_text
from examgen.variants import make_variant


@pytest.mark.parametrize("x, decimals, text", [
    (0.0625, 3, "0.063"), (2.675, 2, "2.68"), (-0.0625, 3, "-0.063"), (0.5, 0, "1"),
    (-0.0004, 3, "0.000"), (1.23456, 3, "1.235"), (0.1 + 0.2, 1, "0.3"),
])
def test_fixed_decimals_round_half_up_on_the_written_number(x, decimals, text) -> None:
    assert F.fmt_num(x, decimals) == text


def test_a_float_prints_in_its_shortest_form() -> None:
    ctx = {"s": [1, 2.0], "H": np.array([[1.0, 2.0], [3.0, -2.0]]), "c": np.float64(0.1) * 3}
    assert render_text("{{ s[1] }}, {{ H[1][1] }}, {{ c }}", ctx) == "2, -2, 0.3"


@pytest.mark.parametrize("source, text", [
    (r"${{ a }} \times {{ b }}$", r"$2 \times (-2)$"),
    (r"${{ a }} \cdot {{ b }} + {{ b }} - {{ b }}$", r"$2 \cdot (-2) + (-2) - (-2)$"),
    (r"${{ b }} \times {{ a }} = {{ b * a }}$", r"$-2 \times 2 = -4$"),
    (r"$x = {{ b }}$, $[{{ b }}, {{ a }}]$", r"$x = -2$, $[-2, 2]$"),
    (r"${{ a }} \times {{ c | pnum(2) }}$", r"$2 \times (-0.50)$"),
])
def test_a_negative_factor_gets_parentheses(source: str, text: str) -> None:
    assert render_text(source, {"a": 2, "b": -2.0, "c": -0.5}) == text


@pytest.mark.parametrize("number, final", [
    ("5664", ""), ("5660", "ㅂ"), ("0", "ㅇ"), ("1", "ㄹ"), ("3", "ㅁ"), ("6", "ㄱ"), ("100", "ㄱ"),
    ("1000", "ㄴ"), ("20000", "ㄴ"), ("0.25", ""), ("3.0", "ㅇ"), ("-7", "ㄹ"), ("1,024", ""),
    ("100000000", "ㄱ"),
])
def test_final_consonant_of_the_reading(number: str, final: str) -> None:
    assert final_consonant(number) == final


@pytest.mark.parametrize("number, which, form", [
    ("5664", "은", "는"), ("5660", "은/는", "은"), ("4224", "이", "가"), ("8448", "을", "을"),
    ("12", "와", "와"), ("7", "으로", "로"), ("3", "로", "으로"), ("2", "로", "로"),
])
def test_particle(number: str, which: str, form: str) -> None:
    assert particle(number, which) == form


def test_unknown_particle_says_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="unknown particle '에서'; expected one of"):
        particle("3", "에서")


def test_the_bidirectional_solution_reads_its_number() -> None:
    t = load_bank().get("rnn-architectures-bidir-param-count")
    for seed in range(40):
        v = make_variant(t, seed)
        per = str(dict(v.params) and v.solution.ko.split("두 배를 하지 않은 $")[1].split("$")[0])
        assert f"${per}${particle(per, '은')} 한 방향만" in v.solution.ko
