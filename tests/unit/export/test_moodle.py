"""Moodle XML export: every question type parses into the structure Moodle's importer reads,
and the numerical answers, graded the way Moodle grades them (first matching answer wins,
absolute tolerance with its tiny epsilon), give examgen's own grader's verdict."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from examgen.bank import load_bank
from examgen.export.check import check_bytes, parse_cloze
from examgen.export.items import draw_items
from examgen.export.moodle import Settings, blank_weights, category_path, cloze_escape, write_moodle
from examgen.export.numbers import fmt_full, moodle_fraction
from examgen.grading import parts_from_variant
from examgen.grading.score import score
from examgen.model import Outcome, QuestionType

BANK = load_bank()
MOODLE_TYPE = {QuestionType.NUMERIC: "numerical", QuestionType.VECTOR: "cloze",
               QuestionType.MATRIX: "cloze", QuestionType.MULTI_PART: "cloze",
               QuestionType.SINGLE_CHOICE: "multichoice",
               QuestionType.MULTIPLE_CHOICE: "multichoice", QuestionType.SHORT_ANSWER: "essay",
               QuestionType.SYMBOLIC: "essay"}


@pytest.fixture(scope="module")
def every_template() -> tuple[bytes, tuple]:
    items = draw_items([(t, None) for t in BANK.templates], 2, seed=3)
    data, _ = write_moodle(items, Settings(lang="both"))
    return data, items


def questions(data: bytes) -> list[ET.Element]:
    return list(ET.fromstring(data).iter("question"))


def test_one_category_per_template_then_its_variants(every_template) -> None:
    data, items = every_template
    qs = questions(data)
    assert len(qs) == len(items) * 3
    for i, item in enumerate(items):
        cat, *variants = qs[3 * i:3 * i + 3]
        assert cat.get("type") == "category"
        assert cat.findtext("category/text") == \
            f"$course$/examgen/{item.template.topic}/{item.template.id}"
        assert category_path(item) == cat.findtext("category/text")
        for q, v in zip(variants, item.variants, strict=True):
            assert q.get("type") == MOODLE_TYPE[v.type], v.template_id
            assert q.findtext("name/text").startswith(item.template.id)
            assert q.findtext("questiontext/text").strip()


def test_structure_per_question_type(every_template) -> None:
    data, items = every_template
    by_name = {q.findtext("name/text"): q for q in questions(data)
               if q.get("type") != "category"}
    for item in items:
        for k, v in enumerate(item.variants, start=1):
            q = by_name[f"{item.template.id} #{k:03d} (seed {v.seed})"]
            part = v.parts[0]
            qtype = q.get("type")
            if v.solution is not None:
                assert q.findtext("generalfeedback/text").startswith('<div lang="ko">')
            if qtype == "numerical":
                answers = q.findall("answer")
                assert answers[0].get("fraction") == "100"
                assert float(answers[0].findtext("text")) == part.value
                assert float(answers[0].findtext("tolerance")) == \
                    part.tolerance.allowed(part.value)
                # misconceptions right after the key, at 0 %, with their feedback
                for m, a in zip(part.misconceptions, answers[1:], strict=False):
                    assert a.get("fraction") == "0"
                    assert float(a.findtext("text")) == m.value
                    assert f"misconception: {m.id}" in a.findtext("feedback/text")
            elif qtype == "multichoice":
                answers = q.findall("answer")
                assert len(answers) == len(part.options)
                multiple = part.kind is QuestionType.MULTIPLE_CHOICE
                assert q.findtext("single") == ("false" if multiple else "true")
                k_right = len(part.correct_keys)
                for o, a in zip(part.options, answers, strict=True):
                    want = (100 / k_right if o.correct else -100 / k_right) if multiple \
                        else (100 if o.correct else 0)
                    assert float(a.get("fraction")) == pytest.approx(want, abs=1e-5)
            elif qtype == "essay":
                info = q.findtext("graderinfo/text")
                if v.type is QuestionType.SHORT_ANSWER:
                    assert all(c.concept in info for c in part.rubric)
                    assert "Reference answers" in info
                else:
                    assert part.expression in info
            else:
                blanks, leftovers = parse_cloze(q.findtext("questiontext/text"))
                assert not leftovers
                n_values = sum(1 if p.kind is not QuestionType.VECTOR
                               and p.kind is not QuestionType.MATRIX
                               else len(_flat(p.value)) for p in v.parts)
                assert len(blanks) == n_values
                for b in blanks:
                    assert b.alternatives[0].fraction == 1


def _flat(value) -> list[float]:
    if isinstance(value, tuple):
        return [x for v in value for x in _flat(v)]
    return [value]


def test_every_export_passes_its_own_check(every_template) -> None:
    data, _ = every_template
    report = check_bytes(data, "export.xml")
    assert report.problems == ()
    assert report.questions == len(questions(data)) // 3 * 2


def test_same_seed_same_bytes() -> None:
    chosen = [(BANK.get("attention-softmax-temperature"), None),
              (BANK.get("transformer-sdpa-parts"), None)]
    a = write_moodle(draw_items(chosen, 4, seed=9))[0]
    b = write_moodle(draw_items(chosen, 4, seed=9))[0]
    c = write_moodle(draw_items(chosen, 4, seed=10))[0]
    assert a == b
    assert a != c


# -- the round trip -------------------------------------------------------------------------------

PHP_EPSILON = 10.0 ** -14   # ini precision 14: qtype_numerical_answer::get_tolerance_interval


def moodle_grade(answers: list[tuple[float, float, float, str]], response: float
                 ) -> tuple[float, str]:
    """Moodle's numerical grading: the first answer whose interval holds the response."""
    for value, tol, fraction, feedback in answers:
        t = tol + PHP_EPSILON * max(tol, abs(value), PHP_EPSILON)
        if value - t <= response <= value + t:
            return fraction, feedback
    return 0.0, ""


