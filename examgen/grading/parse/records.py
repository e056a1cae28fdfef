"""Answer records: what a parser returns (a value with its notes, or a format error)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sympy

MAX_ANSWER_LENGTH = 2000


# -- records -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FormatError:
    """An answer that cannot be read: what is wrong and what was expected, and where.

    ``position`` is a 0-based index into the text the student typed (it may equal the text's
    length when something is missing at the end), or None when no single character is at fault.
    """

    message: str
    position: int | None = None

    def pointer(self, text: str) -> str:
        """The line of ``text`` holding ``position`` with a caret under it (just the message
        when there is no position). Wide characters (Korean, full-width) count two columns."""
        if self.position is None:
            return self.message
        pos = max(0, min(self.position, len(text)))
        start = text.rfind("\n", 0, pos) + 1
        stop = text.find("\n", pos)
        line = text[start:len(text) if stop < 0 else stop]
        pad = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text[start:pos])
        return f"{line}\n{' ' * pad}^"


@dataclass(frozen=True)
class Number:
    """A single number. ``decimals``: digits after the decimal point as written (None for
    scientific notation and expressions; a percentage counts the digits of the value, so "73%"
    has 2). ``sigfigs``: significant figures as written (trailing zeros count; for scientific
    notation those of the mantissa; None for expressions). ``formula``: the function a formula
    calls ("cos", "sigmoid", "e^" for a power of e), which makes it a formula rather than a
    computed number (arithmetic such as "3/4" or "√2/2" is not a formula); its value is still
    given. ``alternative``: the other reading of an ambiguous comma ("1,500" is read as 1500, and
    as 1.5 with a decimal comma)."""

    value: float
    decimals: int | None
    sigfigs: int | None
    notes: tuple[str, ...] = ()
    formula: str | None = None
    alternative: Number | None = None


@dataclass(frozen=True)
class Vector:
    values: tuple[float, ...]
    decimals: tuple[int | None, ...]
    notes: tuple[str, ...] = ()
    formula: str | None = None      # as in Number, for the first element that is a formula


@dataclass(frozen=True)
class Matrix:
    rows: tuple[tuple[float, ...], ...]
    notes: tuple[str, ...] = ()
    formula: str | None = None      # as in Number, for the first element that is a formula


@dataclass(frozen=True)
class Choices:
    keys: frozenset[str]    # uppercase option keys "A", "B", ...
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expression:
    expr: sympy.Expr
    notes: tuple[str, ...] = ()


