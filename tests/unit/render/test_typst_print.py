"""Printed exams, keys and practice sheets (Typst): hostile text prints literally, the compiler
reads nothing outside its root, text and fonts are in the PDF, no ink past the margins of
bilingual keys, and no Korean word is broken at a line end."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from examgen.assemble import assemble
from examgen.bank import load_bank
from examgen.io import load_spec
from examgen.model import ExamCopy, ExamSpec, Student, Text
from examgen.render import CopyRenderer, render_question_preview, typcompile, typsource
from examgen.render.typcompile import RenderError
from examgen.render.typmarkup import escape, inline
from examgen.render.typsource import Kind

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext, pdffonts) not installed")
REPO = Path(__file__).resolve().parents[3]
HOSTILE = ['#read("/etc/passwd")', '#import "/preamble.typ": *', "]#[", "$", "\\", "<lbl>",
           "@ref", "// not a comment", "/* nor this */", "*bold* _em_", "= heading",
           "- item", "`raw`", "~ -- ...", '#{panic("x")}', "\\u{41}"]


@lru_cache(maxsize=1)
def renderer() -> CopyRenderer:
    return CopyRenderer()


@lru_cache(maxsize=4)
def spec_copies(language: str = "ko", n: int = 2) -> tuple[ExamSpec, tuple[ExamCopy, ...]]:
    spec = dataclasses.replace(load_spec(REPO / "examples" / "midterm.yaml"), language=language)
    students = [Student(f"2026{k:04d}", f"학생{k}", k + 1) for k in range(n)]
    return spec, assemble(spec, load_bank(), students).copies


def pdf_text(data: bytes, tmp: Path, *args: str) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escape_prints_text_literally(hostile: str, tmp_path: Path) -> None:
    """Through every door: spec title, student name and id, and bank text with math."""
    spec, copies = spec_copies()
    copy = copies[0]
    first = copy.sections[0].questions[0]
    in_bank = hostile.replace("$", "\\$")   # the bank's format writes a literal dollar \$
    prompt = Text(f"앞 {in_bank} 뒤 $x_1$", f"before {in_bank} after")
    q = dataclasses.replace(first, variant=dataclasses.replace(first.variant, prompt=prompt))
    section = dataclasses.replace(copy.sections[0], questions=(q,))
    copy = dataclasses.replace(copy, student=Student("ID" + hostile, "N" + hostile, 1),
                               sections=(section,))
    spec = dataclasses.replace(spec, title=Text("T" + hostile))
    data = renderer().write("exam", copy, spec).data   # the question's body in a file it includes
    text = flat(pdf_text(data, tmp_path))
    assert flat("T" + hostile) in text
    assert flat("ID" + hostile) in text and flat("N" + hostile) in text
    # in bank text `...` is a code span (printed without its backticks)
    assert flat(f"앞{hostile.replace('`', '')}뒤") in text
    assert "root:" not in text   # /etc/passwd was not read


def test_escape_covers_every_ascii_punctuation() -> None:
    punct = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
    assert escape(punct) == "".join("\\" + c for c in punct)
    assert escape("가 나\n다") == "가 나 다"


def test_the_compiler_reads_no_file_outside_its_root() -> None:
    with pytest.raises(RenderError, match="passwd"):
        renderer().writer.write('#read("/etc/passwd")')
    with pytest.raises(RenderError):
        renderer().writer.write('#read("../../../../etc/passwd")')


def test_korean_words_are_kept_whole() -> None:
    assert inline("블록당 편향 $b_{ih}$와 x") == "#box[블록당] #box[편향] #box[$b_(i h)$와] x"


def test_text_fonts_and_formulas_in_the_pdf(tmp_path: Path) -> None:
    spec, copies = spec_copies()
    r = renderer().render(copies[0], spec)
    text = pdf_text(r.exam, tmp_path)
    assert "시퀀스 모델 중간고사" in text and "하나를 고르시오" not in text
    pages = text.split("\f")[: r.exam_pages]
    assert len(pages) == r.exam_pages >= 3
    for k, page in enumerate(pages, start=1):     # the student id and folio on every page
        assert "학번 20260000" in page
        assert re.search(rf"^{k}\s*/\s*{r.exam_pages}$", page, re.M)
    # formula text: the d_model of the multi-head question, and the key's answers
    assert "model" in text and "=" in text
    key = pdf_text(r.key, tmp_path)
    assert re.search(r"tanh", key) and "×" in key
    (tmp_path / "k.pdf").write_bytes(r.key)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "k.pdf")], capture_output=True,
                           text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert any("NanumGothic" in row for row in rows)
    assert any("NewCMMath" in row for row in rows)
    assert all(" yes " in row for row in rows)      # every font embedded (subset)


def test_same_copy_same_bytes() -> None:
    spec, copies = spec_copies()
    a = renderer().render(copies[1], spec)
    b = CopyRenderer().render(copies[1], spec)
    assert a.exam == b.exam and a.key == b.key


@pytest.mark.parametrize("kind", ["exam", "key"])
def test_bodies_in_files_print_as_the_source_with_bodies_in_place(kind: Kind) -> None:
    """The print path (each question body in a file the document includes) and the one
    self-contained source give the same bytes, whatever the writer printed before."""
    spec, copies = spec_copies("both", 2)
    fresh = CopyRenderer()
    inline_pdf = fresh.writer.write(fresh.source(kind, copies[0], spec)).data
    renderer().write(kind, copies[1], spec)   # the other copy first: its files are in the root
    assert renderer().write(kind, copies[0], spec).data == inline_pdf
    assert fresh.write(kind, copies[0], spec).data == inline_pdf


def test_question_bodies_hold_nothing_of_the_student() -> None:
    """Two students' copies include the same file for a question both drew alike, and no file
    names the student: the id and form live in the document's own source, so what Typst laid
    out for one copy is reused for the next."""
    spec, copies = spec_copies("ko", 2)
    docs = [renderer().document("exam", c, spec) for c in copies]
    names = [dict(d.files) for d in docs]
    assert len(names[0]) == len(copies[0].questions)
    assert set(names[0]) & set(names[1])   # concept questions without parameters
    for doc, copy in zip(docs, copies, strict=True):
        assert copy.student.student_id in doc.source
        for name, text in doc.files:
            assert copy.student.student_id not in text
            assert f'#include "{name}"' in doc.source
            assert name == "/blocks/" + hashlib.sha256(text.encode()).hexdigest()[:32] + ".typ"


def test_bodies_made_once_print_as_bodies_made_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal question bodies are made once per process (typsource._bodies): a body taken from
    there prints what the template makes afresh, whatever kind, language and working space
    the documents before it had; and two copies that share a question make its body once."""
    made: list[str] = []
    block_file = typsource._block_file
    monkeypatch.setattr(typsource, "_block_file", lambda text: made.append(text) or block_file(text))
    typsource._bodies.clear()
    spec, copies = spec_copies("ko", 2)
    docs = [renderer().document("exam", c, spec) for c in copies]
    assert len(made) == len({name for d in docs for name, _ in d.files}) < sum(
        len(d.files) for d in docs)   # the shared concept questions were made once

    cases = []
    for language in ("ko", "both", "en"):
        spec, copies = spec_copies(language, 2)
        wide = dataclasses.replace(spec, work_space=(("short_answer", "2cm"), ("*", "1cm")))
        cases += [(kind, c, s) for kind in ("exam", "key") for c in copies for s in (spec, wide)]
    cached = [renderer().source(kind, c, s) for kind, c, s in cases]
    assert len(typsource._bodies) > 0
    assert any("#work-space(1cm)" in text for text in cached)
    for (kind, c, s), text in zip(cases, cached, strict=True):
        typsource._bodies.clear()
        assert renderer().source(kind, c, s) == text


