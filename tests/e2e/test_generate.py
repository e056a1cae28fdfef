"""``examgen generate`` as a user runs it: PDFs (pages, text, embedded Korean font),
manifest, answers template, byte-identical reruns, bad input. Re-running into an existing
output folder and single-student regeneration: test_generate_output.py."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest

from examgen.bank import load_bank
from examgen.families import REGISTRY, parse_answer_ref
from tests.e2e.test_cli_bank import run

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "examples" / "midterm.yaml"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdffonts) not installed")


def roster(tmp: Path, rows: str = "student_id,name\n20260001,김민준\n20260002,이서연\n"
                                   "20260003,박도윤\n") -> Path:
    p = tmp / "roster.csv"
    p.write_text(rows, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("gen")
    out = tmp / "out"
    r = run("generate", str(SPEC), "--roster", str(roster(tmp)), "--out", str(out),
            "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert re.search(r"generated 3 exam\(s\) with answer key\(s\) for 3 students", r.stdout)
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_output_files(generated: Path) -> None:
    assert sorted(p.name for p in generated.iterdir()) == [
        "answer_key.csv", "answers_template.csv", "exams", "keys", "manifest.json"]
    for sid in ("20260001", "20260002", "20260003"):
        assert (generated / "exams" / f"{sid}.pdf").stat().st_size > 10_000
        assert (generated / "keys" / f"{sid}.pdf").stat().st_size > 10_000
    header = (generated / "answers_template.csv").read_text(encoding="utf-8").strip()
    m = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    assert header == "student_id," + ",".join(m["columns"])
    assert header.startswith("student_id,Q1,Q2,")
    assert not list(generated.parent.glob(".out.tmp-*"))


def test_page_counts_and_text(generated: Path) -> None:
    m = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    for copy in m["copies"]:
        sid = copy["student_id"]
        exam, key = generated / copy["files"]["exam"], generated / copy["files"]["key"]
        assert pdf_pages(exam) == copy["files"]["exam_pages"] >= 3
        assert pdf_pages(key) == copy["files"]["key_pages"] >= copy["files"]["exam_pages"]
        text = pdf_text(exam)
        assert sid in text and "시퀀스 모델 중간고사" in text
        n = copy["files"]["exam_pages"]
        folios = re.findall(r"(\d+)\s*/\s*(\d+)\s*$", text, re.M)
        assert [(int(a), int(b)) for a, b in folios] == [(k, n) for k in range(1, n + 1)]
        assert len(re.findall(rf"학번\s+{sid}", text)) == n + 1  # cover box + every footer
        # every question's opening words are printed (text before its first formula)
        flat = re.sub(r"\s+", "", text)
        for q in copy["questions"]:
            words = re.split(r"\$", q["variant"]["prompt"]["ko"])[0]
            probe = re.sub(r"\s+", "", words)[:12]
            if len(probe) >= 6:
                assert probe in flat, (q["label"], probe)
        key_text = pdf_text(key)
        assert "정답 및 풀이" in key_text and "풀이" in key_text


def test_korean_font_is_embedded(generated: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(generated / "exams" / "20260001.pdf")],
                           capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines() if "Nanum" in line or "CJK" in line]
    assert rows, fonts
    assert all(" yes " in row for row in rows)  # embedded (and subset)


def test_manifest_answers_equal_the_kernels(generated: Path) -> None:
    bank = load_bank()
    m = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for copy in m["copies"]:
        for q in copy["questions"]:
            t = bank.get(q["template_id"])
            if not t.family:
                continue
            quantities = REGISTRY[t.family].run(q["variant"]["params"])
            for spec, part in zip(t.parts, q["variant"]["parts"], strict=True):
                base, idx = parse_answer_ref(spec.answer)
                expected = np.asarray(quantities[base], dtype=float)
                for i in idx:
                    expected = expected[i]
                np.testing.assert_allclose(part["value"], expected, rtol=1e-12, atol=1e-12)
                checked += 1
    assert checked >= 3 * 10


def test_sdpa_answer_in_manifest_by_independent_numpy(generated: Path) -> None:
    m = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    for copy in m["copies"]:
        (q,) = [q for q in copy["questions"] if q["template_id"] == "transformer-sdpa-parts"]
        p = q["variant"]["params"]
        scores = np.array(p["K"], float) @ np.array(p["q"], float) / 2
        w = np.exp(scores - scores.max())
        w /= w.sum()
        np.testing.assert_allclose(q["variant"]["parts"][2]["value"],
                                   w @ np.array(p["V"], float), atol=1e-12)


def test_rerun_is_byte_identical_and_single_student_matches(generated: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "again"
    r = run("generate", str(SPEC), "--roster", str(roster(tmp_path)), "--out", str(out),
            "--workers", "1")
    assert r.returncode == 0, r.stderr
    for rel in ("manifest.json", "answers_template.csv", "exams/20260002.pdf",
                "keys/20260003.pdf", "exams/20260001.pdf"):
        assert sha(out / rel) == sha(generated / rel), rel
    one = tmp_path / "one"  # one student's copy alone would leave a manifest naming the others
    r = run("generate", str(SPEC), "--roster", str(roster(tmp_path)), "--out", str(one),
            "--student", "20260002")
    assert r.returncode == 1
    assert "run examgen generate without --student first" in r.stderr
    assert not one.exists()


def test_different_students_get_different_variants(generated: Path) -> None:
    m = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    seeds = [[q["variant_seed"] for q in c["questions"]] for c in m["copies"]]
    assert len({tuple(s) for s in seeds}) == 3
    params = [json.dumps([q["variant"]["params"] for q in c["questions"]
                          if q["template_id"] == "lstm-step-scalar-parts"]) for c in m["copies"]]
    assert len(set(params)) == 3


# -- bad input: one line naming the file and line/row, nothing half-written --------------------

def bad_spec(tmp: Path, body: str) -> Path:
    p = tmp / "bad.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


SPEC_HEAD = """\
title: t
seed: 1
sections:
  - title: s
    questions:
