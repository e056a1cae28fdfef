"""The points policy of short answers: a text score (0..1) becomes points. Pure.

Points follow the calibrated score on a grid: ``points × score`` rounded to the nearest
multiple of ``step`` (half a point by default), so the ranking the scorer finds survives into
the marks (there is no "0.8 and above is full marks" threshold). Full points also need every
rubric concept: an answer that misses one (or names a wrong concept) gets at most one step below
full. Answers whose score lies in the uncertain ``review`` band are flagged for review.

The grid and the band are settable per exam (``grading: {short_answer: {step: 1, review:
[0.35, 0.65]}}`` in the spec) and per question (``step`` and ``review`` columns of KEY.csv).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from examgen.model import PointsPolicy

__all__ = ["Award", "PointsPolicy", "award", "parse_review", "parse_step"]


def parse_review(text: str) -> tuple[float, float]:
    """``0.4-0.6`` or ``0.4..0.6`` (or ``40%-60%``) -> (0.4, 0.6)."""
    t = text.strip().replace(" ", "").replace("..", "-")
    parts = t.split("-")
    try:
        if len(parts) != 2:
            raise ValueError
        low, high = (float(p[:-1]) / 100 if p.endswith("%") else float(p) for p in parts)
    except ValueError:
        raise ValueError(f"review {text!r} must be a score band such as 0.4-0.6") from None
    PointsPolicy(review=(low, high))     # checks the band
    return low, high


def parse_step(text: str) -> float:
    try:
        step = float(text.strip())
    except ValueError:
        raise ValueError(f"step {text!r} must be a positive number of points such as 0.5") from None
    PointsPolicy(step=step)              # checks the step
    return step


@dataclass(frozen=True)
class Award:
    points: float
    capped: bool          # full points withheld: a rubric concept is missing or wrong
    review: bool          # the score lies in the uncertain band


DEFAULT_POLICY = PointsPolicy()


def award(score: float, points: float, policy: PointsPolicy = DEFAULT_POLICY, *,
          complete: bool = True) -> Award:
    """Points for a text score. ``complete``: every rubric concept was found and no wrong
    concept named (always True without a rubric)."""
    step = min(policy.step, points)
    n_steps = math.floor(points / step + 1e-9)
    k = math.floor(max(0.0, min(1.0, score)) * points / step + 0.5)   # half up, not to even
    pts = min(k, n_steps) * step
    if k >= n_steps:
        pts = points
    capped = False
    if not complete and pts >= points:
        pts, capped = max(0.0, (n_steps - 1) * step if n_steps * step >= points else
                          n_steps * step), True
    low, high = policy.review
    return Award(round(pts, 6), capped, low <= score <= high)
