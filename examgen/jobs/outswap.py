"""All-or-nothing output sets: a run's files are built in a staging folder, then replace the
previous run's set in one step, so a kill at any moment leaves the old complete set or the new.

Three ways, chosen per folder:

- **Exchange** (the output folder holds only what examgen writes): the staged folder is moved
  next to the output folder and the two are swapped with ``renameat2(RENAME_EXCHANGE)``, one
  atomic system call; the old set, now in the staged folder's place, is deleted afterwards.
  A folder that does not exist yet is simply renamed into place.
- **Pointer** (the folder also holds other files, e.g. the responses next to ``grades.csv``,
  or a ``grading/`` folder inside generate's output): each set lives in a hidden folder
  ``.examgen-set-*`` of the output folder, ``.examgen-current`` is a symbolic link to the set
  in use, and every output name is a symbolic link through it (``grades.csv`` ->
  ``.examgen-current/grades.csv``). The documented names keep working for every reader; a
  new set is put in place by replacing ``.examgen-current`` with one ``rename``, so readers
  see the old set or the new one, never a mix, even right after a kill. A name the new set
  lacks is left as a dangling link until the run tidies up (reading it finds no file, as
  in the new set). The first time, the files already there are adopted as the current set
  (hard links) before their names become links, so they show the same content throughout.
- **Journal** (only where symbolic links cannot be made): a journal naming the staged folder
  is written atomically, then the entries are moved one by one. A kill in the middle leaves
  the journal and a mix of old and new entries, and the next run (every run calls
  :func:`recover` first) finishes the moves before anything else reads the folder:
  roll-forward, as a database's redo log.

Leftover staging folders, sets and temporary links of killed runs are removed by
:func:`recover` (and only those whose process is gone). ``EXAMGEN_KILL_AT_STEP=k`` makes the
process SIGKILL itself at the k-th write step (tests use it to kill a run at every point);
``EXAMGEN_OUTSWAP=journal`` forces the journal way (tests).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["CURRENT", "JOURNAL", "SET_PREFIX", "STAGING_PREFIX", "commit", "kill_point",
           "new_staging", "recover"]

STAGING_PREFIX = ".examgen-tmp-"
JOURNAL = ".examgen-commit.json"
CURRENT = ".examgen-current"            # link to the set in use (pointer way)
SET_PREFIX = ".examgen-set-"            # a set: .examgen-set-<pid>-<random>
_TEMP_LINK = re.compile(re.escape(CURRENT) + r"\.(?:new|link)-(\d+)(?:-dir)?")
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
    return (name.startswith((STAGING_PREFIX, SET_PREFIX, CURRENT)) or name == JOURNAL)


def commit(staged: Path, out: Path, names: Sequence[str]) -> None:
    """Make the entries ``names`` of ``out`` those of ``staged`` (a folder made by
    :func:`new_staging`), all at once; a name missing from ``staged`` is removed from ``out``."""
    foreign = [e.name for e in out.iterdir() if e.name not in names and not _hidden(e.name)]
    if not foreign and _commit_by_exchange(staged, out):
        return
    if os.environ.get("EXAMGEN_OUTSWAP") != "journal" and _commit_by_pointer(staged, out, names):
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


def _new_set(out: Path) -> Path:
    return out / f"{SET_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"


def _commit_by_pointer(staged: Path, out: Path, names: Sequence[str]) -> bool:
    """The pointer way (see the module's text); False, with ``staged`` back in place, when
    symbolic links cannot be made here."""
    new = _new_set(out)
    os.chmod(staged, stat.S_IMODE(out.stat().st_mode))   # readable as the folder is
    os.rename(staged, new)
    try:
        if not (out / CURRENT).is_symlink():
            _adopt(out, names)       # the present files become the current set
        for name in names:
            _link(out, name)         # each name through the pointer: still the old set
    except OSError:
        if (out / CURRENT).is_symlink():
            raise
        os.rename(new, staged)       # no links here: the journal way takes over
        _tidy(out)
        return False
    kill_point()
    _point(out, new.name)            # the swap: one rename
    kill_point()
    _tidy(out)
    return True


def _adopt(out: Path, names: Sequence[str]) -> None:
    """A set of hard links to the output entries there now, made the current set."""
    old = _new_set(out)
    old.mkdir()
    for name in names:
        entry = out / name
        if entry.is_symlink() or not entry.exists():
            continue
        if entry.is_dir():
            shutil.copytree(entry, old / name, symlinks=True, copy_function=os.link)
        else:
            os.link(entry, old / name)
    _point(out, old.name)
    kill_point()


def _link(out: Path, name: str) -> None:
    """Make ``out/name`` the link ``.examgen-current/name`` in one step (a folder there is
    exchanged with the link atomically, then deleted)."""
    entry, target = out / name, f"{CURRENT}/{name}"
    if entry.is_symlink() and os.readlink(entry) == target:
        return
    tmp = out / f"{CURRENT}.link-{os.getpid()}"
    _remove(tmp)
    os.symlink(target, tmp)
    if entry.is_dir() and not entry.is_symlink():
        if not _exchange(tmp, entry):   # no renameat2: the name is missing for a moment
            aside = out / f"{CURRENT}.link-{os.getpid()}-dir"
            os.rename(entry, aside)
            os.rename(tmp, entry)
            tmp = aside
        kill_point()
        shutil.rmtree(tmp)          # the folder, now under the temporary name
    else:
        os.replace(tmp, entry)      # a file, a link or nothing: replaced in one step
    kill_point()


def _point(out: Path, set_name: str) -> None:
    """Point ``.examgen-current`` at ``set_name`` with one rename."""
    tmp = out / f"{CURRENT}.new-{os.getpid()}"
    _remove(tmp)
    os.symlink(set_name, tmp)
    os.replace(tmp, out / CURRENT)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def _tidy(out: Path) -> None:
    """Remove what the pointer way no longer needs: sets other than the current one (of this
    process or of dead ones), links of names the current set lacks, temporary links."""
    try:
        current: str | None = os.readlink(out / CURRENT)
    except OSError:
        current = None
    for e in out.iterdir():
        m = re.match(re.escape(SET_PREFIX) + r"(\d+)-", e.name)
        t = _TEMP_LINK.fullmatch(e.name)
        if m and e.name != current and (int(m.group(1)) == os.getpid()
                                        or not _alive(int(m.group(1)))):
            shutil.rmtree(e, ignore_errors=True)
        elif t and (int(t.group(1)) == os.getpid() or not _alive(int(t.group(1)))):
            _remove(e)
        elif (e.is_symlink() and os.readlink(e).startswith(CURRENT + "/")
              and not e.exists()):
            e.unlink()              # a name the current set does not have


def _commit_by_journal(staged: Path, out: Path, names: Sequence[str]) -> None:
    old = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-old-", dir=out))
    plan = {"staged": staged.name, "old": old.name, "names": list(names),
            "new": [n for n in names if os.path.lexists(staged / n)]}
    tmp = out / f"{JOURNAL}.{os.getpid()}"
    tmp.write_text(json.dumps(plan), encoding="utf-8")
    os.replace(tmp, out / JOURNAL)
    kill_point()
    _roll_forward(out, plan)


def _roll_forward(out: Path, plan: Mapping[str, Any]) -> None:
    """Carry out a journal's plan (JSON: staged, old, names, new), from wherever it stopped."""
    staged, old = out / str(plan["staged"]), out / str(plan["old"])
    old.mkdir(exist_ok=True)
    new = set(plan["new"])
    for name in plan["names"]:
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
    _tidy(out)
    for e in out.parent.iterdir():
        m = _SIBLING.fullmatch(e.name)
        if m and m.group("name") == out.name and not _alive(int(m.group("pid"))):
            shutil.rmtree(e, ignore_errors=True)
