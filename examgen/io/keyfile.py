"""Answer-key files for exams made elsewhere: KEY.csv (``question_id,type,answer,points`` +
optional ``tolerance,keywords,choices,negative,partial``) or KEY.yaml, read into rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from examgen.errors import KeyFileError, did_you_mean
from examgen.io.csvfile import read_csv_text, row_cells
from examgen.safeyaml import safe_load, yaml_problem


def read_key_rows(path: Path | str) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """KEY.csv (or .yaml/.yml) -> its source name and rows (row number, lower-cased column ->
    text), for :func:`examgen.grading.key_from_rows`."""
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise KeyFileError(f"cannot read key file {p}: {e.strerror or e}") from None
        rows = _yaml_rows(p, raw)
    else:
        csv_text = read_csv_text(p, "key file", KeyFileError)
        reader = csv.DictReader(io.StringIO(csv_text.text, newline=""),
                                delimiter=csv_text.delimiter)
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        for need in ("question_id", "type", "answer", "points"):
            if need not in fields:
                raise KeyFileError(f"{p}: row 1: key needs a {need!r} column; columns are "
                                f"{', '.join(reader.fieldnames or [])}"
                                + did_you_mean(need, fields))
        rows = []
        for k, r in enumerate(reader, start=2):
            cells = row_cells(r)
            if cells != len(fields):   # a ragged row would shift its cells into other columns
                raise KeyFileError(f"{p}: row {k}: expected {len(fields)} cells (one per column "
                                   f"of the header), found {cells}")
            rows.append((k, {(a or "").strip().lower(): (b or "") for a, b in r.items()}))
    return str(p), rows


def _yaml_rows(p: Path, raw: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        doc = safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise KeyFileError(f"{p}: not UTF-8 text; save the key as UTF-8") from None
    except yaml.YAMLError as e:
        line, problem = yaml_problem(e)
        raise KeyFileError(f"{p}:{line or 1}: not valid YAML: {problem}") from None
    items = doc.get("questions") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise KeyFileError(f"{p}: a YAML key is a list of questions (question_id, type, answer, "
                        "points, ...)")
    out = []
    for k, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise KeyFileError(f"{p}: question {k} must be a mapping")
        row = {str(a).lower(): (";".join(map(str, b)) if isinstance(b, list) else str(b))
               for a, b in item.items()}
        out.append((k, row))
    return out
