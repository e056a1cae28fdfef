"""The output folder of ``examgen generate`` without rendering: which folders may be written,
manifests compared for single-student regeneration, entries swapped in with a restore, and
the copies ``--student`` may regenerate."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from examgen.assemble import assemble, student_copies
from examgen.bank import load_bank
from examgen.errors import OutputError, SpecError, UsageError
from examgen.io import load_spec
from examgen.jobs import staging
from examgen.jobs.generate import MANAGED
from examgen.jobs.staging import check_output_dir, replace_entries
from examgen.manifest import manifest_difference
from examgen.model import Student
from tests.unit.test_spec import spec_file

MANIFEST = {"examgen_version": "0.1.0", "spec": {"sha256": "s"}, "bank_sha256": "b", "seed": 1,
            "students": [{"student_id": "1"}], "columns": ["Q1"], "copies": []}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def read_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("files, allowed", [
    ({}, True),                                                  # empty
    ({"manifest.json": json.dumps(MANIFEST), "notes.txt": ""}, True),  # examgen's, with extras
    ({".examgen-tmp-x1/exams/a.pdf": ""}, True),                 # only an interrupted run's staging
    ({"notes.txt": "mine"}, False),
    ({"manifest.json": "{}"}, False),                            # someone else's manifest
    ({"manifest.json": "not json", "exams/a.pdf": ""}, False),
])
def test_which_existing_folders_generate_may_write(tmp_path: Path, files: dict[str, str],
                                                   allowed: bool) -> None:
    out = write_tree(tmp_path / "out", files)
    out.mkdir(exist_ok=True)
    if allowed:
        check_output_dir(out)
    else:
        with pytest.raises(OutputError, match=f"output folder {out} already holds files"):
            check_output_dir(out)


@pytest.mark.parametrize("change, what", [
    ({}, None),
    ({"seed": 2}, "seed"),
    ({"spec": {"sha256": "t"}}, "exam spec"),
    ({"bank_sha256": "c"}, "question bank"),
    ({"students": [{"student_id": "2"}]}, "roster"),
    ({"columns": ["Q1", "Q2"]}, "columns"),
    ({"extra": 1}, "manifest layout"),
])
def test_manifest_difference(change: dict[str, object], what: str | None) -> None:
    expected = {**MANIFEST, "columns": ("Q1",)}  # tuples compare as the lists JSON gives back
    assert manifest_difference({**MANIFEST, **change}, expected) == what


def test_replace_entries_keeps_what_generate_did_not_write(tmp_path: Path) -> None:
    out = write_tree(tmp_path / "out", {"exams/old.pdf": "old", "manifest.json": "old",
                                        "combined-exams.pdf": "old", "grading/g.csv": "mine",
                                        "notes.txt": "mine"})
    staged = write_tree(tmp_path / "new", {"exams/a.pdf": "new", "manifest.json": "new"})
    replace_entries(staged, out, MANAGED)
    assert read_tree(out) == {"exams/a.pdf": "new", "grading/g.csv": "mine",
                              "manifest.json": "new", "notes.txt": "mine"}


def test_replace_entries_restores_the_old_entries_on_failure(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = write_tree(tmp_path / "out", {"exams/old.pdf": "old", "keys/old.pdf": "old",
                                        "manifest.json": "old", "notes.txt": "mine"})
    staged = write_tree(tmp_path / "new", {"exams/a.pdf": "new", "keys/a.pdf": "new",
                                           "manifest.json": "new"})
    before = read_tree(out)
    real_replace = os.replace

    def failing_replace(src: Path, dst: Path) -> None:
        if Path(src) == staged / "manifest.json":  # the last move in: disk full, say
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(staging.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        replace_entries(staged, out, MANAGED)
    assert read_tree(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["exams", "keys", "manifest.json", "notes.txt"]


def test_student_copies(tmp_path: Path) -> None:
    bank = load_bank()
    students = (Student("a", "", 2), Student("b", "", 3), Student("c", "", 4))
    sections = """\
    - title: a
      questions:
        - transformer-pe-single-value
    """
    asm = assemble(load_spec(spec_file(tmp_path, sections)), bank, students)
    assert [c.copy_id for c in student_copies(asm, ["c", "a"], "r.csv")] == ["a", "c"]
    with pytest.raises(SpecError, match=re.escape("student id(s) not in the roster r.csv: x, y")):
        student_copies(asm, ["a", "y", "x"], "r.csv")
    forms = load_spec(spec_file(tmp_path, sections, head="title: t\nmode: forms\nforms: 2\n"))
    with pytest.raises(UsageError, match="--student only applies to per-student exams"):
        student_copies(assemble(forms, bank, students), ["a"], "r.csv")


def test_a_killed_runs_staging_folder_is_swept_and_a_live_ones_kept(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)                      # a process that has ended
    (tmp_path / f"{staging.STAGING_PREFIX}{dead}-abc" / "exams").mkdir(parents=True)
    (tmp_path / f"{staging.STAGING_PREFIX}{os.getpid()}-xyz").mkdir()   # this run: alive
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    staging.sweep_staging(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{staging.STAGING_PREFIX}{os.getpid()}-xyz", "notes.txt"]


def test_rendering_tunes_the_collector_and_restores_it() -> None:
    import gc

    from examgen.jobs.pools import RENDER_GC_THRESHOLD, collector_tuned

    before = gc.get_threshold()
    with collector_tuned():
        assert gc.get_threshold() == RENDER_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_pool_after_typst_ran_in_the_process(tmp_path: Path) -> None:
    """A forked worker of a process that has run the Typst compiler hangs in the compiler's
    thread pool; generate's pool starts its workers from a fork server instead."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        from pathlib import Path
        from examgen.assemble import assemble
        from examgen.bank import load_bank
        from examgen.io import load_spec
        from examgen.jobs import generate
        from examgen.model import Student
        from examgen.render import CopyRenderer

        if __name__ == "__main__":
            spec, bank = load_spec(), load_bank()
            students = [Student("s1", "가", 1), Student("s2", "나", 2)]
            CopyRenderer().render(assemble(spec, bank, students).copies[0], spec)
            res = generate(spec, bank, students, Path({str(tmp_path / "out")!r}), workers=2)
            print("ok", res.copies, res.workers)
    """), encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok 2 2"


def test_the_pool_forks_until_typst_has_run_in_the_process() -> None:
    """Fork while no compiler exists here (workers start with what is loaded), a fork server
    once one does (a forked copy of it would hang)."""
    code = ("from examgen.jobs.generate import _pool_context\n"
            "from examgen.render import CopyRenderer\n"
            "print(_pool_context().get_start_method())\n"
            "CopyRenderer()\n"
            "print(_pool_context().get_start_method())\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["fork", "forkserver"]


def test_the_pools_workers_refuse_a_formula_they_cannot_print(tmp_path: Path) -> None:
    """With a pool, the workers check each copy's formulas (main converts none): a question
    whose formula does not convert stops the run with one error naming it, and no output
    folder is left behind."""
    import textwrap

    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "m.yaml").write_text(textwrap.dedent("""\
        topic: m
        questions:
          - id: m-ok
            type: single_choice
            difficulty: easy
            points: 1
            prompt: "$x^2$ 의 값은?"
            choices: [{ko: "1", correct: true}, {ko: "0"}, {ko: "2"}]
          - id: m-macro
            type: single_choice
            difficulty: easy
            points: 1
            prompt: "$\\\\softmax(x)$ 의 합은?"
            choices: [{ko: "1", correct: true}, {ko: "0"}, {ko: "2"}]
    """), encoding="utf-8")
    spec = spec_file(tmp_path, "- title: a\n  questions: [m-ok, m-macro]\n")
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        from pathlib import Path
        from examgen.bank import load_bank
        from examgen.errors import ExamgenError
        from examgen.io import load_spec
        from examgen.jobs import generate
        from examgen.model import Student

        if __name__ == "__main__":
            students = [Student(f"s{{k}}", "가", k) for k in range(3)]
            try:
                generate(load_spec({str(spec)!r}), load_bank({str(bank)!r}), students,
                         Path({str(tmp_path / "out")!r}), workers=2)
            except ExamgenError as e:
                print(e)
    """), encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("formulas that cannot be printed (run examgen bank check):")
    assert 'question "m-macro": prompt: formula $\\softmax(x)$' in r.stdout
    assert "unknown macro" in r.stdout and "m-ok" not in r.stdout
    assert not (tmp_path / "out").exists()
