"""Every bank mistake is reported as ``file:line: question "id": what, expected`` (never a
traceback), and every problem in a bank is listed, not just the first."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.errors import BankError

GOOD_CHOICE = """\
topic: demo
questions:
  - id: demo-choice
    type: single_choice
    tags: [demo]
    difficulty: easy
    points: 1
    prompt: {ko: "고르시오", en: "Choose"}
    choices:
      - {ko: "가", correct: true}
      - {ko: "나"}
      - {ko: "다"}
"""

GOOD_NUMERIC = """\
topic: demo
questions:
  - id: demo-num
    type: numeric
    difficulty: medium
    points: 2
    family: grad_scale
    params:
      lam: {real: [0.5, 0.9], step: 0.1}
      T: {int: [5, 20]}
    answer: factor
    tolerance: {rel: 0.01}
    prompt: "$\\\\lambda = {{ lam }}$, $T = {{ T }}$"
    solution: "{{ factor | sci(3) }}"
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(tmp_path)
    return [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]


def test_good_files_load(tmp_path: Path) -> None:
    write(tmp_path, GOOD_CHOICE, "a.yaml")
    write(tmp_path, GOOD_NUMERIC.replace("topic: demo", "topic: demo2"), "b.yaml")
    bank = load_bank(tmp_path)
    assert [t.id for t in bank.templates] == ["demo-choice", "demo-num"]
    assert bank.get("demo-num").location.line == 3


CASES = [
    # (replace this, with this, expected message)
    ("    difficulty: easy", "    dificulty: easy",
     'demo.yaml:6: question "demo-choice": unknown key \'dificulty\' in a single_choice question; '
     "expected one of"),
    ("    difficulty: easy", "    dificulty: easy", "(did you mean 'difficulty'?)"),
    ("    difficulty: easy", "    difficulty: eazy",
     'demo.yaml:6: question "demo-choice": difficulty must be easy, medium or hard, got str '
     "'eazy' (did you mean 'easy'?)"),
    ("    type: single_choice", "    type: single_chioce",
     "demo.yaml:4: question \"demo-choice\": type 'single_chioce' is not a question type; "
     "expected one of"),
    ("    points: 1", "    points: -1",
     'demo.yaml:7: question "demo-choice": points must be positive, got -1'),
    ("      - {ko: \"나\"}", "      - {ko: \"나\", correct: true}",
     'demo.yaml:9: question "demo-choice": a single_choice question needs exactly one correct '
     "choice, got 2"),
    ("      - {ko: \"다\"}", "      - {ko: \"가\"}",
     'demo.yaml:12: question "demo-choice": choice 3 repeats an earlier choice'),
    ("    prompt: {ko: \"고르시오\", en: \"Choose\"}", "    prompt: {en: \"Choose\"}",
     'demo.yaml:8: question "demo-choice": prompt is missing the required key \'ko\''),
    ("    prompt: {ko: \"고르시오\", en: \"Choose\"}", "    prompt: {ko: \"{{ x \", en: \"C\"}",
     'demo.yaml:8: question "demo-choice": prompt (ko) is not a valid Jinja2 template'),
    ("  - id: demo-choice", "  - id: Demo Choice",
     "demo.yaml:3: id must be kebab-case text like 'lstm-forget-gate', got str 'Demo Choice'"),
    ("    tags: [demo]", "    tags: [Demo Tag]",
     'demo.yaml:5: question "demo-choice": tags must be kebab-case words'),
]


NUMERIC_CASES = [
    ("    family: grad_scale", "    family: grad_scael",
     "demo.yaml:7: question \"demo-num\": unknown family 'grad_scael'; expected one of"),
    ("    family: grad_scale", "    family: grad_scael", "(did you mean 'grad_scale'?)"),
    ("    answer: factor", "    answer: facter",
     "demo.yaml:11: question \"demo-num\": answer 'facter' is not an output of family "
     "'grad_scale'; expected one of factor (did you mean 'factor'?)"),
    ("    tolerance: {rel: 0.01}", "    tolerance: {rel: 0.01, abs: 1}",
     'demo.yaml:12: question "demo-num": tolerance needs exactly one of abs, rel, sigfigs, '
     "decimals; got abs, rel"),
    ("    tolerance: {rel: 0.01}", "    tolerance: {rell: 0.01}",
     "unknown key 'rell' in tolerance; expected one of abs, decimals, rel, sigfigs "
     "(did you mean 'rel'?)"),
    ("      T: {int: [5, 20]}", "      T: {int: [20, 5]}",
     "demo.yaml:10: question \"demo-num\": parameter 'T': low 20 is above high 5"),
    ("      lam: {real: [0.5, 0.9], step: 0.1}", "      lam: {real: [0.5, 0.9]}",
     "demo.yaml:9: question \"demo-num\": parameter 'lam': real needs a step"),
    ("      T: {int: [5, 20]}", "      t: {int: [5, 20]}",
     "demo.yaml:8: question \"demo-num\": family 'grad_scale' needs parameters T; add samplers"),
    ("    tolerance: {rel: 0.01}\n", "",
     'demo.yaml:3: question "demo-num": non-integer answers need a tolerance'),
    ("    solution: \"{{ factor | sci(3) }}\"\n", "",
     'demo.yaml:3: question "demo-num": a numeric question is missing the required key '
     "'solution'"),
    ("    type: numeric", "    type: vector",
     "demo.yaml:11: question \"demo-num\": answer 'factor' is a scalar but the question type "
     "is vector; expected a vector"),
    # found by a fuzz of the bank reader: these raised TypeError / KeyError tracebacks
    ("    family: grad_scale", "    family: {ko: grad_scale}",
     "demo.yaml:7: question \"demo-num\": unknown family {'ko': 'grad_scale'}"),
    ("    family: grad_scale", "    quantities: factor",
     "demo.yaml:11: question \"demo-num\": answer 'factor' is not an output of a quantity; "
     "there is none to name"),
    ("    answer: factor", "    answer: factor\n    misconceptions: [linear, lineer]",
     "demo.yaml:12: question \"demo-num\": family 'grad_scale' has no misconception 'lineer'; "
     "expected one of linear, off_by_one (did you mean 'linear'?)"),
]


