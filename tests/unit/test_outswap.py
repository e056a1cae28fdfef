"""All-or-nothing output sets (issue 18 item 4): a run killed at every write step leaves the
old complete set or the new one (after the next run's recovery, for a shared folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from examgen.jobs import outswap

NAMES = ("grades.csv", "details.csv", "report.html", "exams")
SCRIPT = """
import sys
from pathlib import Path
from examgen.jobs import outswap
out, tag = Path(sys.argv[1]), sys.argv[2]
outswap.recover(out)
staged = outswap.new_staging(out)
for name in ("grades.csv", "details.csv", "report.html"):
    (staged / name).write_text(tag)
    outswap.kill_point()
(staged / "exams").mkdir()
for k in range(3):
    (staged / "exams" / f"{k}.pdf").write_text(tag)
    outswap.kill_point()
outswap.commit(staged, out, ("grades.csv", "details.csv", "report.html", "exams"))
"""


def run(out: Path, tag: str, kill_at: int | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("EXAMGEN_KILL_AT_STEP", None)
    if kill_at is not None:
        env["EXAMGEN_KILL_AT_STEP"] = str(kill_at)
    return subprocess.run([sys.executable, "-c", SCRIPT, str(out), tag], env=env,
                          timeout=60).returncode


def state(out: Path) -> set[str]:
    """The tags of the managed files (one tag: a complete set), ignoring hidden entries."""
    tags = set()
    for name in NAMES:
        p = out / name
        if p.is_dir():
            files = sorted(p.iterdir())
            assert len(files) == 3, files
            tags |= {f.read_text() for f in files}
        else:
            tags.add(p.read_text())
    return tags


@pytest.mark.parametrize("shared", [False, True], ids=["own-folder", "shared-folder"])
def test_a_kill_at_every_step_leaves_one_complete_set(tmp_path: Path, shared: bool) -> None:
    killed = 0
    for k in range(1, 20):
        case = tmp_path / f"k{k}"
        out = case / "out"
        out.mkdir(parents=True)
        if shared:
            (out / "responses.csv").write_text("keep me")
        assert run(out, "old") == 0
        rc = run(out, "new", kill_at=k)
        if rc == 0:
            break   # past the last step: the run finished
        killed += 1
        assert rc == -9
        if not shared:
            assert state(out) in ({"old"}, {"new"}), k      # at once, without any repair
        outswap.recover(out)
        assert state(out) in ({"old"}, {"new"}), k
        assert sorted(e.name for e in out.iterdir()) == sorted(
            NAMES + (("responses.csv",) if shared else ())), k   # leftovers cleaned
        assert [e.name for e in case.iterdir()] == ["out"], k   # nothing left beside it
        assert run(out, "newer") == 0 and state(out) == {"newer"}
    assert killed >= 7


def test_a_new_folder_appears_complete(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    assert run(out, "one") == 0
    assert state(out) == {"one"}
    assert sorted(e.name for e in out.iterdir()) == sorted(NAMES)
