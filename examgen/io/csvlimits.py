"""Bounds and strict decoding for every CSV examgen reads (rosters, responses, KEY.csv,
overrides): a file is read whole and exactly, or refused with the line at fault.

- **Size**: at most :data:`MAX_CSV_BYTES` per file, :data:`MAX_ROWS` rows, and
  :data:`MAX_CELL_CHARS` characters per cell (Python's csv module stops at 131,072 with a
  traceback; its limit is raised to the file bound, and the cell bound is checked here, naming
  the row and column).
- **Encoding**: the bytes must decode cleanly in the encoding detected. A UTF-8 BOM followed by
  CP949 bytes, or UTF-16 with an odd number of bytes, used to be read with '�' in place of
  characters (a student's answers changed silently) or crash; now the first bad line is named.
"""

from __future__ import annotations

import codecs
import csv
import io

__all__ = ["MAX_CELL_CHARS", "MAX_CSV_BYTES", "MAX_ROWS", "CsvLimitError", "check_table",
           "decode_strict"]

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_ROWS = 500_000
MAX_CELL_CHARS = 100_000

csv.field_size_limit(MAX_CSV_BYTES)   # the cell bound below is the one that speaks to users


class CsvLimitError(ValueError):
    """A CSV file over a bound or not cleanly decodable; the message names file and line."""


def _line_of(raw: bytes, index: int, unit: int = 1) -> int:
    newline = "\n".encode("utf-16-le") if unit == 2 else b"\n"
    return raw[:index].count(newline) + 1


def decode_strict(raw: bytes, source: str) -> tuple[str, str]:
    """The text of ``raw`` and its encoding: UTF-8 (with or without BOM), UTF-16 (BOM, or NULs
    that give it away), else CP949 (Korean Excel); nothing replaced, nothing guessed past an
    error."""
    if len(raw) > MAX_CSV_BYTES:
        raise CsvLimitError(f"{source}: larger than {MAX_CSV_BYTES // 1024 // 1024} MB")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise CsvLimitError(
                f"{source}: line {_line_of(raw, e.start + 3)}: bytes that are not UTF-8 after a "
                "UTF-8 mark (the file mixes encodings); save it again as UTF-8 CSV") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(raw, "utf-16", source)
    head = raw[:400]
    if b"\x00" in head:  # UTF-8 and CP949 text never holds NUL: UTF-16 without a BOM
        odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
        return _utf16(raw, "utf-16-le" if odd >= even else "utf-16-be", source)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        first_bad = _line_of(raw, e.start)
    try:
        return raw.decode("cp949"), "cp949"
    except UnicodeDecodeError:
        raise CsvLimitError(f"{source}: line {first_bad}: cannot decode the file (not UTF-8, "
                            "UTF-16 or CP949); save it as UTF-8 CSV") from None


def _utf16(raw: bytes, encoding: str, source: str) -> tuple[str, str]:
    if len(raw) % 2:
        raise CsvLimitError(f"{source}: line {_line_of(raw, len(raw) - 1, 2)}: the file ends in "
                            "the middle of a character (UTF-16 with an odd number of bytes: cut "
                            "short?); save it again")
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as e:
        raise CsvLimitError(f"{source}: line {_line_of(raw, e.start, 2)}: bytes that are not "
                            f"{encoding.upper()}; save the file again as UTF-8 CSV") from None


def check_table(text: str, delimiter: str, source: str) -> None:
    """Refuse a table over :data:`MAX_ROWS` rows or with a cell over :data:`MAX_CELL_CHARS`
    characters, naming the row and the column."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    try:
        for k, row in enumerate(reader, start=1):
            if k == 1:
                header = row
            if k > MAX_ROWS + 1:
                raise CsvLimitError(f"{source}: more than {MAX_ROWS:,} rows")
            for j, cell in enumerate(row):
                if len(cell) > MAX_CELL_CHARS:
                    name = header[j].strip() if j < len(header) else ""
                    column = f"column {j + 1}" + (f" ({name[:40]})" if name and k > 1 else "")
                    raise CsvLimitError(f"{source}: row {k}, {column}: a cell of {len(cell):,} "
                                        f"characters; at most {MAX_CELL_CHARS:,} are read")
    except csv.Error as e:
        raise CsvLimitError(f"{source}: row {reader.line_num}: {e}") from None
