"""Question records: question types, texts, tolerances, templates as loaded from the bank, and the
variants drawn from them.

Frozen dataclasses only, no I/O; dicts appear only at the edges (YAML in, the manifest's JSON via
:mod:`examgen.manifest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class QuestionType(StrEnum):
    NUMERIC = "numeric"
    VECTOR = "vector"
    MATRIX = "matrix"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SYMBOLIC = "symbolic"
    SHORT_ANSWER = "short_answer"
    MULTI_PART = "multi_part"


ARRAY_TYPES = frozenset({QuestionType.VECTOR, QuestionType.MATRIX})
VALUE_TYPES = frozenset({QuestionType.NUMERIC, QuestionType.VECTOR, QuestionType.MATRIX})
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


Lang = Literal["ko", "en"]


@dataclass(frozen=True)
class Text:
    """A text in Korean and, where written, English."""

    ko: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """The text in ``lang``; Korean when no English was written."""
        return self.en if lang == "en" and self.en else self.ko

    def map(self, fn: Any) -> Text:
        return Text(fn(self.ko), None if self.en is None else fn(self.en))

    def to_dict(self) -> dict[str, str]:
        return {"ko": self.ko} | ({"en": self.en} if self.en else {})


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


ToleranceKind = Literal["abs", "rel", "sigfigs", "decimals"]


@dataclass(frozen=True)
class Tolerance:
    """How close a numeric answer must be: absolute, relative (a fraction), significant figures
    or decimal places (the latter two: equal after rounding both to that precision, with half a
    unit in the last place allowed)."""

    kind: ToleranceKind
    value: float

    def accepts(self, expected: float, got: float, extra: float = 0.0) -> bool:
        """Whether ``got`` is within this tolerance of ``expected`` (plus ``extra``)."""
        if not (math.isfinite(expected) and math.isfinite(got)):
            return expected == got
        return abs(got - expected) <= self.allowed(expected) * (1 + 1e-9) + extra

    def allowed(self, expected: float) -> float:
        """The largest accepted distance from ``expected``."""
        if self.kind == "abs":
            return self.value
        if self.kind == "rel":
            return self.value * abs(expected)
        if self.kind == "decimals":
            return 0.5 * 10.0 ** (-int(self.value))
        if expected == 0:
            return 0.5 * 10.0 ** (-int(self.value))
        exponent = math.floor(math.log10(abs(expected)))
        return 0.5 * 10.0 ** (exponent - int(self.value) + 1)

    def display_decimals(self, expected: float) -> int:
        """Decimal places that print ``expected`` within this tolerance (rounding error at most
        half the allowed distance)."""
        if self.kind == "decimals":
            return int(self.value)
        step = 2 * self.allowed(expected)
        if step <= 0 or not math.isfinite(step):
            return 6
        return max(0, min(10, math.ceil(round(-math.log10(step), 9))))

    def describe(self, lang: str = "ko") -> str:
        v = self.value
        if self.kind == "abs":
            return f"±{v:g}"
        if self.kind == "rel":
            return f"±{v * 100:g}%"
        if self.kind == "sigfigs":
            return f"유효숫자 {int(v)}자리" if lang == "ko" else f"{int(v)} significant figures"
        return f"소수 {int(v)}자리" if lang == "ko" else f"{int(v)} decimal places"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class ParamSpec:
    """A sampler for one parameter."""

    name: str
    kind: Literal["int", "real", "choice"]
    lo: float = 0
    hi: float = 0
    step: float = 1
    options: tuple[Any, ...] = ()
    shape: tuple[int | str, ...] = ()
    exclude: tuple[Any, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class PartSpec:
    label: str
    answer: str                       # the family quantity that answers this part
    prompt: Text | None
    points: float
    tolerance: Tolerance | None
    decimals: int | None              # display precision override
    kind: QuestionType                # numeric, vector, matrix or single_choice (of values)


@dataclass(frozen=True)
class ChoiceSpec:
    text: Text
    correct: bool


@dataclass(frozen=True)
class RubricConcept:
    """A required concept worth ``weight`` of a short answer: any of ``synonyms`` (through the
    glossary), or, for an ``order`` concept, all of its stages in that order. An ``absent``
    concept is the *absence* of what its synonyms name ("no recurrence"): it is earned where
    the answer says that thing is missing or removed, never by a bare mention of it."""

    concept: str
    weight: float
    synonyms: tuple[str, ...]
    order: tuple[str, ...] = ()
    absent: bool = False


@dataclass(frozen=True)
class WrongConcept:
    """A concept whose (non-negated) mention signals a wrong answer, e.g. the GRU's gates in an
    answer about the LSTM's."""

    concept: str
    synonyms: tuple[str, ...]
    why: Text | None = None


@dataclass(frozen=True)
class WrongAnswer:
    text: str
    why: Text


@dataclass(frozen=True)
class Template:
    """One validated question template from the bank."""

    id: str
    topic: str
    type: QuestionType
    tags: tuple[str, ...]
    difficulty: Difficulty
    points: float
    prompt: Text
    location: Location
    explanation: Text | None = None
    # computed questions
    family: str | None = None
    params: tuple[ParamSpec, ...] = ()
    constraints: tuple[str, ...] = ()
    parts: tuple[PartSpec, ...] = ()
    answer_range: tuple[float, float] | None = None
    misconceptions: tuple[str, ...] | None = None
    solution: Text | None = None
    n_options: int = 4
    # choice questions
    choices: tuple[ChoiceSpec, ...] = ()
    shuffle: bool = True
    # symbolic
    expression: str | None = None
    variables: tuple[str, ...] = ()
    # short answer
    references: tuple[Text, ...] = ()
    rubric: tuple[RubricConcept, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    wrong_concepts: tuple[WrongConcept, ...] = ()

    @property
    def is_computed(self) -> bool:
        return self.family is not None


Value = float | tuple[float, ...] | tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Misconception:
    """A typical wrong path and the answer it produces in one variant."""

    id: str
    description: Text
    value: Value
    display: str = ""  # the wrong answer as it would be printed (LaTeX allowed)


@dataclass(frozen=True)
class Option:
    """One option of a choice question as shown to the student (``key`` is A, B, C, ...)."""

    key: str
    text: Text
    correct: bool
    misconception: str | None = None


@dataclass(frozen=True)
class VariantPart:
    """One answerable item of a variant (a single-part question has exactly one)."""

    label: str
    kind: QuestionType
    points: float
    prompt: Text | None = None
    value: Value | None = None            # numeric / vector / matrix answers
    display: str = ""                     # the answer as printed in the key (LaTeX allowed)
    decimals: int | None = None           # decimal places the answer is printed with
    tolerance: Tolerance | None = None
    options: tuple[Option, ...] = ()
    expression: str | None = None         # symbolic answers (canonical sympy string)
    variables: tuple[str, ...] = ()
    references: tuple[Text, ...] = ()
    rubric: tuple[RubricConcept, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    wrong_concepts: tuple[WrongConcept, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()

    @property
    def correct_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options if o.correct)


@dataclass(frozen=True)
class Variant:
    """A concrete question drawn from a template with one seed: everything needed to print,
    answer and grade it."""

    template_id: str
    topic: str
    type: QuestionType
    difficulty: Difficulty
    seed: int | None
    prompt: Text
    parts: tuple[VariantPart, ...]
    solution: Text | None = None
    explanation: Text | None = None
    params: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def points(self) -> float:
        return sum(p.points for p in self.parts)
