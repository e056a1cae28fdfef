"""Kernel families: the computations question templates draw their answers from.

Importing this package registers every family in :data:`REGISTRY`.
"""

from examgen.families import attention, gradients, positional, recurrent, sequence  # noqa: F401
from examgen.families.base import REGISTRY, Family, MisconceptionDef
from examgen.families.refs import ANSWER_REF, answer_kind, parse_answer_ref

__all__ = ["ANSWER_REF", "REGISTRY", "Family", "MisconceptionDef", "answer_kind",
           "parse_answer_ref"]
