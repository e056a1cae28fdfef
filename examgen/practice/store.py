"""The practice app's SQLite database: students, their attempts and per-part answers.

The only module of the app that touches the database. Every statement is parameterised (student
text never becomes SQL). The database runs in WAL mode so readers never block the writer and
concurrent requests only queue for the short write transactions (``BEGIN IMMEDIATE`` with a busy
timeout); ``synchronous=FULL`` makes every committed attempt survive a crash or restart.
Each thread gets its own connection (sqlite3 connections are not shared between threads).
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from examgen.errors import StoreError
from examgen.model import Outcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    name TEXT PRIMARY KEY, created REAL NOT NULL, draws INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student TEXT NOT NULL REFERENCES students(name),
    template_id TEXT NOT NULL, topic TEXT NOT NULL, difficulty TEXT NOT NULL,
    seed INTEGER NOT NULL, points REAL NOT NULL, max_points REAL NOT NULL,
    outcome TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (student, id);
CREATE INDEX IF NOT EXISTS attempts_by_problem ON attempts (student, template_id, seed, id);
CREATE TABLE IF NOT EXISTS answers (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id), col TEXT NOT NULL,
    response TEXT NOT NULL, outcome TEXT NOT NULL, points REAL NOT NULL, misconception TEXT,
    PRIMARY KEY (attempt_id, col));
CREATE TABLE IF NOT EXISTS sessions (
    sid TEXT PRIMARY KEY, student TEXT NOT NULL, created REAL NOT NULL);
"""
APP_MARK = "examgen-practice"
OUR_TABLES = frozenset({"meta", "students", "attempts", "answers", "sessions", "sqlite_sequence"})

BUSY_TIMEOUT_S = 30.0
WEAK_SPOTS = 5


@dataclass(frozen=True)
class AnswerRecord:
    """One graded part of an attempt."""

    column: str
    response: str
    outcome: Outcome
    points: float
    misconception: str | None = None


@dataclass(frozen=True)
class AttemptFacts:
    """What a graded submission of one problem records (its answers are stored beside it)."""

    student: str
    template_id: str
    topic: str
    difficulty: str
    seed: int
    points: float
    max_points: float
    outcome: Outcome


@dataclass(frozen=True)
class Attempt(AttemptFacts):
    """A stored attempt."""

    id: int = 0
    created: float = 0.0


@dataclass(frozen=True)
class TopicStats:
    topic: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


@dataclass(frozen=True)
class TemplateStats:
    """One student's record on one template: how often tried, right, and the latest outcome."""

    template_id: str
    topic: str
    attempts: int
    correct: int
    last_outcome: Outcome

    @property
    def wrong(self) -> int:
        return self.attempts - self.correct


