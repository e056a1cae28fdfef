"""Template + random generator -> :class:`~examgen.model.Variant`. No I/O.

For computed templates the parameters are drawn, constraints checked, the family computed, and
each part's misconception answers derived by re-running the family with the misconception's
flags. A draw is repeated (from the same generator, so still deterministic) while a constraint
fails or a misconception answer coincides, after rounding to the printed precision, with the
correct answer or with another misconception's answer: such a variant could not tell the wrong
paths apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2
import numpy as np
import sympy

from examgen import formatting as F
from examgen.errors import TextRenderError, VariantError
from examgen.families import REGISTRY, Family, answer_kind, parse_answer_ref
from examgen.mathexpr import canonical, parse_expression
from examgen.model import (
    CHOICE_TYPES,
    Misconception,
    Option,
    ParamSpec,
    PartSpec,
    QuestionType,
    Template,
    Text,
    Tolerance,
    Value,
    Variant,
    VariantPart,
)
from examgen.rng import make_rng
from examgen.textrender import check_condition, condition_names, render_text

MAX_DRAWS = 200
OPTION_KEYS = "ABCDEFGH"


def make_variant(template: Template, seed: int, *, shuffle_choices: bool = True) -> Variant:
    """Draw the variant of ``template`` that ``seed`` gives (see module docstring); the variant
    records its seed, so it can be drawn again.

    ``shuffle_choices=False`` keeps concept choices in the bank's order (an exam spec can ask
    for that); otherwise they are shuffled when the template allows it.
    """
    rng = make_rng(seed)
    try:
        if template.is_computed:
            return _computed_variant(template, rng, seed)
        return _static_variant(template, rng, seed, shuffle_choices)
    except VariantError as e:
        if e.args[0] != e.detail:  # already located
            raise
        raise VariantError(e.detail, template) from e


def variant_for_seed(template: Template, seed: int) -> Variant:
    """The variant of ``template`` reproduced by ``seed`` (the practice app's name for
    :func:`make_variant` with choices shuffled)."""
    return make_variant(template, seed)


# -- sampling -----------------------------------------------------------------------------------

def _grid(spec: ParamSpec) -> list[Any]:
    if spec.kind == "choice":
        values = list(spec.options)
    else:
        n = math.floor((spec.hi - spec.lo) / spec.step + 1e-9) + 1
        values = [round(spec.lo + k * spec.step, 10) for k in range(n)]
        if spec.kind == "int":
            values = [int(v) for v in values]
    return [v for v in values if v not in spec.exclude]


def sample_params(specs: tuple[ParamSpec, ...], rng: np.random.Generator) -> dict[str, Any]:
    """One draw of every parameter, in declaration order."""
    out: dict[str, Any] = {}
    for spec in specs:
        grid = _grid(spec)
        if not spec.shape:
            out[spec.name] = grid[int(rng.integers(len(grid)))]
            continue
        shape = tuple(int(out[s]) if isinstance(s, str) else s for s in spec.shape)
        idx = rng.integers(len(grid), size=shape)
        out[spec.name] = np.asarray(grid, dtype=object if spec.kind == "choice" else None)[idx]
    return out


def _pick(quantities: Mapping[str, Any], ref: str) -> Any:
    base, idx = parse_answer_ref(ref)
    value = quantities[base]
    for i in idx:
        value = np.asarray(value)[i]
    return value


def _as_value(v: Any) -> Value:
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        return float(a)
    if a.ndim == 1:
        return tuple(float(x) for x in a)
    return tuple(tuple(float(x) for x in row) for row in a)


def _decimals(part: PartSpec, value: Any, kind: str) -> int:
    if part.decimals is not None:
        return part.decimals
    if kind == "int":
        return 0
    tol = part.tolerance or Tolerance("abs", 0.01)
    flat = np.ravel(np.asarray(value, dtype=np.float64))
    return max(tol.display_decimals(float(x)) for x in flat) if flat.size else 2


def _relevant(family: Family, template: Template, part: PartSpec) -> list[str]:
    chosen = template.misconceptions
    base, _ = parse_answer_ref(part.answer)
    return [m.id for m in family.misconceptions
            if (chosen is None or m.id in chosen) and base in m.affects]


class _Reject(Exception):
    pass


def _computed_variant(t: Template, rng: np.random.Generator, seed: int) -> Variant:
    assert t.family is not None
    family = REGISTRY[t.family]
    last = ""
    for _ in range(MAX_DRAWS):
        params = sample_params(t.params, rng)
        try:
            # constraints over parameters first (a family may reject impossible inputs),
            # then those that need the family's outputs
            inputs = dict(family.defaults) | params
            early = [c for c in t.constraints if condition_names(c) <= inputs.keys()]
            if not all(check_condition(c, inputs) for c in early):
                last = "constraints never held"
                continue
            q = family.run(params)
            if not all(check_condition(c, q) for c in t.constraints if c not in early):
                last = "constraints never held"
                continue
            parts = tuple(_value_part(t, family, p, params, q, rng) for p in t.parts)
        except _Reject as why:
            last = str(why)
            continue
        context = dict(q)
        context["answers"] = {p.label or "answer": p.value for p in parts}
        return Variant(
            template_id=t.id, topic=t.topic, type=t.type, difficulty=t.difficulty, seed=seed,
            prompt=_render(t.prompt, context, "prompt"),
            parts=tuple(_with_prompt(p, spec, context) for p, spec in zip(parts, t.parts,
                                                                          strict=True)),
            solution=_render(t.solution, context, "solution") if t.solution else None,
            explanation=(_render(t.explanation, context, "explanation") if t.explanation
                         else None),
            params=tuple((k, _jsonable_param(v)) for k, v in params.items()),
        )
    raise VariantError(f"no usable variant in {MAX_DRAWS} draws ({last}); widen the samplers "
                       "or relax the constraints", t)


def _value_part(t: Template, family: Family, spec: PartSpec, params: dict[str, Any],
                q: Mapping[str, Any], rng: np.random.Generator) -> VariantPart:
    kind = answer_kind(family.name, spec.answer)
    correct = _pick(q, spec.answer)
    decimals = _decimals(spec, correct, kind)
    shown = F.round_value(correct, decimals)
    seen = {shown: "correct"}
    mis: list[Misconception] = []
    for mid in _relevant(family, t, spec):
        m = family.misconception(mid)
        wrong = _pick(family.run(params, m.flags), spec.answer)
        if not np.all(np.isfinite(np.asarray(wrong, dtype=np.float64))):
            raise _Reject(f"misconception {mid} gives a non-finite value")
        key = F.round_value(wrong, decimals)
        if key in seen:
            raise _Reject(f"misconception {mid} coincides with {seen[key]} at {decimals} decimals")
        seen[key] = mid
        wrong_value = _as_value(wrong)
        mis.append(Misconception(mid, m.description, wrong_value,
                                 _display(wrong_value, kind, decimals, spec.tolerance)))
    value = _as_value(correct)
    display = _display(value, kind, decimals, spec.tolerance)
    options: tuple[Option, ...] = ()
    if spec.kind is QuestionType.SINGLE_CHOICE:
        options = _value_options(value, mis, decimals, kind, spec.tolerance, t.n_options, rng)
    return VariantPart(label=spec.label, kind=spec.kind, points=spec.points, value=value,
                       display=display, decimals=decimals, tolerance=spec.tolerance,
                       options=options,
                       misconceptions=tuple(mis))


def _display(value: Value, kind: str, decimals: int, tol: Tolerance | None) -> str:
    """The answer as printed in the key: tiny or huge scalars with a relative tolerance in
    scientific notation, everything else with ``decimals`` places."""
    if kind == "int":
        return str(int(round(value)))  # type: ignore[arg-type, call-overload]
    if isinstance(value, float) and tol is not None and tol.kind in ("rel", "sigfigs") \
            and value != 0 and not 1e-3 <= abs(value) < 1e5:
        sig = (int(tol.value) if tol.kind == "sigfigs"
               else max(2, math.ceil(-math.log10(tol.value)) + 1))
        return F.fmt_sci(value, sig)
    if isinstance(value, float) and tol is not None and tol.kind in ("rel", "sigfigs"):
        decimals = tol.display_decimals(value)  # relative precision: digits follow the magnitude
    return F.latex_value(np.asarray(value), decimals)


def _value_options(value: Value, mis: list[Misconception], decimals: int, kind: str,
                   tol: Tolerance | None, n: int, rng: np.random.Generator) -> tuple[Option, ...]:
    """The correct value among misconception values, filled up with nearby distractors."""
    picks = list(mis)
    if len(picks) > n - 1:
        order = rng.permutation(len(picks))[: n - 1]
        picks = [picks[i] for i in sorted(order)]
    entries: list[tuple[Value, str | None, bool]] = [(value, None, True)]
    entries += [(m.value, m.id, False) for m in picks]
    seen = {F.round_value(v, decimals) for v, _, _ in entries}
    factors = [1.5, 0.5, 2.0, -1.0, 0.75, 1.25, 3.0, 0.25]
    for f in factors:
        if len(entries) >= n:
            break
        a = np.asarray(value, dtype=np.float64) * f
        cand = np.round(a) if kind == "int" else a
        key = F.round_value(cand, decimals)
        if key not in seen:
            seen.add(key)
            entries.append((_as_value(cand), None, False))
    order = rng.permutation(len(entries))
    opts = []
    for k, i in enumerate(order):
        v, mid, ok = entries[int(i)]
        opts.append(Option(OPTION_KEYS[k], Text(f"${_display(v, kind, decimals, tol)}$"), ok, mid))
    return tuple(opts)


def _with_prompt(part: VariantPart, spec: PartSpec, context: Mapping[str, Any]) -> VariantPart:
    if spec.prompt is None:
        return part
    return VariantPart(**{**part.__dict__,
                          "prompt": _render(spec.prompt, context, f"part {spec.label} prompt")})


def _render(text: Text, context: Mapping[str, Any], where: str) -> Text:
    def one(src: str) -> str:
        try:
            return render_text(src, context)
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, IndexError) as e:
            names = ", ".join(sorted(k for k in context if not k.startswith("_")))
            raise TextRenderError(f"{where} does not render: {e} (available: {names})") from e
    return text.map(one)


def _jsonable_param(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


@lru_cache(maxsize=256)
def _symbolic_forms(expression: str, variables: tuple[str, ...]) -> tuple[str, str]:
    """Canonical string and LaTeX of a bank expression (simplify is slow: once per text)."""
    expr = parse_expression(expression, frozenset(variables))
    return canonical(expr), sympy.latex(expr)


# -- concept questions --------------------------------------------------------------------------

def _static_variant(t: Template, rng: np.random.Generator, seed: int,
                    shuffle_choices: bool = True) -> Variant:
    ctx: dict[str, Any] = {}
    prompt = _render(t.prompt, ctx, "prompt")
    if t.type in CHOICE_TYPES:
        shuffle = t.shuffle and shuffle_choices
        order = rng.permutation(len(t.choices)) if shuffle else np.arange(len(t.choices))
        options = tuple(Option(OPTION_KEYS[k], _render(t.choices[int(i)].text, ctx, "choice"),
                               t.choices[int(i)].correct) for k, i in enumerate(order))
        part = VariantPart(label="", kind=t.type, points=t.points, options=options,
                           display=", ".join(o.key for o in options if o.correct))
    elif t.type is QuestionType.SYMBOLIC:
        assert t.expression is not None
        canon, latex = _symbolic_forms(t.expression, t.variables)
        part = VariantPart(label="", kind=t.type, points=t.points, expression=canon,
                           variables=t.variables, display=latex)
    elif t.type is QuestionType.SHORT_ANSWER:
        refs = tuple(_render(r, ctx, "reference") for r in t.references)
        part = VariantPart(label="", kind=t.type, points=t.points, references=refs,
                           rubric=t.rubric, wrong_answers=t.wrong_answers,
                           wrong_concepts=t.wrong_concepts,
                           display=refs[0].ko if refs else "")
    else:  # pragma: no cover - the loader only lets computed templates have other types
        raise VariantError(f"type {t.type} needs a family", t)
    return Variant(template_id=t.id, topic=t.topic, type=t.type, difficulty=t.difficulty,
                   seed=seed, prompt=prompt, parts=(part,),
                   solution=_render(t.solution, ctx, "solution") if t.solution else None,
                   explanation=(_render(t.explanation, ctx, "explanation") if t.explanation
                                else None))
