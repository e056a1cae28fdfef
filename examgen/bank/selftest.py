"""Self-tests of a loaded bank: every template renders and is not rejected too often
(``bank check``), and draws healthy, fair variants over many seeds (``bank stress``).

Fair is :mod:`examgen.fairness`: the drawing redraws unfair variants, so here every kept variant
is checked again against the same rules and the rejection rates are reported per rule; a
template whose draws are rejected too often needs tighter samplers, not more redraws.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from examgen import formatting as F
from examgen.bank import Bank
from examgen.errors import Problem
from examgen.fairness import RULES, check_part
from examgen.model import Template, Variant, VariantPart
from examgen.rng import derive_seed
from examgen.variants import CONSTRAINT, DrawLog, VariantError, draw_variant

CHECK_SEEDS = 3
RATE_SEEDS = 60       # variants `bank check` draws per computed template to measure rejections
MIN_DISTINCT = 10
MAX_UNFAIR_SHARE = 0.3   # of the draws that meet the constraints, at most this share unfair
MAX_DRAWS_PER_VARIANT = 4.0  # on average, constraints included


def check_rendering(bank: Bank, seeds: int = CHECK_SEEDS,
                    rate_seeds: int = RATE_SEEDS) -> list[Problem]:
    """Draw a few variants of every template (and ``rate_seeds`` of every computed one, to
    measure how often draws are rejected); each failure becomes a located problem."""
    problems: list[Problem] = []
    for t in bank.templates:
        rates = Rates()
        n = max(seeds, rate_seeds) if t.is_computed else seeds
        for k in range(n):
            try:
                rates.add(draw_variant(t, derive_seed("check", t.id, k))[1])
            except VariantError as e:
                problems.append(Problem(t.location.file, t.location.line, t.id, e.detail))
                break
            except Exception as e:  # a family raising on these parameters: report, go on
                problems.append(Problem(t.location.file, t.location.line, t.id,
                                        f"drawing a variant failed: {type(e).__name__}: {e}"))
                break
        else:
            too_often = rates.too_often()
            if too_often:
                problems.append(Problem(t.location.file, t.location.line, t.id, too_often))
    return problems


@dataclass
class Rates:
    """Draws and rejections summed over many variants of one template."""

    variants: int = 0
    draws: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, log: DrawLog) -> None:
        self.variants += 1
        self.draws += log.draws
        self.rejected += log.rejected
        for reason, detail in log.example.items():
            self.examples.setdefault(reason, detail)

    @property
    def unfair(self) -> int:
        return sum(n for reason, n in self.rejected.items() if reason != CONSTRAINT)

    def share(self, reason: str) -> float:
        """Share of the draws that met the constraints rejected for ``reason``."""
        met = self.draws - self.rejected[CONSTRAINT]
        return self.rejected[reason] / met if met else 0.0

    @property
    def unfair_share(self) -> float:
        met = self.draws - self.rejected[CONSTRAINT]
        return self.unfair / met if met else 0.0

    @property
    def draws_per_variant(self) -> float:
        return self.draws / self.variants if self.variants else 0.0

    def too_often(self) -> str | None:
        """Why this template's draws are rejected too often, or None."""
        if self.unfair_share > MAX_UNFAIR_SHARE:
            worst = max((r for r in self.rejected if r != CONSTRAINT),
                        key=lambda r: self.rejected[r])
            return (f"{100 * self.unfair_share:.0f}% of the draws are unfair (limit "
                    f"{100 * MAX_UNFAIR_SHARE:.0f}%), mostly {worst}: "
                    f"{self.examples[worst]}; constrain the samplers so the wrong paths differ")
        if self.draws_per_variant > MAX_DRAWS_PER_VARIANT:
            return (f"{self.draws_per_variant:.1f} draws per variant (limit "
                    f"{MAX_DRAWS_PER_VARIANT:g}): the constraints reject most draws; narrow the "
                    "samplers instead")
        return None

    def summary(self) -> str:
        """``1.23 draws/variant; unfair 4.5% (wrong method graded right 3.0%, ...)``."""
        parts = [f"{self.share(r) * 100:.1f}% {r}" for r in RULES if self.rejected[r]]
        other = [r for r in self.rejected if r not in RULES and r != CONSTRAINT]
        parts += [f"{self.share(r) * 100:.1f}% {r}" for r in sorted(other)]
        return (f"{self.draws_per_variant:.2f} draws/variant; redrawn "
                f"{self.unfair_share * 100:.1f}%" + (f" ({', '.join(parts)})" if parts else ""))


