"""The glossary: spellings -> one token; matching rules; clear errors for a bad file."""

from __future__ import annotations

import pytest

from examgen.bank.glossary import load_glossary, parse_glossary
from examgen.errors import GlossaryError

SMALL = """
terms:
  - id: forget-gate
    ko: [망각 게이트, 잊기 게이트]
    en: [forget gate]
    abbr: [f_t]
  - id: attention
    ko: [어텐션]
    en: [attention]
  - id: self-attention
    ko: [셀프 어텐션]
    en: [self-attention]
"""


def test_every_spelling_becomes_the_same_token() -> None:
    g = parse_glossary(SMALL, "small.yaml")
    texts = ["망각 게이트", "망각게이트는", "잊기 게이트", "forget gate", "Forget-Gates", "f_t"]
    assert {g.canonical(t).split()[0] for t in texts} == {"t_forget_gate"}


def test_longest_spelling_wins_and_latin_needs_word_boundaries() -> None:
    g = parse_glossary(SMALL, "small.yaml")
    assert g.canonical("self-attention differs from attention") == \
        "t_self_attention differs from t_attention"
    assert g.canonical("셀프어텐션은 어텐션의 일종") == "t_self_attention 은 t_attention 의 일종"
    assert "t_attention" not in g.canonical("attentional blink")   # not a word boundary


@pytest.mark.parametrize(("text", "message"), [
    ("terms:\n  - id: a\n    en: [gate]\n  - id: b\n    en: [Gate]\n", "already belongs to 'a'"),
    ("terms:\n  - id: a\n    en: [x]\n", "too short"),
    ("terms:\n  - id: a\n    fr: [porte]\n", "unknown key"),
    ("terms: [\n", "not valid YAML"),
    ("- just a list\n", "'terms' list"),
])
def test_bad_glossary_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_glossary(text, "bad.yaml")


def test_bundled_glossary_covers_the_issue_examples() -> None:
    g = load_glossary()
    assert g.token_for("망각 게이트") == g.token_for("잊기 게이트") == g.token_for("forget gate")
    vanishing = {g.token_for(s) for s in ("기울기 소실", "그라디언트 소실", "vanishing gradient")}
    assert len(vanishing) == 1 and None not in vanishing
    assert g.token_for("어텐션") == g.token_for("attention") is not None
    assert g.token_for("셀 상태") == g.token_for("cell state") is not None
