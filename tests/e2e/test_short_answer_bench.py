"""The short-answer accuracy benchmark keeps its figures: awarded points, every fitted setting
chosen with the question left out, on the visible English and Korean data. Needs
../shared/data/asag/mohler_dev.csv."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("bench_short_answer", REPO / "bench" / "short_answer.py")
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench      # dataclasses look their module up there
spec.loader.exec_module(bench)


@pytest.mark.skipif(not bench.DEFAULT_DATA.exists(), reason=f"{bench.DEFAULT_DATA} not found")
def test_leave_one_question_out_figures() -> None:
    en, ko = bench.load_mohler(bench.DEFAULT_DATA), bench.load_korean()
    assert 0.45 < bench.baseline(en) < 0.50     # the data set's documented char-TF-IDF figure
    t = bench.run(en + ko)
    # measured 0.608 / 0.768 / 0.895 when written; a little room for library versions
    assert t["en"].r() >= 0.58 and t["ko"].r() >= 0.72 and t["ko_keys"].r() >= 0.85
    assert t["en"].r() > bench.baseline(en) + 0.1 and t["ko"].r() > bench.baseline(ko) + 0.15
    assert all(t[k].zero_unflagged() == 0 for k in ("en", "ko", "ko_keys"))
