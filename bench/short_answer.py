"""Accuracy benchmark of the short-answer scorer.

    .venv/bin/python bench/short_answer.py [--data ../shared/data/asag/mohler_dev.csv]
                                           [--shots 5] [--repeats 5] [--write-model]

On the Mohler et al. (2011) development split (English, 30 questions, human scores 0–5):

- baseline: plain character n-gram TF-IDF cosine to the reference (the figure to beat);
- reference-only: the scorer with the additive model fitted on the *other* 29 questions
  (leave-one-question-out, so every figure is on questions the model has not seen);
- few-shot: the same, plus ``--shots`` graded answers of the question (drawn at random, repeated
  ``--repeats`` times), evaluated on the question's other answers.

Then the Korean/English/mixed test set ``tests/data/short_answers_ko.csv`` (the 14 seed-quiz
items, graded by hand) scored with the bank's references and rubrics and the shipped model.

``--write-model`` refits the additive model on the whole split and writes
``examgen/grading/similarity_model.json`` (the coefficients the grader ships with).
Targets: reference-only r >= 0.60, few-shot r >= 0.70.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.bank import load_bank  # noqa: E402
from examgen.bank.glossary import fold, load_glossary  # noqa: E402
from examgen.grading.similarity import (  # noqa: E402
    FEATURES,
    MODEL_FILE,
    AdditiveModel,
    features,
    fit_additive,
    matrix,
)
from examgen.grading.text import ShortAnswerScorer  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "asag" / "mohler_dev.csv"
KO_SET = REPO / "tests" / "data" / "short_answers_ko.csv"
TARGET_REF, TARGET_FEW = 0.60, 0.70
N_KNOTS, ALPHA = 3, 3.0

glossary = load_glossary()   # the bundled bank's, as examgen grade reads it by default


def load_mohler(path: Path) -> dict[str, list[dict[str, str]]]:
    by_q: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_q[row["question_id"]].append(row)
    return dict(by_q)


def stats(pred: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    return float(np.corrcoef(pred, gold)[0, 1]), float(np.sqrt(np.mean((pred - gold) ** 2)))


def fit_model(by_q: dict[str, list[dict[str, str]]], skip: str | None = None) -> AdditiveModel:
    xs, ys = [], []
    for q, rows in by_q.items():
        if q == skip:
            continue
        canon = load_glossary().canonical        # exactly the text the scorer compares
        cols = features([canon(rows[0]["reference_answer"])],
                        [canon(r["student_answer"]) for r in rows], canon(rows[0]["question"]))
        xs.append(matrix(cols))
        ys += [float(r["score_avg"]) for r in rows]
    return fit_additive(np.vstack(xs), np.array(ys), FEATURES, n_knots=N_KNOTS, alpha=ALPHA, top=5.0)


def baseline(by_q: dict[str, list[dict[str, str]]]) -> tuple[float, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    preds, gold = [], []
    for rows in by_q.values():
        ref = fold(rows[0]["reference_answer"])
        ans = [fold(r["student_answer"]) for r in rows]
        v = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        m = v.fit_transform([ref] + ans)
        preds += list(5 * (m[1:] @ m[0].T).toarray().ravel())
        gold += [float(r["score_avg"]) for r in rows]
    return stats(np.array(preds), np.array(gold))


def mohler(by_q: dict[str, list[dict[str, str]]], shots: int, repeats: int
           ) -> tuple[tuple[float, float], tuple[float, float], float]:
    ref_p, ref_y, few_p, few_y = [], [], [], []
    t0 = time.perf_counter()
    n_scored = 0
    for q, rows in by_q.items():
        model = fit_model(by_q, skip=q)           # never trained on the question it scores
        refs = [rows[0]["reference_answer"]]
        answers = [r["student_answer"] for r in rows]
        gold = np.array([float(r["score_avg"]) for r in rows])
        scorer = ShortAnswerScorer(model=model, glossary=glossary).fit(
            refs, answers, question=rows[0]["question"])
        ref_p += [5 * s.score for s in scorer.score_many(answers)]
        ref_y += list(gold)
        n_scored += len(answers)
        for rep in range(repeats):
            rng = np.random.default_rng([rep, len(q), int(q.replace(".", ""))])
            pick = rng.choice(len(rows), size=shots, replace=False)
            graded = {answers[i]: gold[i] / 5 for i in pick}
            rest = [i for i in range(len(rows)) if i not in set(pick.tolist())
                    and answers[i] not in graded]
            few = ShortAnswerScorer(model=model, glossary=glossary).fit(
                refs, answers, question=rows[0]["question"], graded=graded)
            few_p += [5 * s.score for s in few.score_many([answers[i] for i in rest])]
            few_y += list(gold[rest])
            n_scored += len(rest)
    per_answer_ms = 1000 * (time.perf_counter() - t0) / max(1, n_scored)
    return (stats(np.array(ref_p), np.array(ref_y)), stats(np.array(few_p), np.array(few_y)),
            per_answer_ms)


def korean_set(path: Path = KO_SET) -> dict[str, float]:
    """r and RMSE (0..1 scale) on the hand-graded seed-quiz answers, with the bank's rubrics;
    also how many answers graded 0 score >= 50 % without needs_review."""
    bank = load_bank()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_q: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_q[r["question_id"]].append(r)
    pred, gold, review, unflagged_zero, reviewed = [], [], [], 0, 0
    for qid, items in by_q.items():
        t = bank.get(qid)
        refs = [x for ref in t.references for x in (ref.ko, ref.en) if x]
        scorer = ShortAnswerScorer(t.rubric, [w.text for w in t.wrong_answers],
                                   t.wrong_concepts, glossary=glossary).fit(
            refs, [r["answer"] for r in items], question=f"{t.prompt.ko} {t.prompt.en or ''}")
        for r, s in zip(items, scorer.score_many([r["answer"] for r in items]), strict=True):
            pred.append(s.score)
            gold.append(float(r["grade"]))
            review.append(s.needs_review)
            reviewed += s.needs_review
            if float(r["grade"]) == 0 and s.score >= 0.5 and not s.needs_review:
                unflagged_zero += 1
    r_, rmse = stats(np.array(pred), np.array(gold))
    err = np.abs(np.array(pred) - np.array(gold)) >= 0.25
    flag = np.array(review, dtype=bool)
    return {"r": r_, "rmse": rmse, "n": len(rows), "review": reviewed,
            "zero_unflagged": unflagged_zero,
            # how many big errors (>= a quarter of the points) review catches, and how many
            # reviewed answers really were big errors
            "caught": float(err[flag].sum() / max(1, err.sum())),
            "precision": float(err[flag].mean()) if flag.any() else 0.0,
            "r_unflagged": stats(np.array(pred)[~flag], np.array(gold)[~flag])[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--shots", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--write-model", action="store_true",
                    help=f"refit on the whole split and write {MODEL_FILE.relative_to(REPO)}")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"error: {args.data} not found (the Mohler development split)", file=sys.stderr)
        return 2
    by_q = load_mohler(args.data)
    n = sum(len(v) for v in by_q.values())
    print(f"Mohler dev: {len(by_q)} questions, {n} answers; human graders agree at r = 0.59")
    b = baseline(by_q)
    print(f"  baseline  char TF-IDF cosine       r = {b[0]:.3f}  RMSE = {b[1]:.3f}")
    ref, few, ms = mohler(by_q, args.shots, args.repeats)
    ok = lambda v, t: "ok" if v >= t else "BELOW TARGET"  # noqa: E731
    print(f"  reference-only (unseen questions)  r = {ref[0]:.3f}  RMSE = {ref[1]:.3f}  "
          f"target >= {TARGET_REF:.2f}: {ok(ref[0], TARGET_REF)}")
    print(f"  few-shot, {args.shots} graded per question    r = {few[0]:.3f}  RMSE = {few[1]:.3f}  "
          f"target >= {TARGET_FEW:.2f}: {ok(few[0], TARGET_FEW)}  ({args.repeats} draws)")
    print(f"  {ms:.2f} ms per scored answer (fit included)")
    if KO_SET.exists():
        k = korean_set()
        print(f"Korean/English seed-quiz set: {k['n']:.0f} answers  r = {k['r']:.3f}  "
              f"RMSE = {k['rmse']:.3f} (0..1)  needs_review {k['review']:.0f}; "
              f"graded-0 answers >= 50 % without review: {k['zero_unflagged']:.0f}")
        print(f"  review catches {100 * k['caught']:.0f}% of the errors >= 0.25 of the points; "
              f"{100 * k['precision']:.0f}% of reviewed answers are such errors; "
              f"r on the answers not flagged = {k['r_unflagged']:.3f}")
    if args.write_model:
        MODEL_FILE.write_text(fit_model(by_q).to_json() + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
