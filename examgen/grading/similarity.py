"""Similarity features of short answers and the additive model that turns them into a score.

Features of one question's answers are computed together (like a grader reading the whole pile):

- ``char``: TF-IDF cosine over character 2–4-grams (robust to Korean particles and spacing) to
  the closest reference answer;
- ``char_prf``: cosine to a "pseudo-reference", the references plus the answers weighted by their
  squared similarity to the references (what good answers in this class look like);
- ``char_knn``: mean similarity to the five most similar other answers and references;
- ``word_prf``: like ``char_prf`` over word unigrams, stemmed, with words of the question
  removed (restating the question earns nothing);
- ``coverage``: share of the reference's content words that the answer uses;
- ``length``: log(1 + words) of the answer minus that of the reference answers (on average):
  how much shorter or longer than the model answer it is.

:class:`AdditiveModel` is a sum of piecewise-linear functions, one per feature (hinges at fixed
knots, fitted with ridge regression): explainable feature by feature, cheap, and fitted on
graded data by ``bench/short_answer.py --write-model`` (the shipped coefficients are
``examgen/grading/similarity_model.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from examgen.grading.morph import stem_en, stem_view

FEATURES = ("char", "char_prf", "char_knn", "word_prf", "coverage", "length")
MODEL_FILE = Path(__file__).with_name("similarity_model.json")

_WORD = re.compile(r"[a-z0-9_]+|[가-힣]+")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def words(text: str) -> list[str]:
    """Content words of folded/canonical text as stems (:func:`~examgen.grading.morph.stem_view`:
    Korean through Kiwi, English suffixes stripped); English stop words dropped; glossary
    tokens stay whole."""
    stop = _stop_stems()
    return [w if w.startswith("t_") or not w[0].isascii() else w[:6]
            for w in _WORD.findall(stem_view(text))
            if w.startswith("t_") or (w not in stop and (len(w) > 1 or w.isdigit()))]


@lru_cache(maxsize=1)
def _stop_stems() -> frozenset[str]:
    return frozenset(_stop_words() | {stem_en(w) for w in _stop_words()})


def _without(text: str, drop: set[str]) -> str:
    """``text`` without the words whose content stems are all in ``drop`` (restating the
    question earns nothing)."""
    if not drop:
        return text
    kept = [w for w in text.split() if not (set(words(w)) and set(words(w)) <= drop)]
    # nothing but the question's words and stop words left: nothing was said
    return " ".join(kept) if any(words(w) for w in kept) else ""


@dataclass(frozen=True)
class CharSpace:
    """The character n-gram TF-IDF space the features were computed in (reused by the scorer
    for review cues and few-shot neighbours)."""

    vectorizer: Any
    answers: Any        # sparse rows, one per answer
    references: Any


def features(references: Sequence[str], answers: Sequence[str], question: str = ""
             ) -> dict[str, np.ndarray]:
    """Feature columns (one value per answer) for one question; texts already canonical."""
    return fit_features(references, answers, question)[0]


def fit_features(references: Sequence[str], answers: Sequence[str], question: str = ""
                 ) -> tuple[dict[str, np.ndarray], CharSpace | None]:
    """:func:`features` and the character space they were computed in."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    refs = [r for r in references if r.strip()] or [""]
    n, nr = len(answers), len(refs)
    out: dict[str, np.ndarray] = {}
    space: CharSpace | None = None
    if n == 0:
        return {f: np.zeros(0) for f in FEATURES}, None
    qwords = set(words(question))
    ref_stems = set().union(*(set(words(r)) for r in refs))
    # the question's own words (not the reference's) are no evidence: dropped from the answers
    answers = [_without(a, qwords - ref_stems) for a in answers]
    corpus = list(refs) + list(answers)
    # each text's content words, once: for the word TF-IDF and for coverage
    content = [[w for w in words(t) if w not in qwords] for t in corpus]
    for tag, vec, docs in (
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                     dtype=np.float64), corpus),
            ("word", TfidfVectorizer(analyzer=_given, sublinear_tf=True, dtype=np.float64),
             content)):
        try:
            m = vec.fit_transform(docs)
        except ValueError:  # nothing but stop words / question words anywhere
            for f in (tag, f"{tag}_prf", f"{tag}_knn"):
                out[f] = np.zeros(n)
            continue
        r, a = m[:nr], m[nr:]
        to_refs = (a @ r.T).toarray()
        sim = to_refs.max(axis=1)
        out[tag] = sim
        # pseudo-reference: references (weight: half the answers' total) plus answers by sim^2
        w = sim ** 2
        centre = np.asarray(a.T @ w).ravel() + np.asarray(r.sum(axis=0)).ravel() * (
            max(w.sum(), 1.0) / (2 * nr))
        norm = np.linalg.norm(centre)
        out[f"{tag}_prf"] = np.asarray(a @ (centre / norm if norm else centre)).ravel()
        if tag == "char":
            out["char_knn"] = _knn(a, to_refs)
            space = CharSpace(vec, a, r)
    ref_words = set().union(*(set(c) for c in content[:nr])) or set().union(
        *(set(words(x)) for x in refs))
    out["coverage"] = np.array([len(ref_words & set(c)) / max(1, len(ref_words))
                                for c in content[nr:]])
    ref_len = float(np.mean(np.log1p([len(r.split()) for r in refs])))
    out["length"] = np.log1p([len(t.split()) for t in answers]) - ref_len
    return {f: out[f] for f in FEATURES}, space


