"""Exam records: the exam spec as loaded (sections and their picks), students, and the assembled
copies (sections of numbered questions, each with its variant). Frozen dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from examgen.model.question import Difficulty, QuestionType, Text, Variant

ExamLanguage = Literal["ko", "en", "both"]   # "both": Korean and English side by side
ExamMode = Literal["per-student", "forms"]


@dataclass(frozen=True)
class Pick:
    """One entry of a section: a question id, or filters with a count."""

    line: int
    id: str | None = None
    topic: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    type: QuestionType | None = None
    count: int = 1
    points: float | None = None

    def describe(self) -> str:
        parts = [f"topic '{self.topic}'" if self.topic else "",
                 f"tags {list(self.tags)}" if self.tags else "",
                 f"difficulty '{self.difficulty.value}'" if self.difficulty else "",
                 f"type '{self.type.value}'" if self.type else ""]
        return ", ".join(p for p in parts if p) or "any question"


# room to leave for working below questions: (question type, or "*" for every type, a length
# such as "3cm")
WorkSpace = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    title: Text
    picks: tuple[Pick, ...]
    line: int
    work_space: WorkSpace = ()


@dataclass(frozen=True)
class ExamSpec:
    name: str                 # folder name under output/
    title: Text
    course: Text
    date: str
    duration: int             # minutes
    instructions: Text | None
    language: ExamLanguage
    seed: int
    mode: ExamMode
    forms: int
    shuffle_questions: bool
    shuffle_choices: bool
    sections: tuple[Section, ...]
    path: str
    sha256: str
    negative: float = 0.0        # share of a choice question's points taken off when wrong
    partial_credit: bool = True  # element-wise / per-option partial credit
    floor: float | None = 0.0    # the lowest total a student can get; None: no floor
    # short answers' points policy as written in the spec (step, review); () = the defaults
    short_answer: tuple[tuple[str, object], ...] = ()
    work_space: WorkSpace = ()   # for every section (a section's own setting comes first)


@dataclass(frozen=True)
class ExamHeader:
    """What a printed document needs besides its questions (an :class:`ExamSpec` has all of
    it; a practice sheet or a one-question preview makes just this)."""

    title: Text
    course: Text
    date: str
    duration: int                # minutes; 0: no time limit shown
    instructions: Text | None
    language: ExamLanguage
    negative: float = 0.0
    sections: tuple[Section, ...] = ()
    work_space: WorkSpace = ()


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    row: int
    email: str = ""       # optional roster columns, for LMS gradebook files
    sis_id: str = ""


@dataclass(frozen=True)
class ExamQuestion:
    number: int                 # position in the copy, from 1
    label: str                  # "Q3"
    template_id: str
    variant_seed: int
    variant: Variant

    @property
    def columns(self) -> tuple[str, ...]:
        """Submission columns: ``Q3`` for a one-part question, ``Q3a``, ``Q3b`` for parts."""
        if len(self.variant.parts) == 1 and not self.variant.parts[0].label:
            return (self.label,)
        return tuple(f"{self.label}{p.label}" for p in self.variant.parts)

    @property
    def points(self) -> float:
        return self.variant.points


@dataclass(frozen=True)
class ExamSection:
    title: Text
    questions: tuple[ExamQuestion, ...]


@dataclass(frozen=True)
class ExamCopy:
    """One printable exam: a student's own copy, or one form shared by several students."""

    copy_id: str                      # the student id, or "form-A"
    student: Student | None
    form: str | None                  # form code in forms mode
    sections: tuple[ExamSection, ...]

    @property
    def questions(self) -> tuple[ExamQuestion, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for q in self.questions for c in q.columns)


@dataclass(frozen=True)
class Assembly:
    spec: ExamSpec
    students: tuple[Student, ...]
    copies: tuple[ExamCopy, ...]
    form_of: tuple[tuple[str, str], ...]  # (student_id, form) in forms mode

    @property
    def columns(self) -> tuple[str, ...]:
        return self.copies[0].columns if self.copies else ()
