"""Writing CSV safely: cells a spreadsheet would run as formulas are guarded, lines end with
RFC 4180's CRLF."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_safe(cell: str) -> str:
    """Guard a CSV cell against spreadsheet formula injection: a cell starting with = + - @,
    tab or CR gets a leading apostrophe, except plain numbers such as "-0.5" or "+3"."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of string rows; cells that a spreadsheet would run as formulas are guarded."""
    risky = tuple("=+-@\t\r")
    return csv_rows_text([csv_safe(c) if c.startswith(risky) else c for c in row] for row in rows)


EOL = "\r\n"   # RFC 4180's line end: the writer then quotes a cell holding \r as well as \n


def csv_rows_text(rows: Iterable[Sequence[str]]) -> str:
    """CSV text of rows whose cells are already guarded."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator=EOL).writerows(rows)
    return buf.getvalue()


class CsvCells(dict[str, str]):
    """Each distinct cell as a CSV line holds it: guarded with ``csv_safe`` and quoted as
    ``csv.writer`` quotes it, computed once (a class repeats its answers, feedback and ids
    many times)."""

    def __missing__(self, cell: str) -> str:
        # csv.writer writes a lone empty field as "" (a blank line would be no row); among
        # other fields it is written as nothing
        safe = csv_safe(cell)
        written = self[cell] = csv_rows_text([[safe]])[:-len(EOL)] if safe else ""
        return written
