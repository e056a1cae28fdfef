"""All-or-nothing output sets: a run's files are built in a staging folder, then replace the
previous run's set in one step, so a kill at any moment leaves the old complete set or the new.

Two ways, chosen per folder:

- **Exchange** (the output folder holds only what examgen writes): the staged folder is moved
  next to the output folder and the two are swapped with ``renameat2(RENAME_EXCHANGE)``, one
  atomic system call; the old set, now in the staged folder's place, is deleted afterwards.
  A folder that does not exist yet is simply renamed into place.
- **Journal** (the folder also holds other files, e.g. the responses next to ``grades.csv``, or
  the system has no ``renameat2``): a journal naming the staged folder is written atomically,
  then the entries are moved one by one. A kill in the middle leaves the journal, and the next
  run (every run calls :func:`recover` first) finishes the moves before anything else reads the
  folder: roll-forward, as a database's redo log.

Leftover staging folders of killed runs are removed by :func:`recover` (and only those whose
process is gone). ``EXAMGEN_KILL_AT_STEP=k`` makes the process SIGKILL itself at the k-th write
step (tests use it to kill a run at every point).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import signal
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["JOURNAL", "STAGING_PREFIX", "commit", "kill_point", "new_staging", "recover"]

STAGING_PREFIX = ".examgen-tmp-"
JOURNAL = ".examgen-commit.json"
_SIBLING = re.compile(r"\.(?P<name>.+)\.examgen-(?:new|old)-(?P<pid>\d+)")
_steps = 0


def kill_point() -> None:
    """A write step: with ``EXAMGEN_KILL_AT_STEP=k`` the process kills itself at the k-th."""
    global _steps
    at = os.environ.get("EXAMGEN_KILL_AT_STEP")
    if not at:
        return
    _steps += 1
    if _steps == int(at):
        os.kill(os.getpid(), signal.SIGKILL)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_staging(out: Path) -> Path:
    """A hidden staging folder inside ``out`` (created), named for this process."""
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def _hidden(name: str) -> bool:
    return name.startswith(STAGING_PREFIX) or name == JOURNAL


def commit(staged: Path, out: Path, names: Sequence[str]) -> None:
    """Make the entries ``names`` of ``out`` those of ``staged`` (a folder made by
    :func:`new_staging`), all at once; a name missing from ``staged`` is removed from ``out``."""
    foreign = [e.name for e in out.iterdir() if e.name not in names and not _hidden(e.name)]
    if not foreign and _commit_by_exchange(staged, out):
        return
    _commit_by_journal(staged, out, names)


def _commit_by_exchange(staged: Path, out: Path) -> bool:
    sibling = out.parent / f".{out.name}.examgen-new-{os.getpid()}"
    try:
        os.chmod(staged, stat.S_IMODE(out.stat().st_mode))   # the folder keeps its permissions
        os.rename(staged, sibling)
    except OSError:
        return False
    kill_point()
    if not _exchange(sibling, out):
        os.rename(sibling, staged)   # put it back: the journal way takes over
        return False
    kill_point()
    # the old set is now in the sibling's place, with any hidden leftovers of the old folder
    for e in sibling.iterdir():
        if e.name.startswith(STAGING_PREFIX) and e.is_dir():
            m = re.match(re.escape(STAGING_PREFIX) + r"(\d+)-", e.name)
            if m and _alive(int(m.group(1))) and int(m.group(1)) != os.getpid():
                os.replace(e, out / e.name)   # another live run's staging stays with the folder
    shutil.rmtree(sibling, ignore_errors=True)
    return True


def _commit_by_journal(staged: Path, out: Path, names: Sequence[str]) -> None:
    old = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-old-", dir=out))
    plan = {"staged": staged.name, "old": old.name, "names": list(names),
            "new": [n for n in names if os.path.lexists(staged / n)]}
    tmp = out / f"{JOURNAL}.{os.getpid()}"
    tmp.write_text(json.dumps(plan), encoding="utf-8")
    os.replace(tmp, out / JOURNAL)
    kill_point()
    _roll_forward(out, plan)


def _roll_forward(out: Path, plan: dict[str, object]) -> None:
    staged, old = out / str(plan["staged"]), out / str(plan["old"])
    old.mkdir(exist_ok=True)
    new = set(plan["new"])  # type: ignore[arg-type]
    for name in plan["names"]:  # type: ignore[attr-defined]
        if name in new and not os.path.lexists(staged / name):
            continue   # already moved in
        if os.path.lexists(out / name):
            os.replace(out / name, old / name)
            kill_point()
        if name in new:
            os.replace(staged / name, out / name)
            kill_point()
    (out / JOURNAL).unlink()
    kill_point()
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)


def recover(out: Path) -> None:
    """Finish a commit a killed run left half done, and remove dead runs' staging folders
    (inside ``out`` and beside it)."""
    if not out.is_dir():
        return
    journal = out / JOURNAL
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            plan = None
        if isinstance(plan, dict) and (out / str(plan.get("staged"))).is_dir():
            _roll_forward(out, plan)
        else:
            journal.unlink(missing_ok=True)
    for e in out.iterdir():
        m = re.match(re.escape(STAGING_PREFIX) + r"(\d+)-", e.name)
        if m and e.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(e, ignore_errors=True)
        elif e.name.startswith(JOURNAL + "."):
            e.unlink(missing_ok=True)
    for e in out.parent.iterdir():
        m = _SIBLING.fullmatch(e.name)
        if m and m.group("name") == out.name and not _alive(int(m.group("pid"))):
            shutil.rmtree(e, ignore_errors=True)
