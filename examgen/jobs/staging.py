"""Writing output folders all-or-nothing: staging folders inside the output folder (swept when a
killed run left them), entries replaced as a whole, files written to a temporary name and renamed."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from examgen.errors import OutputError
from examgen.jobs.outswap import kill_point, recover
from examgen.manifest import read_output_manifest

STAGING_PREFIX = ".examgen-tmp-"


def check_output_dir(out: Path) -> None:
    """Fail early, with a clear message, when ``out`` cannot be created or written, or holds
    files that examgen generate did not write (they are never replaced)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a folder; choose another --out")
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"cannot create output folder {out}: {probe} is a file, not a folder; "
                          "choose another --out")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {probe} (permission denied); choose another --out")
    if probe == out and _has_foreign_files(out):
        raise OutputError(f"output folder {out} already holds files and is not an examgen "
                          "output folder (no manifest.json from examgen generate); choose an "
                          "empty or new --out")


def _has_foreign_files(out: Path) -> bool:
    """Whether ``out`` holds anything while lacking examgen's manifest (our own leftover
    staging folders from an interrupted run do not count)."""
    if read_output_manifest(out) is not None:
        return False
    return any(not e.name.startswith(STAGING_PREFIX) for e in out.iterdir())


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    kill_point()


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    kill_point()


def make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {path}: {e.strerror or e}; choose "
                          "another --out") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process
        return True
    return True


def sweep_staging(out: Path) -> None:
    """Remove staging folders in ``out`` left by runs that were killed (their process is gone);
    those of a run still going are kept."""
    for entry in out.iterdir():
        m = re.fullmatch(re.escape(STAGING_PREFIX) + r"(\d+)-.*", entry.name)
        if m and entry.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A hidden temporary folder inside ``out`` named for this process, removed afterwards
    (same file system, so its entries move into place with :func:`os.replace`); a killed
    run's leftovers are swept first."""
    try:
        recover(out)   # a killed run's half-done commit is finished, its leftovers removed
        sweep_staging(out)
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    except OSError as e:
        raise OutputError(f"cannot write to output folder {out}: {e.strerror or e}; choose "
                          "another --out") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def replace_entries(staged: Path, out: Path, names: Sequence[str]) -> None:
    """Replace the entries ``names`` of ``out`` by those of ``staged``: the old ones are moved
    aside first and put back if anything fails; an old entry with no new one is removed."""
    with staging(out) as old:
        aside: list[str] = []
        moved_in: list[str] = []
        try:
            for name in names:
                if os.path.lexists(out / name):
                    os.replace(out / name, old / name)
                    aside.append(name)
            for name in names:
                if os.path.lexists(staged / name):
                    os.replace(staged / name, out / name)
                    moved_in.append(name)
        except BaseException:
            for name in moved_in:
                os.replace(out / name, staged / name)
            for name in aside:
                os.replace(old / name, out / name)
            raise
