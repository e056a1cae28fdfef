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


def run(out: Path, tag: str, kill_at: int | None = None, journal: bool = False) -> int:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("EXAMGEN_KILL_AT_STEP", None)
    env.pop("EXAMGEN_OUTSWAP", None)
    if kill_at is not None:
        env["EXAMGEN_KILL_AT_STEP"] = str(kill_at)
    if journal:
        env["EXAMGEN_OUTSWAP"] = "journal"
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


def visible(out: Path) -> list[str]:
    """The entries of ``out`` but the pointer way's current set and its link."""
    hidden = {outswap.CURRENT, os.readlink(out / outswap.CURRENT)} \
        if (out / outswap.CURRENT).is_symlink() else set()
    return sorted(e.name for e in out.iterdir() if e.name not in hidden)


@pytest.mark.parametrize("mode", ["own", "shared", "shared-journal"],
                         ids=["own-folder", "shared-folder", "shared-folder-journal"])
def test_a_kill_at_every_step_leaves_one_complete_set(tmp_path: Path, mode: str) -> None:
    shared, journal = mode != "own", mode == "shared-journal"
    killed = 0
    for k in range(1, 30):
        case = tmp_path / f"k{k}"
        out = case / "out"
        out.mkdir(parents=True)
        if shared:
            (out / "responses.csv").write_text("keep me")
        assert run(out, "old", journal=journal) == 0
        rc = run(out, "new", kill_at=k, journal=journal)
        if rc == 0:
            break   # past the last step: the run finished
        killed += 1
        assert rc == -9
        if not journal:
            assert state(out) in ({"old"}, {"new"}), k      # at once, without any repair
        outswap.recover(out)
        assert state(out) in ({"old"}, {"new"}), k
        assert visible(out) == sorted(
            NAMES + (("responses.csv",) if shared else ())), k   # leftovers cleaned
        assert [e.name for e in case.iterdir()] == ["out"], k   # nothing left beside it
        assert run(out, "newer", journal=journal) == 0 and state(out) == {"newer"}
        assert visible(out) == sorted(NAMES + (("responses.csv",) if shared else ()))
    assert killed >= 7


def test_shared_folder_names_are_links_through_one_pointer(tmp_path: Path) -> None:
    """In a folder with other files, each output name is a link through
    ``.examgen-current``; a set without a name leaves no link of it, and the files that were
    there before the first such run keep their content until the swap."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "responses.csv").write_text("keep me")
    (out / "grades.csv").write_text("plain, from an older examgen")
    staged = outswap.new_staging(out)
    (staged / "details.csv").write_text("one")
    outswap.commit(staged, out, ("grades.csv", "details.csv"))
    assert (out / "details.csv").is_symlink() and (out / "details.csv").read_text() == "one"
    assert not os.path.lexists(out / "grades.csv")   # not in the new set
    assert (out / "responses.csv").read_text() == "keep me"
    staged = outswap.new_staging(out)
    (staged / "grades.csv").write_text("two")
    (staged / "details.csv").write_text("two")
    outswap.commit(staged, out, ("grades.csv", "details.csv"))
    assert {(out / n).read_text() for n in ("grades.csv", "details.csv")} == {"two"}
    assert visible(out) == ["details.csv", "grades.csv", "responses.csv"]


def test_a_new_folder_appears_complete(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    assert run(out, "one") == 0
    assert state(out) == {"one"}
    assert sorted(e.name for e in out.iterdir()) == sorted(NAMES)
