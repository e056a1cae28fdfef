"""Sequence-level computations of language models and decoders: cross-entropy and perplexity,
one step of beam search, BLEU, and the token counts of BERT's masked-LM corruption.

Logarithms are natural unless a ``base`` says otherwise.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def sequence_cross_entropy(probs: ArrayLike, targets: Sequence[int] | None = None, *,
                           base: float = math.e) -> float:
    """Mean negative log-probability of the target tokens (the teacher-forced training loss).

    ``probs`` is either a (T, V) table of per-step distributions with ``targets`` the target
    token ids, or a length-T vector of the probabilities given to the targets.
    """
    p = np.asarray(probs, dtype=np.float64)
    if targets is not None:
        p = p[np.arange(p.shape[0]), np.asarray(targets, dtype=int)]
    if p.ndim != 1 or p.size == 0 or np.any(p <= 0) or np.any(p > 1):
        raise ValueError("target probabilities must be a non-empty vector in (0, 1]")
    return float(-np.mean(np.log(p)) / math.log(base))


def perplexity(probs: ArrayLike, targets: Sequence[int] | None = None) -> float:
    """exp of the mean cross-entropy in nats (the same as 2 ** the mean in bits)."""
    return math.exp(sequence_cross_entropy(probs, targets))


@dataclass(frozen=True)
class BeamStep:
    scores: Array        # cumulative log-probabilities of the kept hypotheses, best first
    prefix: tuple[int, ...]  # which earlier hypothesis each kept one extends
    token: tuple[int, ...]   # which token each kept one appends
    candidates: Array    # (beams, V) cumulative scores of every extension


def beam_search_step(prefix_scores: ArrayLike, log_probs: ArrayLike, k: int) -> BeamStep:
    """One step of beam search: extend every hypothesis by every token, score each extension by
    its cumulative log-probability (prefix score + log p(token | prefix)) and keep the best
    ``k`` over all hypotheses. Ties are broken by position (earlier prefix, then earlier token).
    """
    s = np.asarray(prefix_scores, dtype=np.float64)
    lp = np.asarray(log_probs, dtype=np.float64)
    cand = s[:, None] + lp
    flat = cand.ravel()
    order = sorted(range(flat.size), key=lambda i: (-flat[i], i))[:k]
    v = lp.shape[1]
    return BeamStep(flat[order], tuple(i // v for i in order), tuple(i % v for i in order),
                    cand)


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def modified_precision(candidate: Sequence[str], references: Sequence[Sequence[str]], n: int,
                       *, clip: bool = True) -> Fraction:
    """BLEU's modified n-gram precision: each candidate n-gram counts at most as often as it
    occurs in the reference that has it most often (``clip=False``: plain precision)."""
    cand = ngrams(candidate, n)
    total = sum(cand.values())
    if total == 0:
        return Fraction(0)
    most: Counter[tuple[str, ...]] = Counter()
    for ref in references:
        most |= ngrams(ref, n)
    matched = sum(min(c, most[g]) if clip else (c if most[g] else 0) for g, c in cand.items())
    return Fraction(matched, total)


def brevity_penalty(c: int, r: int) -> float:
    """1 when the candidate (length c) is longer than the reference (length r), else
    exp(1 - r / c)."""
    if c == 0:
        return 0.0
    return 1.0 if c > r else math.exp(1 - r / c)


def closest_ref_length(c: int, references: Sequence[Sequence[str]]) -> int:
    """The reference length closest to c (the shorter one on a tie), as in BLEU."""
    return min((len(ref) for ref in references), key=lambda r: (abs(r - c), r))


@dataclass(frozen=True)
class Bleu:
    precisions: tuple[Fraction, ...]
    bp: float
    c: int
    r: int

    @property
    def score(self) -> float:
        if any(p == 0 for p in self.precisions):
            return 0.0
        return self.bp * math.exp(sum(math.log(p) for p in self.precisions)
                                  / len(self.precisions))


def bleu(candidate: Sequence[str], references: Sequence[Sequence[str]], max_n: int = 4, *,
         clip: bool = True) -> Bleu:
    """Sentence BLEU with uniform weights over 1..max_n-grams (no smoothing: a zero precision
    makes the score 0)."""
    c = len(candidate)
    r = closest_ref_length(c, references)
    precisions = tuple(modified_precision(candidate, references, n, clip=clip)
                       for n in range(1, max_n + 1))
    return Bleu(precisions, brevity_penalty(c, r), c, r)


@dataclass(frozen=True)
class MaskCounts:
    selected: int    # tokens chosen for prediction (15 %)
    masked: int      # of those, replaced by [MASK] (80 %)
    random: int      # replaced by a random token (10 %)
    unchanged: int   # left as they are (10 %)


def mlm_mask_counts(n_tokens: int, rate: Fraction = Fraction(15, 100),
                    split: tuple[Fraction, Fraction, Fraction] = (Fraction(8, 10),
                                                                  Fraction(1, 10),
                                                                  Fraction(1, 10))
                    ) -> MaskCounts:
    """Expected token counts of BERT's masked-LM corruption of ``n_tokens`` tokens. Exact
    fractions; raises when a count is not a whole number (the sampler should avoid that)."""
    sel = n_tokens * Fraction(rate)
    parts = [sel * f for f in split]
    if any(x.denominator != 1 for x in (sel, *parts)):
        raise ValueError(f"{n_tokens} tokens do not split into whole counts")
    return MaskCounts(int(sel), *(int(x) for x in parts))