@dataclass(frozen=True)
class Progress:
    student: str
    attempts: int
    correct: int
    streak: int            # correct attempts in a row, up to the latest
    best_streak: int
    topics: tuple[TopicStats, ...]
    recent: tuple[Attempt, ...]
    weak: tuple[TemplateStats, ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0


def streaks(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(current, best) runs of correct outcomes in ``outcomes`` (oldest first)."""
    best = run = 0
    for o in outcomes:
        run = run + 1 if o is Outcome.CORRECT else 0
        best = max(best, run)
    return run, best


def weak_spots(stats: Sequence[TemplateStats], n: int = WEAK_SPOTS) -> tuple[TemplateStats, ...]:
    """Templates the student got wrong, worst first: still wrong at the latest try before
    fixed ones, then by share of wrong tries and number of wrong tries."""
    weak = [s for s in stats if s.wrong > 0 and (s.last_outcome is not Outcome.CORRECT
                                                  or s.correct < s.wrong)]
    weak.sort(key=lambda s: (s.last_outcome is Outcome.CORRECT, -s.wrong / s.attempts, -s.wrong,
                             s.template_id))
    return tuple(weak[:n])


class Store:
    """The practice database at ``path`` (created with its folder when missing)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder for the practice database {self.path}: "
                             f"{e.strerror or e}") from None
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self._conn()
        try:
            self._check_ours(conn)
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.executescript(SCHEMA)
            with self._write() as c:
                c.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('app', ?)", (APP_MARK,))
                # the signing key used to live here: whoever read the database could forge
                # sessions; it is now kept apart (practice/security.py)
                c.execute("DELETE FROM meta WHERE key = 'secret_key'")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} is not a practice database ({e})") from None
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: SQLite refused WAL mode (journal_mode is {mode}); "
                             "put the database on a local disk")

    def _check_ours(self, conn: sqlite3.Connection) -> None:
        """Refuse a database this app did not create: it would otherwise add tables to it and
        switch its journal mode."""
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return   # new (or empty): ours to set up
        marked = "meta" in tables and conn.execute(
            "SELECT 1 FROM meta WHERE (key = 'app' AND value = ?) OR key = 'secret_key'",
            (APP_MARK,)).fetchone() is not None
        if not marked or not tables <= OUR_TABLES:
            raise StoreError(f"{self.path} was not created by examgen practice (it has the tables "
                             f"{', '.join(sorted(tables))}); refusing to change it. Give --db a "
                             "new file name.")

    # -- connections ---------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so that close() may close every thread's connection;
            # each connection is otherwise used by the thread that opened it
            try:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as e:
                raise StoreError(f"{self.path} is not a practice database ({e})") from None
            except sqlite3.Error as e:
                raise StoreError(f"cannot open the practice database {self.path}: {e}") from None
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: taken at once (IMMEDIATE), so concurrent writers queue on the
        busy timeout instead of failing on a lock upgrade."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this store opened (in any thread)."""
        with self._lock:
            conns, self._all = self._all, []
        for c in conns:
            c.close()
        self._local = threading.local()

    # -- writes --------------------------------------------------------------------------------

    def open_session(self, student: str) -> str:
        """A new sign-in of ``student``: the id its session cookie carries until sign-out."""
        sid = secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute("INSERT INTO sessions (sid, student, created) VALUES (?, ?, ?)",
                         (sid, student, time.time()))
        return sid

    def session_student(self, sid: object) -> str | None:
        """The student signed in with ``sid``, or None once it was closed (or never existed)."""
        if not isinstance(sid, str) or not sid:
            return None
        row = self._conn().execute("SELECT student FROM sessions WHERE sid = ?",
                                   (sid,)).fetchone()
        return str(row[0]) if row else None

    def close_session(self, sid: object) -> None:
        """Sign-out: the cookie holding ``sid`` no longer signs anyone in, even if kept."""
        if isinstance(sid, str) and sid:
            with self._write() as conn:
                conn.execute("DELETE FROM sessions WHERE sid = ?", (sid,))

    def next_draw(self, student: str) -> int:
        """Count one more problem drawn for ``student`` (registering them on first use) and
        return the count: with the student's name it seeds the draw, so every problem a
        student sees is reproducible and no two draws repeat."""
        with self._write() as conn:
            row = conn.execute(
                "INSERT INTO students (name, created, draws) VALUES (?, ?, 1) "
                "ON CONFLICT (name) DO UPDATE SET draws = draws + 1 RETURNING draws",
                (student, time.time())).fetchone()
            return int(row[0])

    def draws(self, student: str) -> int:
        """How many problems ``student`` has drawn so far."""
        row = self._conn().execute("SELECT draws FROM students WHERE name = ?",
                                   (student,)).fetchone()
        return int(row[0]) if row else 0

    def record(self, a: AttemptFacts, answers: Sequence[AnswerRecord]) -> int:
        """Store a graded attempt with its answers; returns its id."""
        with self._write() as conn:
            return _insert(conn, a, answers)

    def record_once(self, a: AttemptFacts, answers: Sequence[AnswerRecord]) -> tuple[int, bool]:
        """Store a graded attempt unless the student already answered this problem (template and
        seed: they have seen its key): (the new id, True), or (the earlier attempt's id, False).
        The check and the insert are one transaction, so a double submission records once."""
        with self._write() as conn:
            row = conn.execute(_FIRST_ATTEMPT, (a.student, a.template_id, a.seed)).fetchone()
            if row is not None:
                return int(row[0]), False
            return _insert(conn, a, answers), True

    # -- reads ---------------------------------------------------------------------------------

    def attempt(self, student: str, attempt_id: int) -> tuple[Attempt, tuple[AnswerRecord, ...]] | None:
        """One of ``student``'s attempts with its answers (None if it is not theirs)."""
        conn = self._conn()
        row = conn.execute(f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ? AND student = ?",
                           (attempt_id, student)).fetchone()
        if row is None:
            return None
        answers = conn.execute("SELECT col, response, outcome, points, misconception FROM answers "
                               "WHERE attempt_id = ? ORDER BY col", (attempt_id,)).fetchall()
        return _attempt(row), tuple(AnswerRecord(c, r, Outcome(o), p, m)
                                    for c, r, o, p, m in answers)

    def first_attempt(self, student: str, template_id: str, seed: int
                      ) -> tuple[Attempt, tuple[AnswerRecord, ...]] | None:
        """``student``'s first attempt at problem (template_id, seed) with its answers."""
        row = self._conn().execute(_FIRST_ATTEMPT, (student, template_id, seed)).fetchone()
        return None if row is None else self.attempt(student, int(row[0]))

    def recent(self, student: str, limit: int = 20) -> tuple[Attempt, ...]:
        rows = self._conn().execute(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE student = ? ORDER BY id DESC LIMIT ?",
            (student, limit)).fetchall()
        return tuple(_attempt(r) for r in rows)

    def template_stats(self, student: str) -> tuple[TemplateStats, ...]:
        rows = self._conn().execute(
            "SELECT template_id, topic, COUNT(*), SUM(outcome = 'correct'), "
            "  (SELECT outcome FROM attempts AS b WHERE b.student = a.student "
            "   AND b.template_id = a.template_id ORDER BY b.id DESC LIMIT 1) "
            "FROM attempts AS a WHERE student = ? GROUP BY template_id, topic "
            "ORDER BY template_id", (student,)).fetchall()
        return tuple(TemplateStats(t, topic, n, int(c), Outcome(last)) for t, topic, n, c, last in rows)

    def progress(self, student: str, recent: int = 20) -> Progress:
        """Accuracy overall and per topic, streaks, recent history and weak spots."""
        conn = self._conn()
        outcomes = [Outcome(o) for (o,) in conn.execute(
            "SELECT outcome FROM attempts WHERE student = ? ORDER BY id", (student,))]
        streak, best = streaks(outcomes)
        topics = tuple(TopicStats(t, n, int(c)) for t, n, c in conn.execute(
            "SELECT topic, COUNT(*), SUM(outcome = 'correct') FROM attempts WHERE student = ? "
            "GROUP BY topic ORDER BY topic", (student,)))
        correct = sum(o is Outcome.CORRECT for o in outcomes)
        return Progress(student, len(outcomes), correct, streak, best, topics,
                        self.recent(student, recent), weak_spots(self.template_stats(student)))


