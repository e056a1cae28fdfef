"""Short-answer scoring behind a scikit-learn-style contract.

``ShortAnswerScorer(rubric, ..., glossary=...).fit(references, answers, graded=...)`` reads one
question's references and the class's answers; ``score_many(answers)`` returns, per answer, a
value in [0, 1], a confidence, whether it needs review, and an explanation naming the matched and
missing concepts. Scoring never learns: an answer not seen in ``fit`` is scored as one more
answer of the class without changing the fitted scorer. The glossary is the one of the bank the
question comes from (:func:`examgen.bank.bank_glossary`), given explicitly. Steps:

1. every text is folded (NFKC, Latin case-folding) and glossary spellings become one token, so
   "forget gate", "망각 게이트" and "f_t" read the same (:mod:`examgen.bank.glossary`);
2. similarity features (:mod:`examgen.grading.similarity`) go through the additive model fitted
   on graded data: the *similarity score*;
3. the rubric (:mod:`examgen.grading.rubric`) adds coverage of the required concepts; wrong-concept
   cues and closeness to a known wrong answer pull the score down;
4. few-shot calibration: when the instructor graded some answers of this question (``graded``),
   the similarity score is shifted to agree with them on average and corrected, answer by
   answer, by the errors it made on the most similar graded answers.

Answers in the uncertain band, or with a cue that the score may be misleading (a negated concept,
a wrong-concept cue, closeness to a known wrong answer that still scores high), need review.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from examgen.bank import Glossary
from examgen.grading.contrast import ContrastCheck
from examgen.grading.rubric import RubricHits, RubricMatcher
from examgen.grading.similarity import (
    AdditiveModel,
    CharSpace,
    default_model,
    fit_features,
    matrix,
)
from examgen.model import RubricConcept, WrongConcept

RUBRIC_WEIGHT = 0.6     # share of the score the rubric decides when a question has one
CLOSE_TO_REFERENCE = 0.6  # cosine to a model answer above which similarity alone may decide
RESTATES = 0.6          # cosine to the question above which an answer may only restate it
NEAR_WRONG = 0.6        # cosine to a known wrong answer (clearly above any reference): capped
DISAGREE = 0.5          # rubric coverage and similarity this far apart: a person should look
WRONG_CUE_PENALTY = 0.25
WEAK_SCORE, WEAK_COSINE = 0.75, 0.5   # without a rubric: a score below WEAK_SCORE resting on
                                      # wording this far from the model answer is reviewed
FEW_SHOT_MIN = 3        # graded answers needed before a question is calibrated on them
SHIFT_PRIOR = 5         # pseudo-count of "no shift" (5 graded answers: half the mean error)
FEW_SHOT_POWER = 2      # similarity^power weighs a graded answer's residual
FEW_SHOT_SHRINK = 0.05  # pseudo-weight of "no correction" (chosen on Mohler; 0.01-0.1 alike)


@dataclass(frozen=True)
class TextScore:
    score: float          # 0..1
    confidence: float     # 0..1: how far from the uncertain band
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    similarity: float     # the similarity score (model output, before the rubric)
    explanation: str
    needs_review: bool = False
    wrong: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    cosine: float = 0.0   # TF-IDF cosine to the closest reference answer
    complete: bool = True  # every rubric concept found and no wrong concept named


class ShortAnswerScorer:
    """Similarity to the references (and to the class's good answers) combined with rubric
    coverage, optionally calibrated on a few graded answers."""

    def __init__(self, rubric: Sequence[RubricConcept] = (), wrong_answers: Sequence[str] = (),
                 wrong_concepts: Sequence[WrongConcept] = (), *, glossary: Glossary | None = None,
                 model: AdditiveModel | None = None, low: float = 0.4, high: float = 0.6):
        self.rubric = tuple(rubric)
        self.wrong_answers = tuple(wrong_answers)
        self.wrong_concepts = tuple(wrong_concepts)
        self.glossary = glossary
        self.model = model
        self.low = low
        self.high = high

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, references: Sequence[str], answers: Sequence[str] = (), *,
            question: str = "", graded: Mapping[str, float] | None = None) -> ShortAnswerScorer:
        """Learn one question: its references, the class's answers (the vocabulary, what good
        answers look like) and optionally ``graded`` answers (text -> share of the points)."""
        if isinstance(references, str) or isinstance(answers, str):
            raise TypeError("references and answers must be lists of strings, not one string")
        if self.glossary is None:
            raise TypeError("ShortAnswerScorer needs the glossary of the question's bank "
                            "(glossary=examgen.bank.bank_glossary(bank_folder))")
        self.glossary_ = self.glossary
        self.model_ = self.model if self.model is not None else default_model()
        canon = self.glossary_.canonical
        self.references_ = [canon(r) for r in references if r and r.strip()]
        if not self.references_:
            raise ValueError("at least one non-empty reference answer is needed")
        self.question_ = canon(question)
        self.graded_ = {canon(a): float(g) for a, g in (graded or {}).items() if a.strip()}
        texts = list(dict.fromkeys([canon(a) for a in answers if a.strip()]
                                   + list(self.graded_)))
        self.matcher_ = RubricMatcher(self.rubric, self.wrong_concepts, self.glossary_)
        self.contrast_ = ContrastCheck(self.glossary_, self.references_)
        self._learn(texts)
        return self

    def _learn(self, texts: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.texts_ = texts
        self.row_ = {t: i for i, t in enumerate(texts)}
        cols, space = fit_features(self.references_, texts, self.question_)
        self.base_ = self.model_.predict(matrix(cols, self.model_.names))
        self.char_ = cols["char"]
        if space is None:   # no answers yet: a space of the references alone
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
            space = CharSpace(vec, None, vec.fit_transform(self.references_))
        self.vectorizer_ = space.vectorizer
        self.answers_m_ = space.answers
        self.refs_m_ = space.references
        wrong = [self.glossary_.canonical(w) for w in self.wrong_answers]
        self.wrong_m_ = self.vectorizer_.transform(wrong) if wrong else None
        self.question_m_ = (self.vectorizer_.transform([self.question_]) if self.question_
                            else None)
        self.shift_ = 0.0
        self.few_shot_ = len(self.graded_) >= FEW_SHOT_MIN
        if self.few_shot_:
            idx = [self.row_[t] for t in self.graded_]
            g = np.array(list(self.graded_.values()))
            # the mean error on the graded answers, shrunk towards 0 (SHIFT_PRIOR pseudo-answers)
            self.shift_ = float(np.sum(g - self.base_[idx])) / (len(g) + SHIFT_PRIOR)
            self.graded_idx_ = np.array(idx)
            self.graded_y_ = g

    def _check(self) -> None:
        if not hasattr(self, "base_"):
            raise RuntimeError("ShortAnswerScorer is not fitted; call fit(references) first")

    # -- scoring ---------------------------------------------------------------------------
    def _with_unseen(self, canon: list[str]) -> ShortAnswerScorer:
        """This scorer when every text was seen in fit; otherwise a copy fitted with the unseen
        ones as more answers of the class. This scorer stays as fitted: scoring never learns."""
        unseen = [t for t in dict.fromkeys(canon) if t not in self.row_]
        if not unseen:
            return self
        extended = copy.copy(self)
        extended._learn(self.texts_ + unseen)
        return extended

    def _similarity(self, canon: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Model score and reference cosine of canonical texts, every one seen in fit (see
        :meth:`_with_unseen`), with their class-aware features."""
        idx = np.array([self.row_[t] for t in canon], dtype=int)
        base = self.base_[idx]
        if self.few_shot_ and self.answers_m_ is not None:
            # shift to agree with the graded answers on average, then correct each answer by the
            # residuals of the graded answers most similar to it (kernel-weighted, shrunk to 0
            # when none is similar)
            base = np.clip(base + self.shift_, 0, 1)
            resid = self.graded_y_ - np.clip(self.base_[self.graded_idx_] + self.shift_, 0, 1)
            sims = (self.answers_m_[idx] @ self.answers_m_[self.graded_idx_].T).toarray()
            sims[idx[:, None] == self.graded_idx_[None, :]] = 0.0   # no vote for itself
            w = np.clip(sims, 0, None) ** FEW_SHOT_POWER
            base = np.clip(base + (w @ resid) / (w.sum(axis=1) + FEW_SHOT_SHRINK), 0, 1)
            exact = np.array([self.graded_.get(t, -1.0) for t in canon])
            base = np.where(exact >= 0, exact, base)   # a graded answer keeps its grade
        return base, self.char_[idx]

    def vectors(self, canonical: Sequence[str]):  # type: ignore[no-untyped-def]
        """Character n-gram TF-IDF rows of canonical texts (the rows computed in fit when the
        texts were seen there)."""
        if self.answers_m_ is not None and all(t in self.row_ for t in canonical):
            return self.answers_m_[[self.row_[t] for t in canonical]]
        return self.vectorizer_.transform(list(canonical))

    def similarities(self, answers: Sequence[str]) -> np.ndarray:
        """The similarity score (0..1) of each answer, before the rubric."""
        self._check()
        canon = [self.glossary_.canonical(a) for a in answers]
        return self._with_unseen(canon)._similarity(canon)[0]

    def score_many(self, answers: Sequence[str]) -> list[TextScore]:
        """Score many answers with one vectorisation pass."""
        self._check()
        if isinstance(answers, str):
            raise TypeError("answers must be a list of strings, not one string")
        if not answers:
            return []
        canon = [self.glossary_.canonical(a) for a in answers]
        fitted = self._with_unseen(canon)
        base, cosine = fitted._similarity(canon)
        x = fitted.vectors(canon)
        near_wrong = ((x @ fitted.wrong_m_.T).toarray().max(axis=1)
                      if fitted.wrong_m_ is not None else np.zeros(len(canon)))
        near_q = ((x @ fitted.question_m_.T).toarray().ravel()
                  if fitted.question_m_ is not None else np.zeros(len(canon)))
        return [fitted._combine(c, float(b), float(s), float(w), float(q))
                for c, b, s, w, q in zip(canon, base, cosine, near_wrong, near_q, strict=True)]

    def score(self, answer: str) -> TextScore:
        return self.score_many([answer])[0]

    def nearest_wrong(self, answer: str, cosine: float) -> int | None:
        """The index (in ``wrong_answers``) of the known wrong answer ``answer`` is closest to,
        when it is close (:data:`NEAR_WRONG`) and closer than ``cosine``, the answer's cosine to
        the closest model answer (:attr:`TextScore.cosine`); otherwise None."""
        self._check()
        if self.wrong_m_ is None:
            return None
        canon = [self.glossary_.canonical(answer)]
        fitted = self._with_unseen(canon)
        wrong_m = fitted.wrong_m_
        assert wrong_m is not None   # refitted on the same wrong answers
        sims = (fitted.vectors(canon) @ wrong_m.T).toarray()[0]
        best = int(np.argmax(sims))
        return best if sims[best] >= NEAR_WRONG and sims[best] > cosine else None

    def _combine(self, canon: str, sim: float, cosine: float, wrong_sim: float,
                 question_sim: float) -> TextScore:
        """``cosine``: to the closest reference, in the same space as ``wrong_sim`` and
        ``question_sim``. Every note sends the answer to review, and so does a score in the
        uncertain band."""
        hits: RubricHits = self.matcher_.hits(canon, canonical=canon)
        swapped = self.contrast_.cues(canon)    # a confusable term in place of the reference's
        if swapped:
            hits = replace(hits, wrong=hits.wrong + swapped)
        value, notes = self._rubric_value(hits, sim, cosine) if self.rubric else (sim, [])
        if hits.wrong:
            value -= WRONG_CUE_PENALTY * len(hits.wrong)
        notes += self._concept_notes(canon, hits)
        if (not self.rubric and 0.5 <= value < WEAK_SCORE and cosine < WEAK_COSINE
                and not notes):
            notes.append("little wording in common with the model answer")
        value, closeness = self._closeness(value, cosine, wrong_sim, question_sim)
        value = float(np.clip(value, 0.0, 1.0))
        notes += closeness
        review = bool(notes) or self.low <= value <= self.high
        return self._text_score(hits, value, sim, cosine, notes, review)

    def _rubric_value(self, hits: RubricHits, sim: float, cosine: float
                      ) -> tuple[float, list[str]]:
        """The score of a question with a rubric (before wrong-concept penalties) and its
        notes."""
        # the rubric decides most of the score; an answer that is close to a model answer
        # keeps its similarity even when the rubric's spellings do not occur in it, unless
        # it names a wrong concept: then the closeness is the model answer's frame around
        # the wrong idea ("the heads' outputs are averaged, so ...")
        value = RUBRIC_WEIGHT * hits.coverage + (1 - RUBRIC_WEIGHT) * sim
        notes = []
        if cosine >= CLOSE_TO_REFERENCE and not hits.wrong:
            value = max(value, sim)
        elif abs(sim - hits.coverage) >= DISAGREE:
            notes.append("rubric and similarity disagree")
        key = self.matcher_.key_concept
        if key is not None and key in hits.missing and value >= 0.5 and not notes:
            notes.append(f"the key concept {key} is missing")
        return value, notes

    def _concept_notes(self, canon: str, hits: RubricHits) -> list[str]:
        """Notes on wrong, negated and (without a rubric) denied concepts."""
        notes = []
        if hits.wrong:
            notes.append(f"wrong concept: {', '.join(hits.wrong)}")
        if hits.negated:
            notes.append(f"negated: {', '.join(hits.negated)}")
        # without a rubric: the answer denies a term of the model answer ("쿼리·키·값이 아니라")
        denied = () if self.rubric else self.contrast_.denied(canon)
        if denied:
            notes.append(f"denies a term of the model answer: {', '.join(denied)}")
        return notes

    def _closeness(self, value: float, cosine: float, wrong_sim: float, question_sim: float
                   ) -> tuple[float, list[str]]:
        """An answer closer to the question or to a known wrong answer than to the model
        answers: notes, and the score capped when it is a known wrong answer."""
        notes = []
        if question_sim >= RESTATES and question_sim > cosine + 0.15:
            notes.append(f"mostly restates the question ({question_sim:.2f})")
        if self.wrong_m_ is not None and wrong_sim >= NEAR_WRONG and wrong_sim > cosine + 0.15:
            value = min(value, 0.2)
            notes.append(f"close to a known wrong answer ({wrong_sim:.2f})")
        return value, notes

    def _text_score(self, hits: RubricHits, value: float, sim: float, cosine: float,
                    notes: list[str], review: bool) -> TextScore:
        half = (self.high - self.low) / 2
        centre = (self.high + self.low) / 2
        confidence = float(np.clip((abs(value - centre) - half) / max(1 - self.high, 1e-9), 0, 1))
        expl = (f"matched: {', '.join(hits.matched) or '—'}; "
                f"missing: {', '.join(hits.missing) or '—'}; "
                f"similarity {sim:.2f} (cosine to the model answer {cosine:.2f})"
                + ("; calibrated on graded answers" if self.few_shot_ else "")
                + "".join(f"; {n}" for n in notes))
        return TextScore(value, confidence, hits.matched, hits.missing, sim, expl, review,
                         hits.wrong, hits.negated, cosine,
                         not hits.missing and not hits.wrong)
