"""The ``examgen bank`` commands, run as a user runs them (a subprocess of the console script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

EXAMGEN = Path(sys.executable).with_name("examgen")


REPO_BANK = Path(__file__).resolve().parents[2] / "question_bank"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = [str(EXAMGEN)] if EXAMGEN.exists() else [sys.executable, "-m", "examgen.cli"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_list_json_counts() -> None:
    r = run("bank", "list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    s = data["summary"]
    assert s["numeric_templates"] >= 25 and s["concept_questions"] >= 54
    ids = {q["id"] for q in data["questions"]}
    assert {f"seed-quiz-{k:02d}" for k in range(1, 15)} <= ids


def test_show_is_reproducible_and_bilingual() -> None:
    a = run("bank", "show", "transformer-sdpa-parts", "--seed", "9")
    b = run("bank", "show", "transformer-sdpa-parts", "--seed", "9")
    en = run("bank", "show", "transformer-sdpa-parts", "--seed", "9", "--lang", "en")
    assert a.returncode == 0 and a.stdout == b.stdout
    assert "정답" in a.stdout and "풀이" in a.stdout and "misconception no_scaling" in a.stdout
    assert "Answer" in en.stdout and "Solution" in en.stdout
    j = json.loads(run("bank", "show", "transformer-sdpa-parts", "--seed", "9", "--json").stdout)
    assert j["seed"] == 9 and len(j["parts"]) == 3


def test_show_unknown_id_suggests() -> None:
    r = run("bank", "show", "transformer-sdpa-part")
    assert r.returncode == 2
    assert r.stderr.startswith("Error: no question with id 'transformer-sdpa-part'")
    assert "did you mean 'transformer-sdpa-parts'?" in r.stderr
    assert "Traceback" not in r.stderr


def test_check_passes_on_the_bundled_bank() -> None:
    r = run("bank", "check")
    assert r.returncode == 0, r.stderr
    assert "no problems" in r.stdout


def test_check_lists_every_problem_with_location(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(textwrap.dedent("""\
        topic: bad
        questions:
          - id: bad-one
            type: single_choice
            difficulty: easy
            points: 1
            promt: "x"
            choices: [{ko: a, correct: true}, {ko: b}, {ko: c}]
          - id: bad-two
            type: numeric
            difficulty: hard
            points: 2
            prompt: "{{ lam }}"
            family: grad_scael
            answer: factor
    """), encoding="utf-8")
    r = run("bank", "check", "--bank", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert "bad.yaml:7: question \"bad-one\": unknown key 'promt' in a single_choice question; " \
           "expected one of" in lines[0]
    assert "(did you mean 'prompt'?)" in lines[0]
    assert any(line.startswith('bad.yaml:3: question "bad-one": a single_choice question is '
                               "missing the required key 'prompt'") for line in lines)
    assert any("bad.yaml:14: question \"bad-two\": unknown family 'grad_scael'" in line
               and "(did you mean 'grad_scale'?)" in line for line in lines)
    assert any(line.startswith('bad.yaml:9: question "bad-two": a numeric question is missing '
                               "the required key 'solution'") for line in lines)
    assert lines[-1] == "bank check: 4 problem(s)"
    assert "Traceback" not in r.stderr


def test_check_checks_the_glossary(tmp_path: Path) -> None:
    shutil.copy(REPO_BANK / "gru.yaml", tmp_path / "gru.yaml")
    (tmp_path / "glossary.yaml").write_text(
        "terms:\n  - id: forget-gate\n    en: [forget gate]\n"
        "  - id: gate\n    en: [Forget Gate, x]\n", encoding="utf-8")
    r = run("bank", "check", "--bank", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 1
    assert "term 'gate': spelling 'Forget Gate' already belongs to 'forget-gate'" in r.stderr
    assert "term 'gate': spelling 'x' is too short" in r.stderr
    assert "bank check: 2 problem(s)" in r.stderr
    ok = run("bank", "check")
    assert "glossary of" in ok.stdout and "terms" in ok.stdout


def test_check_reports_render_errors(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(textwrap.dedent("""\
        topic: t
        questions:
          - id: t-one
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {real: [0.5, 0.9], step: 0.1}, T: {int: [2, 9]}}
            answer: factor
            tolerance: {rel: 0.01}
            prompt: "{{ lamda }}"
            solution: "{{ factor }}"
    """), encoding="utf-8")
    r = run("bank", "check", "--bank", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 1
    assert "t.yaml:3: question \"t-one\": prompt does not render: 'lamda' is undefined" in r.stderr


def test_stress_flags_degenerate_templates(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        topic: s
        questions:
          - id: s-few
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {choice: [0.5]}, T: {int: [2, 4]}}
            answer: factor
            tolerance: {rel: 0.01}
            prompt: "{{ lam }}"
            solution: "{{ factor }}"
          - id: s-range
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {real: [0.5, 0.9], step: 0.05}, T: {int: [2, 40]}}
            answer: factor
            range: [0.01, 1]
            tolerance: {rel: 0.01}
            prompt: "{{ lam }}"
            solution: "{{ factor }}"
          - id: s-collide
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {choice: [1.001]}, T: {int: [2, 40]}}
            answer: factor
            tolerance: {rel: 0.01}
            prompt: "{{ lam }}"
            solution: "{{ factor }}"
          - id: s-never
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {choice: [1]}, T: {int: [2, 40]}}
            answer: factor
            tolerance: {rel: 0.01}
            prompt: "{{ lam }}"
            solution: "{{ factor }}"
    """), encoding="utf-8")
    r = run("bank", "stress", "--bank", str(tmp_path), "--n", "200", cwd=tmp_path)
    assert r.returncode == 1
    out = r.stdout
    assert "BAD s-few" in out and "too few distinct variants: 1 (e.g. 3 distinct in 200" in out
    assert "BAD s-range" in out and "answer outside range" in out
    # 1.001^(T-1) is always within 1 % of 1.001^T: every draw breaks a fairness rule
    assert "BAD s-collide" in out and "no usable variant: 200" in out
    assert "wrong method graded right" in out
    # 1^(T-1) is 1^T: the off-by-one mistake is left out of every variant, and said so
    assert "BAD s-never" in out and "misconception never changes the answer: 1 (e.g. " \
        "off_by_one gives the key itself in all 200 variants" in out
    assert "4 with problems" in r.stderr