@pytest.mark.parametrize("good, old, new, expected",
                         [(GOOD_CHOICE, *c) for c in CASES]
                         + [(GOOD_NUMERIC, *c) for c in NUMERIC_CASES])
def test_one_mistake_one_located_message(tmp_path: Path, good: str, old: str, new: str,
                                         expected: str) -> None:
    assert old in good
    write(tmp_path, good.replace(old, new))
    found = problems(tmp_path)
    assert any(expected in p for p in found), found


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    write(tmp_path, GOOD_CHOICE.replace("    points: 1", "    points: [1"))
    (found,) = problems(tmp_path)
    assert found.startswith("demo.yaml:") and "not valid YAML" in found


def test_every_problem_is_listed(tmp_path: Path) -> None:
    text = GOOD_CHOICE.replace("    points: 1", "    points: 0").replace(
        "    difficulty: easy", "    difficulty: simple")
    write(tmp_path, text)
    found = problems(tmp_path)
    assert len(found) == 2
    assert any("points must be positive" in p for p in found)
    assert any("difficulty must be" in p for p in found)


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    write(tmp_path, GOOD_CHOICE, "a.yaml")
    write(tmp_path, GOOD_CHOICE.replace("topic: demo", "topic: other"), "b.yaml")
    (found,) = problems(tmp_path)
    assert 'b.yaml:3: question "demo-choice": id is already used at' in found
    assert "a.yaml:3" in found


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD_CHOICE.replace("    points: 1", "    points: 1\n    points: 2"))
    assert any("key 'points' appears twice" in p for p in problems(tmp_path))


def test_one_file_per_topic(tmp_path: Path) -> None:
    write(tmp_path, GOOD_CHOICE, "a.yaml")
    write(tmp_path, GOOD_CHOICE.replace("demo-choice", "demo-choice-2"), "b.yaml")
    assert any("topic 'demo' is already the topic of" in p for p in problems(tmp_path))


def write_short_answer(tmp_path: Path, rubric: str) -> None:
    """A short-answer question whose rubric items (YAML flow mappings, one per line) start on
    line 10 of demo.yaml."""
    head = """\
    topic: demo
    questions:
      - id: demo-short
        type: short_answer
        difficulty: easy
        points: 2
        prompt: "설명하시오"
        reference: ["기울기 소실"]
        rubric:
    """
    items = "".join(f"          - {line}\n" for line in rubric.strip().splitlines())
    write(tmp_path, head.rstrip(" ") + items)


def test_short_answer_rubric_weights(tmp_path: Path) -> None:
    write_short_answer(tmp_path, """
{concept: vanishing, weight: 0.5, synonyms: [기울기 소실, vanishing gradient]}
{concept: long-term, weight: 0.3, synonyms: [장기 의존성]}
""")
    (found,) = problems(tmp_path)
    assert found == ('demo.yaml:9: question "demo-short": rubric weights must add up to 1, '
                     "got 0.8")


def test_absent_rubric_concept_is_checked(tmp_path: Path) -> None:
    write_short_answer(tmp_path, """
{concept: no-recurrence, weight: 0.5, absent: true, synonyms: [순환, recurrence]}
{concept: history, weight: 0.5, absent: "yes", order: [LSTM, GRU]}
""")
    assert ('demo.yaml:11: question "demo-short": rubric item 2: absent must be true or false '
            "and goes with synonyms (what the answer must say is missing), not order"
            in problems(tmp_path))


def test_symbolic_expression_is_parsed_safely(tmp_path: Path) -> None:
    write(tmp_path, """\
    topic: demo
    questions:
      - id: demo-sym
        type: symbolic
        difficulty: easy
        points: 2
        prompt: "식"
        expression: "h*d_k"
        variables: [h, d_v]
    """)
    (found,) = problems(tmp_path)
    assert "demo.yaml:8: question \"demo-sym\": expression 'h*d_k': unknown name 'd_k'" in found


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    from examgen.errors import UsageError

    with pytest.raises(UsageError, match="does not exist"):
        load_bank(tmp_path / "nope")
    with pytest.raises(UsageError, match="has no .yaml files"):
        load_bank(tmp_path)
