"""The templates built on the sequence-model families (examgen/families/sequence.py) test
themselves: over many seeds the key grades correct, every misconception's answer grades as that
misconception and never as correct, no misconception lies within the tolerance of the key or of
another misconception, and a choice question's wrong options name their misconception."""

from __future__ import annotations

import numpy as np
import pytest

from examgen import formatting as F
from examgen.bank import bank_glossary, load_bank
from examgen.families import REGISTRY
from examgen.grading import grade_one, parts_from_variant
from examgen.model import Tolerance
from examgen.variants import variant_for_seed

BANK = load_bank()
GLOSSARY = bank_glossary()
SEQUENCE_FAMILIES = {name for name, f in REGISTRY.items()
                     if f.compute.__module__ == "examgen.families.sequence"}
TEMPLATES = [t for t in BANK.templates if t.family in SEQUENCE_FAMILIES]
SEEDS = range(120)
EXACT = Tolerance("abs", 0.0)


def test_every_new_family_has_a_template() -> None:
    assert len(SEQUENCE_FAMILIES) >= 10
    assert {t.family for t in TEMPLATES} == SEQUENCE_FAMILIES
    assert len(TEMPLATES) >= 12
    topics = {t.topic for t in TEMPLATES}
    assert {"seq2seq", "bert"} <= topics


def _within(tol: Tolerance, a: object, b: object) -> bool:
    x = np.ravel(np.asarray(a, dtype=np.float64))
    y = np.ravel(np.asarray(b, dtype=np.float64))
    return x.shape == y.shape and all(tol.accepts(float(e), float(g)) for e, g in zip(x, y,
                                                                                       strict=True))


def _near_pairs(part) -> list[str]:  # type: ignore[no-untyped-def]
    tol = part.tolerance or EXACT
    values = [("key", part.value)] + [(m.id, m.value) for m in part.misconceptions]
    return [f"{a}~{b}" for i, (a, x) in enumerate(values) for b, y in values[i + 1:]
            if _within(tol, x, y)]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_template_grades_itself_and_keeps_wrong_paths_apart(template) -> None:
    unfair = []
    for seed in SEEDS:
        v = variant_for_seed(template, seed)
        near = [f"seed {seed} part {p.label or '-'}: {pair}" for p in v.parts
                for pair in _near_pairs(p)]
        if near:
            # no wrong path may be graded right; the samplers keep such draws rare, and the
            # variant generator's fairness redraw removes them altogether
            assert not any("key~" in x for x in near), (template.id, near)
            unfair += near
            continue
        for part, key in zip(v.parts, parts_from_variant(v), strict=True):
            where = f"{template.id} seed {seed} part {part.label or '-'}"
            if part.options:
                correct = [o for o in part.options if o.correct]
                assert len(correct) == 1, where
                assert grade_one(key, correct[0].key, glossary=GLOSSARY).points == key.points, where
                for o in part.options:
                    if o.misconception:
                        got = grade_one(key, o.key, glossary=GLOSSARY)
                        assert got.points == 0, where
                        assert got.misconception == o.misconception, where
                continue
            typed = F.fmt_value(part.value, part.decimals)  # what a student writes
            assert grade_one(key, typed, glossary=GLOSSARY).points == key.points, (where, typed)
            for m in part.misconceptions:
                got = grade_one(key, F.fmt_value(m.value, part.decimals), glossary=GLOSSARY)
                assert got.points < key.points, (where, m.id, m.value)
                assert got.misconception == m.id, (where, m.id, got.misconception)
    assert len(unfair) <= 0.03 * len(SEEDS), (template.id, unfair)
