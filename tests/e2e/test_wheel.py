"""The wheel works on its own: ``pip wheel .`` installed into a fresh virtual environment runs
``examgen bank check``, ``examgen generate`` and ``examgen grade`` from a folder that is not the
repository, finding its templates, bank and examples inside the installed package.

To stay fast the fresh environment sees the shared environment's dependencies (a ``.pth`` line)
and the wheel is built without build isolation and installed without dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(".git", "output", "build", "dist", "*.egg-info", "__pycache__",
                                 ".venv", ".pytest_cache", ".ruff_cache", ".mypy_cache", "tests")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_installed_elsewhere_runs_the_main_commands(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    src = tmp_path / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=IGNORED)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(src)], tmp_path, env)
    (wheel,) = (tmp_path / "dist").glob("examgen-*.whl")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                    tmp_path, env).stdout.strip())
    # the dependencies of the shared environment, after the fresh site-packages (a plain path
    # line: the shared environment's editable examgen is not picked up)
    (site / "shared-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    examgen = str(venv / "bin" / "examgen")
    where = run([str(python), "-c", "import examgen, examgen.resources as r; "
                 "print(examgen.__file__); print(r.example('responses.csv'))"], elsewhere, env)
    module, responses = where.stdout.split()
    assert module.startswith(str(site)) and responses.startswith(str(site))

    assert "no problems" in run([examgen, "bank", "check"], elsewhere, env).stdout
    (elsewhere / "roster.csv").write_text("student_id,name\n20260001,김민준\n20260002,이서연\n",
                                          encoding="utf-8")
    out = tmp_path / "x"
    run([examgen, "generate", "--roster", "roster.csv", "--out", str(out), "--workers", "1"],
        elsewhere, env)
    assert sorted(p.name for p in (out / "exams").iterdir()) == ["20260001.pdf", "20260002.pdf"]
    graded = run([examgen, "grade", "--manifest", str(out / "manifest.json"), "--responses",
                  responses, "--out", str(out / "grading"), "--no-pdf"], elsewhere, env)
    assert "graded 2 submission(s)" in graded.stdout
    assert (out / "grading" / "report.html").exists()
