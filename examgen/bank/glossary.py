"""The course glossary: every spelling of a term (Korean, English, abbreviation) mapped to one
canonical token before short answers are compared.

``question_bank/glossary.yaml`` lists terms as ``{id, ko: [...], en: [...], abbr: [...]}``.
Matching: NFKC and Latin case-folding first; spaces, hyphens and underscores inside a spelling are
optional; Korean spellings match anywhere (particles may follow), Latin ones at word boundaries
with an optional plural ``s``/``es``; where spellings overlap the longest wins. A term becomes the
token ``t_<id with underscores>`` so that "forget gate", "망각 게이트" and "f_t" read the same.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from examgen.errors import GlossaryError, did_you_mean
from examgen.resources import bank_dir
from examgen.safeyaml import safe_load

GLOSSARY_FILE = "glossary.yaml"
DEFAULT_GLOSSARY = bank_dir() / GLOSSARY_FILE

_SEP_CLASS = r"[\s\-_‐‑–·]"     # what may separate the words of a spelling
_SEPARATORS = re.compile(_SEP_CLASS + "+")
_LATIN_WORD = re.compile(r"^[a-z0-9\[\]().'/+ _-]+$")


@dataclass(frozen=True)
class Term:
    id: str
    spellings: tuple[str, ...]

    @property
    def token(self) -> str:
        return "t_" + self.id.replace("-", "_")


def fold(text: str) -> str:
    """NFKC, Latin case-folded, whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", " ", t).strip()


def _words(spelling: str) -> tuple[str, ...]:
    """A spelling's words, folded, split at separators."""
    return tuple(p for p in _SEPARATORS.split(fold(spelling)) if p)


_SEP_ATOM = ""        # a separator position inside a spelling (matches zero or more separators)
_END = "\0"          # marks a node where a spelling ends (True: a Latin one, with a plural tail)
_SEP_RX = _SEP_CLASS + "*"
_LATIN_TAIL = r"(?:e?s)?(?![a-z0-9])"


def _trie_regex(spellings: list[str]) -> str:
    """One regex for all spellings, shaped as a trie (shared prefixes matched once), so a text is
    scanned in time that hardly grows with the number of spellings. At every node the longer
    continuations come before stopping there, so the longest spelling wins."""
    root: dict[str, Any] = {}
    for s in spellings:
        pieces = _words(s)
        atoms: list[str] = []
        for k, piece in enumerate(pieces):
            if k:
                atoms.append(_SEP_ATOM)
            atoms += list(piece)
        node = root
        for a in atoms:
            node = node.setdefault(a, {})
        latin = bool(_LATIN_WORD.match(fold(s))) and pieces[-1][-1:].isalnum()
        node[_END] = bool(node.get(_END)) or latin

    def rx(node: dict[str, Any]) -> str:
        parts = [(_SEP_RX if a == _SEP_ATOM else re.escape(a)) + rx(child)
                 for a, child in sorted((k, v) for k, v in node.items() if k != _END)]
        if _END in node:
            parts.append(_LATIN_TAIL if node[_END] else "")
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    branches = []
    for a, child in sorted(root.items()):
        head = r"(?<![a-z0-9])" if re.fullmatch(r"[a-z0-9]", a) else ""
        branches.append(head + re.escape(a) + rx(child))
    return "|".join(branches)


class Glossary:
    """Canonicalises course terms in a text; immutable once built. ``contrasts``: groups of
    confusable terms, each a tuple of sides (tuples of term tokens)."""

    def __init__(self, terms: tuple[Term, ...],
                 contrasts: tuple[tuple[tuple[str, ...], ...], ...] = ()):
        self.terms = terms
        self.contrasts = contrasts
        self._token_of: dict[str, str] = {}
        self._cache: dict[str, str] = {}   # equal answers are common in a class
        self._containing: dict[str, tuple[str, ...]] = {}
        self._by_word: dict[str, list[tuple[str, tuple[str, ...]]]] | None = None
        spellings: list[str] = []
        for t in terms:
            for s in t.spellings:
                key = _SEPARATORS.sub("", fold(s))
                if key:
                    self._token_of[key] = t.token
                    spellings.append(s)
        self._regex = re.compile(_trie_regex(spellings)) if spellings else None

    def token_for(self, spelling: str) -> str | None:
        return self._token_of.get(_SEPARATORS.sub("", fold(spelling)))

    def canonical(self, text: str) -> str:
        """``text`` folded, with every glossary spelling replaced by its term's token."""
        hit = self._cache.get(text)
        if hit is None:
            hit = self._canonical(text)
            if len(self._cache) >= 100_000:
                self._cache.clear()
            self._cache[text] = hit
        return hit

    def _canonical(self, text: str) -> str:
        t = fold(text)
        if self._regex is None:
            return t
        token_of = self._token_of

        def sub(m: re.Match[str]) -> str:
            key = _SEPARATORS.sub("", m.group(0))
            tok = token_of.get(key)
            if tok is None:  # a plural ending: strip it and look again
                tok = token_of.get(key[:-1]) or token_of.get(key[:-2], "")
            return f" {tok} " if tok else m.group(0)

        return re.sub(r"\s+", " ", self._regex.sub(sub, t)).strip()

    def containing(self, spelling: str) -> tuple[str, ...]:
        """Tokens of the terms with a longer spelling that contains ``spelling`` (or, when it
        is a term, one of its spellings) word for word: the keyword ``key`` is also said by
        "query key value" and "key vector", which the glossary reads as one token each."""
        hit = self._containing.get(spelling)
        if hit is None:
            hit = self._containing[spelling] = self._find_containing(spelling)
        return hit

    def _find_containing(self, spelling: str) -> tuple[str, ...]:
        own = self.token_for(spelling)
        mine = ([t for t in self.terms if t.token == own][0].spellings if own is not None
                else (spelling,))
        needles = [w for w in map(_words, mine) if w]
        index = self._spellings_by_word()
        hits = set()
        for n in needles:
            for token, words in index.get(n[0], ()):
                if token != own and len(words) > len(n) and any(
                        words[i:i + len(n)] == n for i in range(len(words) - len(n) + 1)):
                    hits.add(token)
        return tuple(t.token for t in self.terms if t.token in hits)    # in the glossary's order

    def _spellings_by_word(self) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
        """Each word of a spelling -> the (token, folded words) of the spellings that have it,
        worked out once: a rubric asks :meth:`containing` of each of its keywords."""
        if self._by_word is None:
            self._by_word = {}
            for t in self.terms:
                for s in t.spellings:
                    words = _words(s)
                    for w in dict.fromkeys(words):
                        self._by_word.setdefault(w, []).append((t.token, words))
        return self._by_word

    def canonical_spelling(self, spelling: str) -> str:
        """A rubric spelling in canonical form (its term's token if it is a glossary term)."""
        tok = self.token_for(spelling)
        return tok if tok is not None else self.canonical(spelling)


