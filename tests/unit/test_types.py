"""The package type-checks: mypy (the version the test extra pins, with the stubs of PyYAML
and waitress) finds no error in examgen/ under the project's settings (pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_error_in_the_package() -> None:
    pytest.importorskip("mypy", reason="mypy comes with the test extra (setup.sh installs it)")
    run = subprocess.run([sys.executable, "-m", "mypy", "examgen"], cwd=REPO,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout
