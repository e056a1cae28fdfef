"""Leftovers of the hostile-input issue: sigma of a large negative number is about 0 (not
"not a finite number"), a "Q 6" header is column Q6 (said in a notice), a bad practice --host
fails before the slow warm-up, and the Typst folders of killed runs are swept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from examgen.errors import UsageError
from examgen.grading.parse.numbers import parse_number
from examgen.grading.parse.records import Number


@pytest.mark.parametrize("text, value", [
    ("sigma(-1000)", 0.0), ("σ(-1000)", 0.0), ("sigmoid(-800) + 1", 1.0),
    ("sigma(1000)", 1.0), ("sigma(-2)", 1 / (1 + 2.718281828459045 ** 2)),
])
def test_sigma_of_a_large_negative_number_is_about_zero(text: str, value: float) -> None:
    got = parse_number(text)
    assert isinstance(got, Number), got
    assert got.value == pytest.approx(value, abs=1e-15)


def test_a_header_with_a_space_inside_is_the_column_with_a_notice(tmp_path: Path) -> None:
    from examgen.io import read_responses

    (tmp_path / "r.csv").write_text("student_id,Q5,Q 6\ns1,1,2\n", encoding="utf-8")
    subs = read_responses(tmp_path / "r.csv", columns=["Q5", "Q6"])
    assert [dict(e.answers) for e in subs.entries] == [{"Q5": "1", "Q6": "2"}]
    assert any("'Q 6' → Q6" in n for n in subs.notices)


@pytest.mark.parametrize("host", ["999.1.1.1", "no such host.invalid", "a" * 300])
def test_a_bad_host_fails_before_the_app_warms_up(tmp_path: Path, host: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import examgen.practice.app as app_module
    from examgen.practice.server import serve

    def no_warm_up(*args: object, **kwargs: object) -> None:
        raise AssertionError("the app was built (and warmed up) before --host was checked")

    monkeypatch.setattr(app_module, "create_app", no_warm_up)
    with pytest.raises(UsageError, match="--host: cannot listen on"):
        serve(host, 8765, tmp_path / "p.db")


def test_typst_folders_of_dead_processes_are_swept(tmp_path: Path) -> None:
    from examgen.processes import TEMP_PREFIX, sweep_dead_temp_dirs

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead, alive = int(done.stdout), os.getppid()
    for name in (f"{TEMP_PREFIX}{dead}-abc", f"{TEMP_PREFIX}{alive}-def",
                 f"{TEMP_PREFIX}{os.getpid()}-ghi", f"{TEMP_PREFIX}x1y2", "other-123-x"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "preamble.typ").write_text("", encoding="utf-8")
    assert sweep_dead_temp_dirs(str(tmp_path)) == [f"{TEMP_PREFIX}{dead}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        f"{TEMP_PREFIX}{alive}-def", f"{TEMP_PREFIX}{os.getpid()}-ghi", f"{TEMP_PREFIX}x1y2",
        "other-123-x"])
    assert sweep_dead_temp_dirs(str(tmp_path / "missing")) == []


def test_the_typst_folder_is_named_for_its_process(tmp_path: Path) -> None:
    from examgen.processes import TEMP_PREFIX
    from examgen.render.typcompile import TypstWriter

    preamble = tmp_path / "preamble.typ"
    preamble.write_text("", encoding="utf-8")
    writer = TypstWriter(preamble)
    assert Path(writer.root).name.startswith(f"{TEMP_PREFIX}{os.getpid()}-")


def test_the_typst_folder_is_in_memory_unless_tmpdir_names_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Linux's /dev/shm (tmpfs) holds the compilers' question files: creating and opening them
    there costs the kernel less than on a disk's file system. TMPDIR set by the user wins."""
    import tempfile

    from examgen import processes
    from examgen.render.typcompile import TypstWriter

    memory, chosen = tmp_path / "shm", tmp_path / "chosen"
    memory.mkdir()
    chosen.mkdir()
    preamble = tmp_path / "preamble.typ"
    preamble.write_text("", encoding="utf-8")
    monkeypatch.setattr(processes, "MEMORY_DIR", str(memory))
    monkeypatch.delenv("TMPDIR", raising=False)
    assert processes.compile_temp_dir() == str(memory)
    assert Path(TypstWriter(preamble).root).parent == memory

    monkeypatch.setenv("TMPDIR", str(chosen))
    monkeypatch.setattr(tempfile, "tempdir", None)   # tempfile reads TMPDIR again
    assert processes.compile_temp_dir() is None
    assert Path(TypstWriter(preamble).root).parent == chosen

    monkeypatch.delenv("TMPDIR")
    assert processes.compile_temp_dir(str(tmp_path / "missing")) is None
    monkeypatch.setattr(processes, "MEMORY_DIR_MIN_FREE", 2**62)   # no room to spare
    assert processes.compile_temp_dir() is None


def test_folders_of_dead_processes_are_swept_in_memory_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from examgen import processes

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    memory, temp = tmp_path / "shm", tmp_path / "tmp"
    for folder in (memory, temp):
        (folder / f"{processes.TEMP_PREFIX}{dead}-x").mkdir(parents=True)
        (folder / f"{processes.TEMP_PREFIX}{os.getpid()}-y").mkdir()
    monkeypatch.setattr(processes, "MEMORY_DIR", str(memory))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert processes.sweep_dead_temp_dirs() == [f"{processes.TEMP_PREFIX}{dead}-x"] * 2
    for folder in (memory, temp):
        assert [p.name for p in folder.iterdir()] == [f"{processes.TEMP_PREFIX}{os.getpid()}-y"]


def test_an_override_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    """Found by a fuzz of the readers: an unquoted comma in a comment raised AttributeError."""
    from examgen.errors import OverrideError
    from examgen.io import read_overrides

    path = tmp_path / "overrides.csv"
    path.write_text("student_id,question_id,points,comment\n"
                    "20260001,Q1,1,good\n20260002,Q1,1,good, really\n", encoding="utf-8")
    with pytest.raises(OverrideError) as e:
        read_overrides(path)
    assert str(e.value) == (f"{path}: row 3: 5 cells but the header has 4; put a comment "
                            "that holds a ',' in double quotes")
    path.write_text(path.read_text().replace("good, really", '"good, really"'))
    assert [o.comment for o in read_overrides(path)] == ["good", "good, really"]