_FIRST_ATTEMPT = ("SELECT id FROM attempts WHERE student = ? AND template_id = ? AND seed = ? "
                  "ORDER BY id LIMIT 1")


def _insert(conn: sqlite3.Connection, a: AttemptFacts, answers: Sequence[AnswerRecord]) -> int:
    """Insert an attempt and its answers (inside the caller's write transaction)."""
    conn.execute("INSERT INTO students (name, created) VALUES (?, ?) "
                 "ON CONFLICT (name) DO NOTHING", (a.student, time.time()))
    cur = conn.execute(
        "INSERT INTO attempts (student, template_id, topic, difficulty, seed, points, "
        "max_points, outcome, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (a.student, a.template_id, a.topic, a.difficulty, a.seed, a.points, a.max_points,
         a.outcome.value, time.time()))
    attempt_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO answers (attempt_id, col, response, outcome, points, misconception) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(attempt_id, r.column, r.response, r.outcome.value, r.points, r.misconception)
         for r in answers])
    return attempt_id


_ATTEMPT_COLUMNS = ("id, student, template_id, topic, difficulty, seed, points, max_points, "
                    "outcome, created")


def _attempt(row: Sequence[Any]) -> Attempt:
    i, student, tid, topic, diff, seed, pts, max_pts, outcome, created = row
    return Attempt(str(student), str(tid), str(topic), str(diff), int(seed), float(pts),
                   float(max_pts), Outcome(outcome), id=int(i), created=float(created))