def test_stress_selected_ids_pass() -> None:
    r = run("bank", "stress", "transformer-sdpa-parts", "seed-quiz-01", "--n", "300")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 with problems" in r.stderr


def test_families_lists_misconceptions() -> None:
    r = run("bank", "families")
    assert r.returncode == 0
    assert "misconception no_scaling" in r.stdout and "swap_update" in r.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bad_arguments_are_usage_errors() -> None:
    r = run("bank", "show", "x", "--seed", "-3")
    assert r.returncode == 2 and "seed must not be negative" in r.stderr


def test_preview_writes_a_one_question_pdf(tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader

    out = tmp_path / "ffn.pdf"
    r = run("bank", "preview", "transformer-ffn-param-count", "--seed", "4", "--lang", "en",
            "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert f"wrote {out}" in r.stdout
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    text = [" ".join(p.extract_text().split()) for p in pages]
    assert len(pages) == 2  # the question, then the answer key
    # math prints as drawn glyphs, so the text layer shows the words around it
    assert "feed-forward" in text[0] and "Answer key" not in text[0]
    assert "Answer key" in text[1] and "Total:" in text[1]  # the key, with the solution
    assert [p.name for p in tmp_path.iterdir()] == ["ffn.pdf"]  # no temporary file left


def test_preview_errors(tmp_path: Path) -> None:
    r = run("bank", "preview", "transformer-ffn-param-cont", "--out", str(tmp_path / "x.pdf"))
    assert r.returncode != 0 and "did you mean 'transformer-ffn-param-count'" in r.stderr.lower()
    r = run("bank", "preview", "transformer-ffn-param-count", "--out", str(tmp_path / "x.png"))
    assert r.returncode != 0 and "--out must name a .pdf file" in r.stderr
    assert not list(tmp_path.iterdir())


def test_check_reports_formulas_that_cannot_be_printed(tmp_path: Path) -> None:
    """An unbalanced brace and an unknown macro are reported with file, line and question;
    both passed bank check before the print engine converted formulas."""
    (tmp_path / "m.yaml").write_text(textwrap.dedent("""\
        topic: m
        questions:
          - id: m-frac
            type: numeric
            difficulty: easy
            points: 1
            family: grad_scale
            params: {lam: {real: [0.5, 0.9], step: 0.1}, T: {int: [2, 9]}}
            answer: factor
            tolerance: {rel: 0.01}
            prompt: "$\\\\frac{ {{ lam }} $ 를 구하시오."
            solution: "{{ factor }}"
          - id: m-macro
            type: single_choice
            difficulty: easy
            points: 1
            prompt: "$\\\\softmax(x)$ 의 합은?"
            choices: [{ko: "1", correct: true}, {ko: "0"}, {ko: "2"}]
    """), encoding="utf-8")
    r = run("bank", "check", "--bank", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 1, r.stdout
    lines = r.stderr.splitlines()
    assert any(line.startswith('m.yaml:3: question "m-frac": prompt: formula $\\frac{')
               and "unbalanced braces" in line for line in lines), r.stderr
    assert any(line.startswith('m.yaml:13: question "m-macro": prompt: formula $\\softmax(x)$')
               and "unknown macro '\\softmax'" in line for line in lines), r.stderr
    assert lines[-1] == "bank check: 2 problem(s)"
