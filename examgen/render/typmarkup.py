"""Text from the bank, a spec, a roster or a student -> Typst markup that prints it literally.

:class:`Typ` marks a string as Typst source made here (trusted); everything else a template
prints goes through :func:`escape`, which backslash-escapes every ASCII punctuation character
(Typst reads ``#`` as code, ``$`` as math, ``//`` as a comment, ``<``/``@`` as labels and
references, ``[``/``]`` as content, ``*``/``_`` as emphasis), so no text can run code or read a
file. Bank text additionally has ``$...$`` math (converted by :mod:`examgen.render.texmath`),
`` `code` `` spans and paragraphs (blank lines; in worked solutions every line is a step).

Korean words (eojeol) are kept whole: Typst, like UAX #14, may break Hangul between any two
syllables and 0.15 has no keep-all switch (typst/typst#1164), so each space-separated word
holding Hangul is set in an unbreakable box together with any formula or punctuation glued to
it (``$h_t$의``). A box for every such word cost about a quarter of the compile time
(bench/generate.py); the boxes that remain cost about 8 % of the compiler's work, since
only words a line can end inside get one: a run the templates know fits on its line gets
none, and in a paragraph whose width the template gives (``room``) only the words that
:func:`~examgen.render.linefit.line_end_words` finds may be the first not to fit on a line.
Word joiners (U+2060) between the syllables were tried instead of boxes: Typst keeps them as
glyphs, so ``pdftotext`` finds a joiner between every two syllables (딥, U+2060, 러, U+2060,
닝 where the page shows 딥러닝) and a search or a copy of the text fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from examgen.render.linefit import Room, fits, line_end_words, word_bounds
from examgen.render.texmath import tex_to_typst

__all__ = ["Typ", "escape", "formulas", "inline", "math", "pieces", "rich", "words"]

_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_CODE = re.compile(r"`([^`]+)`")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")   # every ASCII punctuation character
_SPACE = re.compile(r"\s+")
_SPLITS = re.compile(r"[-/\u2010-\u2015]")   # hyphens, a slash, dashes: UAX #14 breaks after them


class Typ(str):
    """Typst source made by this module or a template: printed as it is."""

    __slots__ = ()

    def __html__(self) -> str:   # Jinja's autoescape passes it through as it is
        return str(self)


def escape(text: object) -> Typ:
    """Markup printing ``text`` literally (whitespace runs become one space)."""
    if isinstance(text, Typ):
        return text
    return Typ(_PUNCT.sub(r"\\\1", _SPACE.sub(" ", str(text))))


def _string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=65536)
def math(tex: str) -> Typ:
    """An inline formula from the bank's LaTeX (raises :class:`TexMathError`)."""
    return Typ("$" + tex_to_typst(" ".join(tex.split())) + "$")


def pieces(text: str) -> Iterator[tuple[str, str]]:
    """(kind, source) pieces of one line: "text", "math" or "code"."""
    pos = 0
    for m in _MATH.finditer(text):
        yield from _text_code(text[pos:m.start()])
        yield "math", m.group(1)
        pos = m.end()
    yield from _text_code(text[pos:])


def _text_code(text: str) -> Iterator[tuple[str, str]]:
    pos = 0
    for m in _CODE.finditer(text):
        yield "text", text[pos:m.start()].replace("\\$", "$")
        yield "code", m.group(1)
        pos = m.end()
    yield "text", text[pos:].replace("\\$", "$")


@lru_cache(maxsize=65536)
def inline(text: str, whole: bool = False, room: Room | None = None) -> Typ:
    """One run of bank text (no paragraph breaks) with math and code, Korean words kept whole;
    ``whole``: the caller knows the run fits on its line (:mod:`examgen.render.linefit`), so
    no word can reach a line end and none needs a box; ``room``: the run starts a paragraph
    whose lines get this room (ems), so only words a line can end inside get a box."""
    return _kept_whole(pieces(" ".join(text.split())), whole, room)


@lru_cache(maxsize=65536)
def words(text: object, room: float = 0.0) -> Typ:
    """Plain text (a label, a rubric's spellings: no math, no code) printed literally, its
    Korean words kept whole; ``room``: the text starts a line of at least this many ems, so
    if it surely fits there no word needs a box."""
    if isinstance(text, Typ):
        return text
    plain = " ".join(str(text).split())
    whole = room > 0 and not {"$", "`"} & set(plain) and fits([plain], room)
    return _kept_whole([("text", plain)], whole, None)


def _kept_whole(pieces: Iterable[tuple[str, str]], whole: bool, room: Room | None) -> Typ:
    words: list[list[tuple[str, str]]] = [[]]    # the pieces of each word; a space separates words
    for kind, src in pieces:
        if kind != "text":
            words[-1].append((kind, src))
            continue
        for k, chunk in enumerate(src.split(" ")):
            if k:
                words.append([])
            if chunk:
                words[-1].append(("text", chunk))
    words = [w for w in words if w]
    boxable = [_boxable(w) for w in words]
    at_line_end = [not whole] * len(words)
    if room is not None and not whole:
        bounds = [word_bounds(tuple(w)) for w in words]
        if all(b is not None for b in bounds):
            # a word that gets no box but may still break: a formula, a hyphen or a slash
            splittable = [not box and any(kind != "text" or _SPLITS.search(src)
                                          for kind, src in w)
                          for w, box in zip(words, boxable, strict=True)]
            at_line_end = line_end_words(bounds, room, splittable)   # type: ignore[arg-type]
    return Typ(" ".join(_word(w, end and box)
                        for w, end, box in zip(words, at_line_end, boxable, strict=True)))


def _boxable(pieces: list[tuple[str, str]]) -> bool:
    """Whether a line could break inside the word but for a box: two Hangul syllables, or
    Hangul next to a formula, code, a Latin letter or a digit."""
    text = "".join(src for kind, src in pieces if kind == "text")
    syllables = len(_HANGUL.findall(text))
    mixed = any(kind != "text" for kind, _ in pieces) or bool(_ALNUM.search(text))
    return syllables >= 2 or (syllables == 1 and mixed)


def _word(pieces: list[tuple[str, str]], box: bool) -> str:
    """One word's markup, in a box when ``box`` (a line may end inside it and it needs one;
    a box costs the compiler time)."""
    body = "".join(math(src) if kind == "math" else f"#raw({_string(src)})" if kind == "code"
                   else escape(src) for kind, src in pieces)
    return f"#box[{body}]" if box else body


@lru_cache(maxsize=65536)
def rich(text: str, steps: bool = False, room: float | Room = 0.0) -> Typ:
    """Paragraphs of bank text; ``steps`` keeps each line of a paragraph on a line of its own.
    ``room``: a number of ems: a line (a paragraph, or a step) that surely fits in it gets no
    word boxes; the ems a paragraph's lines get, (at least, at most): only the words a line
    can end inside get one."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paragraphs:
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        runs = lines if steps else [" ".join(lines)]
        if isinstance(room, tuple):
            marked = [inline(x, False, room) for x in runs]
        else:
            marked = [inline(x, room > 0 and fits([x], room)) for x in runs]
        out.append(" \\\n".join(marked))
    return Typ("\n\n".join(out))


def formulas(text: str) -> list[str]:
    """Every formula in ``text``."""
    return [" ".join(m.group(1).split()) for m in _MATH.finditer(text)]
