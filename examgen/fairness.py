"""Fairness of a computed variant, judged the way the grader will judge answers.

A variant is fair when, in every part,

1. no misconception's answer is graded right: it is further than the grading tolerance from the
   key (also when the student writes it at the printed precision);
2. no two misconceptions are alike: each wrong answer is further than the tolerance from every
   other one, so the feedback names the mistake the student made;
3. (choice parts) every option is further than the tolerance from every other option.

"Alike" is the grader's own test (:meth:`Tolerance.accepts`, in either direction, element by
element for arrays) applied to the exact values and to the values as a student writes them
(rounded to the printed decimals, or to the digits the tolerance needs at that size), plus
equality as written. :mod:`examgen.variants` redraws a variant that breaks a
rule; ``bank stress`` counts how often that happens and checks every kept variant again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from examgen.model import Tolerance

KEY_RULE = "wrong method graded right"
PAIR_RULE = "two misconceptions alike"
OPTION_RULE = "options alike"
RULES = (KEY_RULE, PAIR_RULE, OPTION_RULE)

EXACT = Tolerance("abs", 0.0)


@dataclass(frozen=True)
class Unfairness:
    """One broken rule in one part: ``rule`` is one of :data:`RULES`."""

    rule: str
    detail: str


Flat = tuple[float, ...]


def _flat(v: Any) -> Flat:
    return tuple(float(x) for x in np.ravel(np.asarray(v, dtype=np.float64)))


def _accepts_all(tol: Tolerance, a: Flat, b: Flat) -> bool:
    """Whether every element of ``b`` is accepted for ``a``'s, or ``a``'s for ``b``'s (the
    grader's :meth:`Tolerance.accepts`, in pure Python: these arrays have a handful of
    elements, where numpy's per-call overhead dominates)."""
    for x, y in zip(a, b, strict=True):
        if not (math.isfinite(x) and math.isfinite(y)):
            if x != y:
                return False
        elif abs(x - y) > max(tol.allowed(x), tol.allowed(y)) * (1 + 1e-9):
            return False
    return True


@dataclass(frozen=True)
class _Val:
    exact: Flat
    shown: tuple[Flat, ...]  # as a student writes it: at the printed decimals, and at the
    #                          digits the tolerance needs at each element's size


def _val(v: Any, decimals: int | None, tol: Tolerance) -> _Val:
    exact = _flat(v)
    shown = {tuple(round(x, tol.display_decimals(x)) + 0.0 if math.isfinite(x) else x
                   for x in exact)}
    if decimals is not None:
        shown.add(tuple(round(x, decimals) + 0.0 if math.isfinite(x) else x for x in exact))
    return _Val(exact, tuple(sorted(shown)))


def _alike(a: _Val, b: _Val, tol: Tolerance) -> bool:
    if len(a.exact) != len(b.exact):
        return False
    if _accepts_all(tol, a.exact, b.exact):
        return True
    return (any(x == y for x in a.shown for y in b.shown)
            or any(_accepts_all(tol, a.exact, y) for y in b.shown)
            or any(_accepts_all(tol, x, b.exact) for x in a.shown))


def alike(a: Any, b: Any, tol: Tolerance | None, decimals: int | None) -> bool:
    """Whether the grader could take ``b`` for ``a`` (or the reverse): within ``tol`` exactly,
    or once either is rounded to ``decimals`` places, or equal as printed."""
    tol = tol or EXACT
    return _alike(_val(a, decimals, tol), _val(b, decimals, tol), tol)


def same_value(a: Any, b: Any) -> bool:
    """Equal up to floating-point noise: the wrong path computes exactly the key here."""
    fa, fb = _flat(a), _flat(b)
    return len(fa) == len(fb) and all(x == y or abs(x - y) <= 1e-12 * (1 + abs(y))
                                      for x, y in zip(fa, fb, strict=True))


def check_part(key: Any, misconceptions: Sequence[tuple[str, Any]], options: Sequence[Any],
               tol: Tolerance | None, decimals: int | None) -> list[Unfairness]:
    """Every rule one part breaks. ``misconceptions`` are (id, value) pairs; ``options`` the
    option values of a choice part (empty otherwise)."""
    out: list[Unfairness] = []
    tol = tol or EXACT
    k = _val(key, decimals, tol)
    mis = [(mid, _val(v, decimals, tol)) for mid, v in misconceptions]
    for mid, value in mis:
        if _alike(k, value, tol):
            out.append(Unfairness(KEY_RULE, f"{mid} lands within the tolerance of the key"))
    for i, (m1, v1) in enumerate(mis):
        for m2, v2 in mis[i + 1:]:
            if _alike(v1, v2, tol):
                out.append(Unfairness(PAIR_RULE, f"{m1} and {m2} are within the tolerance"))
    opts = [_val(v, decimals, tol) for v in options]
    for i, v1 in enumerate(opts):
        for j in range(i + 1, len(opts)):
            if _alike(v1, opts[j], tol):
                out.append(Unfairness(OPTION_RULE, f"options {i + 1} and {j + 1} are within "
                                                   "the tolerance"))
    return out
