"""A small class made the way ``examgen generate`` makes one, without printing: the manifest
and its key, for the tests of grading a real class's export."""

from __future__ import annotations

import json
from pathlib import Path

from examgen.assemble import assemble
from examgen.bank import load_bank
from examgen.io import load_roster, load_spec
from examgen.manifest import build_manifest

REPO = Path(__file__).resolve().parents[3]
SPEC = REPO / "examples" / "midterm.yaml"


def make_class(folder: Path, roster: list[tuple[str, str]], *, spec_extra: str = "",
               spec: Path = SPEC) -> Path:
    """Write roster.csv, the spec (the bundled midterm with ``spec_extra`` lines appended)
    and manifest.json into ``folder``; the manifest's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text(
        "student_id,name\n" + "".join(f"{s},{n}\n" for s, n in roster), encoding="utf-8")
    text = spec.read_text(encoding="utf-8")
    if spec_extra:
        text = "\n".join(line for line in text.splitlines()
                         if not line.startswith(("mode:", "name:"))) + "\nname: t\n" + spec_extra
    (folder / "exam.yaml").write_text(text, encoding="utf-8")
    asm = assemble(load_spec(folder / "exam.yaml"), load_bank(),
                   load_roster(folder / "roster.csv"))
    path = folder / "manifest.json"
    path.write_text(json.dumps(build_manifest(asm, {}, "test"), ensure_ascii=False), encoding="utf-8")
    return path
