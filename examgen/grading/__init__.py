"""Grading, pure: answer keys (:mod:`.key`), parsing answers (:mod:`.parse`), scoring them
(:mod:`.score`), short answers (:mod:`.text`, :mod:`.short`), a class at once (:mod:`.batch`)
and the instructor's overrides (:mod:`.overrides`). Files are read in :mod:`examgen.io` and
written in :mod:`examgen.jobs`."""

from examgen.grading.batch import grade_batch, grade_one
from examgen.grading.key import key_from_manifest, key_from_rows, parse_tolerance, parts_from_variant
from examgen.grading.keytable import answer_key_rows, answer_text, forms_rows
from examgen.grading.overrides import apply_overrides
from examgen.grading.parse import MAX_ANSWER_LENGTH
from examgen.grading.score import Scored
from examgen.grading.short import fit_short, grade_short_one
from examgen.grading.text import NEAR_WRONG, ShortAnswerScorer, TextScore

__all__ = [
    "MAX_ANSWER_LENGTH",
    "NEAR_WRONG",
    "Scored",
    "ShortAnswerScorer",
    "TextScore",
    "answer_key_rows",
    "answer_text",
    "apply_overrides",
    "fit_short",
    "forms_rows",
    "grade_batch",
    "grade_one",
    "grade_short_one",
    "key_from_manifest",
    "key_from_rows",
    "parse_tolerance",
    "parts_from_variant",
]
