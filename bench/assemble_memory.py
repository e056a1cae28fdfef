"""Benchmark: peak memory of `examgen generate`'s assembly + manifest path against the roster size.

For each roster size (synthetic students, the bundled examples/midterm.yaml) two paths run,
each in a fresh process whose peak resident memory (ru_maxrss) is read:

- **streaming** (what `generate` does now): the real `jobs.generate.generate` with one worker,
  in-process, whose copy renderer is replaced by a stub that renders nothing (writes a few
  bytes per PDF) -- so the figures are assembly, math check, manifest.json and answer_key.csv,
  the staging folder and the all-or-nothing commit, without Typst;
- **eager** (what `generate` did before): every copy built first (`assemble`), then the whole
  manifest built and dumped, and answer_key.csv made from it (`key_tables`), as the old
  `_write_output` did; nothing rendered either.

The peak is reported above the process's memory once the bank and the roster are loaded
(`delta`), with CPU seconds per copy. The eager path is skipped above `--eager-max` students
(it needs about 0.5 MB per copy of the bundled exam: 50,000 students would take ~27 GB).

    .venv/bin/python bench/assemble_memory.py [--sizes 1000 10000 50000] [--eager-max 10000]
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class _StubRenderer:
    def render(self, copy: Any, spec: Any) -> SimpleNamespace:
        return SimpleNamespace(exam=b"%PDF-stub", key=b"%PDF-stub", exam_pages=1, key_pages=1)


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _one(path: str, n: int) -> dict[str, float]:
    """Run one path for ``n`` students in this process; its figures."""
    from examgen.bank import load_bank
    from examgen.io import load_spec
    from examgen.model import Student

    gen = importlib.import_module("examgen.jobs.generate")
    spec, bank = load_spec(REPO / "examples" / "midterm.yaml"), load_bank()
    students = [Student(f"2026{k:06d}", f"학생{k}", k + 2) for k in range(n)]
    base = _rss_mib()
    c0 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        if path == "streaming":
            gen._init_worker = lambda *a: setattr(gen, "_WORKER", _StubRenderer())
            gen.generate(spec, bank, students, Path(tmp) / "out", workers=1)
        else:
            from examgen.assemble import assemble
            from examgen.manifest import build_manifest, dump_manifest

            asm = assemble(spec, bank, students)
            files = {c.copy_id: {"exam": f"exams/{c.copy_id}.pdf",
                                 "key": f"keys/{c.copy_id}.pdf",
                                 "exam_pages": 1, "key_pages": 1} for c in asm.copies}
            data = build_manifest(asm, files, "bench")
            (Path(tmp) / "manifest.json").write_text(dump_manifest(data), encoding="utf-8")
            for name, text in gen.key_tables(data, Path(tmp) / "manifest.json").items():
                (Path(tmp) / name).write_text(text, encoding="utf-8")
    cpu = time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"base_mib": base, "peak_mib": peak, "delta_mib": peak - base,
            "cpu_ms_per_copy": 1000 * cpu / n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--eager-max", type=int, default=10000,
                    help="largest roster the eager path is run for")
    ap.add_argument("--one", nargs=2, metavar=("PATH", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_one(args.one[0], int(args.one[1]))))
        return 0
    print("bench/assemble_memory.py: generate's assembly + manifest + answer_key.csv, no PDF "
          "rendering (stub renderer), bundled examples/midterm.yaml, one process each")
    print(f"{'students':>9} {'path':<10} {'peak MiB':>9} {'delta MiB':>10} {'KiB/copy':>9} "
          f"{'CPU ms/copy':>12}")
    for n in args.sizes:
        for path in ("streaming", "eager"):
            if path == "eager" and n > args.eager_max:
                print(f"{n:>9} {path:<10} {'skipped (--eager-max)':>31}")
                continue
            r = subprocess.run([sys.executable, __file__, "--one", path, str(n)],
                               capture_output=True, text=True, check=True)
            f = json.loads(r.stdout.strip().splitlines()[-1])
            print(f"{n:>9} {path:<10} {f['peak_mib']:>9.0f} {f['delta_mib']:>10.0f} "
                  f"{1024 * f['delta_mib'] / n:>9.1f} {f['cpu_ms_per_copy']:>12.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
