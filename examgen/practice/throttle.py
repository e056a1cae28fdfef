"""Rate limit for PIN guesses (``examgen practice --roster``), in memory.

Each student id and each client address may get the PIN wrong :data:`FREE_FAILURES` times;
after that every further try must wait, twice as long after each new failure (1 s, 2 s,
4 s ... up to :data:`MAX_WAIT_S`). A try while waiting is refused without looking at the PIN
(so it neither counts nor tells anything). A right PIN clears the student's count (not the
client's: signing in as oneself does not buy more guesses at a classmate's PIN). Counts are
forgotten :data:`FORGET_AFTER_S` after the last failure and when the server restarts; at most
:data:`MAX_TRACKED` ids and addresses are kept (the oldest go first).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

__all__ = ["FORGET_AFTER_S", "FREE_FAILURES", "MAX_TRACKED", "MAX_WAIT_S", "PinThrottle"]

FREE_FAILURES = 5
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 15 * 60.0
FORGET_AFTER_S = 60 * 60.0
MAX_TRACKED = 100_000


class PinThrottle:
    """Failures per key (``("id", student)``, ``("client", address)``), thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[tuple[str, str], tuple[int, float]] = OrderedDict()

    def _entry(self, key: tuple[str, str], now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, now))
        if now - last > FORGET_AFTER_S:
            self._failures.pop(key, None)
            return 0, now
        return count, last

    def wait(self, keys: Sequence[tuple[str, str]]) -> float:
        """Seconds before any of ``keys`` may try a PIN again (0: now)."""
        now = self._clock()
        with self._lock:
            longest = 0.0
            for key in keys:
                count, last = self._entry(key, now)
                if count >= FREE_FAILURES:
                    delay = min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (count - FREE_FAILURES))
                    longest = max(longest, last + delay - now)
            return max(0.0, longest)

    def failed(self, keys: Sequence[tuple[str, str]]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                count, _ = self._entry(key, now)
                self._failures[key] = (count + 1, now)
                self._failures.move_to_end(key)
            while len(self._failures) > MAX_TRACKED:
                self._failures.popitem(last=False)

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
