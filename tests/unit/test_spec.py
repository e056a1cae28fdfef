"""Exam specs and rosters: a question listed twice, the id and name columns a roster may use,
and question selection that never puts a template on an exam twice."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from examgen.assemble import select_questions
from examgen.bank import Bank, load_bank
from examgen.errors import SpecError
from examgen.io import ID_NAMES, load_roster, load_spec
from examgen.model import Student


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def spec_file(tmp: Path, sections: str, head: str = "title: t\nseed: 1\n") -> Path:
    p = tmp / "exam.yaml"
    p.write_text(head + "sections:\n" + textwrap.dedent(sections), encoding="utf-8")
    return p


@pytest.mark.parametrize("sections, lines", [
    ("""\
     - title: a
       questions:
         - transformer-pe-single-value
         - transformer-pe-single-value
     """, (6, 7)),
    ("""\
     - title: a
       questions:
         - transformer-pe-single-value
         - {topic: gru, count: 1}
     - title: b
       questions:
         - {id: transformer-pe-single-value, points: 3}
     """, (6, 10)),
])
def test_a_question_listed_twice_names_both_lines(tmp_path: Path, sections: str,
                                                  lines: tuple[int, int]) -> None:
    path = spec_file(tmp_path, sections)
    with pytest.raises(SpecError) as e:
        load_spec(path)
    assert str(e.value) == (f"{path}:{lines[1]}: question 'transformer-pe-single-value' is "
                            f"listed twice (lines {lines[0]} and {lines[1]}); an exam uses each "
                            "question once, remove one")


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("sections", [
    # a filter that matches a question picked by id (in a later section)
    """\
    - title: a
      questions:
        - {topic: gru, type: single_choice, count: 3}
    - title: b
      questions:
        - gru-reset-gate-zero
    """,
    # two filters that overlap
    """\
    - title: a
      questions:
        - {topic: gru, count: 3}
        - {topic: gru, type: single_choice, count: 2}
        - {type: single_choice, count: 4}
    """,
])
def test_selection_never_repeats_a_template(tmp_path: Path, bank: Bank, seed: int,
                                            sections: str) -> None:
    spec = load_spec(spec_file(tmp_path, sections, head=f"title: t\nseed: {seed}\n"))
    ids = [t.id for _, chosen in select_questions(spec, bank) for t, _ in chosen]
    assert len(ids) == len(set(ids)), ids


@pytest.mark.parametrize("text, encoding", [
    ("학번,이름\n20260001,김민준\n20260002,이서연\n", "utf-8"),
    ("이름;학번\n김민준;20260001\n이서연;20260002\n", "cp949"),
    ("Student ID,Name\n20260001,김민준\n20260002,이서연\n", "utf-8-sig"),
    ("student_id,성명\n20260001,김민준\n20260002,이서연\n", "utf-16"),
])
def test_roster_accepts_the_id_and_name_headers_of_responses(tmp_path: Path, text: str,
                                                             encoding: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    assert load_roster(path) == (Student("20260001", "김민준", 2), Student("20260002", "이서연", 3))


def test_roster_without_an_id_column_lists_the_accepted_names(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("번호,이름\n1,가\n", encoding="utf-8")
    with pytest.raises(SpecError) as e:
        load_roster(path)
    assert str(e.value) == (f"{path}: row 1: roster needs a student id column named one of "
                            f"{', '.join(ID_NAMES)}; found 번호, 이름")


def test_work_space_is_a_length_by_question_type(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent("""\
        title: t
        work_space: {numeric: 3cm, short_answr: 2cm}
        sections:
          - title: a
            work_space: lots
            questions: [transformer-pe-single-value]
    """), encoding="utf-8")
    with pytest.raises(SpecError) as e:
        load_spec(p)
    msg = str(e.value)
    assert "s.yaml:2: work_space: unknown question type 'short_answr'" in msg
    assert "(did you mean 'short_answer'?)" in msg
    assert "s.yaml:5: work_space must be a length such as 3cm" in msg and "'lots'" in msg
    p.write_text(p.read_text().replace("short_answr", "short_answer").replace("lots", "1.5cm"))
    spec = load_spec(p)
    assert spec.work_space == (("numeric", "3cm"), ("short_answer", "2cm"))
    assert spec.sections[0].work_space == (("*", "1.5cm"),)


@pytest.mark.parametrize(("entry", "says"), [
    ("{topic: lstm, tags: 3}", "tags must be a tag or a list of tags, got 3"),
    ("{topic: lstm, tags: [a, {b: 1}]}", "tags must be a tag or a list of tags"),
    ("{tags: null}", "tags must be a tag or a list of tags, got None"),
    ("{topic: {ko: x}}", "topic must be a topic name"),
    ("{topic: 7}", "topic must be a topic name, got 7"),
])
def test_a_filter_of_the_wrong_shape_is_a_located_error(entry: str, says: str,
                                                        tmp_path: Path) -> None:
    """Found by a fuzz of the spec reader: these raised TypeError tracebacks."""
    p = spec_file(tmp_path, f"""\
     - title: a
       questions:
         - {entry}
     """)
    with pytest.raises(SpecError) as e:
        load_spec(p)
    assert f"exam.yaml:6: {says}" in str(e.value)
