"""Stems of Korean and English words, for keyword matching and similarity features.

Korean goes through Kiwi (``kiwipiepy``, its model ships as the ``kiwipiepy_model`` package):
particles, endings and derivational suffixes are dropped and verbs become their stems, so
"순환 구조가 없" and "순환이 없다" both read ``순환 없``. English words lose inflections
(``saturates``, ``saturated``, ``saturation`` -> ``saturat``) by a small suffix stripper.

:func:`stem_view` turns a canonical text (glossary tokens ``t_...`` kept whole) into that
stem form, with clause punctuation kept so negation windows still work, and caches it.

Kiwi takes seconds to load (measured by ``bench/short_answer.py``): it is loaded once per
process, on first use or ahead of time by :func:`warm` (the practice app calls it at start-up
in a background thread, so no request waits for it). Without kiwipiepy installed Korean
falls back to stripping a trailing particle.
"""

from __future__ import annotations

import re
import threading
import time
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_KIWI: list[Any] = []          # the loaded analyser (a list: set once, read without the lock)
LOAD_SECONDS: list[float] = []  # how long loading took in this process

# dropped Korean morphemes: particles (J), endings (E), suffixes (XS), copula (VCP),
# interjections, most symbols; SF/SP become clause punctuation
_DROP = re.compile(r"^(?:J|E|XS|VCP|IC|SW|SS|SO|SE|UN|W_)")
# heads so generic that a keyword may leave them out ("순환 구조가 없" = "순환이 없다")
LIGHT_NOUNS = frozenset(["구조", "방식", "과정", "부분", "현상", "기능", "작업", "형태"])
KEPT_PARTICLES = frozenset({"만", "뿐"})   # "셀 상태만": "only" changes the claim
_TOKEN = re.compile(r"t_[a-z0-9_]+")
_PLACEHOLDER = re.compile(r"QQ([a-z]+)")   # a glossary token hidden from Kiwi (read as Latin)
_LATIN = re.compile(r"[a-z][a-z0-9]*")
_KO_TAIL_TEXT = ("은 는 이 가 을 를 의 에 에서 에게 으로 로 와 과 도 만 이다 입니다 다 하는 하고 하여 "
                 "해서 한다 된다 되는 되어 하며 이며 이고 으며 라는 이라는 라고 이라고 보다 까지 부터 처럼")
# without Kiwi: a trailing particle or ending is cut, longest first
_KO_TAIL = tuple(sorted(_KO_TAIL_TEXT.split(" "), key=len, reverse=True))
_EN_SUFFIXES = ("ings", "ing", "ions", "ion", "edly", "ied", "ies", "ed",
                "es", "s")


def kiwi() -> Any | None:
    """The process's Kiwi analyser (loaded on first call), or None without kiwipiepy."""
    if _KIWI:
        return _KIWI[0]
    with _LOCK:
        if not _KIWI:
            t0 = time.perf_counter()
            try:
                from kiwipiepy import Kiwi
            except ImportError:
                _KIWI.append(None)
            else:
                k = Kiwi(num_workers=-1)
                k.tokenize("모델을 불러 둔다.")   # the first analysis loads the rest of the model
                _KIWI.append(k)
            LOAD_SECONDS.append(time.perf_counter() - t0)
    return _KIWI[0]


def warm(background: bool = True) -> threading.Thread | None:
    """Load Kiwi ahead of use (in a daemon thread when ``background``)."""
    if _KIWI:
        return None
    if not background:
        kiwi()
        return None
    t = threading.Thread(target=kiwi, name="kiwi-warm", daemon=True)
    t.start()
    return t


def stem_en(word: str) -> str:
    """A light English stem: an inflectional or -ion suffix and a final e dropped, at least
    three letters kept (``gates``/``gated``/``gate`` -> ``gat``, ``encoder`` stays)."""
    w = word
    for suf in _EN_SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3 and not w.endswith("ss"):
            w = w[: -len(suf)] + ("y" if suf in ("ied", "ies") else "")
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _latin(text: str) -> str:
    return _LATIN.sub(lambda m: stem_en(m.group(0)) if not m.group(0)[0].isdigit()
                      else m.group(0), text)


def _fallback_ko(word: str) -> str:
    for p in _KO_TAIL:
        if word.endswith(p) and len(word) > len(p):
            return word[: -len(p)]
    return word


def _letters(n: int) -> str:
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if not n:
            return out


def _number(letters: str) -> int:
    n = 0
    for c in letters:
        n = 26 * n + ord(c) - ord("a")
    return n


@lru_cache(maxsize=200_000)
def stem_view(canonical: str) -> str:
    """``canonical`` (folded, glossary tokens in it) as space-separated stems; ``.``/``,``
    kept as clause marks; light nouns dropped."""
    if not re.search(r"[가-힣]", canonical):
        out = re.sub(r"[^\w.,;!?]+", " ", _TOKEN.sub(lambda m: f" {m.group(0)} ", canonical))
        return " ".join(t if t.startswith("t_") else _latin(t) for t in out.split())
    tokens: list[str] = []

    def hide(m: re.Match[str]) -> str:
        tokens.append(m.group(0))
        return f" QQ{_letters(len(tokens) - 1)} "

    # a token keeps its particle attached ("QQa가"), as the student wrote it
    hidden = re.sub(r"(QQ[a-z]+) +(?=[가-힣])", r"\1", _TOKEN.sub(hide, canonical))
    k = kiwi()
    words = _fallback_words(hidden) if k is None else _kiwi_words(k, hidden)
    return " ".join(_word_stem(w, tokens) for w in words)


def _fallback_words(hidden: str) -> list[str]:
    """Words and clause marks of ``hidden`` without Kiwi: a trailing particle cut."""
    return [_fallback_ko(w) if re.match(r"[가-힣]", w) else w
            for w in re.findall(r"[가-힣]+|QQ[a-z]+|[a-z0-9]+|[.,;!?]", hidden)]


def _kiwi_words(k: Any, hidden: str) -> list[str]:
    """Kiwi's morphemes of ``hidden`` that carry meaning (verbs as stems, a prefix joined to
    the next word, light nouns left out) and its sentence and clause marks."""
    words: list[str] = []
    prefix = ""
    for t in k.tokenize(hidden):
        tag = t.tag
        if tag in ("SF", "SP"):
            words.append("." if tag == "SF" else ",")
            continue
        if _DROP.match(tag) and not (tag == "JX" and t.form in KEPT_PARTICLES):
            continue
        if tag == "XPN":
            prefix += t.form
            continue
        form = t.lemma[:-1] if tag.startswith("V") and t.lemma.endswith("다") else t.form
        form = prefix + form
        prefix = ""
        if form in LIGHT_NOUNS and tag.startswith("NN"):
            continue
        words.append(form)
    return words


def _word_stem(w: str, tokens: list[str]) -> str:
    """A word of :func:`stem_view`: a hidden glossary token back, an English word stemmed,
    the rest lower-cased."""
    m = _PLACEHOLDER.fullmatch(w)
    if m:
        return tokens[_number(m.group(1))]
    if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9]*", w):
        return stem_en(w.lower())
    return w.lower()