def test_writer_keeps_recent_block_files_and_refuses_other_names(
        monkeypatch: pytest.MonkeyPatch) -> None:
    writer = CopyRenderer().writer
    root = Path(writer.root)
    monkeypatch.setattr(typcompile, "KEPT_FILES", 2)
    blocks = [typsource._block_file(f"[{k}]") for k in range(4)]
    # one document's own files are all kept, however many
    doc = writer.write("".join(f'#include "{n}"\n' for n, _ in blocks[:3]), files=blocks[:3])
    assert doc.pages == 1
    assert sorted(p.name for p in (root / "blocks").iterdir()) == sorted(
        n.rsplit("/", 1)[1] for n, _ in blocks[:3])
    # the next document's file is written; beyond 2 kept, the least recently used go
    writer.write(f'#include "{blocks[3][0]}"', files=[blocks[2], blocks[3]])
    assert sorted(p.name for p in (root / "blocks").iterdir()) == sorted(
        n.rsplit("/", 1)[1] for n, _ in blocks[2:])
    for bad in ["/preamble.typ", "/blocks/../../x.typ", "/blocks/" + "0" * 32 + ".typ/x",
                "blocks/" + "0" * 32 + ".typ"]:
        with pytest.raises(ValueError, match="not a block file name"):
            writer.write("", files=[(bad, "x")])
    assert (root / "preamble.typ").read_text().startswith("//")


