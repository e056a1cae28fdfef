"""Every file examgen reads or writes at the edge, apart from the manifest
(:mod:`examgen.manifest`) and the bank (:mod:`examgen.bank`): the one CSV decoder
(:mod:`.csvfile`) and safe CSV writing (:mod:`.csvout`); exam specs (YAML with line numbers),
rosters, responses files, KEY.csv/KEY.yaml and overrides.csv; atomic file writes."""

from examgen.io.atomic import atomic_write_bytes
from examgen.io.csvfile import CsvText, decode, find_column, header_key, read_csv_text, sniff_delimiter
from examgen.io.csvout import EOL, CsvCells, csv_rows_text, csv_safe, csv_text
from examgen.io.keyfile import read_key_rows
from examgen.io.names import normalize_id, safe_file_name
from examgen.io.overrides import read_overrides
from examgen.io.responses import ID_NAMES, NAME_NAMES, read_responses
from examgen.io.roster import DEFAULT_ROSTER, load_roster
from examgen.io.spec import DEFAULT_SPEC, load_spec
from examgen.io.yamlloc import LocDict, LocList, load_located

__all__ = [
    "normalize_id",
    "safe_file_name",
    "DEFAULT_ROSTER",
    "DEFAULT_SPEC",
    "EOL",
    "ID_NAMES",
    "NAME_NAMES",
    "CsvCells",
    "CsvText",
    "LocDict",
    "LocList",
    "atomic_write_bytes",
    "csv_rows_text",
    "csv_safe",
    "csv_text",
    "decode",
    "find_column",
    "header_key",
    "load_located",
    "load_roster",
    "load_spec",
    "read_csv_text",
    "read_key_rows",
    "read_overrides",
    "read_responses",
    "sniff_delimiter",
]
