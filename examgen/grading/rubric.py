"""Rubric concepts in a short answer, through the glossary and aware of negation. Pure.

A concept is *hit* when one of its spellings occurs in the answer and is not negated there
("A가 아니라 B", "not A", "A is not ..."); an ``order`` concept is hit when its stages occur in
that order and *reversed* when they occur in the opposite order. Wrong concepts are hits of
cues that signal a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from examgen.bank.glossary import Glossary
from examgen.model import RubricConcept, WrongConcept

# (matched at the end of the term: re.match(text, pos) anchors there)
# a Korean negation shortly after the term, in the same clause: "A가 아니라", "A 때문이 아니고",
# "A를 쓰지 않는다", "A로는 못 한다". Not 없-: "순환 연결을 없앴다" (removed) states a fact about A
# rather than denying that A is the answer.
_KO_AFTER = re.compile(r"[^.,;!?\n]{0,12}?(?:아니|아닌|않|못\s)")
# an English negation just before the term ("not the A", "rather than A", "without A")
_EN_BEFORE = re.compile(r"(?:\bnot|\bno|\bnever|\bwithout|\brather than|\binstead of|n't)"
                        r"(?:\s+[\w'-]+){0,2}\s*$")
_EN_AFTER = re.compile(r"\s*(?:(?:is|are|was|were|does|do)\s+not\b|isn't|aren't|doesn't)")
_NEGATION_WORDS = re.compile(r"아니|않|없|못|\bnot?\b|\bnever\b|\bwithout\b|n't")
_SEP = re.compile(r"[\s\-_·]+")


@dataclass(frozen=True)
class _Spelling:
    pattern: re.Pattern[str]
    negative: bool          # the spelling itself says "no ..." (e.g. "셀 상태가 없"): never negated


def _spelling(glossary: Glossary, text: str) -> _Spelling | None:
    canon = glossary.canonical_spelling(text)
    pieces = [p for p in _SEP.split(canon) if p]
    if not pieces:
        return None
    body = r"[\s\-_·]*".join(re.escape(p) for p in pieces)
    if re.fullmatch(r"[a-z0-9_]+", pieces[0][:1] + pieces[-1][-1:]):
        body = r"(?<![a-z0-9_])" + body + r"(?:e?s)?(?![a-z0-9_])"
    return _Spelling(re.compile(body), bool(_NEGATION_WORDS.search(canon)))


def _negated(text: str, start: int, end: int) -> bool:
    return bool(_KO_AFTER.match(text, end) or _EN_AFTER.match(text, end)
                or _EN_BEFORE.search(text[max(0, start - 40):start]))


def _first_hit(text: str, spellings: Sequence[_Spelling]) -> int | None:
    """Position of the first affirmed occurrence of any spelling; -1 when the only occurrences
    are negated, None when there is none."""
    best: int | None = None
    negated = False
    for s in spellings:
        for m in s.pattern.finditer(text):
            if not s.negative and _negated(text, m.start(), m.end()):
                negated = True
                continue
            best = m.start() if best is None else min(best, m.start())
            break
    if best is None:
        return -1 if negated else None
    return best


@dataclass(frozen=True)
class RubricHits:
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    negated: tuple[str, ...]        # concepts mentioned only in a negation
    wrong: tuple[str, ...]          # wrong-concept cues present (incl. "<concept> (reversed)")
    coverage: float                 # weight of the matched concepts, 0..1


class RubricMatcher:
    """Compiled rubric of one question."""

    def __init__(self, rubric: Sequence[RubricConcept], wrong_concepts: Sequence[WrongConcept],
                 glossary: Glossary):
        self.glossary = glossary
        self.rubric = tuple(rubric)
        self.wrong_concepts = tuple(wrong_concepts)

        def compile_all(words: Sequence[str]) -> tuple[_Spelling, ...]:
            return tuple(s for s in (_spelling(glossary, w) for w in words) if s is not None)

        self._concepts = [(c, compile_all(c.synonyms), [compile_all([st]) for st in c.order])
                          for c in self.rubric]
        self._cues = [(w, compile_all(w.synonyms)) for w in self.wrong_concepts]
        total = sum(c.weight for c in self.rubric)
        self._total = total if total > 0 else 1.0
        weights = sorted((c.weight for c in self.rubric), reverse=True)
        # the concept that outweighs every other one (None when two share the top weight)
        self.key_concept = next((c.concept for c in self.rubric if c.weight == weights[0]), None) \
            if weights and (len(weights) == 1 or weights[0] > weights[1]) else None

    def hits(self, answer: str, canonical: str | None = None) -> RubricHits:
        text = canonical if canonical is not None else self.glossary.canonical(answer)
        matched, negated, wrong = [], [], []
        for c, spellings, stages in self._concepts:
            if stages:
                found = [_first_hit(text, s) for s in stages]
                pos = [f for f in found if f is not None and f >= 0]
                if len(pos) == len(stages):
                    if pos == sorted(pos):
                        matched.append(c.concept)
                    elif pos == sorted(pos, reverse=True):
                        wrong.append(f"{c.concept} (reversed)")
                continue
            hit = _first_hit(text, spellings)
            if hit is not None and hit >= 0:
                matched.append(c.concept)
            elif hit is not None:
                negated.append(c.concept)
        for w, spellings in self._cues:
            hit = _first_hit(text, spellings)
            if hit is not None and hit >= 0:
                wrong.append(w.concept)
        coverage = sum(c.weight for c in self.rubric if c.concept in matched) / self._total
        missing = tuple(c.concept for c in self.rubric if c.concept not in matched)
        return RubricHits(tuple(matched), missing, tuple(negated), tuple(wrong), coverage)
