"""Loading a template's ``quantities:`` and expression misconceptions (see
:mod:`examgen.families.expressions`): names, syntax, and the kind of each quantity, found by
computing it once on a sample draw, so an error names the file, line and expression."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from examgen.bank import schema as S
from examgen.bank.check import Checker
from examgen.families import Family, OutputKind, kind_of_value
from examgen.io import LocDict
from examgen.mathexpr import ExpressionError, parse_numeric
from examgen.model import ExpressionMisconception, ParamSpec
from examgen.rng import derive_seed, make_rng
from examgen.sampling import sample_params

SAMPLE_TRIES = 20
NAME = re.compile(r"^[A-Za-z_]\w*$")


def load_quantities(c: Checker, d: LocDict, params: tuple[ParamSpec, ...],
                    base: Family | None) -> tuple[tuple[tuple[str, str], ...],
                                                  dict[str, OutputKind]]:
    """``d["quantities"]`` as (name, expression) pairs and the kind of each, computed on a
    sample draw; every problem reported at its line."""
    qm = c.mapping(d["quantities"], d.line_of("quantities"), "quantities")
    if qm is None:
        return (), {}
    taken = {p.name for p in params} | set(base.outputs if base else ())
    pairs: list[tuple[str, str]] = []
    lines: dict[str, int] = {}
    for key, value in qm.items():
        line = qm.line_of(key)
        name = str(key)
        if not NAME.match(name):
            c.err(line, f"quantity '{name}': names must be identifiers (letters, digits, _)")
            continue
        if name in taken:
            c.err(line, f"quantity '{name}' is already a parameter or an output of the family")
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            c.err(line, f"quantity '{name}' must be an expression such as \"d_model * d_ff\"")
            continue
        try:
            parse_numeric(str(value))
        except ExpressionError as e:
            c.err(line, f"quantity '{name}': {e}")
            continue
        pairs.append((name, str(value)))
        lines[name] = line
    return tuple(pairs), _kinds(c, qm.line, tuple(pairs), lines, params, base)


def _kinds(c: Checker, line: int, pairs: tuple[tuple[str, str], ...], lines: dict[str, int],
           params: tuple[ParamSpec, ...], base: Family | None) -> dict[str, OutputKind]:
    """Compute every quantity on a sample draw (the first one the base family accepts)."""
    env: dict[str, Any] | None = None
    for k in range(SAMPLE_TRIES):
        p = sample_params(params, make_rng(derive_seed("quantities", k)))
        try:
            env = base.run(p) if base else dict(p)
            break
        except Exception:  # noqa: BLE001 - a family may reject some draws; try another
            continue
    if env is None:
        c.err(line, f"the family rejects every one of {SAMPLE_TRIES} sample draws")
        return {}
    kinds: dict[str, OutputKind] = {}
    for name, text in pairs:
        try:
            value = parse_numeric(text).evaluate(env)
        except ExpressionError as e:
            known = ", ".join(sorted(k for k in env if not k.startswith("_")))
            c.err(lines[name], f"quantity '{name}': {e} (known names: {known})")
            return kinds
        kind = kind_of_value(value)
        if kind is None:
            c.err(lines[name], f"quantity '{name}' = {text!r} is not a number, vector or matrix")
            return kinds
        env[name] = value
        kinds[name] = kind
    return kinds


def load_expression_misconception(c: Checker, md: LocDict, k: int,
                                  outputs: Mapping[str, OutputKind]
                                  ) -> ExpressionMisconception | None:
    """One ``misconceptions:`` entry written as {id, description, quantities}."""
    what = f"misconception {k + 1}"
    c.keys(md, S.EXPRESSION_MISCONCEPTION_KEYS, ("id", "description", "quantities"), what)
    mid = md.get("id")
    if not isinstance(mid, str) or not NAME.match(mid):
        c.err(md.line_of("id") if "id" in md else md.line, f"{what}: id must be an identifier "
              "like forgot_bias")
        return None
    desc = c.text(md["description"], md.line_of("description"), f"{what} description") \
        if "description" in md else None
    qm = c.mapping(md.get("quantities"), md.line_of("quantities"), f"{what} quantities") \
        if "quantities" in md else None
    if desc is None or qm is None:
        return None
    pairs = []
    for key, value in qm.items():
        if str(key) not in outputs:
            expected = f"expected one of {', '.join(outputs)}" if outputs else "there is none"
            c.err(qm.line_of(key), f"misconception {mid}: '{key}' is not a quantity or an output "
                  f"of the family; {expected}")
            continue
        try:
            parse_numeric(str(value))
        except ExpressionError as e:
            c.err(qm.line_of(key), f"misconception {mid}: {key}: {e}")
            continue
        pairs.append((str(key), str(value)))
    return ExpressionMisconception(mid, desc, tuple(pairs)) if pairs else None
