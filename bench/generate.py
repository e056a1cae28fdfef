"""Benchmark of `examgen generate`: N per-student 4-page exams with answer keys.

Runs the real pipeline (process pool, default workers = cores) on bench/exam-4page.yaml for
N synthetic students, and, in the same run, a plain one-at-a-time render (one process, no
pool) of a sample of the same copies as the baseline. Prints wall time per copy, CPU time per
copy (all processes; less sensitive than wall time to other load on the machine), pages, peak
memory (this process and the largest worker), the word boxes a copy's Typst source holds (a
figure no load changes: each Korean word that needs one costs compile time), what PDF tagging
costs, and the target.

Measured once, before the WeasyPrint exam path was removed (issue 13): the former path needed
1,088 ms CPU per copy on the same 20 copies where Typst needed 179 ms (ratio 0.16), loaded machine.
Measured once with valgrind's callgrind (instructions, which no load changes): PDF tags add 6.1 %
to what the compiler does per copy (635 M instructions against 598 M).
Question bodies in files the documents include (examgen/render/typsource.py), so Typst reuses
what it laid out for earlier copies: 15 % fewer compiler instructions per copy; the same
machine, alternate runs: 142-155 ms against 162-173 ms wall per copy (100 students), 80-81 ms
against 92 ms (200 students, an hour later: this machine's speed changes 2x with no load seen).
The Hangul font's widths read from its raw tables (examgen/render/linefit.py) instead of through
fontTools' glyph names: 0.27 s less CPU in every process that prints (each pool worker), so
4 % less CPU for the 30 copies of `examgen generate`'s defaults (12.9 s against 13.5 s, three
alternate runs each); 200 students, a slow phase: 152 ms wall per copy (CPU 295 ms) against
164 ms (CPU 313 ms) for the previous commit in the same hour.
Less work beside the compiler (the compile root in /dev/shm, equal question bodies made once a
process, the manifest's own indented encoder, a question's key rows read once): 200 students,
a slow phase, 139 and 143 ms wall per copy (CPU 274 and 282 ms) against 154 ms (CPU 305 ms)
for the commit before them in the same hour; 100 students, three alternate runs each: 126-144
ms (CPU 248-283) against 131-151 ms (CPU 257-299).
A key's bulleted items as paragraphs instead of Typst's list (templates/preamble.typ, `small`):
5 % fewer compiler instructions per copy (callgrind, 6 copies: 519 M against 492 M); the wall
figures of that hour (166-253 ms per copy, 100 students, either version) were too unsteady to
show it.
On 2026-12-03, 18:06-18:09, the machine in a fast phase (baseline 100-119 ms per copy): 75, 71,
70 ms per copy (CPU 136-146 ms) and two runs that printed only their verdict, met and not met:
the target met in 4 runs of 5. The rest of that day, a slow phase: 119-193 ms (26 runs).

The pool runs first, as `examgen generate` runs it (workers forked from a process that has no
compiler yet); the baseline after it.

The target is set against Auto Multiple Choice measured elsewhere; the machines here vary by
more than 2x from day to day, so bench/amc_compare.py prints both tools on the same copies and
the same machine in one run.

    .venv/bin/python bench/generate.py [--students 200] [--baseline 20] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.assemble import assemble  # noqa: E402
from examgen.bank import load_bank  # noqa: E402
from examgen.io import load_spec  # noqa: E402
from examgen.jobs.generate import GenerateResult, generate  # noqa: E402
from examgen.jobs.pools import collector_tuned  # noqa: E402
from examgen.model import Student  # noqa: E402
from examgen.render import CopyRenderer  # noqa: E402

TARGET_S = 0.075  # wall per copy (exam + key) with 2 workers on an idle 2-core machine


def roster(n: int) -> list[Student]:
    """The bench's ``n`` synthetic students."""
    return [Student(f"2026{k:04d}", f"학생{k}", k + 1) for k in range(n)]


