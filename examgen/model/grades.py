"""Grading records: answer keys (what each submission column expects), submissions as read from a
responses file, overrides, and the grades a run produces. Frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from examgen.model.question import (
    Misconception,
    QuestionType,
    RubricConcept,
    Text,
    Tolerance,
    Value,
    Variant,
    VariantPart,
    WrongConcept,
)

DEFAULT_STEP = 0.5
DEFAULT_REVIEW = (0.4, 0.6)


def check_policy(step: float, review: tuple[float, float]) -> None:
    """Raise ValueError naming what is wrong with a points grid step or a review band."""
    if isinstance(step, bool) or not isinstance(step, int | float) or not 0 < step < float("inf"):
        raise ValueError(f"step must be a positive number of points such as 0.5, got {step!r}")
    low, high = review
    if not (0 <= low <= high <= 1):
        raise ValueError(f"review band must be two scores 0 <= low <= high <= 1, got {review!r}")


@dataclass(frozen=True)
class PointsPolicy:
    """How a short answer's score (0..1) becomes points: ``step`` is the points grid (0.5: half
    points); ``review`` the score band (low, high) within which an answer is flagged for review
    (:mod:`examgen.grading.points`)."""

    step: float = DEFAULT_STEP
    review: tuple[float, float] = DEFAULT_REVIEW

    def __post_init__(self) -> None:
        check_policy(self.step, self.review)


@dataclass(frozen=True)
class PartKey:
    """Everything needed to grade one column."""

    column: str
    question_id: str
    kind: QuestionType
    points: float
    value: Value | None = None
    tolerance: Tolerance | None = None
    decimals: int | None = None
    allowance: float = 0.0           # accepted beyond the tolerance: see rounding_allowance()
    options: tuple[str, ...] = ()
    correct: frozenset[str] = frozenset()
    option_misconceptions: tuple[tuple[str, str], ...] = ()
    expression: str | None = None
    variables: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    rubric: tuple[RubricConcept, ...] = ()
    wrong_answers: tuple[str, ...] = ()
    wrong_concepts: tuple[WrongConcept, ...] = ()
    prompt: str = ""                 # the question's text (short answers: its words earn nothing)
    misconceptions: tuple[Misconception, ...] = ()
    partial_credit: bool = True      # vectors element-wise, multiple choice per option
    negative: float = 0.0            # share of the points taken off for a wrong choice
    option_texts: tuple[tuple[str, ...], ...] = ()   # per option, its text in each language
    display: str = ""                # the answer as the key prints it
    solution: tuple[str, ...] = ()   # the worked solution (or explanation), in each language
    variant: str = ""                # the variant's parameters (JSON; "" for a fixed question)
    policy: PointsPolicy = PointsPolicy()   # short answers: points grid and review band

    @classmethod
    def from_variant_part(cls, column: str, question_id: str, part: VariantPart, variant: Variant,
                          *, allowance: float = 0.0, params: str = "") -> PartKey:
        """The key of one part of a live variant (``variant``: its prompt, whose words earn
        nothing in a short answer). Values are plain floats, texts as the manifest keeps them:
        the key is the one its manifest entry gives. ``params``: the variant's parameters as
        the manifest's JSON (sorted keys), "" for a fixed question."""
        short = part.kind is QuestionType.SHORT_ANSWER
        tol = part.tolerance
        written = bool(part.references)   # what the manifest keeps of a short answer
        return cls(
            column=column, question_id=question_id, kind=QuestionType(part.kind),
            points=float(part.points),
            value=None if part.value is None else _floats(part.value),
            tolerance=None if tol is None else Tolerance(tol.kind, float(tol.value)),
            decimals=None if part.decimals is None else int(part.decimals),
            allowance=allowance,
            options=tuple(o.key for o in part.options),
            correct=frozenset(o.key for o in part.options if o.correct),
            option_misconceptions=tuple((o.key, o.misconception) for o in part.options
                                        if o.misconception),
            expression=part.expression,
            variables=tuple(part.variables) if part.expression is not None else (),
            references=tuple(x for r in part.references for x in spellings(r)),
            rubric=tuple(RubricConcept(c.concept, float(c.weight), tuple(c.synonyms),
                                       tuple(c.order), bool(c.absent))
                         for c in part.rubric) if written else (),
            wrong_answers=tuple(w.text for w in part.wrong_answers) if written else (),
            wrong_concepts=tuple(WrongConcept(w.concept, tuple(w.synonyms),
                                              None if w.why is None else _text(w.why))
                                 for w in part.wrong_concepts) if written else (),
            prompt=" ".join(spellings(variant.prompt)) if short else "",
            misconceptions=tuple(Misconception(m.id, _text(m.description), _floats(m.value),
                                               m.display) for m in part.misconceptions),
            option_texts=tuple(spellings(o.text) for o in part.options),
            display=part.display or "",
            solution=spellings(variant.solution or variant.explanation or Text("")),
            variant=params)


def spellings(text: Text) -> tuple[str, ...]:
    """The Korean and (where written) English forms of a text."""
    return tuple(x for x in (text.ko, text.en) if x)


def _text(t: Text) -> Text:
    return Text(t.ko, t.en or None)


def _floats(v: Value) -> Value:
    if isinstance(v, (list, tuple)):
        return tuple(_floats(x) for x in v)  # type: ignore[return-value]
    return float(v)


