"""Benchmark of math typesetting (LaTeX -> SVG with ziamath, as the practice app uses it).

Collects every formula the exam and key of N copies print of
bench/exam-4page.yaml, then typesets them all from a cold cache, in the same run with plain
ziamath (the baseline) and with examgen's speed-ups (examgen/render/ziamath_fast.py),
alternating a few rounds. Prints CPU time per copy (a process typesets each distinct formula
once), and checks that both give the same SVG and glyph placements for every formula.

    .venv/bin/python bench/typeset.py [--students 30] [--rounds 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from examgen.assemble import assemble  # noqa: E402
from examgen.bank import load_bank  # noqa: E402
from examgen.io import load_spec  # noqa: E402
from examgen.model import Student  # noqa: E402
from examgen.render import mathsvg, ziamath_fast  # noqa: E402
from examgen.render.mathcheck import variant_formulas  # noqa: E402

Formula = tuple[str, bool]


def collect(students: int) -> list[Formula]:
    """The distinct formulas (tex, display) the exam and key of the copies print."""
    spec = load_spec(REPO / "bench" / "exam-4page.yaml")
    asm = assemble(spec, load_bank(),
                   [Student(f"2026{k:04d}", f"학생{k}", k + 1) for k in range(students)])
    seen: dict[Formula, None] = {}
    for copy in asm.copies:
        for q in copy.questions:
            seen.update(((" ".join(tex.split()), False), None)
                        for _, tex in variant_formulas(q.variant))
    return list(seen)


def typeset_all(formulas: list[Formula], fast: bool) -> tuple[float, dict[Formula, object]]:
    """CPU seconds to typeset ``formulas`` from a cold cache, and what each gave."""
    install = ziamath_fast.install
    if not fast:
        ziamath_fast.uninstall()
        ziamath_fast.install = lambda: None  # type: ignore[assignment]
    mathsvg._typeset.cache_clear()
    ziamath_fast._PATHS.clear()
    try:
        t0 = time.process_time()
        images = {f: mathsvg._typeset(*f) for f in formulas}
        cpu = time.process_time() - t0
    finally:
        ziamath_fast.install = install  # type: ignore[assignment]
        install()
    return cpu, {f: image.svg for f, image in images.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile one fast round")
    args = ap.parse_args()

    formulas = collect(args.students)
    typeset_all(formulas[:20], fast=True)   # load fonts and modules
    plain_s: list[float] = []
    fast_s: list[float] = []
    for _ in range(args.rounds):
        cpu, plain = typeset_all(formulas, fast=False)
        plain_s.append(cpu)
        cpu, fast = typeset_all(formulas, fast=True)
        fast_s.append(cpu)
    differ = [f for f in formulas if fast[f] != plain[f]]

    def per_copy(seconds: list[float]) -> str:
        return (f"best {min(seconds) * 1000 / args.students:.0f} ms/copy "
                f"(rounds: {', '.join(f'{s * 1000 / args.students:.0f}' for s in seconds)})")

    print(f"{len(formulas)} distinct formulas in {args.students} copies (exam + key)")
    print(f"plain ziamath: {per_copy(plain_s)}")
    print(f"speed-ups:     {per_copy(fast_s)}  x{min(plain_s) / min(fast_s):.2f}")
    print(f"identical SVG and glyph placements: {'yes' if not differ else differ[:3]}")
    if args.profile:
        mathsvg._typeset.cache_clear()
        ziamath_fast._PATHS.clear()
        profile = cProfile.Profile()
        profile.runcall(lambda: [mathsvg._typeset(*f) for f in formulas])
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
