"""The one CSV decoder: every CSV examgen reads (rosters, responses, KEY.csv, overrides) goes
through here for its encoding (UTF-8 with or without BOM, UTF-16, CP949), its delimiter (comma,
semicolon or tab) and its header names."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from examgen.errors import ExamgenError, SubmissionError
from examgen.io.csvlimits import CsvLimitError, check_table, decode_strict
from examgen.io.names import normalize_id


@dataclass(frozen=True)
class CsvText:
    """A CSV file's text as decoded, with the encoding and delimiter it was read with."""

    source: str
    text: str
    encoding: str
    delimiter: str


def read_csv_text(path: Path | str, what: str, error: type[ExamgenError]) -> CsvText:
    """Read and decode the CSV file at ``path``; a file that cannot be read or decoded raises
    ``error`` naming it (``what`` says what it is: "roster", "responses file", ...)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise error(f"cannot read {what} {p}: {e.strerror or e}") from None
    try:
        text, encoding = decode(raw, str(p))
    except SubmissionError as e:
        raise error(str(e)) from None
    return CsvText(str(p), text, encoding, sniff_delimiter(text))


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """Text and the encoding it was read with, decoded strictly and within the bounds of
    :mod:`examgen.io.csvlimits` (a file that breaks them is refused naming the line)."""
    try:
        text, encoding = decode_strict(raw, source)
        check_table(text, sniff_delimiter(text), source)
    except CsvLimitError as e:
        raise SubmissionError(str(e)) from None
    return text, encoding


def sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def header_key(name: str) -> str:
    """A header cell in the one spelling of :func:`examgen.io.names.normalize_id` (after NFKC),
    case-folded."""
    return " ".join(normalize_id(unicodedata.normalize("NFKC", name)).lower().split())


def find_column(header: Sequence[str], names: Sequence[str]) -> int | None:
    """The index of the first header cell that is one of ``names`` (compared after NFKC,
    case folding and collapsing spaces; ``names`` are given in that form)."""
    keys = [header_key(h) for h in header]
    for n in names:
        if n in keys:
            return keys.index(n)
    return None


def row_cells(row: Mapping[str | None, object]) -> int:
    """How many cells a ``csv.DictReader`` row had: the reader files cells past the header
    under the key None and gives None to columns the row did not reach."""
    extra = row.get(None)
    return (sum(v is not None for k, v in row.items() if k is not None)
            + (len(extra) if isinstance(extra, list) else 0))