def one_at_a_time(copies: list, spec: object,
                   renderers: list[CopyRenderer]) -> tuple[float, list[float]]:
    """Wall seconds per copy (all renderers together) and CPU seconds per copy with each of
    ``renderers``, rendering ``copies`` (exam and key) in this process, taking turns copy by
    copy (so load from elsewhere falls on all alike), after one copy each to warm up (not
    timed: it loads the fonts and compiles the preamble)."""
    cpu = [0.0] * len(renderers)
    with collector_tuned():
        for renderer in renderers:
            renderer.render(copies[0], spec)
        t0 = time.perf_counter()
        for i, copy in enumerate(copies):
            for k in (*range(i % len(renderers), len(renderers)), *range(i % len(renderers))):
                c0 = time.process_time()    # each renderer in turn goes first (no order bias)
                renderers[k].render(copy, spec)
                cpu[k] += time.process_time() - c0
        wall = time.perf_counter() - t0
    return wall / len(copies), [c / len(copies) for c in cpu]


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes (the pool's workers)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_generate(spec: object, bank: object, students: list[Student], out: Path,
                   workers: int) -> tuple[GenerateResult, float]:
    """``examgen generate`` (pool, files written, manifest) into ``out``, and its CPU seconds
    per copy, this process and the pool's workers together."""
    c0, k0 = time.process_time(), children_cpu()
    res = generate(spec, bank, students, out, workers=workers)
    # if the pool was not forked from this process (a compiler had started here first), its
    # workers are children of multiprocessing's fork server, which adds their CPU time to what
    # it hands this process when it ends: stop it before reading that time
    from multiprocessing import forkserver
    forkserver._forkserver._stop()  # noqa: SLF001 - a private helper, in the bench only
    return res, (time.process_time() - c0 + children_cpu() - k0) / res.copies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--baseline", type=int, default=20, help="copies rendered one at a time")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    spec = load_spec(REPO / "bench" / "exam-4page.yaml")
    bank = load_bank()
    students = roster(args.students)

    # the pipeline first, as `examgen generate` runs it: no compiler in this process yet, so
    # the pool's workers are forked from it (process pool, files written, manifest)
    with tempfile.TemporaryDirectory() as tmp:
        res, cpu = timed_generate(spec, bank, students, Path(tmp) / "out", args.workers)
    per_copy = res.seconds / res.copies
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # baseline: the same copies, one at a time in this process, no pool (the collector set
    # as generate sets it); then with PDF tags off, to measure what tagging costs
    sample = students[: args.baseline]
    asm = assemble(spec, bank, sample)
    base, (base_cpu,) = one_at_a_time(list(asm.copies), spec, [CopyRenderer()])
    _, (tagged_cpu, untagged_cpu) = one_at_a_time(
        list(asm.copies), spec, [CopyRenderer(), CopyRenderer(pdf_tags=False)])
    # word boxes (Korean words kept whole) cost compile time and do not depend on the machine
    source = CopyRenderer().source
    boxes = {kind: sum(source(kind, c, spec).count("#box[") for c in asm.copies) / len(asm.copies)
             for kind in ("exam", "key")}

    print(f"bench/generate.py: {res.copies} per-student copies (exam + key), "
          f"exam pages {min(res.exam_pages)}-{max(res.exam_pages)} "
          f"(mean {sum(res.exam_pages) / res.copies:.1f}), key pages "
          f"{min(res.key_pages)}-{max(res.key_pages)}")
    print(f"  baseline, one at a time ({len(asm.copies)} copies): {base * 1000:.0f} ms per copy "
          f"(CPU {base_cpu * 1000:.0f} ms per copy)")
    print(f"  generate, {res.workers} worker(s):                 {per_copy * 1000:.0f} ms per copy "
          f"({res.seconds:.1f} s in all; {base / per_copy:.2f}x the baseline; CPU "
          f"{cpu * 1000:.0f} ms per copy, all processes)")
    print(f"  peak memory during generate: main process {main_rss:.0f} MiB, largest worker "
          f"{child_rss:.0f} MiB")
    print(f"  word boxes per copy: exam {boxes['exam']:.0f}, key {boxes['key']:.0f}")
    print(f"  PDF tags cost {(tagged_cpu / untagged_cpu - 1) * 100:+.1f}% CPU "
          f"({untagged_cpu * 1000:.0f} ms per copy without them)")
    met = "met" if per_copy <= TARGET_S else "NOT met"
    print(f"  target <= {TARGET_S * 1000:.0f} ms per copy: {met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