def _given(tokens: list[str]) -> list[str]:
    """The analyzer of documents that are already lists of words."""
    return tokens


def _knn(a, rs: np.ndarray, k: int = 5) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Mean cosine to the k most similar other answers and references (``rs``: the answers'
    cosines to the references), dense in blocks."""
    n = a.shape[0]
    out = np.empty(n)
    for lo in range(0, n, 2048):
        hi = min(n, lo + 2048)
        s = (a[lo:hi] @ a.T).toarray()
        s[np.arange(hi - lo), np.arange(lo, hi)] = -1.0     # not yourself
        s = np.hstack([s, rs[lo:hi]])
        kk = min(k, s.shape[1] - 1) if s.shape[1] > 1 else 1
        top = np.partition(s, -kk, axis=1)[:, -kk:]
        out[lo:hi] = np.clip(top, 0, None).mean(axis=1)
    return out


def matrix(cols: Mapping[str, np.ndarray], names: Sequence[str] = FEATURES) -> np.ndarray:
    return np.column_stack([cols[f] for f in names])


@dataclass(frozen=True)
class AdditiveModel:
    """score = intercept + Σ_j f_j(x_j), f_j piecewise linear: a_j·x + Σ_k b_jk·max(0, x − t_jk).
    ``top`` is the score of a fully correct answer (5 on a 0–5 scale)."""

    names: tuple[str, ...]
    knots: tuple[tuple[float, ...], ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: float
    top: float

    def _basis(self, j: int, x: np.ndarray) -> np.ndarray:
        return np.column_stack([x] + [np.maximum(0.0, x - t) for t in self.knots[j]])

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions, shape (n, features), on the 0..1 scale."""
        return np.column_stack([self._basis(j, x[:, j]) @ np.array(self.coef[j])
                                for j in range(len(self.names))]) / self.top

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Scores on the 0..1 scale (clipped)."""
        if x.shape[0] == 0:
            return np.zeros(0)
        return np.clip(self.intercept / self.top + self.contributions(x).sum(axis=1), 0.0, 1.0)

    def to_json(self) -> str:
        return json.dumps({"names": self.names, "knots": self.knots, "coef": self.coef,
                           "intercept": self.intercept, "top": self.top}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> AdditiveModel:
        d = json.loads(text)
        return cls(tuple(d["names"]), tuple(tuple(k) for k in d["knots"]),
                   tuple(tuple(c) for c in d["coef"]), float(d["intercept"]), float(d["top"]))


def fit_additive(x: np.ndarray, y: np.ndarray, names: Sequence[str] = FEATURES, *,
                 n_knots: int = 4, alpha: float = 3.0, top: float | None = None,
                 sample_weight: np.ndarray | None = None,
                 through_zero: bool = False) -> AdditiveModel:
    """Fit an :class:`AdditiveModel` (knots at quantiles of each feature; ridge on standardised
    hinge columns, folded back into plain coefficients)."""
    from sklearn.linear_model import Ridge

    qs = np.linspace(0, 1, n_knots + 2)[1:-1]
    knots = tuple(tuple(float(v) for v in np.unique(np.quantile(x[:, j], qs)))
                  for j in range(x.shape[1]))
    proto = AdditiveModel(tuple(names), knots, tuple(() for _ in names), 0.0, 1.0)
    blocks = [proto._basis(j, x[:, j]) for j in range(x.shape[1])]
    b = np.hstack(blocks)
    mu, sd = b.mean(axis=0), b.std(axis=0)
    if through_zero:    # no intercept: an answer like nothing scores nothing (no floor)
        mu = np.zeros_like(mu)
    sd = np.where(sd > 1e-12, sd, 1.0)
    ridge = Ridge(alpha=alpha, fit_intercept=not through_zero).fit(
        (b - mu) / sd, y, sample_weight=sample_weight)
    w = ridge.coef_ / sd
    intercept = float(ridge.intercept_ - (mu * w).sum()) if not through_zero else 0.0
    coef, k = [], 0
    for blk in blocks:
        coef.append(tuple(float(v) for v in w[k:k + blk.shape[1]]))
        k += blk.shape[1]
    return AdditiveModel(tuple(names), knots, tuple(coef), intercept,
                         float(top if top is not None else y.max()))


@lru_cache(maxsize=1)
def default_model() -> AdditiveModel:
    return AdditiveModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))
