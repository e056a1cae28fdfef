"""The data in question_bank/glossary.yaml: well-formed, unambiguous and covering the course.

The glossary is read with pyyaml directly (not through examgen) so the data is checked on its own.
``glossary_problems`` lists every violation of the rules in the file's header; the tests below
run it on the bundled file and on small broken glossaries, so a check that stopped detecting
anything would fail too.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

GLOSSARY = Path(__file__).resolve().parents[3] / "question_bank" / "glossary.yaml"

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HANGUL_RE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
TERM_KEYS = {"id", "ko", "en", "abbr"}
# Korean words too common to be matched as substrings on their own
FORBIDDEN_ALONE = {"게이트", "상태", "셀", "값", "키", "헤드", "결합", "연결", "모델", "벡터", "정보",
                   "문제", "학습", "구조"}


SEPARATORS = re.compile(r"[\s\-_\u2010\u2011\u2013\u00b7]+")  # optional inside a spelling
# an abbreviation whose letters, once "_" is dropped, spell one of these would match the word
ENGLISH_WORDS = {"it", "is", "in", "on", "at", "as", "an", "to", "of", "or", "be", "by", "do", "go",
                 "he", "hi", "if", "me", "my", "no", "so", "up", "us", "we", "st", "ok"}


def squash(spelling: str) -> str:
    """The form two spellings are compared in: NFKC, case-folded, without separators."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", spelling).casefold())


def spellings(term: dict) -> list[tuple[str, str]]:
    return [(field, s) for field in ("ko", "en", "abbr") for s in (term.get(field) or [])]


