"""``examgen generate`` streams its copies: each is built when the renderer is ready for it
and written (PDFs, manifest entry, answer_key.csv rows) as it comes back, so the memory of a
run does not grow with the roster, and the files are those the eager path writes."""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import tracemalloc
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from examgen.assemble import assemble
from examgen.bank import load_bank
from examgen.errors import ExamgenError
from examgen.io import load_spec
from examgen.model import Student, Text
from tests.unit.test_spec import spec_file

gen = importlib.import_module("examgen.jobs.generate")   # the package face's `generate` is the function

SECTIONS = """\
- title: a
  questions:
    - transformer-pe-single-value
    - {topic: gru, type: single_choice, count: 1}
"""


class StubRenderer:
    """Renders nothing (the bench and this test measure assembly, manifest and key only)."""

    def render(self, copy: Any, spec: Any) -> SimpleNamespace:
        return SimpleNamespace(exam=b"%PDF-stub", key=b"%PDF-stub", exam_pages=1, key_pages=1)


def students(n: int) -> list[Student]:
    return [Student(f"2026{k:06d}", f"학생{k}", k + 2) for k in range(n)]


def peak_bytes(tmp_path: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Peak traced memory of a one-worker generate run (stub renderer) for ``n`` students."""
    monkeypatch.setattr(gen, "_init_worker", lambda *a: setattr(gen, "_WORKER", StubRenderer()))
    spec, bank, roster = load_spec(spec_file(tmp_path, SECTIONS)), load_bank(), students(n)
    tracemalloc.start()
    try:
        res = gen.generate(spec, bank, roster, tmp_path / f"out{n}", workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.copies == n and len(json.loads(
        (tmp_path / f"out{n}" / "manifest.json").read_text(encoding="utf-8"))["copies"]) == n
    return peak


def test_memory_does_not_grow_with_the_roster(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    small = peak_bytes(tmp_path, 300, monkeypatch)
    large = peak_bytes(tmp_path, 3000, monkeypatch)
    # the eager path held every copy and the whole manifest: 10 times the roster, ~9 times
    # the memory; streaming keeps a few copies and two page counts per copy
    assert large < 2 * small, (small, large)


@pytest.mark.parametrize("head", ["title: t\nseed: 3\n", "title: t\nmode: forms\nforms: 2\n"])
@pytest.mark.parametrize("n", [0, 1, 3])
def test_the_manifest_written_piecewise_is_the_eager_one(tmp_path: Path, head: str,
                                                         n: int) -> None:
    from examgen.assemble import plan_assembly
    from examgen.manifest import (
        ManifestWriter,
        build_manifest,
        copy_entry,
        dump_manifest,
        manifest_head,
    )

    spec = load_spec(spec_file(tmp_path, SECTIONS, head=head))
    plan = plan_assembly(spec, load_bank(), students(n))
    asm = assemble(spec, load_bank(), students(n))
    files = {c.copy_id: {"exam": f"exams/{c.copy_id}.pdf", "exam_pages": 2} for c in asm.copies}
    buf = io.StringIO()
    writer = ManifestWriter(buf, manifest_head(spec, plan.students, plan.form_of, plan.columns,
                                               "h"))
    for c in plan.copies():
        writer.add(copy_entry(c, files[c.copy_id]))
    writer.close()
    assert buf.getvalue() == dump_manifest(build_manifest(asm, files, "h"))
    assert list(plan.copy_ids()) == [c.copy_id for c in asm.copies]


TRICKY_JSON: list[Any] = [
    {}, [], "", 0, -0.0, 1e-7, 1e16, 123456789012345678901234567890, float("nan"), float("inf"),
    -float("inf"), True, False, None, "따옴표 \" 역슬래시 \\ 줄\n바꿈 \t 탭 \x00 \u2028 \ud83d\ude00",
    {"a": [], "b": {}, "c": [[], [{}], [1, [2, [3]]]], "": {"x": None}},
    {3: "int", 2.5: "float", True: "bool", None: "none", "s": "str", float("nan"): "nan"},
    (1, (2.0, "t")), [{"prompt": {"ko": "가", "en": None}, "value": [[0.1, -2], [3e-10, 4]]}],
]


@pytest.mark.parametrize("value", TRICKY_JSON)
@pytest.mark.parametrize("depth", [0, 1, 2])
def test_the_manifest_layout_is_json_dumps_indent_1(value: Any, depth: int) -> None:
    """The manifest's own encoder writes byte for byte what json.dumps(indent=1) writes
    (checked against it on values a manifest may hold and on awkward ones)."""
    from examgen.manifest import _indented

    expected = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)
    assert _indented(value, depth) == expected


def test_the_manifest_encoder_refuses_what_json_refuses() -> None:
    from examgen.manifest import _indented

    for bad in [{(1, 2): "tuple key"}, {"x": {1, 2}}, [object()]]:
        with pytest.raises(TypeError):
            json.dumps(bad)
        with pytest.raises(TypeError):
            _indented(bad, 1)


class InstantPool:
    """A pool that runs each job when it is submitted, counting the jobs taken."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn: Any, job: Any) -> Future[Any]:
        self.submitted += 1
        f: Future[Any] = Future()
        f.set_result((job[0].copy_id, 1, 1))
        return f


def test_the_pool_is_fed_a_bounded_number_of_copies(tmp_path: Path) -> None:
    pool = InstantPool()
    copies = (SimpleNamespace(copy_id=str(k)) for k in range(100))
    jobs = ((c, None, "") for c in copies)
    got = []
    for copy, (cid, _, _) in gen._bounded_map(pool, jobs, 6):   # type: ignore[arg-type]
        assert pool.submitted - len(got) <= 6     # never more than the window ahead
        assert copy.copy_id == cid                # each result with its own copy
        got.append(cid)
    assert got == [str(k) for k in range(100)]    # in order


class CountingRenderer(StubRenderer):
    def __init__(self) -> None:
        self.printed: list[str] = []

    def render(self, copy: Any, spec: Any) -> SimpleNamespace:
        self.printed.append(copy.copy_id)
        return super().render(copy, spec)


def test_a_formula_that_cannot_print_stops_rendering_and_names_every_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = CountingRenderer()
    monkeypatch.setattr(gen, "_init_worker", lambda *a: setattr(gen, "_WORKER", renderer))
    spec = load_spec()
    copies = list(assemble(spec, load_bank(), students(4)).copies)
    bad = []
    for k in (1, 3):
        q = copies[k].sections[0].questions[0]
        v = dataclasses.replace(q.variant, prompt=Text(f"값 $\\softmax{k}(x)$", None))
        section = dataclasses.replace(copies[k].sections[0], questions=(
            dataclasses.replace(q, variant=v), *copies[k].sections[0].questions[1:]))
        copies[k] = dataclasses.replace(copies[k], sections=(section, *copies[k].sections[1:]))
        bad.append(q.template_id)
    passed = []
    with pytest.raises(ExamgenError) as e:
        for c, _, _ in gen._render_copies(iter(copies), tmp_path, spec=spec, font=("f", "d"),
                                          workers=1, total=4, progress=None):
            passed.append(c.copy_id)
    assert passed == [copies[0].copy_id]          # nothing after the first bad copy
    assert renderer.printed == [copies[0].copy_id]   # the rest were only checked
    message = str(e.value)
    assert "\\softmax1" in message and "\\softmax3" in message   # the copy after is checked
    assert all(f'question "{tid}"' in message for tid in bad)
