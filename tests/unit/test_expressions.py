"""Computations written in the bank: the numeric expression language (whitelisted, bounded),
quantities and expression misconceptions in templates, their load errors, and the FFN
template written in YAML only, graded right and wrong."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from examgen.bank import load_bank
from examgen.errors import BankError
from examgen.grading.key import parts_from_variant
from examgen.grading.score import score
from examgen.mathexpr import ExpressionError, parse_numeric
from examgen.model import Outcome
from examgen.variants import make_variant

ENV = {"d_model": 512, "d_ff": 2048, "z": np.array([1.0, 2.0, 3.0]), "T": 2,
       "W": np.array([[1, 2], [3, 4]]), "x": np.array([1, -1]), "e": np.array([0.5, -0.5])}


@pytest.mark.parametrize("text, value", [
    ("d_model * d_ff + d_ff + d_ff * d_model + d_model", 2_099_712),
    ("2^10", 1024), ("2 ** 3", 8), ("2^-1", 0.5), ("7 % 3", 1), ("-T + 1", -1),
    ("softmax(z / T)[0]", math.exp(0.5) / (math.exp(0.5) + math.exp(1) + math.exp(1.5))),
    ("(W @ x)[1]", -1), ("W[1][0]", 3), ("transpose(W)[0][1]", 3),
    ("norm(x)", math.sqrt(2)), ("sum(z)", 6.0), ("mean(z)", 2.0), ("max(z) - min(z)", 2.0),
    ("sigmoid(0)", 0.5), ("tanh(0)", 0.0), ("exp(0) + log(1) + sqrt(4)", 3.0),
    ("sin(0) + cos(0)", 1.0), ("dot(x, x)", 2), ("argmax(z)", 2), ("len(z)", 3),
    ("sum(e)", 0.0),  # a parameter named e, not Euler's number
    ("pi", math.pi),
])
def test_numeric_expressions(text: str, value: float) -> None:
    got = parse_numeric(text).evaluate(ENV)
    assert float(got) == pytest.approx(value)


def test_integer_arithmetic_stays_exact() -> None:
    got = parse_numeric("d_model * d_ff * d_model * d_ff + 1").evaluate(ENV)
    assert isinstance(got, int) and got == 512 * 2048 * 512 * 2048 + 1


@pytest.mark.parametrize("text, message", [
    ("2^100", "exponent larger than 64 at position 2"),
    ("foo(3)", "unknown function 'foo'; expected one of"),
    ("exp", "exp is a function: write exp(...)"),
    ("exp(1, 2)", "exp() takes 1 argument, got 2"),
    ("3 $ 4", "unexpected character '$' at position 3"),
    ("d_model +", "expression ends too early"),
    ("x[", "expression ends too early"),
    ("__import__('os')", "unexpected character"),
    ("(" * 80 + "1" + ")" * 80, "nested too deeply"),
    ("1+" * 300 + "1", "longer than 500 characters"),
])
def test_bad_expressions_are_located(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=re_escape(message)):
        parse_numeric(text).evaluate(ENV)


def re_escape(s: str) -> str:
    import re

    return re.escape(s)


@pytest.mark.parametrize("text, message", [
    ("outer(z, z) @ outer(z, z) @ outer(dot(z, z) * z, z)", None),
    ("outer(outer(z, z)[0], outer(z, z)[0])", None),
    ("unknown + 1", "unknown name 'unknown'"),
    ("1 / (T - 2)", "division by zero"),
    ("z[5]", "cannot compute"),
])
def test_evaluation_errors_and_bounds(text: str, message: str | None) -> None:
    if message is None:
        parse_numeric(text).evaluate(ENV)  # small arrays are fine
        big = {"v": np.ones(200)}
        with pytest.raises(ExpressionError, match="more than 10000 elements"):
            parse_numeric("outer(v, v)").evaluate(big)
        return
    with pytest.raises(ExpressionError, match=re_escape(message)):
        parse_numeric(text).evaluate(ENV)


# -- the FFN template, written in YAML only ---------------------------------------------------

def torch_ffn_params(d_model: int, d_ff: int) -> int:
    torch = pytest.importorskip("torch")
    layer = torch.nn.Sequential(torch.nn.Linear(d_model, d_ff), torch.nn.ReLU(),
                                torch.nn.Linear(d_ff, d_model))
    return sum(p.numel() for p in layer.parameters())


def test_ffn_template_is_written_in_yaml_only() -> None:
    t = load_bank().get("transformer-ffn-param-count")
    assert t.family is None and t.is_computed
    assert dict(t.quantities)["total"] == "w1 + b1 + w2 + b2"


@pytest.mark.parametrize("seed", range(6))
def test_ffn_template_graded_right_and_wrong(seed: int) -> None:
    t = load_bank().get("transformer-ffn-param-count")
    v = make_variant(t, seed)
    p = dict(v.params)
    expected = torch_ffn_params(int(p["d_model"]), int(p["d_ff"]))
    (part,) = v.parts
    assert part.value == expected
    (key,) = parts_from_variant(v)
    assert score(key, str(expected)).outcome is Outcome.CORRECT
    assert score(key, str(expected + 1)).outcome is Outcome.WRONG
    no_bias = expected - int(p["d_model"]) - int(p["d_ff"])
    got = score(key, str(no_bias))
    assert got.outcome is Outcome.WRONG and got.misconception == "forgot_biases"
    ids = {m.id for m in part.misconceptions}
    assert ids == {"forgot_biases", "one_layer", "one_bias", "square_layers"}


def test_encoder_layer_ffn_at_512_2048() -> None:
    t = load_bank().get("transformer-ffn-param-count")
    seed = next(s for s in range(500)
                if dict(make_variant(t, s).params) == {"d_model": 512, "d_ff": 2048})
    assert make_variant(t, seed).parts[0].value == 2_099_712


# -- load errors --------------------------------------------------------------------------------

BASE = """\
topic: t
questions:
  - id: t-ffn
    type: numeric
    difficulty: easy
    points: 1
    params:
      a: {int: [2, 5]}
      b: {int: [2, 5]}
    quantities:
      prod: "a * b"
      total: "prod + a"
    misconceptions:
      - id: no_a
        description: {ko: "a를 빠뜨렸다.", en: "Left out a."}
        quantities: {total: "prod"}
    answer: total
    prompt: "{{ a }} {{ b }}"
    solution: "{{ total }}"
