"""The whitelisted expression parser: what it accepts, what it refuses, and that it never
executes anything."""

from __future__ import annotations

import os

import pytest
import sympy

from examgen.mathexpr import ExpressionError, canonical, equivalent, parse_expression

H, DV, DM = sympy.symbols("h d_v d_model", real=True)


@pytest.mark.parametrize("text, expected", [
    ("h*d_v", H * DV),
    ("d_v·h", H * DV),
    ("d_v × h", H * DV),
    ("h d_v", H * DV),
    ("2h", 2 * H),
    ("4*d_model^2 + 4*d_model", 4 * DM**2 + 4 * DM),
    ("4 d_model**2+4d_model", 4 * DM**2 + 4 * DM),
    ("(d_model)/h", DM / H),
    ("√2/2", sympy.sqrt(2) / 2),
    ("sqrt(2)/2", sympy.sqrt(2) / 2),
    ("-h + 3", 3 - H),
    ("1.5e-3", sympy.Float("1.5e-3")),
    ("0.75", sympy.Rational(3, 4)),
    ("λ^T", sympy.Symbol("lambda", real=True) ** sympy.Symbol("T", real=True)),
])
def test_accepts(text: str, expected: sympy.Expr) -> None:
    assert sympy.simplify(parse_expression(text) - expected) == 0


@pytest.mark.parametrize("text, position, fragment", [
    ("", 0, "empty"),
    ("2+", 2, "ends too early"),
    ("a@b", 1, "unexpected character"),
    ("(h*d_v", 6, "missing ')'"),
    ("h*d_v)", 5, "unexpected ')'"),
    ("9^9^9", 1, "exponent"),
    ("((10^64)^64)^64", 8, "digits"),
    ("x.y", 1, "unexpected character"),
    ("h; d", 1, "unexpected character"),
])
def test_rejects_with_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.position == position
    assert fragment in str(info.value)
    assert info.value.pointer().splitlines()[-1] == " " * position + "^"


def test_unknown_names_are_refused_when_variables_are_given() -> None:
    with pytest.raises(ExpressionError, match="unknown name 'd_k'"):
        parse_expression("h*d_k", frozenset({"h", "d_v"}))


def test_too_long_input_is_refused() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse_expression("1+" * 300 + "1")


def test_too_deep_nesting_is_refused() -> None:
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse_expression("(" * 100 + "1" + ")" * 100)


def test_code_injection_executes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda cmd: calls.append(cmd) or 0)
    marker = tmp_path / "pwned"
    for text in (f"__import__('os').system('touch {marker}')",
                 "__import__(\"os\").system(\"echo hi\")",
                 "exec('1')", "eval('2')", "().__class__.__bases__[0]",
                 "lambda: 1"):
        with pytest.raises(ExpressionError):
            parse_expression(text)
    # words alone are only symbols: "import os" is the product of two unknowns
    assert {s.name for s in parse_expression("import os").free_symbols} == {"import", "os"}
    assert calls == [] and not marker.exists()


def test_names_never_become_python_objects() -> None:
    # a bare identifier is a plain symbol, never a lookup of a Python name
    e = parse_expression("__import__ + os + system")
    assert {s.name for s in e.free_symbols} == {"__import__", "os", "system"}


def test_equivalence() -> None:
    assert equivalent(parse_expression("h*d_v"), parse_expression("d_v*h"))
    assert equivalent(parse_expression("4d_model(d_model+1)"),
                      parse_expression("4*d_model^2 + 4*d_model"))
    assert not equivalent(parse_expression("h*d_v"), parse_expression("h+d_v"))
    assert not equivalent(parse_expression("3*d_model^2"), parse_expression("4*d_model^2"))


def test_canonical_is_stable() -> None:
    assert canonical(parse_expression("d_v·h")) == canonical(parse_expression("h d_v"))