@dataclass
class StressResult:
    template_id: str
    location: str
    draws: int
    distinct: int = 0
    issues: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    rates: Rates = field(default_factory=Rates)
    applies: Counter[str] = field(default_factory=Counter)  # variants a misconception is in

    @property
    def ok(self) -> bool:
        return not self.issues

    def add(self, kind: str, example: str) -> None:
        self.issues[kind] += 1
        self.examples.setdefault(kind, example)


def _finite(v: object) -> bool:
    return bool(np.all(np.isfinite(np.asarray(v, dtype=np.float64))))


def inspect_variant(t: Template, v: Variant, res: StressResult) -> None:
    """Record every degenerate or unfair property of one variant."""
    for p in v.parts:
        at = f"seed {v.seed}: " + (f"part {p.label}: " if p.label else "")
        if p.value is not None:
            _inspect_value(t, p, at, res)
        if p.options:
            _inspect_options(t, p, at, res)


def _inspect_value(t: Template, p: VariantPart, at: str, res: StressResult) -> None:
    if not _finite(p.value):
        res.add("non-finite answer", f"{at}{p.value}")
        return
    if t.answer_range is not None:
        lo, hi = t.answer_range
        flat = np.ravel(np.asarray(p.value, dtype=np.float64))
        if np.any(flat < lo) or np.any(flat > hi):
            res.add("answer outside range",
                    f"{at}{F.fmt_value(p.value, 4)} not in [{lo:g}, {hi:g}]")
    bad = [m.id for m in p.misconceptions if not _finite(m.value)]
    if bad:
        res.add("non-finite misconception", at + ", ".join(bad))
        return
    options = [o.value for o in p.options if o.value is not None]
    for u in check_part(p.value, [(m.id, m.value) for m in p.misconceptions], options,
                        p.tolerance, p.decimals):
        res.add(u.rule, f"{at}{u.detail}")


def _inspect_options(t: Template, p: VariantPart, at: str, res: StressResult) -> None:
    texts = [o.text.ko for o in p.options]
    if len(set(texts)) != len(texts):
        res.add("duplicate options", f"{at}{texts}")
    if t.is_computed and len(p.options) < min(t.n_options, 3):
        res.add("too few options", f"{at}{len(p.options)}")
    n_ok = sum(o.correct for o in p.options)
    if n_ok == 0 or (p.kind.value == "single_choice" and n_ok != 1):
        res.add("wrong number of correct options", f"{at}{n_ok}")


def stress_template(t: Template, n: int) -> StressResult:
    res = StressResult(t.id, str(t.location), n)
    fingerprints: set[str] = set()
    for k in range(n):
        seed = derive_seed("stress", t.id, k)
        try:
            v, log = draw_variant(t, seed)
        except VariantError as e:
            res.add("no usable variant", f"seed {seed}: {e}")
            if e.log is not None:
                res.rates.add(e.log)
            continue
        except Exception as e:
            res.add("error", f"seed {seed}: {type(e).__name__}: {e}")
            continue
        res.rates.add(log)
        res.applies.update({m.id for p in v.parts for m in p.misconceptions})
        res.applies.update({mid: 0 for mid in log.left_out})
        fingerprints.add(json.dumps(dict(v.params), sort_keys=True, default=str)
                         + "|" + "|".join(o.text.ko for p in v.parts for o in p.options))
        inspect_variant(t, v, res)
    res.distinct = len(fingerprints)
    if t.is_computed and res.distinct < min(MIN_DISTINCT, n):
        res.add("too few distinct variants", f"{res.distinct} distinct in {n} draws")
    never = sorted(mid for mid, k in res.applies.items() if k == 0)
    if never:
        res.add("misconception never changes the answer",
                f"{', '.join(never)} gives the key itself in all {n} variants")
    too_often = res.rates.too_often()
    if too_often:
        res.add("rejected too often", too_often)
    return res
