"""Excel workbooks (``.xlsx``) as rows of text, for the responses reader.

A TA's gradebook or a Google Forms download is often a workbook, not a CSV. Its first sheet (or
the one named) is read with openpyxl, read-only and without formulas evaluated (the cached
values are used; a formula is never run). Each cell becomes the text a person sees in it: whole
numbers without ``.0``, a number formatted ``0.000`` with its three decimals (``0.500`` stays
``0.500``, which the grader needs for its precision check), dates in ISO form.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

from examgen.errors import ExamgenError, did_you_mean

__all__ = ["WorkbookError", "is_xlsx", "read_xlsx_rows"]

MAX_ROWS = 200_000
MAX_COLUMNS = 2_000


class WorkbookError(ExamgenError):
    """The workbook cannot be read (damaged, no such sheet, too large)."""


def is_xlsx(path: Path, head: bytes) -> bool:
    """Whether a file is an Excel workbook: its name says so, or it is a ZIP archive."""
    return path.suffix.lower() in (".xlsx", ".xlsm") or head.startswith(b"PK\x03\x04")


_FIXED = re.compile(r"^[#,]*0(?:\.(0+))?(?:;.*)?$")


def cell_text(value: Any, number_format: str = "General") -> str:
    """The text a spreadsheet shows for one cell's value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        m = _FIXED.match(number_format or "")
        if m is not None:
            return f"{value:.{len(m.group(1) or '')}f}"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    return str(value)


def read_xlsx_rows(path: Path, sheet: str | None = None) -> tuple[str, list[list[str]]]:
    """The sheet's name and its rows as text (trailing empty cells of a row dropped, every row
    padded to the widest row, so a row's cells line up with the header)."""
    try:
        import openpyxl
    except ImportError:   # pragma: no cover - a declared dependency
        raise WorkbookError("reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise WorkbookError(f"{path}: not a readable Excel workbook ({e}); save it again as "
                            ".xlsx or as CSV UTF-8") from None
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            raise WorkbookError(f"{path}: no sheet named {sheet!r}; sheets are "
                                f"{', '.join(repr(n) for n in names)}" + did_you_mean(sheet, names))
        ws = wb[sheet] if sheet is not None else wb[names[0]]
        rows: list[list[str]] = []
        for k, row in enumerate(ws.iter_rows(), start=1):
            if k > MAX_ROWS:
                raise WorkbookError(f"{path}: sheet {ws.title!r} has more than {MAX_ROWS} rows")
            cells = [cell_text(c.value, getattr(c, "number_format", "General"))
                     for c in row[:MAX_COLUMNS]]
            while cells and not cells[-1].strip():
                cells.pop()
            rows.append(cells)
        width = max((len(r) for r in rows), default=0)
        return ws.title, [r + [""] * (width - len(r)) for r in rows]
    finally:
        wb.close()
