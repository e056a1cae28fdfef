"""What an answer key prints of a rubric concept (the bank's full spelling list is for matching
typed answers, not for reading)."""

from __future__ import annotations

from examgen.render.html import environment


def test_a_few_spellings_per_script_then_an_ellipsis() -> None:
    spellings = environment().filters["spellings"]
    synonyms = ["셀프 어텐션", "자기 어텐션", "자기 주의", "셀프어텐션", "self-attention",
                "h \\times d_v", "self attention", "matrix", "all pairs"]
    assert spellings(synonyms) == ["셀프 어텐션", "자기 어텐션", "자기 주의", "self-attention",
                                   "self attention", "matrix", "…"]
    assert spellings(["망각 게이트", "forget gate"]) == ["망각 게이트", "forget gate"]
    assert spellings(["h \\times d_v", "h·d_v"]) == ["h·d_v"]     # LaTeX source left out
