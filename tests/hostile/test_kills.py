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