def glossary_problems(doc: object) -> list[str]:
    """Every rule the glossary breaks, as readable messages (empty when it is fine)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("terms"), list):
        return ["the file must be a mapping with a list under 'terms'"]
    problems: list[str] = []
    ids: set[str] = set()
    owner: dict[str, str] = {}          # squashed spelling -> term id
    latin: dict[str, str] = {}          # squashed Latin spelling -> term id
    for k, term in enumerate(doc["terms"]):
        if not isinstance(term, dict):
            problems.append(f"term {k + 1} is not a mapping")
            continue
        tid = term.get("id")
        if not isinstance(tid, str) or not ID_RE.match(tid):
            problems.append(f"term {k + 1}: id {tid!r} is not lowercase kebab-case ASCII")
            tid = f"#{k + 1}"
        elif tid in ids:
            problems.append(f"id {tid} is used twice")
        ids.add(tid)
        extra = set(term) - TERM_KEYS
        if extra:
            problems.append(f"{tid}: unknown keys {sorted(extra)}")
        for field in ("ko", "en", "abbr"):
            value = term.get(field)
            if value is not None and not isinstance(value, list):
                problems.append(f"{tid}: {field} must be a list")
        if not (term.get("ko") or term.get("en") or term.get("abbr")):
            problems.append(f"{tid}: no spellings")
        for field, s in spellings(term):
            if not isinstance(s, str) or not s.strip():
                problems.append(f"{tid}: empty or non-text spelling in {field}")
                continue
            if s != s.strip() or "  " in s:
                problems.append(f"{tid}: spelling {s!r} has stray spaces")
            key = squash(s)
            if len(key) < 2:
                problems.append(f"{tid}: spelling {s!r} is a single character")
            if field == "ko" and not HANGUL_RE.search(s):
                problems.append(f"{tid}: Korean spelling {s!r} contains no Hangul")
            if field in ("en", "abbr") and HANGUL_RE.search(s):
                problems.append(f"{tid}: {field} spelling {s!r} contains Hangul")
            if field == "ko" and key in FORBIDDEN_ALONE:
                problems.append(f"{tid}: Korean spelling {s!r} is too common to match as a substring")
            if field != "ko" and key in ENGLISH_WORDS:
                problems.append(f"{tid}: spelling {s!r} would also match the English word {key!r}")
            if key in owner:
                where = "twice in the same term" if owner[key] == tid else f"also in {owner[key]}"
                problems.append(f"{tid}: spelling {s!r} is listed {where}")
            else:
                owner[key] = tid
            if field != "ko":
                latin.setdefault(key, tid)
    # a Latin spelling that is another term's spelling plus the plural -s/-es would match both
    for key, tid in latin.items():
        for suffix in ("s", "es"):
            if key.endswith(suffix) and key[: -len(suffix)] in latin:
                other = latin[key[: -len(suffix)]]
                if other != tid:
                    problems.append(f"{tid}: {key!r} is the plural of {other}'s spelling "
                                    f"{key[: -len(suffix)]!r}")
    return problems


def lookup(doc: dict) -> dict[str, str]:
    return {squash(s): t["id"] for t in doc["terms"] for _, s in spellings(t)}


@pytest.fixture(scope="module")
def doc() -> dict:
    with GLOSSARY.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_glossary_is_valid(doc: dict) -> None:
    assert glossary_problems(doc) == []


def test_glossary_size(doc: dict) -> None:
    assert len(doc["terms"]) >= 70
    assert sum(len(spellings(t)) for t in doc["terms"]) >= 400


@pytest.mark.parametrize(("term", "written"), [
    ("forget-gate", ["forget gate", "Forget Gate", "망각 게이트", "잊기 게이트", "망각게이트", "f_t"]),
    ("input-gate", ["input gate", "입력 게이트", "인풋 게이트"]),
    ("output-gate", ["output gate", "출력 게이트", "o_t"]),
    ("update-gate", ["update gate", "업데이트 게이트", "갱신 게이트", "z_t"]),
    ("reset-gate", ["reset gate", "리셋 게이트", "재설정 게이트", "초기화 게이트", "r_t"]),
    ("vanishing-gradient", ["vanishing gradient", "기울기 소실", "그라디언트 소실", "경사 소실"]),
    ("exploding-gradient", ["exploding gradient", "기울기 폭발"]),
    ("hidden-state", ["hidden state", "은닉 상태", "히든 스테이트", "h_t"]),
    ("cell-state", ["cell state", "셀 상태", "셀상태", "C_t"]),
    ("self-attention", ["self-attention", "self attention", "셀프 어텐션", "자기 어텐션"]),
    ("multi-head-attention", ["multi-head attention", "multihead attention", "멀티헤드 어텐션",
                              "다중 헤드 어텐션", "MHA"]),
    ("positional-encoding", ["positional encoding", "위치 인코딩", "포지셔널 인코딩", "PE"]),
    ("attention", ["attention", "어텐션", "주의 집중 메커니즘"]),
    ("encoder", ["encoder", "인코더", "부호화기"]),
    ("decoder", ["decoder", "디코더", "복호화기"]),
    ("query", ["query", "쿼리", "질의"]),
    ("value", ["밸류", "값 벡터", "value vector"]),
    ("key", ["키 벡터", "key vector"]),
    ("parameter", ["parameter", "파라미터", "매개변수"]),
    ("bptt", ["BPTT", "backpropagation through time"]),
    ("long-term-dependency", ["long-term dependency", "장기 의존성"]),
    ("parallelization", ["parallel processing", "병렬 처리"]),
    ("cls-token", ["[CLS]"]),
])
def test_course_spellings_share_one_term(doc: dict, term: str, written: list[str]) -> None:
    table = lookup(doc)
    assert term in {t["id"] for t in doc["terms"]}
    for w in written:
        # an exact spelling, or (for Korean) a listed spelling contained in it
        got = table.get(squash(w))
        if got is None and HANGUL_RE.search(w):
            hits = [k for k in table if k in squash(w)]
            got = table[max(hits, key=len)] if hits else None
        assert got == term, f"{w!r} maps to {got!r}, expected {term!r}"


def test_compound_terms_are_separate(doc: dict) -> None:
    table = lookup(doc)
    for compound, simple in [("self-attention", "attention"), ("multi-head attention", "attention"),
                             ("cross-attention", "attention"), ("vanishing gradient", "gradient"),
                             ("셀프 어텐션", "어텐션"), ("기울기 소실", "기울기")]:
        assert table[squash(compound)] != table[squash(simple)], compound


# ------------------------------------------------------------------ the check itself can fail

def _doc(*terms: dict) -> dict:
    return {"terms": list(terms)}


@pytest.mark.parametrize(("bad", "message"), [
    (_doc({"id": "Forget_Gate", "en": ["forget gate"]}), "kebab-case"),
    (_doc({"id": "a-b", "en": ["ab"]}, {"id": "a-b", "en": ["cd"]}), "used twice"),
    (_doc({"id": "a", "en": ["multi-head attention"]}, {"id": "b", "en": ["Multihead Attention"]}),
     "also in a"),
    (_doc({"id": "a", "ko": ["셀 상태", "셀상태"]}), "twice in the same term"),
    (_doc({"id": "a", "abbr": ["h"]}), "single character"),
    (_doc({"id": "a", "abbr": ["h_t", "i_t"]}), "English word 'it'"),
    (_doc({"id": "a", "abbr": ["d_k"]}, {"id": "b", "abbr": ["dk"]}), "also in a"),
    (_doc({"id": "a", "ko": ["게이트"]}), "too common"),
    (_doc({"id": "a", "ko": ["gate"]}), "no Hangul"),
    (_doc({"id": "a", "en": ["게이트"]}), "contains Hangul"),
    (_doc({"id": "a", "en": ["head"]}, {"id": "b", "en": ["heads"]}), "plural"),
    (_doc({"id": "a", "en": ["x y"], "de": ["z"]}), "unknown keys"),
    (_doc({"id": "a"}), "no spellings"),
    ({"words": []}, "list under 'terms'"),
])
def test_check_detects_broken_glossaries(bad: dict, message: str) -> None:
    problems = glossary_problems(bad)
    assert any(message in p for p in problems), problems
