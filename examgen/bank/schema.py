"""The bank's keys, declared as data: which keys each question type takes and requires."""

from __future__ import annotations

from examgen.model import QuestionType as QT

FILE_KEYS = frozenset({"topic", "title", "questions"})
FILE_REQUIRED = ("topic", "questions")

COMMON = frozenset({"id", "type", "tags", "difficulty", "points", "prompt", "explanation"})
COMMON_REQUIRED = ("id", "type", "difficulty", "points", "prompt")

COMPUTED = frozenset({"family", "quantities", "params", "constraints", "solution", "range",
                      "misconceptions", "display"})
SINGLE_VALUE = frozenset({"answer", "tolerance"})

TYPE_KEYS: dict[QT, frozenset[str]] = {
    QT.NUMERIC: COMPUTED | SINGLE_VALUE,
    QT.VECTOR: COMPUTED | SINGLE_VALUE,
    QT.MATRIX: COMPUTED | SINGLE_VALUE,
    QT.MULTI_PART: COMPUTED | {"parts"},
    # a single choice is either a concept question (choices) or a computed one (family)
    QT.SINGLE_CHOICE: COMPUTED | SINGLE_VALUE | {"choices", "shuffle", "options"},
    QT.MULTIPLE_CHOICE: frozenset({"choices", "shuffle"}),
    QT.SYMBOLIC: frozenset({"expression", "variables", "solution"}),
    QT.SHORT_ANSWER: frozenset({"reference", "rubric", "wrong_answers", "wrong_concepts"}),
}
TYPE_REQUIRED: dict[QT, tuple[str, ...]] = {
    # computed types also need 'family' or 'quantities' (checked by the loader)
    QT.NUMERIC: ("answer", "solution"),  # tolerance: required unless integer
    QT.VECTOR: ("answer", "solution"),
    QT.MATRIX: ("answer", "solution"),
    QT.MULTI_PART: ("parts", "solution"),
    QT.SINGLE_CHOICE: (),
    QT.MULTIPLE_CHOICE: ("choices",),
    QT.SYMBOLIC: ("expression", "variables"),
    QT.SHORT_ANSWER: ("reference", "rubric"),
}

PART_KEYS = frozenset({"label", "answer", "prompt", "points", "tolerance", "display", "type"})
PART_REQUIRED = ("label", "answer", "points")
PART_TYPES = (QT.NUMERIC, QT.VECTOR, QT.MATRIX, QT.SINGLE_CHOICE)

SAMPLER_KINDS = ("int", "real", "choice")
SAMPLER_KEYS = frozenset({"int", "real", "choice", "step", "shape", "exclude"})
TOLERANCE_KINDS = ("abs", "rel", "sigfigs", "decimals")
TEXT_KEYS = frozenset({"ko", "en"})
CHOICE_KEYS = frozenset({"ko", "en", "correct"})
RUBRIC_KEYS = frozenset({"concept", "weight", "synonyms", "order", "absent"})
WRONG_CONCEPT_KEYS = frozenset({"concept", "synonyms", "why"})
WRONG_KEYS = frozenset({"text", "why"})
DISPLAY_KEYS = frozenset({"decimals"})
EXPRESSION_MISCONCEPTION_KEYS = frozenset({"id", "description", "quantities"})

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