def _mis(feedback: str) -> str | None:
    m = re.search(r"misconception: ([\w-]+)", feedback)
    return m.group(1) if m else None


NUMERIC = [t for t in BANK.templates if t.type is QuestionType.NUMERIC]


def test_round_trip_numerical_answers_grade_like_examgen() -> None:
    per = math.ceil(200 / len(NUMERIC))
    items = draw_items([(t, None) for t in NUMERIC], per, seed=17)
    data, _ = write_moodle(items)
    qs = [q for q in questions(data) if q.get("type") == "numerical"]
    variants = [v for item in items for v in item.variants]
    assert len(qs) == len(variants) >= 200
    probes = {"key": 0, "misconception": 0, "recognised": 0, "wrong": 0, "coarse": 0}
    for q, v in zip(qs, variants, strict=True):
        answers = [(float(a.findtext("text")), float(a.findtext("tolerance")),
                    float(a.get("fraction")), a.findtext("feedback/text") or "")
                   for a in q.findall("answer")]
        (key,) = parts_from_variant(v)
        part = v.parts[0]
        texts = [("key", fmt_full(part.value))]
        texts += [("misconception", fmt_full(m.value)) for m in part.misconceptions]
        texts.append(("wrong", fmt_full(part.value * 3 + 7.3)))
        texts += [("coarse", f"{value:.{_decimals(fb)}f}") for value, tol, frac, fb in answers
                  if frac == 50]
        for what, text in texts:
            mine = score(key, text)
            fraction, feedback = moodle_grade(answers, float(text))
            assert fraction / 100 == pytest.approx(mine.points / key.points), \
                (v.template_id, v.seed, what, text, mine)
            assert _mis(feedback) == mine.misconception, (v.template_id, what, text)
            probes[what] += 1
            if what == "key":
                assert mine.outcome is Outcome.CORRECT
            if what == "misconception" and mine.misconception:   # (a few lie within the key's
                probes["recognised"] += 1                         # tolerance: correct in both)
            if what == "coarse":   # unless a misconception gives that rounded value too
                assert mine.outcome is Outcome.INSUFFICIENT_PRECISION or mine.misconception
    assert probes["key"] >= 200 and probes["misconception"] >= 100 and probes["wrong"] >= 200
    assert probes["recognised"] >= 0.9 * probes["misconception"]
    assert probes["coarse"] > 0


def _decimals(feedback: str) -> int:
    return int(re.search(r"(\d+)", feedback).group(1))


def test_tiny_values_keep_full_precision() -> None:
    assert fmt_full(1.2345e-7) == "0.00000012345"
    assert float(fmt_full(0.1 + 0.2)) == 0.1 + 0.2
    assert fmt_full(-0.0) == "0"


def test_fractions_only_from_moodles_list() -> None:
    assert moodle_fraction(1 / 3) == "33.33333"
    assert moodle_fraction(-1 / 7) == "-14.28571"
    assert moodle_fraction(0.5) == "50"
    with pytest.raises(Exception, match="not one of Moodle's answer grades"):
        moodle_fraction(1 / 11)


