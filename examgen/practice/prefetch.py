"""Typesetting ahead of the student: the formulas of a problem's solution while they think about
it, and of the problem they will most likely get next, so pages are served from the formula
cache. Typesetting (ziamath, pure Python) is ~10-20 ms per new formula and a computed problem
has a dozen with fresh numbers; done on request it would dominate every page.

One worker process; requests never wait for it. A wrong guess costs only background work.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from examgen.bank import Bank, load_bank
from examgen.model import Text, Variant
from examgen.processes import die_with_parent
from examgen.render import MathImage, formulas, preload, typeset
from examgen.variants import variant_for_seed

IN_FLIGHT = 2        # problems handed to the worker at once (one typesetting, one queued)
WANTED = 32          # guesses waiting beyond those; older ones are dropped
DONE_MEMORY = 4096   # problems remembered as done (not typeset again)

log = logging.getLogger("examgen.practice")


def _texts(v: Variant) -> Iterator[Text | str | None]:
    yield v.prompt
    yield v.solution
    yield v.explanation
    for p in v.parts:
        yield p.prompt
        yield from (o.text for o in p.options)
        yield from p.references
        for w in p.wrong_answers:       # the key lists them; the feedback names the nearest
            yield w.text
            yield w.why
        yield from (c.why for c in p.wrong_concepts)    # the feedback says why one does not fit
        yield from (m.description for m in p.misconceptions)


def page_formulas(v: Variant, lang: str) -> list[str]:
    """Every formula the problem and result pages of ``v`` typeset in ``lang``, in page order:
    inline ``$...$`` math of its texts (with every bank text the feedback on an answer may
    quote: wrong answers, wrong concepts, misconceptions) and the answers shown as formulas."""
    out: list[str] = []
    for t in _texts(v):
        if t is not None:
            out += formulas(t if isinstance(t, str) else t.get(lang))
    for p in v.parts:
        if p.display and not p.options and not p.references:
            out.append(p.display)
        out += [m.display for m in p.misconceptions if m.display]
    return list(dict.fromkeys(out))


_worker_banks: dict[str, Bank] = {}


def typeset_page(bank_root: str, template_id: str, seed: int, lang: str
                 ) -> list[tuple[str, bool, MathImage]]:
    """In the worker process: draw the variant and typeset every formula of its pages."""
    bank = _worker_banks.get(bank_root)
    if bank is None:
        bank = _worker_banks[bank_root] = load_bank(bank_root)
    v = variant_for_seed(bank.get(template_id), seed)
    return [(tex, False, typeset(tex)) for tex in page_formulas(v, lang)]


Key = tuple[str, int, str]   # template id, seed, language


class Prefetcher:
    """Typesets the formulas of problems in a worker process (the other core; a thread would
    hold the GIL that every request needs) and preloads them into this process's formula
    cache. The worker starts on first use and ends with the server.

    Newest guesses go first (a student who moved on no longer needs the older one), at most
    ``IN_FLIGHT`` are with the worker and ``WANTED`` wait; background work (the fixed formulas
    of every template) runs only when no guess waits."""

    def __init__(self, bank_root: Path):
        self._bank_root = str(bank_root)
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"),
                                         initializer=die_with_parent)
        self._wanted: deque[Key] = deque(maxlen=WANTED)
        self._idle: deque[Key] = deque()
        self._done: OrderedDict[Key, None] = OrderedDict()
        self._in_flight: set[Key] = set()
        self._closed = False
        self._lock = threading.Lock()

    def warm(self, template_id: str, seed: int, lang: str) -> None:
        """Typeset the formulas of that problem soon (no-op if done or under way)."""
        key = (template_id, seed, lang)
        with self._lock:
            if key in self._done or key in self._in_flight or key in self._wanted:
                return
            self._wanted.append(key)
        self._pump()

    def warm_idle(self, keys: list[Key]) -> None:
        """Typeset these when there is nothing else to do."""
        with self._lock:
            self._idle.extend(keys)
        self._pump()

    def _pump(self) -> None:
        while True:
            with self._lock:
                if self._closed or len(self._in_flight) >= IN_FLIGHT:
                    return
                if self._wanted:
                    key = self._wanted.pop()
                elif self._idle and not self._in_flight:
                    key = self._idle.popleft()
                else:
                    return
                self._in_flight.add(key)
            try:
                future = self._pool.submit(typeset_page, self._bank_root, *key)
            except RuntimeError:  # shut down, or the worker died: serve without prefetching
                with self._lock:
                    self._closed = True
                    self._in_flight.discard(key)
                return
            future.add_done_callback(lambda f, key=key: self._finish(key, f))  # type: ignore[misc]

    def _finish(self, key: Key, future: Future[list[tuple[str, bool, MathImage]]]) -> None:
        with self._lock:
            self._in_flight.discard(key)
            self._done[key] = None
            if len(self._done) > DONE_MEMORY:
                self._done.popitem(last=False)
        if not future.cancelled():
            error = future.exception()
            if error is None:
                preload(future.result())
            else:  # a guess that cannot be drawn is the request's problem, if it comes
                log.debug("prefetch of %s failed: %s", key, error)
        self._pump()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until nothing is queued or under way, or prefetching stopped (for tests);
        False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._closed or not (self._in_flight or self._wanted or self._idle):
                    return True
            time.sleep(0.01)
        return False

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
