"""The validator: a good export passes, and each broken file is rejected with a message naming
the question and the rule (a disallowed fraction, a cloze blank without a correct answer, a
relative tolerance left unconverted, ...)."""

from __future__ import annotations

import pytest

from examgen.bank import load_bank
from examgen.export.check import check_bytes, check_file
from examgen.export.items import draw_items
from examgen.export.moodle import write_moodle

BANK = load_bank()


@pytest.fixture(scope="module")
def good() -> str:
    chosen = [(BANK.get(i), None) for i in ("attention-softmax-temperature",
                                            "transformer-sdpa-parts", "lstm-gates-vector-parts")]
    chosen += [(t, None) for t in BANK.templates if t.type.value == "multiple_choice"][:2]
    data, _ = write_moodle(draw_items(chosen, 2, seed=1))
    return data.decode("utf-8")


def problems(text: str) -> tuple[str, ...]:
    return check_bytes(text.encode("utf-8"), "quiz.xml").problems


def test_the_export_itself_passes(good: str) -> None:
    assert problems(good) == ()


def test_a_disallowed_fraction_is_rejected(good: str) -> None:
    broken = good.replace('fraction="33.33333"', 'fraction="33.3"', 1)
    assert broken != good
    (p,) = [p for p in problems(broken) if "fraction" in p]
    assert "fraction '33.3' is not one of Moodle's grades" in p
    assert p.startswith("quiz.xml: question ") and '"' in p   # names the question


def test_a_cloze_blank_without_a_correct_answer_is_rejected(good: str) -> None:
    broken = good.replace(":NUMERICAL:=", ":NUMERICAL:%50%", 1)
    (p,) = problems(broken)
    assert "blank 1 (NUMERICAL): no answer is worth 100 %" in p


def test_a_relative_tolerance_left_unconverted_is_rejected(good: str) -> None:
    start = good.index("<tolerance>") + len("<tolerance>")
    end = good.index("</tolerance>", start)
    broken = good[:start] + "1%" + good[end:]
    (p,) = problems(broken)
    assert "a relative tolerance left unconverted" in p
    in_cloze = good.replace(":0.01#", ":1%#", 1)
    assert in_cloze != good
    assert any("relative tolerance left unconverted" in p for p in problems(in_cloze))
    typed = good.replace("<unitgradingtype>", "<tolerancetype>1</tolerancetype><unitgradingtype>", 1)
    assert any("relative" in p for p in problems(typed))


def test_other_import_rules(good: str) -> None:
    assert any("is not a number" in p for p in
               problems(good.replace("<answer fraction=\"100\" format=\"moodle_auto_format\">\n"
                                     "      <text>", "<answer fraction=\"100\" format=\"moodle_"
                                     "auto_format\">\n      <text>x", 1)))
    start = good.index("<name>")
    nameless = good[:start] + "<name><text> </text></name>" + \
        good[good.index("</name>", start) + len("</name>"):]
    assert any("has no name" in p for p in problems(nameless))
    assert any("no category before it" in p for p in
               problems(good.replace('<question type="category">', '<question type="description"'
                                     '><name><text>d</text></name><questiontext><text>d</text>'
                                     '</questiontext></question><question type="category">', 1)
                        .replace("<quiz>", "<quiz><question type=\"essay\"><name><text>e</text>"
                                 "</name><questiontext><text>e</text></questiontext></question>")))
    essay_in_cloze = good.replace("{3:NUMERICAL:", "{3:ESSAY:", 1).replace("{2:NUMERICAL:", "{2:ESSAY:", 1)
    assert any("ESSAY" in p and "essays cannot sit" in p for p in problems(essay_in_cloze))


def test_shadowed_answers_and_bad_sums(good: str) -> None:
    # a 0 % answer first that covers the key: Moodle would never reach the key
    start = good.index('<question type="numerical">')
    key = good.index('<answer fraction="100"', start)
    end = good.index("</answer>", key) + len("</answer>")
    shadow = good[key:end].replace('fraction="100"', 'fraction="0"')
    broken = good[:key] + shadow + good[key:]
    assert any("can never match" in p for p in problems(broken))


def test_unsafe_or_broken_files_are_problems_not_tracebacks(tmp_path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                    "<quiz>&b;</quiz>")
    report = check_file(bomb)
    assert not report.ok and "unsafe" in report.problems[0]
    cut = tmp_path / "cut.xml"
    cut.write_text("<quiz><question type=")
    assert "not well-formed" in check_file(cut).problems[0]
    assert "not a zip package" in check_bytes(b"PK\x03\x04broken", "x.zip").problems[0]
