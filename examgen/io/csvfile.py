"""The one CSV decoder: every CSV examgen reads (rosters, responses, KEY.csv, overrides) goes
through here for its encoding (UTF-8 with or without BOM, UTF-16, CP949), its delimiter (comma,
semicolon or tab) and its header names."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from examgen.errors import ExamgenError, SubmissionError


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
    """Text and the encoding it was read with."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    head = raw[:400]
    if b"\x00" in head:  # UTF-8 and CP949 text never holds NUL: UTF-16 without a BOM
        odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
        enc = "utf-16-le" if odd >= even else "utf-16-be"
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8", "cp949"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise SubmissionError(f"{source}: cannot decode the file; save it as UTF-8, UTF-16 or "
                          "CP949 (Korean Excel) CSV")


def sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def header_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).strip().lower().split())


def find_column(header: Sequence[str], names: Sequence[str]) -> int | None:
    """The index of the first header cell that is one of ``names`` (compared after NFKC,
    case folding and collapsing spaces; ``names`` are given in that form)."""
    keys = [header_key(h) for h in header]
    for n in names:
        if n in keys:
            return keys.index(n)
    return None


