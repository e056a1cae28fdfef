"""Benchmark of `examgen grade`: a generated class of N students x 30 questions (a third short
answers), graded against a forms-mode manifest through the same code path as the CLI
(read CSV -> parse -> score -> grades/details/rejected CSV -> report HTML + PDF).

    .venv/bin/python bench/grade.py [--students 10000] [--no-pdf] [--keep DIR] [--no-baseline]

Prints wall time, CPU time (this process and its workers) and peak memory; target < 10 s and
< 1.5 GB. Then, as the baseline in the same run, the same steps once more the plain way: one
after another in this one process, with no worker pool, no overlap and the garbage collector
on; it prints each step's wall time and their sum (``--no-baseline`` skips it). ``--keep DIR``
keeps the outputs, responses and manifest.

Measured on 2026-12-03, a slow phase of this machine (bench/generate.py ran 2x its best that
hour): 267-310 s wall and a 3 GiB PDF process, because the report's box plots drew one SVG
marker per student (130,159 of them); with each strip place drawn once, big classes' boxes
showing their outliers instead, and the glossary's containing-term lookup indexed: 43 s wall
(CPU 58 s, largest process 747 MiB; steps the plain way: grade 26 s, report.html 6 s,
report.pdf 12 s). Not the 10 s target; Korean morphology (kiwipiepy, about 6 s) and
WeasyPrint's layout of the 22-page report are the largest parts left.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.assemble import assemble  # noqa: E402
from examgen.bank import bank_glossary, load_bank  # noqa: E402
from examgen.grading import grade_batch  # noqa: E402
from examgen.grading import short as short_module  # noqa: E402
from examgen.io import csv_text, load_spec, read_responses  # noqa: E402
from examgen.jobs import grade_files, load_key  # noqa: E402
from examgen.manifest import build_manifest  # noqa: E402
from examgen.model import Student  # noqa: E402
from examgen.reports import (  # noqa: E402
    details_csv,
    grades_rows,
    groups_rows,
    rejected_rows,
    render_report_html,
    render_report_pdf,
    render_review_html,
)

TARGET_S, TARGET_MB = 10.0, 1536
T = TypeVar("T")


def fake_answer(p: dict, rng: np.random.Generator) -> str:
    r = rng.random()
    d = p.get("decimals") if p.get("decimals") is not None else 3
    if r < 0.04:
        return ""
    k = p["kind"]
    if k == "numeric":
        v = p["value"] if r < 0.7 else (p["misconceptions"][0]["value"]
                                        if p.get("misconceptions") and r < 0.8 else
                                        p["value"] * rng.uniform(0.5, 1.5))
        return (f"약 {v:.{d}f}" if r > 0.95 else f"{v:.{d}f}")
    if k in ("vector", "matrix"):
        vals = np.asarray(p["value"], float) + (0 if r < 0.7 else rng.normal(0, 0.3))
        return "[" + ", ".join(f"{x:.{d}f}" for x in np.ravel(vals)) + "]"
    if k in ("single_choice", "multiple_choice"):
        keys = [o["key"] for o in p["options"]]
        right = [o["key"] for o in p["options"] if o["correct"]]
        return ";".join(right) if r < 0.7 else str(rng.choice(keys))
    if k == "symbolic":
        return "h*d_v" if r < 0.8 else "h + d_v"
    ref = p["references"][0]["ko"]
    words = ref.split()
    if r < 0.5:
        return ref
    if r < 0.8:
        cut = int(rng.integers(3, max(4, len(words))))
        return " ".join(words[:cut])
    return "모르겠습니다" if r < 0.9 else " ".join(rng.permutation(words)[:5])


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the short-answer and PDF workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_stages(mpath: Path, rpath: Path, *, pdf: bool) -> list[tuple[str, float]]:
    """Wall time of each step of examgen.grading.run.grade_files, run the plain way: one after
    the other in this process, short answers without the worker pool, the collector on."""
    stages: list[tuple[str, float]] = []

    def timed(what: str, fn: Callable[[], T]) -> T:
        t = time.perf_counter()
        result = fn()
        stages.append((what, time.perf_counter() - t))
        return result

    saved, short_module.PARALLEL_MIN = short_module.PARALLEL_MIN, sys.maxsize
    try:
        key = timed("load key", lambda: load_key(mpath, None))
        subs = timed("read responses", lambda: read_responses(
            rpath, columns=key.columns, students=key.students))
        batch = timed("grade", lambda: grade_batch(key, subs, [], glossary=bank_glossary()))
        html = timed("report.html", lambda: render_report_html(batch))
        timed("grades.csv", lambda: csv_text(grades_rows(batch)))
        timed("details.csv", lambda: details_csv(batch))
        timed("rejected.csv", lambda: csv_text(rejected_rows(batch)))
        timed("groups.csv", lambda: csv_text(groups_rows(batch)))
        timed("review.html", lambda: render_review_html(batch))
        if pdf:
            timed("report.pdf", lambda: render_report_pdf(html))
    finally:
        short_module.PARALLEL_MIN = saved
    return stages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--keep", type=Path,
                    help="copy the outputs, responses and manifest to this folder")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the plain one-step-at-a-time run")
    args = ap.parse_args()

    spec = load_spec(REPO / "bench" / "exam-30q.yaml")
    bank = load_bank()
    students = [Student(f"S{k:05d}", f"학생{k}", k + 2) for k in range(args.students)]
    asm = assemble(spec, bank, students)
    data = build_manifest(asm, {}, "bench")
    assert len(data["columns"]) == 30, data["columns"]
    rng = np.random.default_rng(7)
    copies = {c["copy_id"]: [p for q in c["questions"] for p in q["variant"]["parts"]]
              for c in data["copies"]}
    with tempfile.TemporaryDirectory() as tmp:
        mpath = Path(tmp) / "manifest.json"
        mpath.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        rpath = Path(tmp) / "responses.csv"
        with rpath.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student_id", *data["columns"]])
            for s in data["students"]:
                w.writerow([s["student_id"], *(fake_answer(p, rng) for p in copies[s["copy"]])])
        out = Path(tmp) / "out"
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        res = grade_files(rpath, manifest=mpath, out=out, pdf=not args.no_pdf)
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # short answers are scored in worker processes for large classes: their peak counts too
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        batch = res.batch
        if args.keep is not None:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(out, args.keep)
            shutil.copy(rpath, args.keep / "responses.csv")
            shutil.copy(mpath, args.keep / "manifest.json")
        stages = [] if args.no_baseline else time_stages(mpath, rpath, pdf=not args.no_pdf)
    n_answers = sum(len(s.answers) for s in batch.students)
    n_short = sum(1 for c in copies["form-A"] if c["kind"] == "short_answer")
    print(f"bench/grade.py: {len(batch.students)} students x {len(data['columns'])} "
          f"questions = {n_answers} answers ({n_short} short-answer columns), "
          f"report PDF {'off' if args.no_pdf else 'on'}")
    print(f"  wall time {wall:.2f} s ({1e6 * wall / n_answers:.1f} µs per answer); "
          f"peak memory {peak:.0f} MiB (largest worker {peak_child:.0f} MiB)")
    print(f"  CPU time {cpu:.2f} s (this process and its workers)")
    if stages:
        print("  baseline in the same run: the same steps the plain way (one process, one after "
              "another, no pool, no overlap, collector on):")
    for what, seconds in stages:
        print(f"    {what:<16} {seconds:6.2f} s")
    if stages:
        plain = sum(s for _, s in stages)
        print(f"    {'in all':<16} {plain:6.2f} s; the run took {wall:.2f} s "
              f"({plain / wall:.2f}x faster)")
    ok = wall < TARGET_S and peak + peak_child < TARGET_MB
    print(f"  target < {TARGET_S:.0f} s and < {TARGET_MB} MiB: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
