"""Short answers of a class: one fitted scorer per question, answers scored in one vectorised
pass (in worker processes for large classes), similar answers grouped for review, possible
collusion flagged. The same rule scores a single answer (:func:`grade_short_one`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from examgen.bank import Glossary
from examgen.grading.groups import EXPLAINED, GROUP_THRESHOLD, collusion, greedy_groups, near_identical
from examgen.grading.points import award
from examgen.grading.score import Scored, blank
from examgen.grading.text import ShortAnswerScorer, TextScore
from examgen.model import AnswerGroup, Outcome, PartKey, Suspicion


def fit_short(part: PartKey, answers: list[str], graded: dict[str, float] | None = None, *,
              glossary: Glossary) -> ShortAnswerScorer:
    """``part``'s short-answer scorer fitted on its model answers and the class's distinct
    ``answers`` (the one rule for a batch and for a single answer), reading them through the
    ``glossary`` of the bank the question comes from."""
    return ShortAnswerScorer(part.rubric, part.wrong_answers, part.wrong_concepts,
                             glossary=glossary, low=part.policy.review[0],
                             high=part.policy.review[1]).fit(
        list(part.references) or [""], answers, question=part.prompt, graded=graded)


def grade_short_one(part: PartKey, text: str, *, glossary: Glossary
                    ) -> tuple[Scored, ShortAnswerScorer | None, TextScore | None]:
    """One short answer scored as a batch of that one answer scores it, with the fitted scorer
    and the answer's text score for callers that explain it (both None for a blank answer)."""
    if blank(text):
        return _BLANK, None, None
    scorer = fit_short(part, [text], glossary=glossary)
    ts = scorer.score_many([text])[0]
    return _points(ts, part), scorer, ts


@dataclass(frozen=True)
class ShortItem:
    entry: int
    part_index: int
    student_id: str
    part: PartKey
    text: str


@dataclass(frozen=True)
class ShortResult:
    scores: dict[tuple[int, int], Scored]
    group_of: dict[tuple[int, int], str]
    groups: tuple[AnswerGroup, ...]
    suspicions: tuple[Suspicion, ...]
    ungraded: dict[str, _Question]   # per question scored without graded answers: reusable


@dataclass(frozen=True)
class _Question:
    """What scoring one question's distinct answers gives (texts only: cheap to send between
    processes)."""

    scored: dict[str, Scored]
    hits: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]  # matched/missing/wrong
    label: dict[str, int]        # answer group
    tight: dict[str, int]        # near-identical cluster, -1 when the references explain it
    examples: list[str]          # a text per near-identical cluster


def _score_question(part: PartKey, unique: list[str], counts: list[int],
                    graded: dict[str, float] | None, glossary: Glossary) -> _Question:
    scorer = fit_short(part, unique, graded, glossary=glossary)
    text_scores = scorer.score_many(unique)
    canon = [scorer.glossary_.canonical(t) for t in unique]
    label = greedy_groups(unique, counts, scorer.vectors(canon), GROUP_THRESHOLD)
    tight = near_identical(canon)
    examples = [""] * (max(tight) + 1)
    for t, c in zip(unique, tight, strict=True):
        examples[c] = examples[c] or t
    return _Question(
        {t: _points(ts, part) for t, ts in zip(unique, text_scores, strict=True)},
        {t: (ts.matched, ts.missing, ts.wrong) for t, ts in zip(unique, text_scores, strict=True)},
        dict(zip(unique, label, strict=True)),
        {t: -1 if max(ts.similarity, ts.cosine) >= EXPLAINED else c
         for t, ts, c in zip(unique, text_scores, tight, strict=True)},
        examples)


PARALLEL_MIN = 5_000    # distinct short answers from which questions are scored in parallel


Job = tuple[PartKey, list[str], list[int], dict[str, float] | None, Glossary]