EMPTY = Glossary(())


def parse_glossary(text: str, source: str) -> Glossary:
    doc = _glossary_document(text, source)
    terms: list[Term] = []
    owner: dict[str, str] = {}   # folded spelling -> the id of the term it belongs to
    problems: list[str] = []
    for k, raw in enumerate(doc["terms"], start=1):
        term = _term(raw, k, source, owner, problems)
        if term is not None:
            terms.append(term)
    contrasts = _contrasts(doc.get("contrasts", []), {t.id for t in terms}, source, problems)
    if problems:
        raise GlossaryError("\n".join(problems))
    return Glossary(tuple(terms), contrasts)


def _glossary_document(text: str, source: str) -> dict[str, Any]:
    """The YAML mapping of a glossary: a 'terms' list and optional 'contrasts'."""
    try:
        doc = safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise GlossaryError(f"{where}: not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("terms"), list):
        raise GlossaryError(f"{source}: expected a mapping with a 'terms' list")
    unknown_top = set(doc) - {"terms", "contrasts"}
    if unknown_top:
        raise GlossaryError(f"{source}: unknown key(s) {sorted(unknown_top)}; expected terms, "
                            "contrasts")
    return doc


def _term(raw: Any, k: int, source: str, owner: dict[str, str], problems: list[str]
          ) -> Term | None:
    """Term ``k`` (from 1) with its spellings; problems appended to ``problems``, each
    spelling claimed in ``owner``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.append(f"{source}: term {k}: expected a mapping with an 'id'")
        return None
    unknown = set(raw) - {"id", "ko", "en", "abbr"}
    if unknown:
        problems.append(f"{source}: term {raw['id']!r}: unknown key(s) {sorted(unknown)}; "
                        "expected id, ko, en, abbr")
    spellings: list[str] = []
    for lang in ("ko", "en", "abbr"):
        vals = raw.get(lang, [])
        if not isinstance(vals, list) or not all(isinstance(v, str) for v in vals):
            problems.append(f"{source}: term {raw['id']!r}: {lang} must be a list of text")
            continue
        spellings += vals
    for s in spellings:
        key = _SEPARATORS.sub("", fold(s))
        if len(key) < 2:
            problems.append(f"{source}: term {raw['id']!r}: spelling {s!r} is too short")
        elif owner.setdefault(key, raw["id"]) != raw["id"]:
            problems.append(f"{source}: term {raw['id']!r}: spelling {s!r} already belongs "
                            f"to {owner[key]!r}")
    return Term(raw["id"], tuple(spellings))


def _contrasts(raw: Any, ids: set[str], source: str, problems: list[str]
               ) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """``contrasts``: a list of groups, each a list of at least two sides (lists of term ids)."""
    shape = "a list of groups such as [[forget-gate, input-gate], [reset-gate, update-gate]]"
    if not isinstance(raw, list):
        problems.append(f"{source}: contrasts must be {shape}")
        return ()
    out = []
    for k, group in enumerate(raw, start=1):
        if (not isinstance(group, list) or len(group) < 2
                or not all(isinstance(side, list) and side and all(isinstance(i, str) for i in side)
                           for side in group)):
            problems.append(f"{source}: contrast group {k}: expected at least two sides, "
                            f"each a list of term ids; got {group!r}")
            continue
        for side in group:
            for i in side:
                if i not in ids:
                    problems.append(f"{source}: contrast group {k}: no term {i!r}"
                                    + did_you_mean(i, sorted(ids)))
        out.append(tuple(tuple("t_" + i.replace("-", "_") for i in side) for side in group))
    return tuple(out)


@lru_cache(maxsize=8)
def load_glossary(path: Path | str | None = None) -> Glossary:
    """The glossary at ``path`` (default: the bundled one; an absent default is empty)."""
    p = Path(path) if path is not None else DEFAULT_GLOSSARY
    if path is None and not p.exists():
        return EMPTY
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GlossaryError(f"cannot read glossary {p}: {e}") from None
    return parse_glossary(text, str(p))


def bank_glossary(root: Path | str | None = None) -> Glossary:
    """The glossary of the bank in the folder ``root``: its ``glossary.yaml``, or no terms when
    it has none; the bundled bank's when ``root`` is None. Grading and practice read short
    answers through the glossary of the bank their questions come from."""
    path = (Path(root) if root is not None else bank_dir()) / GLOSSARY_FILE
    return load_glossary(path) if path.exists() else EMPTY
