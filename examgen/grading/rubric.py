"""Rubric concepts in a short answer, through the glossary and aware of negation. Pure.

A concept is *hit* when one of its spellings occurs in the answer and is not negated there
("A가 아니라 B", "not A", "A is not ...", "A를 할 수는 없다"); an ``order`` concept is hit when
its stages occur in that order and *reversed* when they occur in the opposite order; an
``absent`` concept ("no recurrence") is hit where the answer says its thing is missing or
removed ("순환 구조가 없어서", "재귀를 없앴고", "without recurrence", "got rid of the recurrent
connection"), and not by a bare mention ("RNN은 순차적이다") or a denied removal ("순환을
없애서가 아니라"). Wrong concepts are hits of cues that signal a wrong answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from examgen.bank import Glossary
from examgen.grading.morph import stem_view
from examgen.model import RubricConcept, WrongConcept

# (matched at the end of the term: re.match(text, pos) anchors there)
# a Korean negation shortly after the term, in the same clause: "A가 아니라", "A 때문이 아니고",
# "A를 쓰지 않는다", "A로는 못 한다". Not 없-: "순환 연결을 없앴다" (removed) states a fact about A
# rather than denying that A is the answer.
_KO_AFTER = re.compile(r"[^.,;!?\n]{0,12}?(?:아니|아닌|않|못\s)"
                       r"|[^.,;!?\n]{0,16}?[가-힣a-z0-9_]\s+수\s*[는도]?\s*없")  # "…할 수는 없다"
# an English negation just before the term ("not the A", "rather than A", "without A")
_EN_BEFORE = re.compile(r"(?:\bnot|\bno|\bnever|\bwithout|\brather than|\binstead of|n't)"
                        r"(?:\s+[\w'-]+){0,2}\s*$")
_EN_AFTER = re.compile(r"\s*(?:(?:is|are|was|were|does|do)\s+not\b|isn't|aren't|doesn't)")
_NEGATION_WORDS = re.compile(r"아니|않|없|못|\bnot?\b|\bnever\b|\bwithout\b|n't")
# where an ``absent`` concept's thing is said to be missing or removed: Korean after the term in
# its clause ("…가 없고", "…를 없앴다", "…에 의존하지 않고"), English before ("no", "without",
# "removes the", "got rid of the") or after ("… is removed")
_KO_GONE = re.compile(r"[^.,;!?\n]{0,14}?(?:없|않|제거|사라|버리|버렸|뺐|빼)")
_KO_DENIED = re.compile(r"[^.,;!?\n]{0,6}?(?:아니|아닌)")   # "없애서가 아니라": not the reason
_EN_GONE_BEFORE = re.compile(r"(?:\bno|\bnot|\bnothing|\bnever|\bwithout|\bremov\w*|"
                             r"\beliminat\w*|\bgot rid of|\bgets? rid of|\bdrop\w*|\bfree of|"
                             r"\binstead of|n't)(?:\s+[\w'-]+){0,3}\s*$")
_EN_GONE_AFTER = re.compile(r"\s*(?:is|are|was|were|has been|have been|gets|got)\s+"
                            r"(?:removed|eliminated|gone|dropped|absent|not\b)|-free\b|\s*free\b")
_MATH = re.compile(r"[+×*/=^<>√·]")
_SEP = re.compile(r"[\s\-_·]+")


@dataclass(frozen=True)
class _Spelling:
    pattern: re.Pattern[str]
    negative: bool          # the spelling itself says "no ..." (e.g. "셀 상태가 없"): never negated


def _spelling(glossary: Glossary, text: str) -> _Spelling | None:
    """The surface pattern of a keyword (through the glossary)."""
    canon = glossary.canonical_spelling(text)
    pieces = [p for p in _SEP.split(canon) if p]
    if not pieces:
        return None
    body = r"[\s\-_·]*".join(re.escape(p) for p in pieces)
    if re.fullmatch(r"[a-z0-9_]+", pieces[0][:1] + pieces[-1][-1:]):
        body = r"(?<![a-z0-9_])" + body + r"(?:e?s)?(?![a-z0-9_])"
    # a longer term that contains the keyword says it too ("query key value" says "key")
    extra = [r"(?<![a-z0-9_])" + re.escape(t) + r"(?![a-z0-9_])"
             for t in glossary.containing(text)]
    if extra:
        body = "(?:" + "|".join([body, *extra]) + ")"
    return _Spelling(re.compile(body), bool(_NEGATION_WORDS.search(canon)))


def _stem_spelling(glossary: Glossary, text: str) -> _Spelling | None:
    """The pattern of a keyword's stems, matched against an answer's :func:`stem_view`:
    "순환 구조가 없" finds "순환이 없다", ``saturat``/``saturates`` find "saturated". Korean
    stems match the start of a word ("붙" in "붙이"); Latin ones whole words."""
    if _MATH.search(text):      # "h + d_v" is matched as written
        return None
    canon = stem_view(glossary.canonical_spelling(text))
    pieces = canon.split()
    if not pieces:
        return None
    rx = []
    for p in pieces:
        tail = r"\w*" if re.match(r"[가-힣]", p) else r"(?![\w])"
        rx.append(r"(?<![\w])" + re.escape(p) + tail)
    return _Spelling(re.compile(r"\s+".join(rx)), bool(_NEGATION_WORDS.search(canon)))


def _negated(text: str, start: int, end: int) -> bool:
    return bool(_KO_AFTER.match(text, end) or _EN_AFTER.match(text, end)
                or _EN_BEFORE.search(text[max(0, start - 40):start]))


def _said_gone(text: str, start: int, end: int) -> bool:
    """Whether the term at ``start:end`` is said to be missing or removed (and that is not
    itself denied)."""
    ko = _KO_GONE.match(text, end)
    if ko is not None:
        return not _KO_DENIED.match(text, ko.end())
    return bool(_EN_GONE_AFTER.match(text, end)
                or _EN_GONE_BEFORE.search(text[max(0, start - 40):start]))


@dataclass(frozen=True)
class _Views:
    surface: tuple[_Spelling, ...]     # on the canonical text
    stems: tuple[_Spelling, ...]       # on its stem view


@dataclass(frozen=True)
class _Text:
    surface: str
    stems: str


def _first_hit(text: _Text, views: _Views, absent: bool = False) -> int | None:
    """:func:`_first_hit_in` the canonical text, else in its stem view (positions there are
    not comparable with surface ones: ``order`` stages use :func:`_stage_positions`)."""
    hit = _first_hit_in(text.surface, views.surface, absent)
    if hit is not None and hit >= 0:
        return hit
    stem = _first_hit_in(text.stems, views.stems, absent)
    return stem if stem is not None and stem >= 0 else (hit if hit is not None else stem)


def _stage_positions(text: _Text, stages: Sequence[_Views]) -> list[int] | None:
    """First positions of every stage, all in one view (surface first), or None."""
    for body, pick in ((text.surface, lambda v: v.surface), (text.stems, lambda v: v.stems)):
        found = [_first_hit_in(body, pick(s)) for s in stages]
        pos = [f for f in found if f is not None and f >= 0]
        if len(pos) == len(stages):
            return pos
    return None


def _first_hit_in(text: str, spellings: Sequence[_Spelling], absent: bool = False) -> int | None:
    """Position of the first affirmed occurrence of any spelling (for an ``absent`` concept:
    of a spelling that says "no ...", or of one said to be missing or removed); -1 when the
    only occurrences are negated (or bare mentions), None when there is none."""
    best: int | None = None
    negated = False
    for s in spellings:
        for m in s.pattern.finditer(text):
            if absent:   # "no ..." itself, or said to be gone; either way not denied after
                affirmed = not _KO_DENIED.match(text, m.end()) if s.negative \
                    else _said_gone(text, m.start(), m.end())
            else:
                affirmed = s.negative or not _negated(text, m.start(), m.end())
            if not affirmed:
                negated = True
                continue
            best = m.start() if best is None else min(best, m.start())
            break
    if best is None:
        return -1 if negated else None
    return best


def mentions(canonical: str, token: str) -> bool:
    """Whether a canonical text names a glossary token, not only in a negation."""
    pattern = re.compile(r"(?<![a-z0-9_])" + re.escape(token) + r"(?![a-z0-9_])")
    hit = _first_hit_in(canonical, (_Spelling(pattern, False),))
    return hit is not None and hit >= 0


def negated_mention(canonical: str, token: str) -> bool:
    """Whether a canonical text names a glossary token inside a negation."""
    pattern = re.compile(r"(?<![a-z0-9_])" + re.escape(token) + r"(?![a-z0-9_])")
    return any(_negated(canonical, m.start(), m.end()) for m in pattern.finditer(canonical))


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

        def compile_all(words: Sequence[str]) -> _Views:
            return _Views(
                tuple(s for s in (_spelling(glossary, w) for w in words) if s is not None),
                tuple(s for s in (_stem_spelling(glossary, w) for w in words) if s is not None))

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
        plain = canonical if canonical is not None else self.glossary.canonical(answer)
        text = _Text(plain, stem_view(plain))
        matched, negated, wrong = [], [], []
        for c, spellings, stages in self._concepts:
            if stages:
                pos = _stage_positions(text, stages)
                if pos is not None:
                    if pos == sorted(pos):
                        matched.append(c.concept)
                    elif pos == sorted(pos, reverse=True):
                        wrong.append(f"{c.concept} (reversed)")
                continue
            hit = _first_hit(text, spellings, c.absent)
            if hit is not None and hit >= 0:
                matched.append(c.concept)
            elif hit is not None and not c.absent:
                negated.append(c.concept)
        for w, spellings in self._cues:
            hit = _first_hit(text, spellings)
            if hit is not None and hit >= 0:
                wrong.append(w.concept)
        coverage = sum(c.weight for c in self.rubric if c.concept in matched) / self._total
        missing = tuple(c.concept for c in self.rubric if c.concept not in matched)
        return RubricHits(tuple(matched), missing, tuple(negated), tuple(wrong), coverage)
