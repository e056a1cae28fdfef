"""Grades -> statistics, item analysis and the printable grading report (HTML, PDF bytes).

The statistics are pure functions of a :class:`~examgen.model.GradeBatch`. The two edge
functions, :func:`render_report_html` and :func:`render_report_pdf`, return text and bytes;
writing files is the caller's business. Nothing here reads a clock, so a report is a function
of its batch alone.

Item analysis is by *item*, one question part as every student met it, not by submission
column: when copies shuffle their questions, column Q6 holds a different question for each
student, and only the question's own statistics mean anything. An item is the k-th part of a
question (``question_id``); it is labelled by its column when it sat in the same column for
everyone. Every student is counted for every item (an answer missing for a student counts as 0
points); variances are population variances (ddof=0); a statistic that is undefined is NaN and
prints as "—".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from examgen.model import AnswerGrade, AnswerGroup, GradeBatch, Outcome

if TYPE_CHECKING:
    from examgen.render.pdf import PdfWriter

__all__ = ["Item", "ItemStats", "Summary", "csv_safe", "histogram_svg", "item_stats", "items",
           "prepare_report_pdf", "render_report_html", "render_report_pdf", "render_review_html",
           "review_list", "score_matrix", "summarize"]

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
HISTOGRAM_BINS = 10
TOP_WRONG = 5
# answers that were read but earned less than full credit for a wrong value; blanks and format
# errors are counted separately, insufficient precision had the right value
WRONG_OUTCOMES = frozenset({Outcome.WRONG, Outcome.PARTIAL})


@dataclass(frozen=True)
class Item:
    """One question part as every student met it, wherever it sat on their copy."""

    question_id: str
    part: int                     # 0 for the first (or only) part of the question
    label: str                    # its column if it sat in one column for everyone, else the
    columns: tuple[str, ...]      # question id (and part letter); the columns it sat in
    max_points: float


@dataclass(frozen=True)
class ItemStats:
    """Item analysis of one item (see :class:`Item`)."""

    label: str
    question_id: str
    columns: tuple[str, ...]
    max_points: float
    mean: float
    difficulty: float            # mean / max_points (the p-value); NaN when max_points is 0
    discrimination: float        # point-biserial r of the item with the rest score; NaN if undefined
    n: int                       # students counted
    blank: int
    format_errors: int
    needs_review: int
    top_wrong: tuple[tuple[str, int], ...]        # (answer, count), count descending then text
    misconceptions: tuple[tuple[str, int], ...]   # (misconception id, count), count descending


@dataclass(frozen=True)
class Summary:
    """Score distribution and reliability of one batch."""

    n: int
    mean: float
    median: float
    std: float                   # population (ddof=0)
    min: float
    max: float
    max_total: float
    mean_percent: float
    cronbach_alpha: float        # NaN if fewer than 2 items or no variance in the totals
    kr20: float | None           # only when every item is scored 0 or full marks
    histogram: tuple[tuple[float, float, int], ...]   # (lo, hi, count) of percent scores


# -- statistics -----------------------------------------------------------------------------------

ItemKey = tuple[str, int]


def _item_keys(answers: tuple[AnswerGrade, ...], columns: dict[str, int]
               ) -> list[tuple[ItemKey, AnswerGrade]]:
    """A student's answers in exam columns with their items: the k-th answer to a question is
    its part k."""
    seen: Counter[str] = Counter()
    out = []
    for a in answers:
        if a.column in columns:
            out.append(((a.question_id, seen[a.question_id]), a))
            seen[a.question_id] += 1
    return out


Keyed = list[list[tuple[ItemKey, AnswerGrade]]]   # per student: answers with their items


def _keyed(batch: GradeBatch) -> Keyed:
    """Every student's answers in exam columns with their items (:func:`_item_keys`), once
    for all the statistics of a report."""
    columns = {c: j for j, c in enumerate(batch.columns)}
    return [_item_keys(student.answers, columns) for student in batch.students]


def items(batch: GradeBatch, keyed: Keyed | None = None) -> tuple[Item, ...]:
    """The batch's items in exam order (the order the first student who has them met them);
    a column no one answered is an item of its own, so an empty batch still lists its
    columns."""
    columns = {c: j for j, c in enumerate(batch.columns)}
    cols: dict[ItemKey, dict[str, None]] = {}
    tops: dict[ItemKey, float] = {}
    parts: Counter[str] = Counter()
    for student_keyed in _keyed(batch) if keyed is None else keyed:
        for key, a in student_keyed:
            cols.setdefault(key, {})[a.column] = None
            tops[key] = max(tops.get(key, 0.0), a.max_points)
            parts[key[0]] = max(parts[key[0]], key[1] + 1)
    answered = {c for cs in cols.values() for c in cs}
    for c, top in zip(batch.columns, batch.max_points, strict=True):
        if c not in answered:
            cols[(c, 0)], tops[(c, 0)] = {c: None}, top
            parts[c] = max(parts[c], 1)
    out = []
    for (qid, k), where in cols.items():
        in_order = tuple(sorted(where, key=columns.__getitem__))
        if len(in_order) == 1:
            label = in_order[0]
        else:
            label = qid + (f" ({chr(ord('a') + k)})" if parts[qid] > 1 else "")
        out.append(Item(qid, k, label, in_order, tops[(qid, k)]))
    return tuple(out)


def score_matrix(batch: GradeBatch, of: tuple[Item, ...] | None = None,
                 keyed: Keyed | None = None) -> npt.NDArray[np.float64]:
    """Points as a students × items array, items as :func:`items` orders them (0 where a
    student has no answer to an item; answers in columns outside ``batch.columns`` are left
    out)."""
    keyed = _keyed(batch) if keyed is None else keyed
    of = items(batch, keyed) if of is None else of
    index = {(it.question_id, it.part): j for j, it in enumerate(of)}
    m = np.zeros((len(batch.students), len(of)), dtype=np.float64)
    for i, student_keyed in enumerate(keyed):
        for key, a in student_keyed:
            m[i, index[key]] += a.points
    return m


def _pearson(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    """Pearson r, NaN when either side has no variance (or fewer than two values)."""
    if len(x) < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    # a spread this small relative to the values is rounding noise, not variance
    if sxx <= 1e-12 * max(1.0, float(x @ x)) or syy <= 1e-12 * max(1.0, float(y @ y)):
        return math.nan
    return float(dx @ dy) / math.sqrt(sxx * syy)


def _ranked(counts: Counter[str], limit: int | None = None) -> tuple[tuple[str, int], ...]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(ordered[:limit] if limit is not None else ordered)


def item_stats(batch: GradeBatch) -> tuple[ItemStats, ...]:
    """Difficulty, discrimination and answer tallies of every item, in exam order."""
    keyed = _keyed(batch)
    of = items(batch, keyed)
    return _item_stats(of, score_matrix(batch, of, keyed), keyed)


def _item_stats(of: tuple[Item, ...], m: npt.NDArray[np.float64], keyed: Keyed
                ) -> tuple[ItemStats, ...]:
    n = m.shape[0]
    totals = m.sum(axis=1)
    by_item: dict[ItemKey, list[AnswerGrade]] = {(it.question_id, it.part): [] for it in of}
    for student_keyed in keyed:
        for key, a in student_keyed:
            by_item[key].append(a)
    result = []
    for j, it in enumerate(of):
        scores = m[:, j]
        mean = float(scores.mean()) if n else math.nan
        answers = by_item[(it.question_id, it.part)]
        wrong: Counter[str] = Counter()
        for a in answers:
            if a.outcome in WRONG_OUTCOMES:
                # a choice by its options' text: letters are shuffled per copy
                text = ("; ".join(o.text for o in a.chosen) if a.chosen
                        else a.normalized or a.response.strip())
                if text:
                    wrong[text] += 1
        mis = Counter(a.misconception for a in answers if a.misconception)
        result.append(ItemStats(
            label=it.label, question_id=it.question_id, columns=it.columns,
            max_points=it.max_points, mean=mean,
            difficulty=mean / it.max_points if it.max_points > 0 and n else math.nan,
            discrimination=_pearson(scores, totals - scores), n=n,
            blank=sum(a.outcome == Outcome.BLANK for a in answers),
            format_errors=sum(a.outcome == Outcome.FORMAT_ERROR for a in answers),
            needs_review=sum(a.needs_review for a in answers),
            top_wrong=_ranked(wrong, TOP_WRONG), misconceptions=_ranked(mis)))
    return tuple(result)


def _alpha(m: npt.NDArray[np.float64]) -> float:
    """Cronbach's alpha with population variances; NaN if k < 2 or the totals do not vary."""
    n, k = m.shape
    if k < 2 or n == 0:
        return math.nan
    total_var = float(m.sum(axis=1).var())
    if total_var <= 1e-12:
        return math.nan
    return k / (k - 1) * (1 - float(m.var(axis=0).sum()) / total_var)


