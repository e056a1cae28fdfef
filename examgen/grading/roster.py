"""Checks of a class's submissions against the roster. Pure.

Who is absent (on the roster, no submission); whose submitted name is not the roster's name
for their id; which id is probably a classmate's id typed by mistake (the name given is another
roster student's); which submission is all blank. Nothing is changed or dropped here: each
finding becomes a flag on the submission (grades.csv, the report) or a line of absent.csv.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["RosterFindings", "check_roster", "same_name"]


def _name_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def same_name(a: str, b: str) -> bool:
    """Names compared as people write them: NFKC, case and spaces aside."""
    return _name_key(a) == _name_key(b)


@dataclass(frozen=True)
class RosterFindings:
    flags: tuple[tuple[str, ...], ...]       # per submission, in order
    absent: tuple[tuple[str, str], ...]      # (student_id, name) in roster order


def check_roster(submissions: Sequence[tuple[str, str, tuple[int, ...], Sequence[str]]],
                 roster: Mapping[str, str], is_blank: Callable[[str], bool]) -> RosterFindings:
    """``submissions``: (student id, submitted name, input rows, answer texts) each;
    ``roster``: student id -> name in roster order (empty for a KEY.csv exam: only blank
    submissions are found then)."""
    handed_in = {sid for sid, _, _, _ in submissions}
    by_name: dict[str, list[str]] = {}
    for sid, name in roster.items():
        if _name_key(name):
            by_name.setdefault(_name_key(name), []).append(sid)
    absent = tuple((sid, name) for sid, name in roster.items() if sid not in handed_in)
    flags = []
    for sid, name, rows, answers in submissions:
        mine: list[str] = []
        official = roster.get(sid, "")
        where = f"row {rows[0]}" if rows else "this submission"
        if name.strip() and official.strip() and not same_name(name, official):
            others = [o for o in by_name.get(_name_key(name), []) if o != sid]
            if others:
                other = others[0]
                missing = " (who has no submission)" if other not in handed_in else ""
                mine.append(f"probable id typo: {where} gives id {sid} ({official} on the "
                            f"roster) with the name {name.strip()!r}, which is student {other}"
                            f"{missing}; check which id is meant")
            else:
                mine.append(f"name {name.strip()!r} differs from the roster's {official!r} "
                            f"for {sid}")
        if all(is_blank(a) for a in answers):
            mine.append("blank submission: every answer is empty")
        flags.append(tuple(mine))
    return RosterFindings(tuple(flags), absent)