"""


def load_text(tmp_path: Path, text: str):
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    return load_bank(tmp_path)


def test_quantities_with_a_family(tmp_path: Path) -> None:
    text = BASE.replace("    params:\n", "    family: grad_scale\n    params:\n") \
        .replace("a: {int: [2, 5]}", "lam: {choice: [0.5]}\n      T: {int: [2, 5]}\n      a: {int: [2, 5]}") \
        .replace('prod: "a * b"', 'prod: "factor * 100"') \
        .replace("    answer: total\n", "    answer: total\n    tolerance: {rel: 0.01}\n")
    t = load_text(tmp_path, text).templates[0]
    v = make_variant(t, 1)
    p = dict(v.params)
    assert v.parts[0].value == pytest.approx(0.5 ** p["T"] * 100 + p["a"])
    # the template lists only its own misconception; the family's change factor, and so total
    assert [m.id for m in v.parts[0].misconceptions] == ["no_a"]
    fam_too = load_text(tmp_path, text.replace("    misconceptions:\n", "    misconceptions:\n"
                                               "      - linear\n")).templates[0]
    v = make_variant(fam_too, 1)
    p = dict(v.params)
    linear = {m.id: m.value for m in v.parts[0].misconceptions}["linear"]
    assert linear == pytest.approx(0.5 * p["T"] * 100 + p["a"])


@pytest.mark.parametrize("old, new, message", [
    ('prod: "a * b"', 'prod: "a * * b"', 't.yaml:11: question "t-ffn": quantity \'prod\': '
     "unexpected '*' at position 5"),
    ('prod: "a * b"', 'prod: "a * c"', "t.yaml:11: question \"t-ffn\": quantity 'prod': "
     "unknown name 'c' at position 5 (known names: a, b)"),
    ('prod: "a * b"', 'a: "b"', "t.yaml:11: question \"t-ffn\": quantity 'a' is already a "
     "parameter"),
    ('quantities: {total: "prod"}', 'quantities: {totl: "prod"}',
     "t.yaml:16: question \"t-ffn\": misconception no_a: 'totl' is not a quantity"),
    ("    answer: total", "    answer: totl",
     "answer 'totl' is not an output of a quantity; expected one of prod, total "
     "(did you mean 'total'?)"),
])
def test_quantity_errors_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in BASE
    with pytest.raises(BankError) as e:
        load_text(tmp_path, BASE.replace(old, new))
    assert message in str(e.value), str(e.value)


def test_a_numeric_question_needs_a_computation(tmp_path: Path) -> None:
    text = BASE.split("    quantities:")[0] + "    answer: total\n    prompt: x\n    solution: x\n"
    with pytest.raises(BankError, match="needs 'family' .* or 'quantities'"):
        load_text(tmp_path, text)


def test_the_ffn_example_of_the_docs_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "bank-format.md").read_text("utf-8")
    start = doc.index("```yaml\n  - id: transformer-ffn-param-count") + len("```yaml\n")
    block = doc[start:doc.index("```", start)]
    bank = load_text(tmp_path, "topic: t\nquestions:\n" + block)
    v = make_variant(bank.templates[0], 0)
    p = dict(v.params)
    assert v.parts[0].value == torch_ffn_params(int(p["d_model"]), int(p["d_ff"]))