def _start_questions(jobs: list[Job]) -> Callable[[], list[_Question]]:
    """Start scoring the questions; the returned function waits for every question's result,
    in order. Large batches use a process per core (fork: the workers start with the loaded
    libraries) and the caller goes on meanwhile; small ones are scored when asked."""
    import multiprocessing as mp
    import os

    total = sum(len(job[1]) for job in jobs)
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or total < PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
        return lambda: [_score_question(*job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    # imported once here, not once per worker (scikit-learn takes about 2 s to import)
    import sklearn.feature_extraction.text  # noqa: F401

    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
    futures = [pool.submit(_score_question, *job) for job in jobs]

    def wait() -> list[_Question]:
        try:
            return [f.result() for f in futures]
        finally:
            pool.shutdown()
    return wait


def score_short(groups: dict[str, list[ShortItem]],
                graded: dict[str, dict[str, float]] | None = None, *,
                glossary: Glossary) -> ShortResult:
    """Score every short answer, question by question: one scorer per question fitted on the
    class's answers (and the instructor's graded ones), answer groups, and collusion."""
    return start_short(groups, graded, glossary=glossary)()


_BLANK = Scored(0.0, Outcome.BLANK, "no answer")


def start_short(groups: dict[str, list[ShortItem]],
                graded: dict[str, dict[str, float]] | None = None,
                ungraded: dict[str, _Question] | None = None, *,
                glossary: Glossary) -> Callable[[], ShortResult]:
    """:func:`score_short`, started: the returned function waits for its result (large
    batches are scored in worker processes, and the caller can work meanwhile).
    ``ungraded``: :attr:`ShortResult.ungraded` of an earlier pass over the same answers,
    reused for the questions that still have no graded answers."""
    graded = graded or {}
    reuse = {qid: q for qid, q in (ungraded or {}).items() if qid not in graded}
    scores: dict[tuple[int, int], Scored] = {}
    jobs: list[Job] = []
    asked = []
    for qid, items in groups.items():
        answered = []
        for it in items:
            if blank(it.text):
                scores[(it.entry, it.part_index)] = _BLANK
            else:
                answered.append(it)
        if not answered:
            continue
        counts = Counter(it.text for it in answered)
        unique = sorted(counts, key=lambda t: (-counts[t], t))   # equal answers scored once
        asked.append((qid, answered, unique))
        if qid not in reuse:
            jobs.append((items[0].part, unique, [counts[t] for t in unique], graded.get(qid),
                         glossary))
    wait = _start_questions(jobs)

    def result() -> ShortResult:
        fresh = iter(wait())
        results = [reuse[qid] if qid in reuse else next(fresh) for qid, _, _ in asked]
        return _short_result(scores, asked, results, graded)
    return result


def _short_result(scores: dict[tuple[int, int], Scored],
                  asked: list[tuple[str, list[ShortItem], list[str]]],
                  results: list[_Question], graded: dict[str, dict[str, float]]
                  ) -> ShortResult:
    """Answer scores, groups and collusion from each question's result (``scores`` holds the
    blank answers already)."""
    group_of: dict[tuple[int, int], str] = {}
    all_groups: list[AnswerGroup] = []
    near: dict[str, list[tuple[str, int]]] = {}
    near_texts: dict[str, list[str]] = {}
    for (qid, answered, unique), res in zip(asked, results, strict=True):
        part = answered[0].part
        members: dict[int, list[ShortItem]] = {}
        for it in answered:
            scores[(it.entry, it.part_index)] = res.scored[it.text]
            members.setdefault(res.label[it.text], []).append(it)
        texts_of: dict[int, list[str]] = {}
        for t in unique:                      # most common first, as the groups were led
            texts_of.setdefault(res.label[t], []).append(t)
        for k in sorted(members):
            gid = f"{qid}/G{k + 1:02d}"
            who = members[k]
            texts = texts_of[k]
            lead = res.scored[texts[0]]
            for it in who:
                group_of[(it.entry, it.part_index)] = gid
            all_groups.append(AnswerGroup(
                gid, qid, tuple((it.student_id, it.part.column) for it in who), tuple(texts),
                lead.points, part.points, *res.hits[texts[0]],
                any(res.scored[t].needs_review for t in texts), lead.feedback))
        # collusion: near-identical answers the references do not explain
        near[qid] = [(it.student_id, res.tight[it.text]) for it in answered]
        near_texts[qid] = res.examples
    return ShortResult(scores, group_of, tuple(all_groups),
                       tuple(collusion(near, near_texts)),
                       {qid: res for (qid, _, _), res in zip(asked, results, strict=True)
                        if qid not in graded})



def _points(ts: TextScore, part: PartKey) -> Scored:
    """The points policy (:mod:`examgen.grading.points`): the score on the part's grid, full
    points only with every rubric concept; the review band flags the answer."""
    got = award(ts.score, part.points, part.policy, complete=ts.complete)
    if got.points >= part.points:
        outcome = Outcome.CORRECT
    else:
        outcome = Outcome.PARTIAL if got.points > 0 else Outcome.WRONG
    note = "; full points need every rubric concept" if got.capped else ""
    return Scored(got.points, outcome, f"score {ts.score:.2f}: {ts.explanation}{note}",
                  needs_review=ts.needs_review or got.review)
