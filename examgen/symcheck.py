"""Symbolic equivalence checks under a time budget, in worker processes that can be killed.

``sympy.simplify`` has no cost bound of its own: "(h+1)^64*(d_v+1)^64 - h*d_v" keeps it busy for
minutes, in C code no signal interrupts. Every check therefore runs in a small pool of worker
processes; the caller waits at most ``budget`` seconds, and a worker still busy then is killed and
replaced. A thread of the practice server or a grading run is never held longer than the budget
(plus the wait for a free worker, bounded too), whatever a student typed.

The pool belongs to the process that made it: a forked child (grading pools) makes its own.
"""

from __future__ import annotations

import atexit
import enum
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from examgen.processes import die_with_parent

__all__ = ["BUDGET_S", "Verdict", "check_equivalent", "run_with_deadline"]

BUDGET_S = float(os.environ.get("EXAMGEN_SYMBOLIC_BUDGET_S", "3"))   # CPU s per answer
WORKERS = 2
WALL_FACTOR = 4.0      # a check's wall-clock cap, in budgets (CPU time is what is budgeted)
START_S = 60.0         # a new worker's imports (seconds on a loaded machine)
QUEUE_WAIT_S = 10.0    # the longest a check waits for a free worker before it gives up


class Verdict(enum.Enum):
    EQUAL = "equal"
    DIFFERENT = "different"
    TOO_COSTLY = "too_costly"   # over the time budget (the worker was killed)
    BUSY = "busy"               # no worker came free in time
    FAILED = "failed"           # the check raised (overflow, a value sympy cannot compare)


def _equivalent(a: Any, b: Any) -> bool:
    from examgen.mathexpr import equivalent

    return equivalent(a, b)


def _serve(conn: Connection) -> None:
    """A worker's loop: it says "ready" once sympy is imported, then (function, args) in,
    ("ok", value) or ("error", text) out."""
    die_with_parent()   # a killed run's check must not spin on for minutes
    os.nice(5)   # checks yield the CPU to the server and the grading run that wait for them
    import examgen.mathexpr  # noqa: F401 - the import is the start-up cost, paid before any check

    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return   # the parent is gone
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except Exception as e:  # noqa: BLE001 - reported to the caller as a failed check
            reply = ("error", f"{type(e).__name__}: {e}"[:200])
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx: Any):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True,
                                name="examgen-symcheck")
        self.proc.start()
        child.close()
        self.started = False

    def wait_ready(self) -> bool:
        """Wait for a new worker's start-up (its imports are not an answer's cost)."""
        if not self.started:
            self.started = self.conn.poll(START_S) and self.conn.recv()[0] == "ready"
        return self.started

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.join(5)
        finally:
            self.conn.close()


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU time a process has used (Linux /proc), or None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _answered(w: _Worker, budget: float) -> bool:
    """Wait until the worker answers or has spent ``budget`` seconds of CPU on the check (a
    loaded machine does not make a normal answer "too costly"); wall time is capped too, at
    :data:`WALL_FACTOR` times the budget."""
    start_wall = time.monotonic()
    start_cpu = _cpu_seconds(w.proc.pid)
    while not w.conn.poll(0.05):
        cpu = _cpu_seconds(w.proc.pid)
        used = cpu - start_cpu if cpu is not None and start_cpu is not None \
            else time.monotonic() - start_wall
        if used > budget or time.monotonic() - start_wall > budget * WALL_FACTOR:
            return False
    return True


class _Pool:
    def __init__(self, size: int):
        self.pid = os.getpid()
        self.ctx = mp.get_context("spawn")   # the practice server is threaded: never fork it
        self.size = size
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()
        self.free = threading.Semaphore(size)
        self.closed = False

    def _take(self) -> _Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return _Worker(self.ctx)

    def _give(self, w: _Worker) -> None:
        with self.lock:
            if self.closed:
                w.kill()
            else:
                self.idle.append(w)

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], budget: float
            ) -> tuple[str, Any]:
        if not self.free.acquire(timeout=QUEUE_WAIT_S):
            return "busy", None
        try:
            w = self._take()
            try:
                if not w.wait_ready():
                    w.kill()
                    return "error", "the checking process did not start"
                w.conn.send((fn, args))
                if not _answered(w, budget):
                    w.kill()
                    self._give(_Worker(self.ctx))   # its replacement starts while nobody waits
                    return "timeout", None
                reply = w.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                w.kill()
                return "error", "the checking process ended"
            self._give(w)
            return reply  # type: ignore[no-any-return]
        finally:
            self.free.release()

    def close(self) -> None:
        if os.getpid() != self.pid:
            return   # a forked child: these workers are its parent's
        with self.lock:
            self.closed = True
            workers, self.idle = self.idle, []
        for w in workers:
            w.kill()


_pool: _Pool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None or _pool.pid != os.getpid():
            _pool = _Pool(WORKERS)
            atexit.register(_pool.close)
        return _pool


def run_with_deadline(fn: Callable[..., Any], args: tuple[Any, ...], budget: float = BUDGET_S
                      ) -> tuple[str, Any]:
    """Run the module-level function ``fn(*args)`` in a worker process for at most ``budget``
    seconds: ("ok", value), ("error", text), ("timeout", None) or ("busy", None)."""
    return _get_pool().run(fn, args, budget)


def check_equivalent(a: Any, b: Any, budget: float = BUDGET_S) -> Verdict:
    """Whether sympy expressions ``a`` and ``b`` are equal (:func:`examgen.mathexpr.equivalent`),
    decided within ``budget`` seconds. Structurally equal expressions need no worker."""
    if a == b:
        return Verdict.EQUAL
    status, value = run_with_deadline(_equivalent, (a, b), budget)
    if status == "ok":
        return Verdict.EQUAL if value else Verdict.DIFFERENT
    return {"timeout": Verdict.TOO_COSTLY, "busy": Verdict.BUSY}.get(status, Verdict.FAILED)


def _sleep(seconds: float) -> float:
    """For tests: a check that takes ``seconds``."""
    time.sleep(seconds)
    return seconds
