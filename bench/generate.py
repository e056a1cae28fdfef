"""Benchmark of `examgen generate`: N per-student 4-page exams with answer keys.

Runs the real pipeline (process pool, default workers = cores) on bench/exam-4page.yaml for
N synthetic students, and, in the same run, a plain one-at-a-time render (one process, no
pool) of a sample of the same copies as the baseline. Prints wall time per copy, CPU time per
copy (all processes; less sensitive than wall time to other load on the machine), pages, peak
memory (this process and the largest worker) and the target.

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
from examgen.jobs.generate import generate  # noqa: E402
from examgen.jobs.pools import collector_tuned  # noqa: E402
from examgen.model import Student  # noqa: E402
from examgen.render import CopyRenderer  # noqa: E402

TARGET_S = 0.300  # wall per copy (exam + key) on the 2-core machine
STAGES = ("HTML and math", "WeasyPrint layout", "WeasyPrint paint + PDF")


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes (the pool's workers)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--baseline", type=int, default=20, help="copies rendered one at a time")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    spec = load_spec(REPO / "bench" / "exam-4page.yaml")
    bank = load_bank()
    students = [Student(f"2026{k:04d}", f"학생{k}", k + 1) for k in range(args.students)]

    # baseline: the same copies, one at a time in this process, no pool (the collector set
    # as generate sets it), timed by stage
    sample = students[: args.baseline]
    asm = assemble(spec, bank, sample)
    t0, c0 = time.perf_counter(), time.process_time()
    renderer = CopyRenderer()
    stages = dict.fromkeys(STAGES, 0.0)   # CPU seconds: what renderer.render does, step by step
    with collector_tuned():               # as generate renders with one worker
        for copy in asm.copies:
            for kind in ("exam", "key"):
                start = time.process_time()
                html = renderer.html(kind, copy, spec)
                c1 = time.process_time()
                doc = renderer.writer.render(html)
                c2 = time.process_time()
                doc.write_pdf()
                c3 = time.process_time()
                for name, seconds in zip(STAGES, (c1 - start, c2 - c1, c3 - c2), strict=True):
                    stages[name] += seconds
    base = (time.perf_counter() - t0) / len(asm.copies)
    base_cpu = (time.process_time() - c0) / len(asm.copies)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # the pipeline: process pool, files written, manifest
    c0, k0 = time.process_time(), children_cpu()
    with tempfile.TemporaryDirectory() as tmp:
        res = generate(spec, bank, students, Path(tmp) / "out", workers=args.workers)
    per_copy = res.seconds / res.copies
    cpu = (time.process_time() - c0 + children_cpu() - k0) / res.copies
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"bench/generate.py: {res.copies} per-student copies (exam + key), "
          f"exam pages {min(res.exam_pages)}-{max(res.exam_pages)} "
          f"(mean {sum(res.exam_pages) / res.copies:.1f}), key pages "
          f"{min(res.key_pages)}-{max(res.key_pages)}")
    print(f"  baseline, one at a time ({len(asm.copies)} copies): {base * 1000:.0f} ms per copy "
          f"(CPU {base_cpu * 1000:.0f} ms per copy)")
    print(f"  generate, {res.workers} worker(s):                 {per_copy * 1000:.0f} ms per copy "
          f"({res.seconds:.1f} s in all; {base / per_copy:.2f}x the baseline; CPU "
          f"{cpu * 1000:.0f} ms per copy, all processes)")
    print(f"  peak memory: main process {base_rss:.0f} MiB, largest worker {child_rss:.0f} MiB")
    n = len(asm.copies)
    print("  baseline CPU per copy by stage: " + ", ".join(
        f"{name} {sec / n * 1000:.0f} ms" for name, sec in stages.items()))
    weasy = (stages["WeasyPrint layout"] + stages["WeasyPrint paint + PDF"]) / n
    print(f"  WeasyPrint alone needs {weasy * 1000:.0f} ms CPU per copy: at best "
          f"{weasy / args.workers * 1000:.0f} ms wall per copy on {args.workers} worker(s)")
    met = "met" if per_copy <= TARGET_S else "NOT met"
    print(f"  target <= {TARGET_S * 1000:.0f} ms per copy: {met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
