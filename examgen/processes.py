"""Worker processes end with the run that started them (imports nothing from examgen).

A pool worker forked by ``generate`` or ``grade`` keeps rendering when its parent is killed
(SIGKILL runs no clean-up): it was found alive 153 s later. On Linux a child can ask the kernel
for a signal when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere this does nothing
and the pools' own shutdown is all there is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["TEMP_PREFIX", "compile_temp_dir", "die_with_parent", "die_with_process",
           "sweep_dead_temp_dirs"]

# the private folders of a process's Typst compiler: ``examgen-typst-<pid>-<random>`` in
# :func:`compile_temp_dir` (render/typcompile.py)
TEMP_PREFIX = "examgen-typst-"
# Linux's shared-memory folder: files there live in memory (tmpfs)
MEMORY_DIR = "/dev/shm"
MEMORY_DIR_MIN_FREE = 256 * 2**20   # bytes free there before it is used (a worker keeps a few MB)

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Call in a worker process: it gets SIGKILL when the process that started it ends."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if name is None:
        return
    parent = os.getppid()
    ctypes.CDLL(name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:   # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:   # a killed process its parent has not reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            return "\nState:\tZ" in f.read()
    except OSError:
        return False


def die_with_process(pid: int, every_s: float = 0.5) -> None:
    """Call in a worker process whose parent is not the run itself (a forkserver's child): it
    ends when ``pid`` ends. The forkserver outlives a killed run while its workers hold the pipe
    it watches, and the workers' parent-death signal waits on the forkserver, so neither ends
    by itself: a watcher thread ends the worker instead."""
    die_with_parent()

    def watch() -> None:
        while not _gone(pid):
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="examgen-watch-run", daemon=True).start()


def compile_temp_dir(memory_dir: str | None = None) -> str | None:
    """Where a Typst compiler's private folder goes: Linux's memory-backed folder when TMPDIR
    does not name a folder of the user's own choosing and it is a writable folder with room
    to spare, else None (the system's temporary folder). Each document makes the compiler open
    its question files, and most copies write new ones: the workers' system CPU was 14-16 ms
    per copy with the folder on ext4 and 5-8 ms on tmpfs (bench/generate.py's exam for 60
    students, 2 workers, three alternate runs each)."""
    if os.environ.get("TMPDIR"):
        return None
    memory_dir = MEMORY_DIR if memory_dir is None else memory_dir
    try:
        if not (os.path.isdir(memory_dir) and os.access(memory_dir, os.W_OK | os.X_OK)):
            return None
        st = os.statvfs(memory_dir)
    except OSError:
        return None
    return memory_dir if st.f_bavail * st.f_frsize >= MEMORY_DIR_MIN_FREE else None


def sweep_dead_temp_dirs(root: str | None = None, prefix: str = TEMP_PREFIX) -> list[str]:
    """Remove the temporary folders ``<prefix><pid>-*`` in ``root`` (default: the system's
    temporary folder and the memory-backed one, :func:`compile_temp_dir`) whose process is
    gone: a process killed with SIGKILL leaves its folder behind. Folders of live processes,
    of other users and without a pid in their name are left alone. Never fails; the names
    removed."""
    import tempfile

    if root is None:
        folders = dict.fromkeys([tempfile.gettempdir(), MEMORY_DIR])
        return [name for folder in folders for name in sweep_dead_temp_dirs(folder, prefix)]
    return _sweep(root, prefix)


def _sweep(folder: str, prefix: str) -> list[str]:
    import re
    import shutil

    pattern = re.compile(re.escape(prefix) + r"(\d+)-.+")
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for e in entries:
        m = pattern.fullmatch(e.name)
        try:
            if (m is None or int(m.group(1)) == os.getpid() or not e.is_dir(follow_symlinks=False)
                    or e.stat(follow_symlinks=False).st_uid != os.getuid()
                    or not _gone(int(m.group(1)))):
                continue
        except OSError:
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        removed.append(e.name)
    return removed