def test_cloze_text_is_escaped_for_moodles_parser() -> None:
    text = r"\sqrt{d_k} # a~b <x>"
    escaped = cloze_escape(text)
    blank = "{1:NUMERICAL:=1:0.1~%0%2:0#" + escaped + "}"
    (b,), leftovers = parse_cloze(blank)
    assert not leftovers
    assert b.alternatives[1].feedback == escaped   # the whole feedback stays in the blank
    assert "}" not in escaped.replace("\\}", "")


def test_blank_weights_are_whole_and_proportional() -> None:
    assert blank_weights([(3, 1)]) == ([3], 1)
    assert blank_weights([(2, 3), (2, 3), (2, 2)]) == ([2, 2, 3], 3)
    assert blank_weights([(1.5, 1), (0.5, 2)]) == ([6, 1], 4)


def test_svg_math_travels_with_the_text_that_uses_it() -> None:
    items = draw_items([(BANK.get("attention-softmax-temperature"), None)], 1, seed=4)
    data, _ = write_moodle(items, Settings(math="svg"))
    q = [q for q in questions(data) if q.get("type") == "numerical"][0]
    text = q.find("questiontext")
    html = text.findtext("text")
    assert "\\(" not in html and "@@PLUGINFILE@@/math-" in html
    names = re.findall(r"@@PLUGINFILE@@/([\w.-]+)", html)
    files = {f.get("name"): f for f in text.findall("file")}
    assert set(names) == set(files)
    import base64
    assert all(base64.b64decode(f.text).startswith(b"<svg") for f in files.values())
    assert check_bytes(data, "svg.xml").problems == ()
    missing = data.replace(b'<file name="', b'<file name="x', 1)
    assert any("does not carry that file" in p for p in check_bytes(missing, "svg.xml").problems)


def test_no_answer_is_shadowed_by_an_earlier_one() -> None:
    # variants where a coarse rounding equals a misconception's value: the misconception
    # (first, as in the grader) takes it, and no unreachable 50 % answer is written
    t = BANK.get("attention-softmax-temperature")
    items = draw_items([(t, None)], 20, seed=0)
    data, _ = write_moodle(items)
    assert check_bytes(data, "t.xml").problems == ()


def test_svg_export_of_every_question_type_carries_all_its_files() -> None:
    items = draw_items([(t, None) for t in BANK.templates], 1, seed=8)
    data, _ = write_moodle(items, Settings(lang="both", math="svg"))
    assert b"\\(" not in data
    assert check_bytes(data, "svg.xml").problems == ()


ARRAYS = [t for t in BANK.templates if t.type in (QuestionType.VECTOR, QuestionType.MATRIX)]


def cloze_grade(blanks, responses: list[float]) -> float:
    """Moodle's cloze mark: each NUMERICAL blank graded as a numerical question (first match),
    weighted by its weight."""
    total = got = 0.0
    for blank, response in zip(blanks, responses, strict=True):
        answers = []
        for a in blank.alternatives:
            value, _, tol = a.answer.partition(":")
            answers.append((float(value), float(tol or 0), a.fraction * 100, a.feedback))
        total += blank.weight
        got += blank.weight * moodle_grade(answers, response)[0] / 100
    return got / total


def test_round_trip_arrays_grade_entry_by_entry_like_examgen() -> None:
    items = draw_items([(t, None) for t in ARRAYS], 8, seed=31)
    data, _ = write_moodle(items)
    qs = [q for q in questions(data) if q.get("type") == "cloze"]
    variants = [v for item in items for v in item.variants]
    for q, v in zip(qs, variants, strict=True):
        blanks, _ = parse_cloze(q.findtext("questiontext/text"))
        (key,) = parts_from_variant(v)
        values = _flat(v.parts[0].value)
        one_off = [values[0] + 50.0] + values[1:]
        for probe in (values, [x + 50.0 for x in values], one_off):
            text = "[" + ", ".join(fmt_full(x) for x in probe) + "]"
            if v.type is QuestionType.MATRIX:
                cols = len(v.parts[0].value[0])
                rows = [probe[i:i + cols] for i in range(0, len(probe), cols)]
                text = "[" + "; ".join(", ".join(fmt_full(x) for x in r) for r in rows) + "]"
            mine = score(key, text)
            # (the grader rounds points to 4 decimals)
            assert cloze_grade(blanks, probe) == pytest.approx(mine.points / key.points,
                                                               abs=1e-4), (v.template_id, text)
