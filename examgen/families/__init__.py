"""Kernel families: the computations question templates draw their answers from.

Importing this package registers every family in :data:`REGISTRY`.
"""

from examgen.families import attention, gradients, positional, recurrent, sequence  # noqa: F401
from examgen.families.base import REGISTRY, Family, MisconceptionDef

__all__ = ["REGISTRY", "Family", "MisconceptionDef"]
