"""Symbolic answers: expressions through the whitelisted parser of :mod:`examgen.mathexpr`."""

from __future__ import annotations

import re

import sympy

from examgen.grading.parse.lexer import (
    _dedupe,
)
from examgen.grading.parse.numbers import (
    _start,
)
from examgen.grading.parse.records import (
    Expression,
    FormatError,
)
from examgen.mathexpr import ExpressionError, parse_expression

# -- expressions ---------------------------------------------------------------------------------

_X_WORD = re.compile(r"(?<=[\w)])\s+([xX])\s+(?=[\w(√])")


def parse_expression_answer(text: str, variables: frozenset[str]) -> Expression | FormatError:
    """A symbolic answer in ``variables`` ("h*d_v", "d_v·h", "h × d_v", "h d_v"), read by the
    whitelisted parser of :mod:`examgen.mathexpr`; words around it ("답:", "입니다") are
    dropped. A standalone 'x' between terms is read as '×' unless x is a variable."""
    prepared = _start(text, number=False, what="an expression")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, _ = prepared
    if "x" not in variables and "X" not in variables:
        for m in reversed(list(_X_WORD.finditer(s.text))):
            s = s.replace(m.start(1), "×")
            notes.append("read 'x' as '×'")
    try:
        expr = parse_expression(s.text, variables)
    except ExpressionError as e:
        return FormatError(re.sub(r" at position \d+$", "", str(e)), s.at(e.position))
    except Exception:  # noqa: BLE001 - student input never raises
        return FormatError("could not read the expression", None)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return FormatError("the expression is not finite (division by zero?)", None)
    return Expression(expr, _dedupe(notes))