def line_breaks_inside_words(text: str, words: set[str]) -> list[str]:
    """Line ends where a Korean word of the source was split: the last token of a line and
    the first of the next, both Hangul, joined make one word of the source."""
    hangul = re.compile(r"[\uac00-\ud7a3]")
    lines = [line.split() for line in text.splitlines() if line.strip()]
    bad = []
    for a, b in zip(lines, lines[1:], strict=False):
        if a and b and hangul.search(a[-1][-1]) and hangul.search(b[0][0]):
            joined = a[-1] + b[0]
            if joined in words:
                bad.append(f"{a[-1]}/{b[0]}")
    return bad


def source_words(copy: ExamCopy) -> set[str]:
    words: set[str] = set()
    for q in copy.questions:
        v = q.variant
        texts = [v.prompt.ko] + [p.prompt.ko for p in v.parts if p.prompt]
        texts += [o.text.ko for p in v.parts for o in p.options]
        for t in texts:
            words.update(re.sub(r"\$[^$]*\$", " ", t).split())
    return words


def test_no_korean_word_is_split_at_a_line_end(tmp_path: Path) -> None:
    spec, copies = spec_copies("ko", 6)
    checked = 0
    for copy in copies:
        text = pdf_text(renderer().render(copy, spec).exam, tmp_path)
        assert line_breaks_inside_words(text, source_words(copy)) == []
        checked += text.count("\n")
    assert checked > 300


def test_the_word_check_sees_a_split_word() -> None:
    assert line_breaks_inside_words("편향 두 개(블\n록당 편향)", {"개(블록당"}) == ["개(블/록당"]


def ink_beyond_margins(pdf: Path, tmp: Path, margin_mm: float = 15.0) -> list[str]:
    """Pages with dark pixels within ``margin_mm`` of the left or right edge (A4 at 50 dpi)."""
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(pdf), str(tmp / "p")], check=True)
    bad = []
    for page in sorted(tmp.glob("p-*.pgm")):
        data = page.read_bytes()
        magic, w, h, maxval, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data,
                                               re.S).groups()  # type: ignore[union-attr]
        width, height = int(w), int(h)
        edge = int(width * margin_mm / 210)
        for y in range(height):
            row = pixels[y * width:(y + 1) * width]
            if min(row[:edge]) < 200 or min(row[width - edge:]) < 200:
                bad.append(f"{page.name} row {y}")
                break
        page.unlink()
    return bad


def test_bilingual_keys_stay_inside_the_margins(tmp_path: Path) -> None:
    spec, copies = spec_copies("both", 40)
    bad = []
    for copy in copies:
        key = tmp_path / f"{copy.copy_id}.pdf"
        key.write_bytes(renderer().write("key", copy, spec).data)
        bad += [f"{copy.copy_id}: {b}" for b in ink_beyond_margins(key, tmp_path)]
    assert bad == []


def test_question_preview(tmp_path: Path) -> None:
    from examgen.variants import variant_for_seed

    v = variant_for_seed(load_bank().get("transformer-sdpa-parts"), 9)
    text = pdf_text(render_question_preview(v, "en"), tmp_path)
    assert "Question preview" in text and "transformer-sdpa-parts" in text
    key = pdf_text(render_question_preview(v, "both", kind="key"), tmp_path)
    assert "정답 및 풀이" in key and "Answer key" in key


def test_work_space_by_section_and_type(tmp_path: Path) -> None:
    """The bundled spec leaves 3cm in section II; a spec-wide setting by type applies where
    no section says otherwise."""
    spec, copies = spec_copies()
    assert spec.sections[1].work_space == (("*", "3cm"),)
    src = renderer().source("exam", copies[0], spec)
    computed = sum(len(q.variant.parts) for q in copies[0].sections[1].questions)
    assert src.count("#work-space(3cm)") == computed
    spec2 = dataclasses.replace(spec, work_space=(("short_answer", "2cm"),))
    src2 = renderer().source("exam", copies[0], spec2)
    assert src2.count("#work-space(2cm)") == len(copies[0].sections[2].questions)
    assert "#work-space" not in renderer().source("key", copies[0], spec)


def test_cover_states_the_cost_of_a_wrong_answer(tmp_path: Path) -> None:
    spec, copies = spec_copies()
    for language, words in (("ko", "25%를 감점"), ("en", "costs 25% of its points")):
        s = dataclasses.replace(spec, negative=0.25, language=language)
        text = flat(pdf_text(renderer().render(copies[0], s).exam, tmp_path))
        assert flat(words) in text
    assert "감점" not in pdf_text(renderer().render(copies[0], spec).exam, tmp_path)


def test_formula_svg() -> None:
    from examgen.render import render_formula_svg
    from examgen.render.texmath import TexMathError

    svg = render_formula_svg(r"\frac{a}{b} + \begin{bmatrix} 1 & 2 \end{bmatrix}")
    assert svg.startswith("<svg") and "</svg>" in svg
    with pytest.raises(TexMathError):
        render_formula_svg(r"\softmax")


