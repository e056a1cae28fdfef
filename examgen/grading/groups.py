"""Answer groups and the collusion check for free-text answers. Pure.

*Groups*: a question's distinct answers are clustered greedily by cosine similarity of their
character n-gram TF-IDF vectors. The most common answer not yet grouped leads a new group and
takes every ungrouped answer at least ``threshold`` similar to it. The order (count, then text)
makes the groups, and their ids, depend only on the answers, not on scores: a re-run with
overrides keeps them.

*Collusion*: two students are suspicious when, on several questions, they wrote near-identical
answers (equal once case, spacing, punctuation and glossary spellings are ignored) that few
others wrote and that the model answer does not explain (similarity below ``EXPLAINED``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np

from examgen.model import Suspicion

GROUP_THRESHOLD = 0.7
_LETTERS = re.compile(r"[\W_]+")
EXPLAINED = 0.8


def greedy_groups(texts: Sequence[str], counts: Sequence[int], vectors, threshold: float  # type: ignore[no-untyped-def]
                  ) -> list[int]:
    """Group index of each text (``vectors``: L2-normalised sparse rows, one per text)."""
    n = len(texts)
    order = sorted(range(n), key=lambda i: (-counts[i], texts[i]))
    group = np.full(n, -1)
    csr = vectors.tocsr()
    cols = csr.T.tocsr()        # a leader's row times every text: one sparse product
    k = 0
    for lead in order:
        if group[lead] >= 0:
            continue
        sims = np.asarray((csr[lead] @ cols).todense()).ravel()
        group[(group < 0) & (sims >= threshold)] = k
        group[lead] = k
        k += 1
    return group.tolist()


def near_identical(canonical: Sequence[str]) -> list[int]:
    """Cluster id of each (canonical) text: equal letters and digits, in order, share one."""
    ids: dict[str, int] = {}
    return [ids.setdefault(_LETTERS.sub("", t), len(ids)) for t in canonical]


def collusion(per_question: Mapping[str, Sequence[tuple[str, int]]],
              texts: Mapping[str, Sequence[str]], min_questions: int = 2,
              max_share: float = 0.1, max_ring: int = 4) -> list[Suspicion]:
    """``per_question[column]``: (student, near-identical cluster id, or -1 when the answer is
    explained by the reference or blank); ``texts[column][cluster]``: an example text. Pairs
    sharing a rare cluster (at most ``max_ring`` students and ``max_share`` of the answers: a
    wider one is a common answer, not evidence) on at least ``min_questions`` columns, most
    shared first."""
    shared: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for col, items in per_question.items():
        members: dict[int, list[str]] = {}
        for student, cluster in items:
            if cluster >= 0:
                members.setdefault(cluster, []).append(student)
        limit = max(2, min(max_ring, int(max_share * len(items))))
        for cluster, who in members.items():
            if 2 <= len(who) <= limit:
                for a, b in combinations(sorted(set(who)), 2):
                    shared.setdefault((a, b), []).append((col, texts[col][cluster]))
    out = [Suspicion(pair, tuple(c for c, _ in hits), tuple(t for _, t in hits))
           for pair, hits in shared.items() if len({c for c, _ in hits}) >= min_questions]
    out.sort(key=lambda s: (-len(s.questions), s.students))
    return out
