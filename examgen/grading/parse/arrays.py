"""Vectors and matrices: brackets, separators, rows and columns."""

from __future__ import annotations

import re
from collections.abc import Callable

from examgen.grading.parse.lexer import (
    _CLOSERS,
    _PAIRS,
    CommaMode,
    _dedupe,
    _Edges,
    _match,
    _Src,
)
from examgen.grading.parse.numbers import (
    _parse_core,
    _start,
)
from examgen.grading.parse.records import (
    FormatError,
    Matrix,
    Number,
    Vector,
)

# -- vectors and matrices ------------------------------------------------------------------------

_BINARY_START = "*/^×·÷∗)"
_OPERATOR_END = "+-*/^×·÷∗(√"


def _check_brackets(s: _Src) -> FormatError | None:
    stack: list[str] = []
    for i, c in enumerate(s.text):
        if c in _PAIRS:
            stack.append(c)
        elif c in _CLOSERS:
            if not stack:
                return FormatError(f"unexpected '{c}': nothing to close", s.at(i))
            o = stack.pop()
            if _PAIRS[o] != c:
                return FormatError(f"expected '{_PAIRS[o]}', found '{c}'", s.at(i))
    if stack:
        return FormatError(f"missing '{_PAIRS[stack[-1]]}'", s.end)
    return None


def _wrapped(s: _Src) -> bool:
    t = s.text
    return bool(t) and t[0] in _PAIRS and _match(t, 0) == len(t) - 1


def _split_top(s: _Src, seps: str) -> tuple[list[_Src], list[int]]:
    """Split at ``seps`` outside brackets; also returns where each separator was."""
    pieces: list[_Src] = []
    where: list[int] = []
    depth, start = 0, 0
    for i, c in enumerate(s.text):
        if c in _PAIRS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
        elif c in seps and depth == 0:
            pieces.append(s.cut(start, i))
            where.append(i)
            start = i + 1
    pieces.append(s.cut(start))
    return pieces, where


def _split_words(p: _Src) -> list[_Src]:
    """Split at whitespace outside brackets, keeping "1.5 × 10^-3", "√2 / 2", "- 0.5" and
    "sqrt (2)" together; a sign glued to a number starts a new element ("0.6 -0.5")."""
    t = p.text
    merged: list[list[tuple[int, int]]] = []
    for a, b in _word_spans(t):
        if merged and _joins(t[merged[-1][-1][0]:merged[-1][-1][1]], t[a:b]):
            merged[-1].append((a, b))
        else:
            merged.append([(a, b)])
    return [p.cut(g[0][0], g[-1][1]) for g in merged]


def _word_spans(t: str) -> list[tuple[int, int]]:
    """(start, end) of the runs of ``t`` between whitespace outside brackets."""
    words: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, c in enumerate(t):
        if c.isspace() and depth == 0:
            if start >= 0:
                words.append((start, i))
                start = -1
            continue
        if start < 0:
            start = i
        if c in _PAIRS:
            depth += 1
        elif c in _CLOSERS:
            depth = max(0, depth - 1)
    if start >= 0:
        words.append((start, len(t)))
    return words


def _joins(prev: str, w: str) -> bool:
    """Whether word ``w`` continues the expression ending with word ``prev`` (an operator at
    the end of one or the start of the other, a lone sign or 'x', a function's '(')."""
    return (prev[-1] in _OPERATOR_END or prev in ("x", "X") or w[0] in _BINARY_START
            or w in ("+", "-", "x", "X")
            or (w[0] == "(" and prev[-1].isalpha()))


def _split_elements(s: _Src, seps: str, words: bool, notes: list[str]) -> list[_Src] | FormatError:
    pieces, where = _split_top(s, seps)
    if len(pieces) > 1 and not pieces[-1].text.strip():
        notes.append(f"ignored trailing '{s.text[where[-1]]}'")
        pieces.pop()
    out: list[_Src] = []
    for k, piece in enumerate(pieces):
        if not piece.text.strip():
            i = where[k] if k < len(where) else where[-1]
            return FormatError(f"missing a number before '{s.text[i]}'", s.at(i))
        out.extend(_split_words(piece.strip()) if words else [piece.strip()])
    return out


