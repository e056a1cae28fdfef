"""The practice database: records, statistics, concurrency (WAL) and persistence."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from examgen.model import Outcome
from examgen.practice.store import (
    AnswerRecord,
    AttemptFacts,
    Store,
    StoreError,
    TemplateStats,
    streaks,
    weak_spots,
)
from tests.unit.practice.conftest import run_concurrently

C, W, F = Outcome.CORRECT, Outcome.WRONG, Outcome.FORMAT_ERROR


def attempt(student: str, tid: str, outcome: Outcome, topic: str = "lstm",
            response: str = "0.5") -> tuple[AttemptFacts, list[AnswerRecord]]:
    pts = 2.0 if outcome is C else 0.0
    return (AttemptFacts(student, tid, topic, "medium", 12345678901234567, pts, 2.0, outcome),
            [AnswerRecord("a", response, outcome, pts, None)])


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([], (0, 0)),
    ([C, C, W, C], (1, 2)),
    ([W, C, C, C], (3, 3)),
    ([C, C, C, F], (0, 3)),
])
def test_streaks(outcomes: list[Outcome], expected: tuple[int, int]) -> None:
    assert streaks(outcomes) == expected


def test_weak_spots_put_still_wrong_templates_first() -> None:
    stats = [TemplateStats("fixed", "t", 3, 1, C),        # 2 wrong, but right at the last try
             TemplateStats("once", "t", 2, 1, W),         # wrong at the last try
             TemplateStats("never", "t", 3, 0, W),
             TemplateStats("fine", "t", 4, 4, C)]
    assert [s.template_id for s in weak_spots(stats)] == ["never", "once", "fixed"]


def test_record_and_progress(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.db")
    for tid, o, topic in [("a1", W, "lstm"), ("a1", C, "lstm"), ("g1", C, "gru"),
                          ("g2", W, "gru"), ("g2", W, "gru")]:
        s.record(*attempt("민지", tid, o, topic))
    s.record(*attempt("other", "a1", C))
    p = s.progress("민지")
    assert (p.attempts, p.correct, p.streak, p.best_streak) == (5, 2, 0, 2)
    assert {(t.topic, t.attempts, t.correct) for t in p.topics} == {("lstm", 2, 1), ("gru", 3, 1)}
    assert [a.template_id for a in p.recent] == ["g2", "g2", "g1", "a1", "a1"]
    assert p.recent[0].seed == 12345678901234567       # 63-bit seeds round-trip
    assert [w.template_id for w in p.weak] == ["g2"]    # a1 was fixed at the last try
    got = s.attempt("민지", p.recent[0].id)
    assert got is not None and got[1][0].response == "0.5"
    assert s.attempt("other", p.recent[0].id) is None  # not theirs


def test_student_text_is_data_not_sql(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.db")
    evil = "x'); DROP TABLE attempts; --"
    s.record(*attempt(evil, "t", W, response=evil))
    p = s.progress(evil)
    assert p.attempts == 1 and p.student == evil
    assert s.attempt(evil, p.recent[0].id)[1][0].response == evil  # type: ignore[index]


def test_wal_mode_and_restart_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "p.db"
    s = Store(path)
    sid = s.open_session("a")
    ids = [s.record(*attempt("a", f"t{i}", C)) for i in range(5)]
    assert s.next_draw("a") == 1 and s.next_draw("a") == 2
    s.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    again = Store(path)
    assert again.session_student(sid) == "a"
    assert [a.id for a in again.recent("a")] == ids[::-1]
    assert again.next_draw("a") == 3
    again.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.db")
    draws: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def student(k: int) -> None:
        try:
            for i in range(25):
                s.record(*attempt(f"s{k}", f"t{i % 3}", C if i % 2 else W))
                d = s.next_draw("shared")
                with lock:
                    draws.append(d)
                s.progress(f"s{k}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    run_concurrently(student, 8)
    assert not errors
    assert sorted(draws) == list(range(1, 201))     # every increment counted exactly once
    assert sum(s.progress(f"s{k}").attempts for k in range(8)) == 200
    s.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="not a practice database"):
        Store(bad)