"""


@pytest.mark.parametrize("entry, message", [
    ("      - {topic: gru, type: single_choice, count: 40}",
     r"bad\.yaml:6: asks for 40 question\(s\) with topic 'gru', type 'single_choice' but the "
     r"bank has \d+ left"),
    ("      - lstm-step-scalar-part",
     r"bad\.yaml:6: no question with id 'lstm-step-scalar-part' in the bank \(did you mean "
     r"'lstm-step-scalar-parts'\?\)"),
    ("      - {topic: gruu, count: 1}",
     r"bad\.yaml:6: no topic 'gruu' in the bank; topics are .* \(did you mean 'gru'\?\)"),
    ("      - {topic: gru, cuont: 1}",
     r"bad\.yaml:6: unknown key 'cuont' in a question entry; .*\(did you mean 'count'\?\)"),
])
def test_bad_spec(tmp_path: Path, entry: str, message: str) -> None:
    out = tmp_path / "out"
    r = run("generate", str(bad_spec(tmp_path, SPEC_HEAD + entry + "\n")), "--roster",
            str(roster(tmp_path)), "--out", str(out))
    assert r.returncode == 1
    assert re.search(message, r.stderr), r.stderr
    assert r.stderr.startswith("Error: ") and "Traceback" not in r.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.tmp-*"))


@pytest.mark.parametrize("rows, message", [
    ("student_id,name\n1,가\n2,나\n1,다\n", r"row 4: duplicate student_id '1' \(also in row 2\)"),
    ("student_id,name\n1,가\n,나\n", r"row 3: empty student_id"),
    ("번호,name\n1,가\n", r"row 1: roster needs a student id column named one of "
                         r"student_id, .*학번.*; found 번호, name"),
])
def test_bad_roster(tmp_path: Path, rows: str, message: str) -> None:
    out = tmp_path / "out"
    r = run("generate", str(SPEC), "--roster", str(roster(tmp_path, rows)), "--out", str(out))
    assert r.returncode == 1
    assert re.search(r"roster\.csv: " + message, r.stderr), r.stderr
    assert not out.exists()


def test_missing_korean_font(tmp_path: Path) -> None:
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'nofonts'}</dir>"
                    f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    import os

    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    from tests.e2e.test_cli_bank import EXAMGEN

    out = tmp_path / "out"
    r = subprocess.run([str(EXAMGEN), "generate", "--roster", str(roster(tmp_path)), "--out",
                        str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1
    assert "no font with Korean (Hangul) glyphs" in r.stderr and "fonts-nanum" in r.stderr
    assert not out.exists()


def test_unwritable_output(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    r = run("generate", "--roster", str(roster(tmp_path)), "--out", str(blocker / "sub"))
    assert r.returncode == 1
    assert "is a file, not a folder; choose another --out" in r.stderr
    r = run("generate", "--roster", str(roster(tmp_path)), "--out", str(blocker))
    assert r.returncode == 1 and "exists and is not a folder" in r.stderr


def test_unknown_student_for_regeneration(tmp_path: Path) -> None:
    r = run("generate", "--roster", str(roster(tmp_path)), "--out", str(tmp_path / "o"),
            "--student", "99999999")
    assert r.returncode == 1
    assert re.search(r"student id\(s\) not in the roster \S*roster\.csv: 99999999", r.stderr)


def test_forms_mode_bilingual_and_combined(tmp_path: Path) -> None:
    spec = bad_spec(tmp_path, """\
        name: quiz
        title: {ko: "형별 퀴즈", en: "Form quiz"}
        language: both
        seed: 7
        mode: forms
        forms: 2
        sections:
          - title: {ko: "계산", en: "Computation"}
            questions:
              - transformer-embedding-plus-pe
              - {topic: gru, type: single_choice, count: 1}
    """)
    rows = "student_id,name\n" + "".join(f"s{k},학생{k}\n" for k in range(5))
    out = tmp_path / "out"
    r = run("generate", str(spec), "--roster", str(roster(tmp_path, rows)), "--out", str(out),
            "--combined")
    assert r.returncode == 0, r.stderr
    assert "generated 2 form(s) with answer key(s) for 5 students" in r.stdout
    assert sorted(p.name for p in (out / "exams").iterdir()) == ["form-A.pdf", "form-B.pdf"]
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["form"] for s in m["students"]] == ["A", "B", "A", "B", "A"]
    assert [s["copy"] for s in m["students"]][:2] == ["form-A", "form-B"]
    # the distribution list and the template of a forms-mode class
    assert (out / "forms.csv").read_text(encoding="utf-8").splitlines() == [
        "student_id,name,form", "s0,학생0,A", "s1,학생1,B", "s2,학생2,A", "s3,학생3,B",
        "s4,학생4,A"]
    assert (out / "answers_template.csv").read_text(encoding="utf-8").startswith(
        "student_id,form,Q1,")
    assert {r.split(",")[0] for r in (out / "answer_key.csv").read_text(
        encoding="utf-8").splitlines()[1:]} == {"A", "B"}
    a, b = ([q["variant"]["params"] for q in c["questions"]] for c in m["copies"])
    assert a != b  # the two forms differ
    text = pdf_text(out / "exams" / "form-A.pdf")
    assert re.search(r"형\s+A", text)  # the footer names the form
    flat = re.sub(r"\s+", "", text)
    assert "임베딩벡터" in flat and "embedding" in flat.lower()  # Korean and English side by side
    pages = [c["files"]["exam_pages"] for c in m["copies"]]
    assert pdf_pages(out / "combined-exams.pdf") == sum(p + p % 2 for p in pages)