def test_text_identical_in_both_languages_is_printed_once(tmp_path: Path) -> None:
    spec, copies = spec_copies("both")
    copy = copies[0]
    first = copy.sections[0].questions[0]
    part = first.variant.parts[0]
    options = (dataclasses.replace(part.options[0], text=Text("0.25", "0.25")),
               dataclasses.replace(part.options[1], text=Text("영점칠", "zero point seven")))
    part = dataclasses.replace(part, options=options + part.options[2:])
    q = dataclasses.replace(first, variant=dataclasses.replace(first.variant, parts=(part,)))
    copy = dataclasses.replace(copy, sections=(dataclasses.replace(copy.sections[0],
                                                                   questions=(q,)),))
    text = pdf_text(renderer().render(copy, spec).exam, tmp_path)
    assert text.count("0.25") == 1 and "0.25 / 0.25" not in text
    assert "영점칠" in text and "zero point seven" in text


def test_generate_refuses_formulas_it_cannot_print() -> None:
    from examgen.errors import ExamgenError
    from examgen.jobs.generate import check_copies_math

    spec, copies = spec_copies()
    copy = copies[0]
    first = copy.sections[0].questions[0]
    bad = Text("값 $\\softmax(x)$ 을 구하시오", None)
    q = dataclasses.replace(first, variant=dataclasses.replace(first.variant, prompt=bad))
    copy = dataclasses.replace(copy, sections=(dataclasses.replace(copy.sections[0],
                                                                   questions=(q,)),))
    check_copies_math(copies)    # the bundled bank prints
    with pytest.raises(ExamgenError) as e:
        check_copies_math([copy])
    assert f'question "{first.template_id}": prompt: formula $\\softmax(x)$: unknown macro' \
        in str(e.value)


@pytest.mark.parametrize(("language", "says"), [
    ("ko", "학번 20260000"), ("en", "Student ID 20260000"),
    ("both", "학번 (Student ID) 20260000")])
def test_the_footer_speaks_the_exams_languages(language: str, says: str,
                                               tmp_path: Path) -> None:
    spec, copies = spec_copies(language)
    pages = pdf_text(renderer().render(copies[0], spec).exam, tmp_path).split("\f")
    assert all(says in page for page in pages if page.strip())
    forms = dataclasses.replace(copies[0], form="B")
    text = pdf_text(renderer().render(forms, spec).exam, tmp_path)
    assert {"ko": "B형", "en": "Form B", "both": "B형 (Form B)"}[language] in text


def test_points_in_english_say_pt_for_one() -> None:
    from examgen.render.typsource import _pts

    assert [_pts(x, "en") for x in (1, 1.5, 2, 0.5)] == ["1 pt", "1.5 pts", "2 pts", "0.5 pts"]
    assert _pts(1, "ko") == "1점"


def test_key_item_lists_set_as_tight_lists(tmp_path: Path) -> None:
    """The key's bulleted items (wrong answers, rubric) are paragraphs set as a tight list
    is: bullets flush with the head, every item's text (and its wrapped lines) aligned after
    its bullet, items as far apart as the lines of one item."""
    long = "임베딩 차원으로 나누지 않고 헤드 수를 곱해서 파라미터 수를 계산했다 " * 4
    source = ('#import "/preamble.typ": *\n#show: exam-style.with(lang: "ko")\n'
              f"#small([흔한 오답], ([가나 $1.5$], [다라 {long}], [마바 $mat(delim: \"[\", 1, 2)$]))")
    pdf = renderer().writer.write(source)   # the module's compiler, not one more
    words = [(float(m[0]), float(m[1]), m[2]) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
        pdf_text(pdf.data, tmp_path, "-bbox")) if float(m[1]) < 700]   # not the footer
    head_x = next(x for x, _, w in words if w == "흔한")
    bullets = [(x, y) for x, y, w in words if w == "•"]
    assert len(bullets) == 3 and all(abs(x - head_x) < 0.01 for x, _ in bullets)
    lines: list[tuple[float, float]] = []   # (top, first x) of each line: words in order
    for x, y, w in words:
        if w != "•" and (not lines or y - lines[-1][0] > 4):
            lines.append((y, x))
    starts = [x for _, x in lines[1:]]   # the first word of every line after the head's
    assert len(starts) > 4, "the long item should wrap onto several lines"
    assert all(abs(x - starts[0]) < 0.01 for x in starts) and starts[0] > head_x + 5
    pitches = [b[0] - a[0] for a, b in zip(lines, lines[1:], strict=False)]
    assert max(pitches) - min(pitches) < 0.1, pitches
