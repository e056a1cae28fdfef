"""Run the whole hostile corpus in subprocesses and print the issue-18 table
(``python -m tests.hostile.measure``): per surface, how many cases gave a traceback, a hang
(over MAX_SECONDS), a wrong exit status or message, or wrote outside their folder."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.hostile.corpus import MAX_SECONDS, Case, all_cases

REPO = Path(__file__).resolve().parents[2]


def run(case: Case, d: Path) -> dict[str, bool | float | str]:
    argv = case.build(d)
    before = {p for p in d.rglob("*")}
    t0 = time.perf_counter()
    try:
        r = subprocess.run([sys.executable, "-m", "examgen.cli", *argv], capture_output=True,
                           text=True, timeout=MAX_SECONDS, cwd=d)
        hang, err, rc = False, r.stderr, r.returncode
    except subprocess.TimeoutExpired:
        hang, err, rc = True, "", -1
    seconds = time.perf_counter() - t0
    allowed = (d / "out", d / "output")
    outside = [p for p in d.rglob("*") if p not in before
               and not any(p == a or a in p.parents for a in allowed)]
    traceback = "Traceback" in err
    if case.expect == "error" and argv[:2] == ["bank", "check"]:   # "file:line: ..." lines
        wrong = not (rc == 1 and case.fragment in err and err.count("\n") <= 4)
    elif case.expect == "error":
        wrong = not (rc == 1 and err.startswith("Error:") and case.fragment in err
                     and err.count("\n") <= 1)
    else:
        wrong = rc != 0
    return {"traceback": traceback, "hang": hang, "oom": "MemoryError" in err or rc == -9,
            "wrong": wrong and not (traceback or hang), "outside": bool(outside),
            "seconds": seconds, "err": err.strip().splitlines()[-1][:160] if err.strip() else ""}


def main() -> None:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    only = sys.argv[1:]   # case names (substrings) to run; all by default
    for case in all_cases():
        if only and not any(o in case.name for o in only):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            res = run(case, Path(tmp))
            for p in Path(tmp).rglob("*"):
                p.chmod(0o700) if p.is_dir() else None
        row = rows[case.surface]
        row["tried"] += 1
        for k in ("traceback", "hang", "oom", "wrong", "outside"):
            row[k] += int(bool(res[k]))
        flag = [k for k in ("traceback", "hang", "oom", "wrong", "outside") if res[k]]
        print(f"{case.surface:20} {case.name:28} {res['seconds']:5.1f}s {','.join(flag) or 'ok':10}"
              f" {res['err']}", flush=True)
    print("\n| surface | tried | traceback | hang | out of memory | wrong | outside |")
    print("|---|---|---|---|---|---|---|")
    for surface, row in rows.items():
        print(f"| {surface} | {row['tried']} | {row['traceback']} | {row['hang']} | {row['oom']} | "
              f"{row['wrong']} | {row['outside']} |")


if __name__ == "__main__":
    main()
