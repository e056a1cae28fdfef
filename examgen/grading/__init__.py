"""Grading, pure: answer keys (:mod:`.key`), parsing answers (:mod:`.parse`), scoring them
(:mod:`.score`), short answers (:mod:`.text`, :mod:`.short`), a class at once (:mod:`.batch`)
and the instructor's overrides (:mod:`.overrides`). Files are read in :mod:`examgen.io` and
written in :mod:`examgen.jobs`."""

from examgen.grading.batch import grade_batch, grade_one
from examgen.grading.key import (
    copy_parts,
    key_from_manifest,
    key_from_rows,
    parse_tolerance,
    parts_from_variant,
)
from examgen.grading.keytable import (
    ANSWER_KEY_HEAD,
    answer_key_rows,
    answer_text,
    copy_key_rows,
    forms_rows,
    roster_forms_rows,
)
from examgen.grading.morph import warm as warm_morphology
from examgen.grading.overrides import apply_overrides
from examgen.grading.parse import MAX_ANSWER_LENGTH
from examgen.grading.points import PointsPolicy, award
from examgen.grading.score import PRECISION_CREDIT, Scored
from examgen.grading.short import fit_short, grade_short_one
from examgen.grading.text import NEAR_WRONG, ShortAnswerScorer, TextScore

__all__ = [
    "ANSWER_KEY_HEAD",
    "MAX_ANSWER_LENGTH",
    "NEAR_WRONG",
    "PRECISION_CREDIT",
    "PointsPolicy",
    "Scored",
    "ShortAnswerScorer",
    "TextScore",
    "answer_key_rows",
    "answer_text",
    "apply_overrides",
    "award",
    "copy_key_rows",
    "copy_parts",
    "fit_short",
    "forms_rows",
    "grade_batch",
    "grade_one",
    "grade_short_one",
    "key_from_manifest",
    "key_from_rows",
    "parse_tolerance",
    "parts_from_variant",
    "roster_forms_rows",
    "warm_morphology",
]
