"""Confusable concepts: the glossary's contrast groups turned into wrong-concept cues. Pure.

A contrast group has sides of terms a student may mix up (the LSTM's forget/input/output gates
and the GRU's reset/update gates; d_model and d_k/d_v; sine and cosine; ...). When the model
answers name terms of some sides only, an answer that names (not in a negation) a term of
another side and none of the model answers' sides uses the counterpart in place of the concept:
a wrong-concept cue, with or without a rubric. An answer that names both sides (a comparison)
is not cued.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from examgen.bank import Glossary
from examgen.grading.rubric import mentions, negated_mention


def _said(tokens: Sequence[str], text: str) -> set[str]:
    return {t for t in tokens if mentions(text, t)}


class ContrastCheck:
    """The contrast cues of one question, from its canonical model answers."""

    def __init__(self, glossary: Glossary, references: Sequence[str]):
        self.glossary = glossary
        joined = "\n".join(references)
        named = set(re.findall(r"(?<![a-z0-9_])t_[a-z0-9_]+", joined))
        # and the longer terms that contain them ("쿼리·키·값" says the reference's "쿼리")
        first = {t.token: t.spellings[0] for t in glossary.terms if t.spellings}
        self._terms = sorted(named.union(*(glossary.containing(first[t]) for t in named
                                           if t in first)))
        self._groups: list[tuple[tuple[tuple[str, ...], ...], set[int], str]] = []
        for group in glossary.contrasts:
            sides = {k for k, side in enumerate(group) if _said(side, joined)}
            if sides and len(sides) < len(group):
                said = sorted(t for k in sides for t in _said(group[k], joined))
                self._groups.append((group, sides, said[0]))

    def denied(self, canonical: str) -> tuple[str, ...]:
        """Terms of the model answers that ``canonical`` names in a negation ("쿼리·키·값이
        아니라 ...")."""
        return tuple(_id(t) for t in self._terms if negated_mention(canonical, t))

    def cues(self, canonical: str) -> tuple[str, ...]:
        """``"<term> for <term>"`` for each counterpart named in place of the model answers'
        term (term ids, e.g. ``update-gate for forget-gate``)."""
        out = []
        for group, ref_sides, ref in self._groups:
            if any(_said(group[k], canonical) for k in ref_sides):
                continue
            for k, side in enumerate(group):
                if k in ref_sides:
                    continue
                for t in sorted(_said(side, canonical)):
                    out.append(f"{_id(t)} for {_id(ref)}")
        return tuple(out)


def _id(token: str) -> str:
    return re.sub(r"^t_", "", token).replace("_", "-")