def _dichotomous(m: npt.NDArray[np.float64], max_points: tuple[float, ...]) -> bool:
    if m.shape[0] == 0:
        return False
    for j, top in enumerate(max_points):
        if top <= 0:
            return False
        col = m[:, j]
        if not np.all(np.isclose(col, 0.0) | np.isclose(col, top)):
            return False
    return True


def _histogram(percents: npt.NDArray[np.float64]) -> tuple[tuple[float, float, int], ...]:
    width = 100.0 / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for p in percents:
        if math.isfinite(p):
            counts[min(HISTOGRAM_BINS - 1, max(0, math.floor(p / width)))] += 1
    return tuple((i * width, (i + 1) * width, c) for i, c in enumerate(counts))


def summarize(batch: GradeBatch) -> Summary:
    """Distribution of the totals, reliability (alpha, KR-20) and the percent histogram."""
    keyed = _keyed(batch)
    of = items(batch, keyed)
    return _summarize(of, score_matrix(batch, of, keyed), _floors(batch))


def _floors(batch: GradeBatch) -> npt.NDArray[np.float64]:
    """Each student's floor under the total (-inf: none), as grades.csv applies it."""
    return np.array([-math.inf if s.floor is None else s.floor for s in batch.students],
                    dtype=np.float64)


def _summarize(of: tuple[Item, ...], m: npt.NDArray[np.float64],
               floors: npt.NDArray[np.float64] | None = None) -> Summary:
    tops = tuple(it.max_points for it in of)
    totals = m.sum(axis=1)
    if floors is not None and len(floors) == len(totals):
        totals = np.maximum(totals, floors)
    n = len(totals)
    max_total = float(sum(tops))
    percents = totals / max_total * 100 if max_total > 0 else np.full(n, math.nan)
    nan = math.nan
    mean = float(totals.mean()) if n else nan
    kr20 = _alpha((m / np.asarray(tops, dtype=np.float64)).round()) \
        if _dichotomous(m, tops) else None
    return Summary(
        n=n, mean=mean, median=float(np.median(totals)) if n else nan,
        std=float(totals.std()) if n else nan, min=float(totals.min()) if n else nan,
        max=float(totals.max()) if n else nan, max_total=max_total,
        mean_percent=mean / max_total * 100 if max_total > 0 and n else nan,
        cronbach_alpha=_alpha(m), kr20=kr20, histogram=_histogram(percents))