def _parse_elements(elements: list[_Src], comma: CommaMode, label: Callable[[int], str],
                    notes: list[str]) -> list[Number] | FormatError:
    numbers: list[Number] = []
    for k, el in enumerate(elements, 1):
        got = _parse_core(el, comma)
        if isinstance(got, FormatError):
            return FormatError(f"{label(k)}: {got.message}", got.position)
        numbers.append(got)
        notes.extend(got.notes)
    return numbers


def _prepare(text: str, what: str) -> _Edges | FormatError:
    """The start of the vector and matrix parsers: words and a transpose mark stripped, brackets
    checked."""
    prepared = _start(text, number=True, what=what, arrays=True)
    if isinstance(prepared, FormatError):
        return prepared
    if err := _check_brackets(prepared.src):
        return err
    return prepared


def _mark(text: str, span: tuple[int, int]) -> str:
    return text[span[0]:span[1]].strip()


def _first_formula(numbers: list[Number]) -> str | None:
    return next((n.formula for n in numbers if n.formula), None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def parse_vector(text: str, length: int | None = None) -> Vector | FormatError:
    """A list of numbers: "[0.6, 0.5, 0.85]", "0.6 0.5 0.85", "(0.6; 0.5; 0.85)", "<0.6,0.5>",
    "[0,6; 0,5; 0,85]". When ';' is present it separates the numbers and ',' is a decimal
    comma; otherwise ',' or whitespace separates, except that when ``length`` is given and only
    reading ',' as a decimal comma between whitespace-separated numbers gives that many
    ("0,6 0,5 0,85", "[0,5]" for one number), that reading is taken. A column of one-element
    rows ("[[0.2], [0.3]]") and a transpose mark after the closing bracket ("[0.2, 0.3]ᵀ", "^T",
    "'") are read as the same vector. Each element may be any form :func:`parse_number` reads
    (without words around it)."""
    prepared = _prepare(text, "numbers")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, transpose = prepared
    if transpose is not None:
        notes.append(f"ignored the transpose mark '{_mark(text, transpose)}' (a vector's values "
                     "are the same as a row or as a column)")
    while _wrapped(s):
        s = s.cut(1, len(s.text) - 1).strip()
    nested = _nested_vector(s, length, notes)
    if nested is not None:
        return nested
    if not s.text:
        return FormatError("expected numbers, found an empty list", s.end)
    if ";" in s.text:
        return _vector_from(s, ";", False, "decimal", length, notes)
    got = _vector_from(s, ",", True, "auto", length, notes)
    if isinstance(got, FormatError) and length is not None and "," in s.text:
        alternative = _vector_from(s, "", True, "decimal", length, notes)
        if isinstance(alternative, Vector):
            return alternative
    return got


def _nested_vector(s: _Src, length: int | None, notes: list[str]) -> Vector | FormatError | None:
    """With a bracket left inside ``s``: the column it writes, or an error; None without one."""
    for i, c in enumerate(s.text):
        if c in "[]{}<>":
            column = _column(s, length, notes)
            if column is not None:
                return column
            return FormatError(f"expected one list of numbers, found '{c}' inside it", s.at(i))
    return None


def _vector_from(s: _Src, seps: str, words: bool, comma: CommaMode, length: int | None,
                 notes_before: list[str]) -> Vector | FormatError:
    notes = list(notes_before)
    elements = _split_elements(s, seps, words, notes)
    if isinstance(elements, FormatError):
        return elements
    return _vector_of(elements, comma, length, notes)


def _column(s: _Src, length: int | None, notes: list[str]) -> Vector | FormatError | None:
    """A column vector written as one-element rows ("[0.2], [0.3], [0.5]" once the outer
    brackets are off), or None when ``s`` is not one."""
    rows = _row_groups(s)
    if rows is None or any(not row.text.strip() for row in rows):
        return None
    elements: list[_Src] = []
    for row in rows:
        cells = _split_elements(row.strip(), ",", True, notes)
        if isinstance(cells, FormatError) or len(cells) != 1:
            return None
        elements += cells
    return _vector_of(elements, "auto", length, notes)


def _vector_of(elements: list[_Src], comma: CommaMode, length: int | None, notes: list[str]
               ) -> Vector | FormatError:
    """The vector of ``elements``, which must be ``length`` many when that is given."""
    numbers = _parse_elements(elements, comma, lambda k: f"element {k}", notes)
    if isinstance(numbers, FormatError):
        return numbers
    if length is not None and len(numbers) != length:
        where = elements[length].at(0) if len(numbers) > length else None
        return FormatError(f"expected {_count(length, 'number')}, found {len(numbers)}", where)
    return Vector(tuple(n.value for n in numbers), tuple(n.decimals for n in numbers), _dedupe(notes),
                  _first_formula(numbers))


def _row_groups(s: _Src) -> list[_Src] | None:
    """The bracketed rows of "[1, 2], [3, 4]" (only separators between them), or None."""
    rows: list[_Src] = []
    t = s.text
    i = 0
    while i < len(t):
        c = t[i]
        if c.isspace() or c in ",;":
            i += 1
            continue
        if c not in _PAIRS:
            return None
        j = _match(t, i)
        if j is None:
            return None
        inner = s.cut(i + 1, j)
        row_like = c in "[{" or bool(re.search(r"[,;]|\S\s+\S", inner.text.strip()))
        if not row_like:
            return None
        rows.append(inner)
        i = j + 1
    return rows or None


def _row_label(r: int) -> Callable[[int], str]:
    return lambda k: f"row {r}, element {k}"


def parse_matrix(text: str, shape: tuple[int, int] | None = None) -> Matrix | FormatError:
    """Rows of numbers: "[[1, 2], [3, 4]]", "1 2; 3 4", "[1 2; 3 4]", one row per line.
    Within a row ',' or whitespace separates (no decimal commas). A transpose mark after the
    closing bracket ("[[1, 3], [2, 4]]ᵀ") transposes: the answer is the matrix it denotes."""
    prepared = _prepare(text, "a matrix")
    if isinstance(prepared, FormatError):
        return prepared
    s, notes, transpose = prepared
    rows_src = _matrix_row_sources(s)
    if isinstance(rows_src, FormatError):
        return rows_src
    read = _matrix_rows(rows_src, notes)
    if isinstance(read, FormatError):
        return read
    rows, formula = read
    if transpose is not None:
        rows = [tuple(column) for column in zip(*rows, strict=True)]
        notes.append(f"transposed the matrix (transpose mark '{_mark(text, transpose)}')")
    if shape is not None and (len(rows), len(rows[0])) != tuple(shape):
        return FormatError(f"expected a {shape[0]}×{shape[1]} matrix, found {len(rows)}×{len(rows[0])}",
                           None)
    return Matrix(tuple(rows), _dedupe(notes), formula)


def _matrix_row_sources(s: _Src) -> list[_Src] | FormatError:
    """The rows of a matrix answer: bracketed rows, else rows split at ';' or line ends;
    none empty and none with a bracket inside."""
    body = s.cut(1, len(s.text) - 1).strip() if _wrapped(s) else s
    groups = _row_groups(body)
    rows_src: list[_Src]
    if groups is not None:
        rows_src = groups
        for k, row in enumerate(rows_src, 1):
            if not row.text.strip():
                return FormatError(f"row {k} is empty", row.end)
    else:
        rows_src = [r for r in _split_top(body, ";\n")[0] if r.text.strip()]
        if not rows_src:
            return FormatError("expected a matrix, found an empty list", body.end)
    for row in rows_src:
        for i, c in enumerate(row.text):
            if c in "[]{}<>":
                return FormatError(f"unexpected '{c}' inside a row", row.at(i))
    return rows_src


def _matrix_rows(rows_src: list[_Src], notes: list[str]
                 ) -> tuple[list[tuple[float, ...]], str | None] | FormatError:
    """The numbers of each row (every row as long as the first) and the first formula."""
    rows: list[tuple[float, ...]] = []
    starts: list[int] = []
    formula: str | None = None
    for r, row in enumerate(rows_src, 1):
        elements = _split_elements(row.strip(), ",", True, notes)
        if isinstance(elements, FormatError):
            return FormatError(f"row {r}: {elements.message}", elements.position)
        numbers = _parse_elements(elements, "auto", _row_label(r), notes)
        if isinstance(numbers, FormatError):
            return numbers
        rows.append(tuple(n.value for n in numbers))
        starts.append(elements[0].at(0))
        formula = formula or _first_formula(numbers)
    for r, row_values in enumerate(rows[1:], 2):
        if len(row_values) != len(rows[0]):
            return FormatError(f"row {r} has {_count(len(row_values), 'number')}, row 1 has "
                               f"{len(rows[0])}", starts[r - 1])
    return rows, formula