@dataclass(frozen=True)
class AnswerKey:
    title: str
    source: str
    columns: tuple[str, ...]
    shared: tuple[PartKey, ...] | None = None                      # the same for everyone
    per_copy: dict[str, tuple[PartKey, ...]] = field(default_factory=dict)
    copy_of: dict[str, str] = field(default_factory=dict)          # student -> copy
    names: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)            # forms mode: form -> copy
    floor: float | None = 0.0        # the lowest total; None: negative marking may go below 0

    @property
    def students(self) -> frozenset[str] | None:
        return frozenset(self.copy_of) if self.shared is None else None

    def parts_for(self, student_id: str, form: str = "") -> tuple[PartKey, ...]:
        """The parts a student answers: of the ``form`` their row names, else of their copy."""
        if self.shared is not None:
            return self.shared
        if form:
            return self.per_copy[self.forms[form]]
        return self.per_copy[self.copy_of[student_id]]

    def form_of(self, student_id: str, form: str = "") -> str:
        """The form a student is graded against ("" outside forms mode)."""
        if form or not self.forms:
            return form
        copy = self.copy_of.get(student_id, "")
        return next((f for f, c in self.forms.items() if c == copy), "")


class Outcome(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"                          # some credit (vector elements, rubric, choices)
    INSUFFICIENT_PRECISION = "insufficient_precision"  # right value, too few digits
    WRONG = "wrong"
    FORMAT_ERROR = "format_error"                # could not be read: invalid is not wrong
    BLANK = "blank"


@dataclass(frozen=True)
class ChosenOption:
    """An option a student picked, as every copy shows it (letters are shuffled per copy)."""

    text: str                   # the option's text (Korean first)
    correct: bool
    misconception: str | None = None
    description: str = ""       # what the misconception is


@dataclass(frozen=True)
class AnswerGrade:
    """One graded answer (one submission column of one student)."""

    student_id: str
    column: str                 # submission column, e.g. "Q3b" (or the key's question_id)
    question_id: str            # bank template id (or the key's question_id)
    response: str               # exactly what the student wrote
    points: float
    max_points: float
    outcome: Outcome
    feedback: str = ""
    needs_review: bool = False
    misconception: str | None = None   # id of the misconception the answer matches
    normalized: str = ""        # canonical form of the answer, for grouping equal answers
    group: str = ""             # answer group of a short answer (review.html, overrides)
    chosen: tuple[ChosenOption, ...] = ()   # choice questions: the options picked
    variant: str = ""           # computed questions: the variant's parameters (JSON)


@dataclass(frozen=True)
class StudentGrade:
    student_id: str
    name: str
    rows: tuple[int, ...]       # input rows (1-based, header is row 1) this grade came from
    answers: tuple[AnswerGrade, ...]
    flags: tuple[str, ...] = ()  # e.g. "duplicate submission (rows 4 and 9)"
    form: str = ""               # forms mode: the form graded against
    floor: float | None = None   # the lowest total (negative marking cannot go below it)

    @property
    def raw_total(self) -> float:
        """The sum of the answers' points, before the floor."""
        return sum(a.points for a in self.answers)

    @property
    def total(self) -> float:
        raw = self.raw_total
        return raw if self.floor is None else max(self.floor, raw)

    @property
    def max_total(self) -> float:
        return sum(a.max_points for a in self.answers)


@dataclass(frozen=True)
class RejectedRow:
    """An input row that could not be graded, and why."""

    row: int | None
    student_id: str
    reason: str
    raw: str


@dataclass(frozen=True)
class AnswerGroup:
    """Similar short answers to one question, shown once in review.html; an override of the
    group grades every member."""

    group_id: str                        # e.g. "seed-quiz-05/G03"
    question_id: str
    members: tuple[tuple[str, str], ...]  # (student_id, column)
    texts: tuple[str, ...]               # distinct answers, most common first
    points: float                        # proposed points (the leading answer's)
    max_points: float
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    wrong: tuple[str, ...]
    needs_review: bool
    feedback: str


@dataclass(frozen=True)
class Suspicion:
    """Two students with near-identical free-text answers, not explained by the model answer,
    on several questions."""

    students: tuple[str, str]
    questions: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class GradeBatch:
    """Everything one grading run produced."""

    title: str
    source: str                          # the responses file
    columns: tuple[str, ...]             # question columns in exam order
    max_points: tuple[float, ...]        # per column
    students: tuple[StudentGrade, ...]
    rejected: tuple[RejectedRow, ...] = ()
    notices: tuple[str, ...] = ()        # e.g. "ignored columns: timestamp, email"
    groups: tuple[AnswerGroup, ...] = ()             # short answers, similar ones together
    suspicions: tuple[Suspicion, ...] = ()           # possible collusion
    calibrated: tuple[tuple[str, int], ...] = ()     # (question, graded answers) few-shot fits
    absent: tuple[tuple[str, str], ...] = ()         # roster students with no submission


# -- submissions and overrides ------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One student's submission (one row in wide layout; all their rows in long layout)."""

    student_id: str
    name: str
    rows: tuple[int, ...]
    answers: tuple[tuple[str, str], ...]   # (column, text) for the known question columns
    flags: tuple[str, ...] = ()
    graded: tuple[tuple[str, float, int], ...] = ()   # (column, points, row) given by the
                                                      # instructor in a graded column
    form: str = ""    # forms mode: the form the row names ("": the one the roster assigned)


@dataclass(frozen=True)
class Submissions:
    source: str
    encoding: str
    delimiter: str
    layout: Literal["wide", "long"]
    entries: tuple[Entry, ...]
    rejected: tuple[RejectedRow, ...]
    notices: tuple[str, ...]
    rows_read: int


@dataclass(frozen=True)
class Override:
    student_id: str
    question: str
    points: float
    comment: str
    row: int
    group: str = ""      # an answer group (review.html): the row grades every member
    source: str = "overrides"   # the file the row is in: overrides.csv or the responses
    submission: int | None = None   # the input row of the submission it grades, when a student
                                    # handed in more than one
    via_group: str = ""  # the group a row expanded from: it grades the member answers only