def review_list(batch: GradeBatch) -> tuple[AnswerGrade, ...]:
    """Every answer a person should look at (flagged for review, or unreadable), student by
    student in batch order, columns in exam order."""
    order = {c: j for j, c in enumerate(batch.columns)}
    out: list[AnswerGrade] = []
    for student in batch.students:
        flagged = [a for a in student.answers if a.needs_review or a.outcome == Outcome.FORMAT_ERROR]
        # stable: columns outside the exam order keep their input order, after the others
        out.extend(sorted(flagged, key=lambda a: order.get(a.column, len(order))))
    return tuple(out)


# -- CSV ------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_safe(cell: str) -> str:
    """Guard a CSV cell against spreadsheet formula injection: a cell starting with = + - @,
    tab or CR gets a leading apostrophe, except plain numbers such as "-0.5" or "+3"."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


# -- HTML / SVG / PDF -----------------------------------------------------------------------------

def histogram_svg(summary: Summary, width: int = 480, height: int = 180) -> str:
    """The percent histogram as a small inline SVG: bars, counts above them, a 0–100 % axis.
    Only numbers are written into it, so it is safe to embed unescaped."""
    left, right, top, bottom = 28.0, 10.0, 16.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    bins = summary.histogram or _histogram(np.zeros(0))
    peak = max([c for _, _, c in bins] + [1])
    slot = plot_w / len(bins)
    base = top + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="score histogram" font-family="sans-serif" font-size="10">',
        f'<line x1="{left:g}" y1="{base:g}" x2="{left + plot_w:g}" y2="{base:g}" '
        f'stroke="#333" stroke-width="1"/>',
    ]
    for i, (lo, _hi, count) in enumerate(bins):
        x = left + i * slot
        h = plot_h * count / peak
        if count:
            parts.append(f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{slot - 4:.1f}" '
                         f'height="{h:.1f}" fill="#4a78b0"/>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                     f'fill="#222">{count}</text>')
        parts.append(f'<line x1="{x:.1f}" y1="{base:g}" x2="{x:.1f}" y2="{base + 4:g}" '
                     f'stroke="#333" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{base + 15:g}" text-anchor="middle" fill="#333">'
                     f'{lo:g}</text>')
    end = left + plot_w
    parts.append(f'<line x1="{end:.1f}" y1="{base:g}" x2="{end:.1f}" y2="{base + 4:g}" '
                 f'stroke="#333" stroke-width="1"/>')
    parts.append(f'<text x="{end:.1f}" y="{base + 15:g}" text-anchor="middle" fill="#333">100</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 3:g}" text-anchor="middle" '
                 f'fill="#555">%</text>')
    parts.append("</svg>")
    return "".join(parts)


LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "title": "채점 보고서 / Grading report", "source": "응답 파일 / Source",
        "absent_n": "결시 / Absent", "absent": "결시 (제출 없음) / Absent (no submission)",
        "difficulty_plot": "문항별 난이도와 변별도 (주황: r < 0.2) / Item difficulty vs discrimination",
        "distractors": "선택지 분석 / Distractor analysis", "option": "선택지 (✓ 정답)",
        "chosen": "선택 (명)", "chooser_mean": "선택자 평균 (%)",
        "distractor_note": "선택지는 인쇄된 기호가 아니라 내용(문구와 오개념)으로 셉니다: "
                           "기호는 사본마다 섞입니다. "
                           "선택자 평균 = 그 선택지를 고른 학생들의 총점 평균.",
        "by_form": "형별 점수 / Scores by form", "form": "형",
        "forms_differ": "형별 점수 차이가 유의합니다 (p < 0.05): 형의 난이도가 같지 않을 수 있습니다.",
        "forms_same": "형별 점수 차이는 유의하지 않습니다 (p ≥ 0.05, 또는 검정할 수 없음).",
        "by_variant": "변형별 점수 / Scores by variant", "template": "문항 템플릿",
        "grouping": "묶음 기준", "group_means": "묶음별 평균",
        "variant_note": "계산 문항마다 변형(형별) 또는 한 매개변수 값으로 학생을 묶어 비교합니다 "
                        "(Kruskal–Wallis). ⚑ = p < 0.05: 변형의 난이도가 다를 수 있습니다 (여러 문항을 "
                        "검정하므로 우연일 수도 있습니다).",
        "graded": "채점된 학생 / Graded students", "rejected_n": "제외된 행 / Rejected rows",
        "summary": "요약 통계 / Summary", "n": "인원 / n", "mean": "평균 / Mean",
        "median": "중앙값 / Median", "std": "표준편차 / SD", "min": "최저 / Min", "max": "최고 / Max",
        "max_total": "만점 / Max total", "mean_percent": "평균 (%) / Mean %",
        "alpha": "크론바흐 알파 / Cronbach's α", "kr20": "KR-20",
        "histogram": "점수 분포 (백분율) / Score distribution (%)",
        "item_analysis": "문항 분석 / Item analysis", "column": "문항", "max_points": "배점",
        "difficulty": "난이도 (p)", "discrimination": "변별도 (r)", "blank": "무응답",
        "format_errors": "형식 오류", "needs_review": "검토", "top_wrong": "흔한 오답 (명)",
        "misconceptions": "오개념 (명)", "review": "검토 필요 / Needs review", "student": "학번",
        "response": "응답", "points": "점수", "outcome": "결과", "feedback": "피드백",
        "rejected": "제외된 행 / Rejected rows", "row": "행", "reason": "사유",
        "notices": "알림 / Notices", "none": "없음 / none",
        "collusion": "유사 답안 (공모 의심) / Possible collusion",
        "collusion_note": "여러 서술형 문항에서 모범 답안으로 설명되지 않는 거의 같은 답을 쓴 학생 쌍",
        "questions": "문항", "example": "예시 답안", "students": "학생",
        "calibration": "채점 보정 / Calibration",
        "calibrated": "교수자가 채점한 답안으로 보정한 문항 (few-shot)",
        "not_calibrated": "모든 서술형 문항은 모범 답안만으로 채점했습니다 (보정 없음).",
        "groups": "답안 묶음 / Answer groups", "group": "묶음", "members": "인원",
        "proposed": "제안 점수", "matched": "충족 개념", "missing": "빠진 개념",
        "wrong": "오개념 신호", "answers": "답안", "review_title": "서술형 검토 / Short-answer review",
        "review_note": "비슷한 답을 묶어 한 번만 보여 줍니다. overrides.csv에 group 열로 묶음을 "
                       "채점하면 구성원 모두에게 적용됩니다.",
        "other_groups": "검토가 필요 없는 묶음",
        "item_note": "문항별(소문항별) 분석: 문제 순서가 섞인 시험에서도 같은 문항끼리 모읍니다 "
                     "(작은 글씨는 그 문항이 놓였던 열). 난이도 = 평균/배점, 변별도 = 문항 점수와 "
                     "나머지 총점의 상관 (point-biserial); 주황색은 변별도 0.2 미만.",
    },
    "en": {
        "title": "Grading report", "source": "Source", "graded": "Graded students",
        "absent_n": "Absent", "absent": "Absent (no submission)",
        "difficulty_plot": "Item difficulty vs discrimination (orange: r < 0.2)",
        "distractors": "Distractor analysis", "option": "Option (✓ key)", "chosen": "Chosen (n)",
        "chooser_mean": "Choosers' mean %",
        "distractor_note": "Options are counted by their content (text and misconception), not by "
                           "printed letter: letters are shuffled per copy. Choosers' mean = the "
                           "mean total of the students who chose it.",
        "by_form": "Scores by form", "form": "Form",
        "forms_differ": "The forms' scores differ (p < 0.05): the forms may not be equally hard.",
        "forms_same": "No significant difference between the forms (p ≥ 0.05, or not testable).",
        "by_variant": "Scores by variant", "template": "Template", "grouping": "Grouped by",
        "group_means": "Group means",
        "variant_note": "Each computed template's students grouped by variant (forms) or by one "
                        "parameter's value and compared (Kruskal–Wallis). ⚑ = p < 0.05: its "
                        "variants may differ in difficulty (several templates are tested, so it "
                        "may be chance).",
        "rejected_n": "Rejected rows", "summary": "Summary", "n": "n", "mean": "Mean",
        "median": "Median", "std": "SD", "min": "Min", "max": "Max", "max_total": "Max total",
        "mean_percent": "Mean %", "alpha": "Cronbach's α", "kr20": "KR-20",
        "histogram": "Score distribution (%)", "item_analysis": "Item analysis", "column": "Item",
        "max_points": "Max", "difficulty": "Difficulty (p)", "discrimination": "Discrim. (r)",
        "blank": "Blank", "format_errors": "Format err.", "needs_review": "Review",
        "top_wrong": "Top wrong answers (n)", "misconceptions": "Misconceptions (n)",
        "review": "Needs review", "student": "Student", "response": "Response",
        "points": "Points", "outcome": "Outcome", "feedback": "Feedback",
        "rejected": "Rejected rows", "row": "Row", "reason": "Reason", "notices": "Notices",
        "none": "none",
        "collusion": "Possible collusion",
        "collusion_note": "Pairs of students with near-identical answers, not explained by the "
                          "model answer, on several short-answer questions",
        "questions": "Questions", "example": "Example answer", "students": "Students",
        "calibration": "Calibration",
        "calibrated": "Questions calibrated on answers the instructor graded (few-shot)",
        "not_calibrated": "Every short-answer question was scored from the model answer only.",
        "groups": "Answer groups", "group": "Group", "members": "Members",
        "proposed": "Proposed", "matched": "Matched", "missing": "Missing",
        "wrong": "Wrong cues", "answers": "Answers", "review_title": "Short-answer review",
        "review_note": "Similar answers are grouped and shown once. Grade a group in "
                       "overrides.csv (group column) to grade every member.",
        "other_groups": "Groups that need no review",
        "item_note": "One row per question (part), gathered across copies even when the "
                     "question order was shuffled (small print: the columns it sat in). "
                     "Difficulty = mean/max; discrimination = correlation of the item with the "
                     "rest score (point-biserial); orange marks r below 0.2.",
    },
}


def _num(x: float | None, decimals: int = 2) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    s = f"{x:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


def _pts(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:g}"


def _bank_math(text: str) -> Markup:
    """Bank text (an option's text) with its ``$...$`` math typeset; never student text."""
    from examgen.render.richtext import inline

    try:
        return inline(text)
    except Exception:   # a formula the typesetter cannot draw: its source, escaped
        return Markup.escape(text)


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> SandboxedEnvironment:
    """The report's Jinja2 environment: sandboxed, autoescaped, StrictUndefined."""
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({"num": _num, "pts": _pts, "math": _bank_math})
    return env


MAX_LISTED = 100  # rows per printed table; the CSVs list every one


def render_report_html(batch: GradeBatch, lang: str = "ko") -> str:
    """The grading report of ``batch`` as an HTML document (labels in Korean with English, or
    English alone when ``lang`` is "en")."""
    # the statistics share one pass over the answers (items, the score matrix)
    keyed = _keyed(batch)
    of = items(batch, keyed)
    m = score_matrix(batch, of, keyed)
    summary = _summarize(of, m, _floors(batch))
    flags = [f"{s.student_id}: {flag}" for s in batch.students for flag in s.flags]
    review = review_list(batch)
    notices = list(batch.notices) + flags
    stats = _item_stats(of, m, keyed)
    # a printed report lists at most MAX_LISTED rows per table; the CSVs hold every one
    context: dict[str, Any] = {
        "lang": "en" if lang == "en" else "ko", "ui": LABELS["en" if lang == "en" else "ko"],
        "batch": batch, "summary": summary, "items": stats, **_analyses(batch, stats),
        "review": review[:MAX_LISTED], "review_more": max(0, len(review) - MAX_LISTED),
        "rejected": batch.rejected[:MAX_LISTED],
        "rejected_more": max(0, len(batch.rejected) - MAX_LISTED),
        "notices": notices[:MAX_LISTED], "notices_more": max(0, len(notices) - MAX_LISTED),
        # built above from numbers only; student text never goes through Markup
        "histogram": Markup(histogram_svg(summary)),
        "suspicions": batch.suspicions[:MAX_LISTED], "calibrated": batch.calibrated,
        "has_short": bool(batch.groups),
    }
    return environment().get_template("report.html.j2").render(**context)


SCREEN_FONTS = "Noto Sans CJK KR"   # in a browser; the PDF uses the font fontconfig finds
SCREEN_CSS = """
@media screen {
  html { background: #f4f4f2; font-size: 10.5pt; }
  body { max-width: 190mm; margin: 8mm auto; padding: 12mm 14mm; background: #fff;
         box-shadow: 0 0 3mm rgba(0, 0, 0, 0.15); }
}
svg { max-width: 100%; height: auto; }
.plots { display: flex; flex-wrap: wrap; gap: 4mm; }
.plots figure { margin: 0; }
.plots figcaption { font-size: 8pt; color: #333; }
td.differ, span.differ { color: #a40; font-weight: bold; }
tr.correct td:first-child { font-weight: bold; }
"""


def _analyses(batch: GradeBatch, stats: tuple[ItemStats, ...]) -> dict[str, Any]:
    """The report's analyses and plots beyond item statistics (distractors by option, scores
    by form and by variant); plots are built from numbers and examgen's own labels only."""
    from examgen.reportplots import by_group_svg, difficulty_svg
    from examgen.reportstats import by_form, by_variant, distractors

    forms = by_form(batch)
    variants = by_variant(batch)
    return {
        "css": Markup(render_css(SCREEN_FONTS) + SCREEN_CSS),
        "absent": batch.absent[:MAX_LISTED], "absent_n": len(batch.absent),
        "distractors": distractors(batch), "forms": forms, "variants": variants,
        "difficulty_plot": Markup(difficulty_svg([s.label for s in stats],
                                                 [s.difficulty for s in stats],
                                                 [s.discrimination for s in stats]))
        if batch.students else "",
        "forms_plot": Markup(by_group_svg([forms])) if forms else "",
        "variants_plot": Markup(by_group_svg(variants)) if variants else "",
    }


MAX_MEMBERS = 30  # member ids listed per group in review.html


def render_review_html(batch: GradeBatch, lang: str = "ko") -> str:
    """review.html: each question's short answers in groups of similar answers, the groups that
    need review first, each shown once with its members, proposed points and rubric hits."""
    by_question: dict[str, list[AnswerGroup]] = {}
    for g in batch.groups:
        by_question.setdefault(g.question_id, []).append(g)
    questions = [(q, sorted(gs, key=lambda g: (not g.needs_review, -len(g.members), g.group_id)))
                 for q, gs in by_question.items()]
    context: dict[str, Any] = {
        "lang": "en" if lang == "en" else "ko", "ui": LABELS["en" if lang == "en" else "ko"],
        "batch": batch, "questions": questions, "max_members": MAX_MEMBERS,
        "calibrated": dict(batch.calibrated),
    }
    return environment().get_template("review.html.j2").render(**context)


def render_css(font_family: str, templates_dir: str = str(TEMPLATES_DIR)) -> str:
    return environment(templates_dir).get_template("report.css.j2").render(font_family=font_family)


@lru_cache(maxsize=2)
def _writer(font_family: str) -> PdfWriter:
    from examgen.render.pdf import PdfWriter  # WeasyPrint loads only when a PDF is made

    return PdfWriter(render_css(font_family))


def prepare_report_pdf() -> None:
    """Load what typesetting a report needs (WeasyPrint, the Hangul font, the stylesheet), so
    that :func:`render_report_pdf` only lays out the report."""
    from examgen.render.fonts import find_hangul_font

    _writer(find_hangul_font())


def render_report_pdf(html: str) -> bytes:
    """PDF bytes of a report rendered by :func:`render_report_html`, printed with the
    Hangul font fontconfig finds (:class:`~examgen.render.fonts.FontError` when none)."""
    from examgen.render.fonts import find_hangul_font

    return _writer(find_hangul_font()).write(html).data
