"""The hostile corpus against the CLI (issue 18 item 8): every case ends in one clean error
line or a bounded, correct result; no traceback, no hang, nothing written outside its folder.
In-process (fast); a case that hangs fails the run through a watchdog instead of stalling CI.
``python -m tests.hostile.measure`` runs the same cases in subprocesses and prints the table."""

from __future__ import annotations

import csv
import faulthandler
import io
import sys
import time
from pathlib import Path

import pytest

from examgen.cli import main
from tests.hostile.corpus import MAX_SECONDS, Case, all_cases

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.surface.split()[0]}-{c.name}" for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    argv = case.build(tmp_path)
    before = set(tmp_path.rglob("*"))
    # a hang ends the run loudly instead of stalling it
    faulthandler.dump_traceback_later(MAX_SECONDS * 2, exit=True, file=sys.__stderr__)
    t0 = time.perf_counter()
    try:
        rc = main(argv)   # any exception here is the traceback the case must not produce
    finally:
        faulthandler.cancel_dump_traceback_later()
    seconds = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert seconds < MAX_SECONDS, f"{seconds:.1f} s"
    allowed = (tmp_path / "out", tmp_path / "output")
    outside = [p for p in tmp_path.rglob("*") if p not in before
               and not any(p == a or a in p.parents for a in allowed)]
    assert not outside, outside
    if case.expect == "error" and argv[:2] == ["bank", "check"]:
        assert rc == 1, (rc, err)   # bank check lists "file:line: problem" lines, then a count
        assert case.fragment in err and err.strip().endswith("problem(s)"), err
        assert len(err.strip().splitlines()) <= 4, err
    elif case.expect == "error":
        assert rc == 1, (rc, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), err
        assert case.fragment in err, err
    else:
        assert rc == 0, err
        if case.fragment:   # a bounded, correct result: the hostile answers are format errors
            details = (tmp_path / "out" / "details.csv").read_text(encoding="utf-8")
            rows = list(csv.DictReader(io.StringIO(details)))
            assert any(r["outcome"] == case.fragment for r in rows), rows
            assert all(len(r["feedback"]) < 500 for r in rows)


APP_ANSWERS = ["1e999999", "1e99999999+1", "2x1e999999", "exp(exp(exp(exp(10))))", "9^9^9",
               "(h+1)^64*(d_v+1)^64*(h+2)^64", "√" * 400 + "2", "((((" * 100, "\x00\x01",
               "=cmd|' /C calc'!A0", "{{7*7}}", "<script>alert(1)</script>", "9" * 1999,
               "9" * 2001, "ⅷ"]


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from examgen.bank import load_bank
    from tests.unit.practice.conftest import browser_app, login

    client = browser_app(tmp_path_factory.mktemp("app") / "p.db", load_bank()).test_client()
    login(client, "hostile")
    return client


@pytest.mark.parametrize("template_id", ["transformer-concat-dim-formula",
                                         "transformer-pe-single-value"])
@pytest.mark.parametrize("answer", APP_ANSWERS, ids=range(len(APP_ANSWERS)))
def test_practice_app_answers(app_client, template_id: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    r = app_client.post(f"/p/{template_id}/{len(answer)}", data={"ans-a": answer})
    assert r.status_code in (303, 413, 422), r.status_code   # never 500
    assert "<script>alert" not in r.text and time.perf_counter() - t0 < MAX_SECONDS
