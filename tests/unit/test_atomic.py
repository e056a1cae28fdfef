"""One file written all-or-nothing (examgen.io.atomic_write_bytes)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from examgen.io import atomic_write_bytes


def test_a_written_file_has_the_mode_of_a_plain_file(tmp_path: Path) -> None:
    # mkstemp makes its file 0600: grades and previews were readable by their owner only
    mask = os.umask(0o022)
    os.umask(mask)
    p = atomic_write_bytes(tmp_path / "grades.csv", b"a,b\r\n")
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask
    assert p.read_bytes() == b"a,b\r\n"
    assert [q.name for q in tmp_path.iterdir()] == ["grades.csv"]   # no temporary left
