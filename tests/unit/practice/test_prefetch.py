"""Typesetting ahead: which formulas a problem's pages need, and the worker that preloads them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from examgen.bank import Bank
from examgen.model import Variant
from examgen.practice import drill
from examgen.practice.prefetch import Prefetcher, page_formulas
from examgen.render import mathsvg
from examgen.render.richtext import formulas
from examgen.variants import variant_for_seed
from tests.unit.practice.answers import right_answer, wrong_answer
from tests.unit.practice.conftest import browser_app, login

PE = "transformer-pe-single-value"
WRONG_ANSWERS = "attention-context-vector-def"   # a known wrong answer with math


def test_page_formulas_cover_prompt_solution_answer_and_misconceptions(bank: Bank) -> None:
    v = variant_for_seed(bank.get(PE), 5)
    got = page_formulas(v, "ko")
    assert len(got) == len(set(got))
    assert set(formulas(v.prompt.ko)) | set(formulas(v.solution.ko)) <= set(got)  # type: ignore[union-attr]
    assert v.parts[0].display in got
    assert {m.display for m in v.parts[0].misconceptions} <= set(got)


def test_the_worker_preloads_the_formulas_of_a_problem(bank: Bank) -> None:
    seed = 987_654_321
    wanted = page_formulas(variant_for_seed(bank.get(PE), seed), "en")
    p = Prefetcher(bank.root)
    try:
        p.warm(PE, seed, "en")
        p.warm("no-such-question", 1, "en")          # a bad guess is dropped quietly
        assert p.wait(120)
    finally:
        p.shutdown()
    for tex in wanted:
        assert mathsvg._preloaded[(tex, False)] == mathsvg._typeset(tex, False)


def _answers(v: Variant, kind: int) -> dict[str, str]:
    """Answers to every part of ``v``: wrong (a short answer as its known wrong answer, so the
    feedback quotes it), right, or (kind 2) unreadable where the part reads numbers or letters."""
    out = {}
    for col, p in zip(drill.columns(v), v.parts, strict=True):
        if p.references:
            out[col] = p.wrong_answers[0].text if kind == 0 and p.wrong_answers else \
                right_answer(p) if kind == 1 else "잘 모르겠습니다"
        elif kind == 2:
            out[col] = "Z" if p.options else "0.3.11"
        else:
            out[col] = wrong_answer(p) if kind == 0 else right_answer(p)
    return out


@pytest.fixture()
def cold(tmp_path: Path, bank: Bank, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[tuple[Flask, list[str]]]:
    """An app with the prefetcher on, empty formula caches (no background typesetting of every
    template: only what the app asks for), and the list of formulas typeset in this process."""
    monkeypatch.setattr(mathsvg, "_preloaded", {})
    mathsvg._typeset.cache_clear()
    typeset: list[str] = []
    real = mathsvg._typeset

    def counting(tex: str, display: bool) -> mathsvg.MathImage:
        typeset.append(tex)
        return real(tex, display)

    monkeypatch.setattr(mathsvg, "_typeset", counting)
    app = browser_app(tmp_path / "practice.sqlite3", bank, prefetch=True)
    prefetcher = app.extensions["examgen.practice"].prefetcher
    prefetcher._idle.clear()
    try:
        yield app, typeset
    finally:
        prefetcher.shutdown()


@pytest.mark.parametrize("mode", drill.MODES)
def test_a_prefetched_next_problem_and_its_result_typeset_nothing(
        cold: tuple[Flask, list[str]], mode: str) -> None:
    """Once the worker is done, the problem "next" draws and its result page come from the
    formula cache, in both modes and whatever the student did before: answered wrong (weak
    spots change), answered right, or left an unreadable answer and moved on."""
    app, typeset = cold
    pr = app.extensions["examgen.practice"]
    client = app.test_client()
    login(client, "prefetch", topic=["attention", "bptt-gradients"], difficulty="mixed",
          mode=mode)
    drawn = set()
    for i in range(9):
        assert pr.prefetcher.wait(180)
        location = client.get(f"/next?mode={mode}").headers["Location"]
        _, _, tid, seed = location.split("/")
        drawn.add(tid)
        typeset.clear()
        assert client.get(location).status_code == 200
        assert typeset == [], (i, location)             # the guess was this draw
        assert pr.prefetcher.wait(180)
        r = client.post(location, data=_answers(pr.variant(tid, int(seed)), i % 3))
        if r.status_code == 303:
            assert client.get(r.headers["Location"]).status_code == 200
        else:
            assert r.status_code == 422
        assert typeset == [], (i, location)             # the result page was prefetched
    assert len(drawn) > 3


def test_the_result_of_a_known_wrong_short_answer_is_prefetched(
        cold: tuple[Flask, list[str]], bank: Bank) -> None:
    """The key lists the known wrong answers and the feedback quotes the nearest one, math and
    all ("$h_T$"): typeset ahead with the problem."""
    app, typeset = cold
    pr = app.extensions["examgen.practice"]
    client = app.test_client()
    login(client, "prefetch")
    v = variant_for_seed(bank.get(WRONG_ANSWERS), 3)
    wrong = v.parts[0].wrong_answers[0].text
    assert formulas(wrong)
    assert client.get(f"/p/{WRONG_ANSWERS}/3").status_code == 200
    assert pr.prefetcher.wait(180)
    typeset.clear()
    r = client.post(f"/p/{WRONG_ANSWERS}/3", data={"ans-a": wrong})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "알려진 오답과 비슷합니다" in page
    assert typeset == []
