"""Killing a run ends its worker processes (issue 18 item 5): generate's render pool used to
keep going for minutes after its parent was SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                status = (d / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                out.add(int(d.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


def test_killing_generate_ends_its_workers(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n" + "".join(f"{k},s{k}\n" for k in range(1, 9)),
                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.Popen([sys.executable, "-m", "examgen.cli", "generate", "--roster", str(roster),
                          "--out", str(tmp_path / "out"), "--workers", "2"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(workers) < 2 and p.poll() is None:
        workers = children(p.pid)
        time.sleep(0.2)
    assert len(workers) >= 2, "the render pool never started"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers still running after their parent was killed: {left}"


KEY = "question_id,type,answer,points,tolerance\nq1,numeric,0.5,2,0.01\nq2,choice,B,1,\n"


def grade(tmp: Path, responses: str, kill_at: int | None = None) -> int:
    (tmp / "responses.csv").write_text(responses, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("EXAMGEN_KILL_AT_STEP", None)
    if kill_at is not None:
        env["EXAMGEN_KILL_AT_STEP"] = str(kill_at)
    return subprocess.run([sys.executable, "-m", "examgen.cli", "grade", "--key", str(tmp / "KEY.csv"),
                           "--responses", str(tmp / "responses.csv"), "--out", str(tmp / "out"),
                           "--no-pdf"], env=env, capture_output=True, timeout=120).returncode


def contents(out: Path) -> dict[str, bytes]:
    """The visible files (a killed run may leave a hidden staging folder for the next to remove)."""
    return {e.name: e.read_bytes() for e in sorted(out.iterdir()) if not e.name.startswith(".")}


A = "student_id,q1,q2\nsA,0.5,B\n"
B = "student_id,q1,q2\nsB,0.4,A\n"


def test_killing_grade_at_every_write_leaves_one_complete_set(tmp_path: Path) -> None:
    (tmp_path / "KEY.csv").write_text(KEY, encoding="utf-8")
    out = tmp_path / "out"
    assert grade(tmp_path, B) == 0
    set_b = contents(out)
    assert grade(tmp_path, A) == 0
    set_a = contents(out)
    assert set_a != set_b and sorted(set_a) == ["absent.csv", "details.csv", "grades.csv",
                                                "rejected.csv", "report.html"]
    seen = set()
    for k in range(1, 12):
        rc = grade(tmp_path, B, kill_at=k)
        now = contents(out)   # at once: no repair needed
        assert now in (set_a, set_b), (k, sorted(now))
        seen.add("A" if now == set_a else "B")
        if rc == 0:
            break
        assert rc == -9   # the next run starts from what this one left
    assert rc == 0 and seen == {"A", "B"} and k >= 4
    assert contents(out) == set_b   # and the last one cleaned every leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == ["KEY.csv", "out", "responses.csv"]
    assert sorted(p.name for p in out.iterdir()) == sorted(set_b)
