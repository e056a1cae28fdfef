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

__all__ = ["die_with_parent"]

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
