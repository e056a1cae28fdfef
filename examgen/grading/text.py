"""Short-answer scoring behind a scikit-learn-style contract.

``ShortAnswerScorer(...).fit(references, answers)`` learns the vocabulary of one question;
``score(answer)`` returns a value in [0, 1], a confidence and an explanation. This is the plain
version batch grading needs (TF-IDF over character n-grams plus rubric concept hits through the
bank's synonyms); the short-answer issue replaces its internals behind the same contract.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from examgen.model import RubricConcept


@dataclass(frozen=True)
class TextScore:
    score: float          # 0..1
    confidence: float     # 0..1: how far from the uncertain band
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    similarity: float
    explanation: str


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", t).strip()


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_·.,()]+", "", normalize(text))


class ShortAnswerScorer:
    """Similarity to the reference answers combined with rubric coverage."""

    def __init__(self, rubric: Sequence[RubricConcept] = (), wrong_answers: Sequence[str] = (),
                 rubric_weight: float = 0.6, low: float = 0.35, high: float = 0.65):
        self.rubric = tuple(rubric)
        self.wrong_answers = tuple(wrong_answers)
        self.rubric_weight = rubric_weight
        self.low = low
        self.high = high

    def fit(self, references: Sequence[str], answers: Sequence[str] = ()) -> ShortAnswerScorer:
        if isinstance(references, str):
            raise TypeError("references must be a list of strings, not one string")
        from sklearn.feature_extraction.text import TfidfVectorizer

        refs = [normalize(r) for r in references if r.strip()]
        if not refs:
            raise ValueError("at least one non-empty reference answer is needed")
        wrong = [normalize(w) for w in self.wrong_answers]
        seen = list(dict.fromkeys(normalize(a) for a in answers if a.strip()))
        corpus = refs + wrong + seen
        self.vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                           sublinear_tf=True)
        matrix = self.vectorizer_.fit_transform(corpus)  # one pass: fitted rows are reused
        self.refs_ = matrix[: len(refs)]
        self.wrong_ = matrix[len(refs): len(refs) + len(wrong)] if wrong else None
        self.rows_ = {t: len(refs) + len(wrong) + i for i, t in enumerate(seen)}
        self.matrix_ = matrix
        self.synonyms_ = [(c, tuple(x for x in (_squash(s) for s in c.synonyms) if x))
                          for c in self.rubric]
        return self

    def _check(self) -> None:
        if not hasattr(self, "vectorizer_"):
            raise RuntimeError("ShortAnswerScorer is not fitted; call fit(references) first")

    def similarities(self, answers: Sequence[str]) -> np.ndarray:
        """Max cosine similarity of each answer to the references (vectorised)."""
        self._check()
        x = self.vectorizer_.transform([normalize(a) for a in answers])
        sims = (x @ self.refs_.T).toarray()
        return sims.max(axis=1) if sims.size else np.zeros(len(answers))

    def score_many(self, answers: Sequence[str]) -> list[TextScore]:
        """Score many answers with one vectorisation pass."""
        self._check()
        if not answers:
            return []
        texts = [normalize(a) for a in answers]
        if all(t in self.rows_ for t in texts):
            x = self.matrix_[[self.rows_[t] for t in texts]]
        else:
            x = self.vectorizer_.transform(texts)
        sims = (x @ self.refs_.T).toarray().max(axis=1)
        wrong = ((x @ self.wrong_.T).toarray().max(axis=1) if self.wrong_ is not None
                 else np.zeros(len(answers)))
        return [self._combine(a, float(s), float(w)) for a, s, w in zip(answers, sims, wrong,
                                                                       strict=True)]

    def score(self, answer: str) -> TextScore:
        return self.score_many([answer])[0]

    def _combine(self, answer: str, sim: float, wrong_sim: float) -> TextScore:
        squashed = _squash(answer)
        matched = tuple(c.concept for c, spellings in self.synonyms_
                        if any(s in squashed for s in spellings))
        missing = tuple(c.concept for c in self.rubric if c.concept not in matched)
        coverage = sum(c.weight for c in self.rubric if c.concept in matched)
        closeness = min(1.0, sim / 0.7)
        # an answer close to a reference earns its similarity even when the rubric's spellings
        # do not appear in it; the rubric can only add to that
        value = closeness
        if self.rubric:
            value = max(closeness, self.rubric_weight * coverage
                        + (1 - self.rubric_weight) * closeness)
        note = ""
        if self.wrong_ is not None and wrong_sim > max(sim, 0.5):
            value = min(value, 0.2)
            note = f"; close to a known wrong answer (similarity {wrong_sim:.2f})"
        value = float(np.clip(value, 0, 1))
        band = (self.high - self.low) / 2
        centre = (self.high + self.low) / 2
        confidence = float(np.clip(abs(value - centre) / max(band, 1e-9) - 1, 0, 1))
        expl = (f"matched: {', '.join(matched) or '—'}; missing: {', '.join(missing) or '—'}; "
                f"similarity to the model answer {sim:.2f}{note}")
        return TextScore(value, confidence, matched, missing, sim, expl)

    def uncertain(self, s: TextScore) -> bool:
        return self.low <= s.score <= self.high
