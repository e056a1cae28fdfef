"""Accuracy benchmark of the short-answer scorer, measured as a user gets it.

    .venv/bin/python bench/short_answer.py [--data ../shared/data/asag/mohler_dev.csv]
                                           [--write-model] [--quick]

What is measured is what ``examgen grade --key KEY.csv`` awards: the scorer fitted on the
question's references and the class's answers, the points policy applied
(:mod:`examgen.grading.points`: the score on a half-point grid, full points only with every
rubric concept), points read as points / max. Pearson r against the human grades.

Protocol (no figure on the data that chose the settings): every fitted setting, i.e. the
additive model of :mod:`examgen.grading.similarity`, is fitted *leave-one-question-out* on the
visible data, English (Mohler et al. 2011 dev split, 30 questions) and Korean
(``tests/data/short_answers_ko.csv``, the 14 seed-quiz items) together, each data set weighted
equally; the held-out question is then scored with that model. The hand-set constants of
:mod:`examgen.grading.text` and the points policy are not fitted here.

Settings reported:
- English: reference only (no question text: KEY.csv without a ``question`` column) and with
  the question text;
- Korean: reference only (references, no rubric) and with the bank's rubric as keywords
  (its concepts and wrong-concept cues);
- how many answers a human graded 0 get >= 50 % of the points without a review flag;
- the share of answers flagged for review;
- a same-run baseline: character 2–4-gram TF-IDF cosine to the reference (continuous).

``--write-model`` fits the model on all the visible data and writes
``examgen/grading/similarity_model.json`` (what the grader ships; no figure is reported on it).
The machine is shared: timings are CPU seconds and noisy.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.bank import load_bank  # noqa: E402
from examgen.bank.glossary import fold, load_glossary  # noqa: E402
from examgen.grading.points import PointsPolicy, award  # noqa: E402
from examgen.grading.similarity import (  # noqa: E402
    FEATURES,
    MODEL_FILE,
    AdditiveModel,
    features,
    fit_additive,
    matrix,
)
from examgen.grading.text import ShortAnswerScorer  # noqa: E402
from examgen.model import RubricConcept, WrongConcept  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "asag" / "mohler_dev.csv"
KO_SET = REPO / "tests" / "data" / "short_answers_ko.csv"
# 40 answers to the seed-quiz items written for this bench (Korean/English, graded by their
# writer): never fitted on; scored with the model fitted on all the visible data
SANITY_SET = REPO / "tests" / "data" / "short_answers_sanity.csv"
TARGET_EN, TARGET_KO, TARGET_KO_KEYS = 0.60, 0.60, 0.85
N_KNOTS = 3
ALPHAS = (3.0, 10.0, 30.0, 100.0, 300.0)   # ridge penalties tried, chosen by questions left out
INNER_FOLDS = 5
THROUGH_ZERO = True    # no intercept: an answer like nothing scores nothing (no floor)
POINTS = 5.0
SHOW = "--show" in sys.argv


@dataclass(frozen=True)
class Question:
    dataset: str                 # "en" or "ko"
    qid: str
    references: tuple[str, ...]
    prompt: str
    answers: tuple[str, ...]
    gold: np.ndarray             # 0..1
    rubric: tuple[RubricConcept, ...] = ()
    wrong_concepts: tuple[WrongConcept, ...] = ()
    cache: dict[bool, np.ndarray] = field(default_factory=dict, compare=False)

    def x(self, with_prompt: bool) -> np.ndarray:
        """Feature matrix of the answers (cached), as the scorer computes it."""
        if with_prompt not in self.cache:
            canon = load_glossary().canonical
            cols = features([canon(r) for r in self.references],
                            [canon(a) for a in self.answers],
                            canon(self.prompt) if with_prompt else "")
            self.cache[with_prompt] = matrix(cols)
        return self.cache[with_prompt]


def load_mohler(path: Path) -> list[Question]:
    by_q: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_q[row["question_id"]].append(row)
    return [Question("en", q, (rows[0]["reference_answer"],), rows[0]["question"],
                     tuple(r["student_answer"] for r in rows),
                     np.array([float(r["score_avg"]) / 5 for r in rows]))
            for q, rows in by_q.items()]


def load_korean(path: Path = KO_SET) -> list[Question]:
    bank = load_bank()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_q: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_q[r["question_id"]].append(r)
    out = []
    for qid, items in by_q.items():
        t = bank.get(qid)
        refs = tuple(x for ref in t.references for x in (ref.ko, ref.en) if x)
        out.append(Question("ko", qid, refs, f"{t.prompt.ko} {t.prompt.en or ''}",
                            tuple(r["answer"] for r in items),
                            np.array([float(r["grade"]) for r in items]),
                            tuple(t.rubric), tuple(t.wrong_concepts)))
    return out


def fit_model(questions: Sequence[Question], with_prompt: bool = False,
              alpha: float | None = None) -> AdditiveModel:
    """The additive model on ``questions``, each data set weighing as much as the other; the
    ridge penalty ``alpha`` (default: chosen by :func:`choose_alpha` on ``questions``)."""
    if alpha is None:
        alpha = choose_alpha(questions, with_prompt)
    xs, ys, ws = [], [], []
    sizes = defaultdict(int)
    for q in questions:
        sizes[q.dataset] += len(q.answers)
    for q in questions:
        xs.append(q.x(with_prompt))
        ys.append(q.gold * POINTS)
        ws.append(np.full(len(q.answers), 1.0 / sizes[q.dataset]))
    w = np.concatenate(ws)
    return fit_additive(np.vstack(xs), np.concatenate(ys), FEATURES, n_knots=N_KNOTS,
                        alpha=alpha, top=POINTS, sample_weight=w / w.mean(),
                        through_zero=THROUGH_ZERO)


def choose_alpha(questions: Sequence[Question], with_prompt: bool = False) -> float:
    """The penalty of :data:`ALPHAS` whose models predict best on questions they did not see:
    questions in INNER_FOLDS folds, the mean of the English and the Korean r."""
    folds = [questions[k::INNER_FOLDS] for k in range(INNER_FOLDS)]
    best, best_r = ALPHAS[0], -2.0
    for alpha in ALPHAS:
        pred: dict[str, list[float]] = defaultdict(list)
        gold: dict[str, list[float]] = defaultdict(list)
        for held in folds:
            train = [q for q in questions if all(q is not f for f in held)]
            model = fit_model(train, with_prompt, alpha)
            for q in held:
                pred[q.dataset] += list(model.predict(q.x(with_prompt)))
                gold[q.dataset] += list(q.gold)
        r = float(np.mean([np.corrcoef(pred[d], gold[d])[0, 1] for d in pred]))
        if r > best_r:
            best, best_r = alpha, r
    return best


@dataclass
class Tally:
    pred: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    gold: list[float] = field(default_factory=list)
    review: list[bool] = field(default_factory=list)

    def add(self, pred: float, raw: float, gold: float, review: bool) -> None:
        self.pred.append(pred)
        self.raw.append(raw)
        self.gold.append(gold)
        self.review.append(review)

    def r(self) -> float:
        """Pearson r of the awarded points (share of the maximum) against the human grades."""
        return float(np.corrcoef(self.pred, self.gold)[0, 1])

    def zero_unflagged(self) -> int:
        """Answers a human graded 0 awarded at least half the points without a review flag."""
        p, g, rv = np.array(self.pred), np.array(self.gold), np.array(self.review)
        return int(((g == 0) & (p >= 0.5) & ~rv).sum())

    def line(self, name: str, target: float | None = None) -> str:
        p, g, rv = np.array(self.pred), np.array(self.gold), np.array(self.review)
        r = self.r()
        r_raw = float(np.corrcoef(self.raw, g)[0, 1])
        zero_bad = self.zero_unflagged()
        mark = "" if target is None else (f"  target >= {target:.2f}: "
                                           + ("ok" if r >= target else "BELOW"))
        return (f"  {name:<38} r = {r:.3f} (score {r_raw:.3f})  RMSE {np.sqrt(np.mean((p - g) ** 2)):.3f}"
                f"  full {100 * np.mean(p >= 0.999):3.0f}% (human {100 * np.mean(g >= 0.999):3.0f}%)"
                f"  review {100 * rv.mean():3.0f}%  human-0 >= 50% unflagged: {zero_bad}{mark}")


def score_question(q: Question, model: AdditiveModel, *, with_prompt: bool, keys: bool,
                   tally: Tally) -> None:
    """Score ``q`` as ``examgen grade`` does (the scorer of ``grading.batch.fit_short`` with
    ``model``, then the points policy)."""
    rubric = q.rubric if keys else ()
    cues = q.wrong_concepts if keys else ()
    scorer = ShortAnswerScorer(rubric, (), cues, glossary=load_glossary(), model=model).fit(
        list(q.references), list(dict.fromkeys(a for a in q.answers if a.strip())),
        question=q.prompt if with_prompt else "")
    policy = PointsPolicy()
    for a, g in zip(q.answers, q.gold, strict=True):
        if not a.strip():
            tally.add(0.0, 0.0, float(g), False)
            continue
        s = scorer.score(a)
        aw = award(s.score, POINTS, policy, complete=s.complete)
        if SHOW and g == 0 and aw.points >= POINTS / 2 and not (s.needs_review or aw.review):
            print("    human 0, unflagged:", q.qid, round(s.score, 2), round(s.cosine, 2), a[:80])
        tally.add(aw.points / POINTS, s.score, float(g), s.needs_review or aw.review)
        continue
        s = scorer.score(a)
        aw = award(s.score, POINTS, policy, complete=s.complete)
        tally.add(aw.points / POINTS, s.score, float(g), s.needs_review or aw.review)


def baseline(questions: Sequence[Question]) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer

    preds, gold = [], []
    for q in questions:
        refs = [fold(r) for r in q.references]
        ans = [fold(a) for a in q.answers]
        v = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        m = v.fit_transform(refs + ans)
        preds += list((m[len(refs):] @ m[:len(refs)].T).toarray().max(axis=1))
        gold += list(q.gold)
    return float(np.corrcoef(preds, gold)[0, 1])


def run(questions: list[Question]) -> dict[str, Tally]:
    tallies = {k: Tally() for k in ("en", "en_q", "ko", "ko_keys")}
    for q in questions:
        rest = [o for o in questions if o is not q]      # leave the question out
        if q.dataset == "en":
            score_question(q, fit_model(rest), with_prompt=False, keys=False,
                           tally=tallies["en"])
            score_question(q, fit_model(rest, with_prompt=True), with_prompt=True, keys=False,
                           tally=tallies["en_q"])
        else:
            model = fit_model(rest)
            score_question(q, model, with_prompt=False, keys=False, tally=tallies["ko"])
            score_question(q, model, with_prompt=False, keys=True, tally=tallies["ko_keys"])
    return tallies


def kiwi_load() -> str:
    """Kiwi's load time in a fresh process (CPU and wall), against importing scikit-learn's
    TF-IDF there (the same-run baseline), and the cost of one analysis once loaded."""
    import subprocess

    code = ("import time;w=time.perf_counter();c=time.process_time();{}"
            "print(time.perf_counter()-w, time.process_time()-c)")
    load = "from examgen.grading.morph import kiwi, stem_view; kiwi();"
    base = "from sklearn.feature_extraction.text import TfidfVectorizer;"
    out = []
    for stmt in (load, base):
        r = subprocess.run([sys.executable, "-c", code.format(stmt)], capture_output=True,
                           text=True, cwd=REPO, check=True)
        out.append([float(v) for v in r.stdout.split()])
    from examgen.grading.morph import kiwi
    k = kiwi()
    texts = [f"순환 구조가 없어서 {i}번째 위치도 한 번에 계산한다." for i in range(200)]
    t = time.process_time()
    for x in texts:
        k.tokenize(x)
    per = 1000 * (time.process_time() - t) / len(texts)
    return (f"Kiwi load in a fresh process: {out[0][0]:.1f} s wall, {out[0][1]:.1f} s CPU "
            f"(baseline: importing TF-IDF {out[1][0]:.1f} s wall, {out[1][1]:.1f} s CPU); "
            f"{per:.2f} ms CPU per analysed sentence")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--show", action="store_true", help="list human-0 answers at >= 50 %% unflagged")
    ap.add_argument("--write-model", action="store_true",
                    help=f"fit on all visible data and write {MODEL_FILE.relative_to(REPO)}")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"error: {args.data} not found (the Mohler development split)", file=sys.stderr)
        return 2
    t0 = time.process_time()
    en, ko = load_mohler(args.data), load_korean()
    questions = en + ko
    n_en, n_ko = sum(len(q.answers) for q in en), sum(len(q.answers) for q in ko)
    print(f"visible data: English {len(en)} questions / {n_en} answers; Korean {len(ko)} "
          f"questions / {n_ko} answers. Leave-one-question-out; awarded points / max "
          f"(step {PointsPolicy().step}, review band {PointsPolicy().review}).")
    print(f"  baseline char TF-IDF cosine (continuous)   English r = {baseline(en):.3f}   "
          f"Korean r = {baseline(ko):.3f}")
    t1 = time.process_time()
    tallies = run(questions)
    cpu = time.process_time() - t1
    print("English (Mohler dev, human-human r = 0.59):")
    print(tallies["en"].line("reference only", TARGET_EN))
    print(tallies["en_q"].line("with question text"))
    print("Korean/English seed-quiz set:")
    print(tallies["ko"].line("reference only", TARGET_KO))
    print(tallies["ko_keys"].line("with rubric keywords", TARGET_KO_KEYS))
    n_scored = 2 * n_en + 2 * n_ko
    print(f"  {1000 * cpu / n_scored:.2f} ms CPU per scored answer (fit included); total "
          f"{time.process_time() - t0:.0f} s CPU (shared machine: noisy)")
    if SANITY_SET.exists():
        sanity = load_korean(SANITY_SET)
        model = fit_model(questions)
        tallies = {k: Tally() for k in ("ref", "keys")}
        for q in sanity:
            score_question(q, model, with_prompt=False, keys=False, tally=tallies["ref"])
            score_question(q, model, with_prompt=False, keys=True, tally=tallies["keys"])
        print(f"Sanity set ({sum(len(q.answers) for q in sanity)} answers written for the bench, "
              "never fitted on; model fitted on all visible data):")
        print(tallies["ref"].line("reference only", TARGET_KO))
        print(tallies["keys"].line("with rubric keywords", TARGET_KO_KEYS))
    print(kiwi_load())
    if args.write_model:
        alpha = choose_alpha(questions)
        MODEL_FILE.write_text(fit_model(questions, alpha=alpha).to_json() + "\n",
                              encoding="utf-8")
        print(f"wrote {MODEL_FILE.relative_to(REPO)} (fitted on all visible data, ridge alpha "
              f"{alpha:g} chosen by {INNER_FOLDS}-fold question groups)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
