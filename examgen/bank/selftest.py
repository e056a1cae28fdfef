"""Self-tests of a loaded bank: every template renders (``bank check``) and draws healthy
variants over many seeds (``bank stress``)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from examgen import formatting as F
from examgen.bank import Bank
from examgen.errors import Problem
from examgen.model import Template, Variant
from examgen.rng import derive_seed
from examgen.variants import VariantError, make_variant

CHECK_SEEDS = 3
MIN_DISTINCT = 10


def check_rendering(bank: Bank, seeds: int = CHECK_SEEDS) -> list[Problem]:
    """Draw a few variants of every template; each failure becomes a located problem."""
    problems: list[Problem] = []
    for t in bank.templates:
        for k in range(seeds):
            try:
                make_variant(t, derive_seed("check", t.id, k))
            except VariantError as e:
                problems.append(Problem(t.location.file, t.location.line, t.id, e.detail))
                break
            except Exception as e:  # a family raising on these parameters: report, go on
                problems.append(Problem(t.location.file, t.location.line, t.id,
                                        f"drawing a variant failed: {type(e).__name__}: {e}"))
                break
    return problems


@dataclass
class StressResult:
    template_id: str
    location: str
    draws: int
    distinct: int = 0
    issues: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues

    def add(self, kind: str, example: str) -> None:
        self.issues[kind] += 1
        self.examples.setdefault(kind, example)


def _finite(v: object) -> bool:
    return bool(np.all(np.isfinite(np.asarray(v, dtype=np.float64))))


def inspect_variant(t: Template, v: Variant, res: StressResult) -> None:  # noqa: C901
    """Record every degenerate property of one variant."""
    seed = f"seed {v.seed}"
    for p in v.parts:
        where = f"part {p.label}: " if p.label else ""
        if p.value is not None:
            if not _finite(p.value):
                res.add("non-finite answer", f"{seed}: {where}{p.value}")
                continue
            if t.answer_range is not None:
                lo, hi = t.answer_range
                flat = np.ravel(np.asarray(p.value, dtype=np.float64))
                if np.any(flat < lo) or np.any(flat > hi):
                    res.add("answer outside range",
                            f"{seed}: {where}{F.fmt_value(p.value, 4)} not in [{lo:g}, {hi:g}]")
            dec = p.decimals if p.decimals is not None else 6
            keys = [F.round_value(p.value, dec)]
            for m in p.misconceptions:
                if not _finite(m.value):
                    res.add("non-finite misconception", f"{seed}: {where}{m.id}")
                keys.append(F.round_value(m.value, dec))
            if len(set(keys)) != len(keys):
                res.add("colliding misconception answers", f"{seed}: {where}{keys}")
        if p.options:
            texts = [o.text.ko for o in p.options]
            if len(set(texts)) != len(texts):
                res.add("duplicate options", f"{seed}: {where}{texts}")
            if t.is_computed and len(p.options) < min(t.n_options, 3):
                res.add("too few options", f"{seed}: {where}{len(p.options)}")
            n_ok = sum(o.correct for o in p.options)
            if n_ok == 0 or (p.kind.value == "single_choice" and n_ok != 1):
                res.add("wrong number of correct options", f"{seed}: {where}{n_ok}")


def stress_template(t: Template, n: int) -> StressResult:
    res = StressResult(t.id, str(t.location), n)
    fingerprints: set[str] = set()
    for k in range(n):
        seed = derive_seed("stress", t.id, k)
        try:
            v = make_variant(t, seed)
        except VariantError as e:
            res.add("no usable variant", f"seed {seed}: {e}")
            continue
        except Exception as e:
            res.add("error", f"seed {seed}: {type(e).__name__}: {e}")
            continue
        fingerprints.add(json.dumps(dict(v.params), sort_keys=True, default=str)
                         + "|" + "|".join(o.text.ko for p in v.parts for o in p.options))
        inspect_variant(t, v, res)
    res.distinct = len(fingerprints)
    if t.is_computed and res.distinct < min(MIN_DISTINCT, n):
        res.add("too few distinct variants", f"{res.distinct} distinct in {n} draws")
    return res
