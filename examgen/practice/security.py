"""The practice app's protections: the session-signing key, CSRF tokens, and the optional
roster of students with PINs.

- The signing key lives outside the database (whoever can read the database must not be able to
  forge sessions): ``EXAMGEN_PRACTICE_SECRET`` when set, else ``<database>.key``, created with
  permissions 0600 next to the database.
- Every state-changing form carries the session's CSRF token (hidden field ``csrf``); a POST
  without the right one is refused, so another site cannot sign a student in or out or answer
  in their name.
- ``examgen practice --roster CSV`` (columns ``student_id`` and ``pin``) limits sign-in to the
  listed students, each with the PIN the instructor gave them.
"""

from __future__ import annotations

import csv
import hmac
import io
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from examgen.errors import ExamgenError
from examgen.io import normalize_id

__all__ = ["SECRET_ENV", "PracticeRoster", "load_practice_roster", "load_secret_key", "new_token",
           "same_token"]

SECRET_ENV = "EXAMGEN_PRACTICE_SECRET"
MAX_ROSTER_BYTES = 2 * 1024 * 1024
MAX_PIN = 64


class PracticeSetupError(ExamgenError):
    """The key file or the roster cannot be used."""


def load_secret_key(db_path: Path) -> str:
    """The session-signing key: the environment variable, else the 0600 key file next to the
    database (made on first use)."""
    env = os.environ.get(SECRET_ENV, "")
    if env:
        if len(env) < 16:
            raise PracticeSetupError(f"{SECRET_ENV} is too short: use at least 16 characters")
        return env
    path = db_path.with_name(db_path.name + ".key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as e:
        raise PracticeSetupError(f"cannot create the key file {path}: {e.strerror or e}") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def _read_key(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise PracticeSetupError(f"cannot read the key file {path}: {e}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PracticeSetupError(f"{path}: the key file is readable by other users; run "
                                 f"'chmod 600 {path}' (or delete it to make a new key)")
    if len(text) < 32:
        raise PracticeSetupError(f"{path}: expected a key of 64 hex digits; delete the file to "
                                 "make a new key")
    return text


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: object, b: object) -> bool:
    """Constant-time comparison of two tokens (anything that is not a non-empty string fails)."""
    return (isinstance(a, str) and isinstance(b, str) and bool(a)
            and hmac.compare_digest(a.encode(), b.encode()))


def normalize_name(text: str) -> str:
    """The one spelling of a nickname or roster id (:func:`examgen.io.names.normalize_id`)."""
    return normalize_id(text)


@dataclass(frozen=True)
class PracticeRoster:
    """Who may sign in, and with which PIN."""

    source: str
    pins: tuple[tuple[str, str], ...]

    def check(self, student: str, pin: str) -> bool:
        expected = dict(self.pins).get(normalize_name(student))
        # compare even for an unknown name so the time does not tell which names exist
        ok = hmac.compare_digest((expected or "\0").encode(), pin.strip().encode())
        return expected is not None and ok


def load_practice_roster(path: Path) -> PracticeRoster:  # noqa: C901 - not split yet (issue 12)
    """Read ``student_id,pin`` rows (UTF-8 with or without BOM); every id needs a PIN."""
    try:
        raw = path.read_bytes()[:MAX_ROSTER_BYTES + 1]
    except OSError as e:
        raise PracticeSetupError(f"cannot read the practice roster {path}: {e.strerror or e}") \
            from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise PracticeSetupError(f"{path}: the practice roster is larger than "
                                 f"{MAX_ROSTER_BYTES // 1024 // 1024} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise PracticeSetupError(f"{path}:{line}: not UTF-8; save the roster as UTF-8 CSV") \
            from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise PracticeSetupError(f"{path}: the practice roster is empty")
    header = [normalize_name(h).lower() for h in rows[0]]
    if "student_id" not in header or "pin" not in header:
        raise PracticeSetupError(f"{path}:1: expected the columns student_id and pin, found "
                                 f"{', '.join(rows[0]) or 'nothing'}")
    sid, pcol = header.index("student_id"), header.index("pin")
    pins: dict[str, str] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise PracticeSetupError(f"{path}:{line}: expected {len(header)} cells, found "
                                     f"{len(row)}")
        name, pin = normalize_name(row[sid]), row[pcol].strip()
        if not name or not pin or len(pin) > MAX_PIN:
            raise PracticeSetupError(f"{path}:{line}: column "
                                     f"{'student_id' if not name else 'pin'}: expected a value "
                                     f"(a PIN of 1 to {MAX_PIN} characters)")
        if name in pins:
            raise PracticeSetupError(f"{path}:{line}: column student_id: {name!r} is listed twice")
        pins[name] = pin
    if not pins:
        raise PracticeSetupError(f"{path}: the practice roster lists no students")
    return PracticeRoster(str(path), tuple(sorted(pins.items())))
