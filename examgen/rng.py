"""Seeds and random generators. The only place a ``numpy.random.Generator`` is created.

Seeds are derived with hashlib (never the salted built-in ``hash``), so a variant seed made from
(exam seed, student id, question id) is the same on every machine and every run.
"""

from __future__ import annotations

import hashlib

import numpy as np

SEED_BITS = 63


def derive_seed(*parts: object) -> int:
    """A stable 63-bit seed from any sequence of values (their ``str`` forms, in order)."""
    h = hashlib.sha256()
    for part in parts:
        data = str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return int.from_bytes(h.digest()[:8], "big") >> (64 - SEED_BITS)


def make_rng(seed: int) -> np.random.Generator:
    """The generator for ``seed``; the same seed gives the same stream everywhere."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.Generator(np.random.PCG64(int(seed)))
