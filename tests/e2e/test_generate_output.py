"""``examgen generate`` into a folder that already exists: single-student regeneration in a full
run's folder, re-runs that keep the files examgen did not write, folders that are refused,
``--out .`` and output paths that cannot be created."""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.e2e.test_cli_bank import run
from tests.e2e.test_generate import roster, sha
from tests.e2e.test_grade import correct_answers, read_csv, wide, write

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils not installed")

SMALL_SPEC = """\
title: t
seed: 3
sections:
  - title: s
    questions:
      - transformer-pe-single-value
      - {topic: gru, type: single_choice, count: 1}
"""
STUDENTS = ("20260001", "20260002", "20260003")


def small_spec(tmp: Path, body: str = SMALL_SPEC) -> Path:
    p = tmp / "small.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (relative path) -> its SHA-256."""
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full run of the small spec for three students: the folder holds spec, roster, out/."""
    tmp = tmp_path_factory.mktemp("full")
    r = run("generate", str(small_spec(tmp)), "--roster", str(roster(tmp)), "--out",
            str(tmp / "out"), "--workers", "2")
    assert r.returncode == 0, r.stderr
    return tmp


@pytest.fixture
def copied(full_run: Path, tmp_path: Path) -> Path:
    """A private copy of the full run (spec, roster and out/) to change."""
    shutil.copytree(full_run, tmp_path / "run")
    return tmp_path / "run"


def generate(base: Path, *args: str, out: str = "out") -> tuple[int, str]:
    r = run("generate", str(base / "small.yaml"), "--roster", str(base / "roster.csv"),
            "--out", str(base / out), *args)
    return r.returncode, r.stderr


def test_one_student_rewrites_only_that_copy(copied: Path, full_run: Path,
                                             tmp_path: Path) -> None:
    out = copied / "out"
    (out / "grading").mkdir()
    (out / "grading" / "grades.csv").write_text("student_id,total\n", encoding="utf-8")
    before = snapshot(out)
    inode = (out / "exams" / "20260002.pdf").stat().st_ino
    code, err = generate(copied, "--student", "20260002")
    assert code == 0, err
    assert snapshot(out) == before  # every copy, the manifest and grading/ as they were
    assert (out / "exams" / "20260002.pdf").stat().st_ino != inode  # rewritten (os.replace)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left
    assert sha(out / "keys" / "20260002.pdf") == sha(full_run / "out" / "keys" / "20260002.pdf")
    # the manifest still names every student's copy: grading works for all of them
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    resp = write(tmp_path / "resp.csv", wide(m, {s: correct_answers(m, s) for s in STUDENTS}))
    r = run("grade", "--manifest", str(out / "manifest.json"), "--responses", str(resp),
            "--out", str(tmp_path / "g"), "--no-pdf")
    assert r.returncode == 0, r.stderr
    assert [g["student_id"] for g in read_csv(tmp_path / "g" / "grades.csv")] == list(STUDENTS)


@pytest.mark.parametrize("change, message", [
    ("--seed 9", r"manifest\.json was made with a different seed; run a full examgen generate"),
    ("roster", r"manifest\.json was made with a different roster; run a full examgen generate"),
    ("forms", r"--student only applies to per-student exams; .*small\.yaml uses mode: forms"),
    ("unknown", r"student id\(s\) not in the roster \S*roster\.csv: 99999"),
])
def test_one_student_refused_when_the_folder_does_not_match(copied: Path, change: str,
                                                            message: str) -> None:
    args = ["--student", "20260002"]
    if change == "--seed 9":
        args += ["--seed", "9"]
    elif change == "roster":
        roster(copied, "student_id,name\n20260001,가\n20260002,나\n")
    elif change == "forms":
        small_spec(copied, SMALL_SPEC.replace("seed: 3\n", "seed: 3\nmode: forms\nforms: 2\n"))
    else:
        args = ["--student", "99999"]
    before = snapshot(copied / "out")
    code, err = generate(copied, *args)
    assert code in (1, 2) and re.search(message, err), err
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert snapshot(copied / "out") == before


def test_one_student_needs_a_full_run_first(copied: Path) -> None:
    (copied / "new").mkdir()
    code, err = generate(copied, "--student", "20260001", out="new")
    assert code == 1
    assert f"{copied / 'new'} has no manifest.json from examgen generate; run examgen generate " \
           "without --student first" in err
    assert not list((copied / "new").iterdir())


def test_rerun_keeps_other_files_and_drops_stale_copies(copied: Path) -> None:
    out = copied / "out"
    (out / "grading").mkdir()
    (out / "grading" / "report.html").write_text("<p>graded</p>", encoding="utf-8")
    (out / "notes.txt").write_text("room 301", encoding="utf-8")
    (out / "combined-exams.pdf").write_bytes(b"%PDF old print file")
    roster(copied, "student_id,name\n20260001,가\n20260002,나\n")  # 20260003 left the class
    code, err = generate(copied)
    assert code == 0, err
    assert (out / "grading" / "report.html").read_text(encoding="utf-8") == "<p>graded</p>"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "room 301"
    assert sorted(p.name for p in (out / "exams").iterdir()) == ["20260001.pdf", "20260002.pdf"]
    assert sorted(p.name for p in (out / "keys").iterdir()) == ["20260001.pdf", "20260002.pdf"]
    assert not (out / "combined-exams.pdf").exists()  # generate's own, not asked for this time
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["student_id"] for s in m["students"]] == ["20260001", "20260002"]
    # the folder is shared with other files: the outputs are links through one pointer to
    # the set in use (jobs/outswap.py), and nothing else of examgen's is left
    pointer = out / ".examgen-current"
    assert (out / "manifest.json").is_symlink() and pointer.is_symlink()
    assert sorted(p.name for p in out.iterdir()) == sorted([
        ".examgen-current", os.readlink(pointer), "answer_key.csv", "answers_template.csv",
        "exams", "grading", "keys", "manifest.json", "notes.txt"])


@pytest.mark.parametrize("content", ["notes.txt", "manifest.json"])
def test_folder_examgen_did_not_write_is_refused(tmp_path: Path, content: str) -> None:
    spec, out = small_spec(tmp_path), tmp_path / "mine"
    out.mkdir()
    (out / content).write_text("{}" if content.endswith(".json") else "mine", encoding="utf-8")
    r = run("generate", str(spec), "--roster", str(roster(tmp_path)), "--out", str(out))
    assert r.returncode == 1
    assert r.stderr == (f"Error: output folder {out} already holds files and is not an examgen "
                        "output folder (no manifest.json from examgen generate); choose an empty "
                        "or new --out\n")
    assert [p.name for p in out.iterdir()] == [content]


def test_out_dot_in_an_empty_folder(tmp_path: Path) -> None:
    spec, students = small_spec(tmp_path), roster(tmp_path, "student_id\n20260001\n")
    cwd = tmp_path / "exam"
    cwd.mkdir()
    r = run("generate", str(spec), "--roster", str(students), "--out", ".", cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in cwd.iterdir()) == [
        "answer_key.csv", "answers_template.csv", "exams", "keys", "manifest.json"]
    assert (cwd / "exams" / "20260001.pdf").stat().st_size > 10_000


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    r = run("generate", str(small_spec(tmp_path)), "--roster", str(roster(tmp_path)),
            "--out", "/proc/examgen-out")
    assert r.returncode == 1
    assert r.stderr.startswith("Error: cannot create output folder /proc/examgen-out: ")
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_workers_leave_no_compiler_folders_behind(tmp_path: Path) -> None:
    """Each Typst compiler works in a private temporary folder; pool workers exit through
    os._exit, so the folders of theirs were left in the temporary directory after every run."""
    import subprocess
    import sys

    from tests.e2e.test_cli_bank import EXAMGEN

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    exe = [str(EXAMGEN)] if EXAMGEN.exists() else [sys.executable, "-m", "examgen.cli"]
    r = subprocess.run([*exe, "generate", str(small_spec(tmp_path)), "--roster",
                        str(roster(tmp_path)), "--out", str(tmp_path / "out"), "--workers", "2"],
                       capture_output=True, text=True, timeout=600,
                       env={**os.environ, "TMPDIR": str(scratch)})
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "out" / "exams").glob("*.pdf"))) == len(STUDENTS)
    assert sorted(p.name for p in scratch.iterdir()) == []
