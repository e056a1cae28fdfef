"""Short answers are read through the glossary of the bank the questions come from, passed
explicitly: a custom bank's glossary.yaml is used by grading and by the practice app."""

from __future__ import annotations

import shutil
from pathlib import Path

from examgen.bank import bank_glossary, load_bank
from examgen.jobs import grade_files
from examgen.practice import create_app
from examgen.resources import bank_dir

GLOSSARY = """terms:
  - id: frobnicator
    ko: ["프로브니케이터"]
    en: ["frobnicator", "zzqx device"]
"""
KEY = "question_id,type,answer,points,keywords\nQ1,short,the frobnicator resets the state,2,frobnicator\n"
RESPONSES = "student_id,Q1\ns1,the zzqx device\n"


def test_a_banks_own_glossary_and_none_when_it_has_none(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    assert bank_glossary(tmp_path).token_for("zzqx device") == "t_frobnicator"
    assert bank_glossary(tmp_path / "missing").terms == ()
    assert bank_glossary().token_for("forget gate") is not None   # the bundled bank's


def test_grading_uses_the_glossary_of_the_bank_given(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "KEY.csv").write_text(KEY, encoding="utf-8")
    (tmp_path / "r.csv").write_text(RESPONSES, encoding="utf-8")
    custom = grade_files(tmp_path / "r.csv", key=tmp_path / "KEY.csv", out=tmp_path / "a",
                         pdf=False, bank=bank)
    bundled = grade_files(tmp_path / "r.csv", key=tmp_path / "KEY.csv", out=tmp_path / "b",
                          pdf=False)
    (mine,) = custom.batch.students[0].answers
    (theirs,) = bundled.batch.students[0].answers
    assert "matched: frobnicator;" in mine.feedback        # "zzqx device" is the frobnicator
    assert "matched: —;" in theirs.feedback


def test_practice_uses_the_glossary_of_its_bank(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(bank_dir(), root)
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    app = create_app(tmp_path / "p.sqlite3", load_bank(root))
    glossary = app.extensions["examgen.practice"].glossary
    assert glossary.token_for("zzqx device") == "t_frobnicator"
    assert glossary.token_for("forget gate") is None
