"""What an export holds: for each chosen template, N seeded variants. Pure (no I/O).

Variant ``k`` of template ``t`` is drawn with ``derive_seed(seed, "export", t.id, k)``, so the same
templates, N and seed give the same variants, and so byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from examgen.model import Template, Variant
from examgen.rng import derive_seed
from examgen.variants import make_variant


@dataclass(frozen=True)
class ExportItem:
    """One template and the variants drawn from it: one LMS category / question group."""

    template: Template
    variants: tuple[Variant, ...]

    @property
    def points(self) -> float:
        return self.variants[0].points if self.variants else self.template.points


def variant_seed(seed: int, template_id: str, k: int) -> int:
    """The seed of the ``k``-th exported variant of a template."""
    return derive_seed(seed, "export", template_id, k)


def draw_items(chosen: Iterable[tuple[Template, float | None]], n: int, seed: int
               ) -> tuple[ExportItem, ...]:
    """``n`` variants of each template (points scaled to the given total where one is given)."""
    if n < 1:
        raise ValueError(f"the number of variants must be at least 1, got {n}")
    items = []
    for template, points in chosen:
        variants = tuple(_scaled(make_variant(template, variant_seed(seed, template.id, k)),
                                 points) for k in range(n))
        items.append(ExportItem(template, variants))
    return tuple(items)


def _scaled(v: Variant, points: float | None) -> Variant:
    if points is None or abs(points - v.points) < 1e-12:
        return v
    factor = points / v.points
    return replace(v, parts=tuple(replace(p, points=round(p.points * factor, 6))
                                  for p in v.parts))


def unique_templates(chosen: Sequence[tuple[Template, float | None]]
                     ) -> tuple[tuple[Template, float | None], ...]:
    """``chosen`` without repeats of a template (first one kept)."""
    seen: set[str] = set()
    out = []
    for t, pts in chosen:
        if t.id not in seen:
            seen.add(t.id)
            out.append((t, pts))
    return tuple(out)
