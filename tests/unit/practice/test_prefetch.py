"""Typesetting ahead: which formulas a problem's pages need, and the worker that preloads them."""

from __future__ import annotations

from examgen.bank.loader import Bank
from examgen.practice.prefetch import Prefetcher, page_formulas
from examgen.render import mathsvg
from examgen.render.richtext import formulas
from examgen.variants import variant_for_seed

PE = "transformer-pe-single-value"


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
