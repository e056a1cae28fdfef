"""HTML -> PDF with WeasyPrint, for the grading report (``report.pdf``), whose source is HTML.
The only module that imports WeasyPrint; exams, keys and practice sheets print with Typst
(:mod:`examgen.render.typcompile`).

WeasyPrint drops ``word-break: keep-all`` (it knows only ``normal`` and ``break-all``), so Pango
would break a Korean word between any two syllables (``변/형``). Before layout, each word of the
body's text that holds Hangul is wrapped in a span that does not wrap: lines break between
words, as Korean is set. A word longer than :data:`KEEP_WORD_MAX` characters is left as it is,
so that it can still break rather than run out of a narrow table cell."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

KEEP_WORD_MAX = 12
"""Longest word (in characters, an entity counting as one) kept whole: at the report's
smallest type, 7.5 pt, twelve Hangul syllables are about 32 mm, narrower than the text columns."""

_KEEP_CSS = "span.keep-word { white-space: nowrap; }"
_MARKUP = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"[^\s<>]*[\uac00-\ud7a3][^\s<>]*")
_ENTITY = re.compile(r"&#?\w+;")
_RAW = ("style", "script", "title", "svg", "textarea", "pre", "head")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


def _keep_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if len(_ENTITY.sub("&", word)) > KEEP_WORD_MAX:
        return word
    return f'<span class="keep-word">{word}</span>'


def keep_korean_words(html: str) -> str:
    """``html`` with each Hangul word of its text in ``<span class="keep-word">``; text inside
    ``head``, ``style``, ``script``, ``title``, ``svg``, ``textarea`` and ``pre`` is left alone.
    ``html`` is markup that escapes ``<`` and ``>`` in its text and attribute values (as the
    report's autoescaping templates write it)."""
    out: list[str] = []
    raw: list[str] = []     # open elements whose text is left alone
    for i, piece in enumerate(_MARKUP.split(html)):
        if i % 2:           # a tag (or a comment or doctype)
            out.append(piece)
            m = _TAG.match(piece)
            if m and m.group(2).lower() in _RAW and not piece.endswith("/>"):
                name = m.group(2).lower()
                if not m.group(1):
                    raw.append(name)
                elif name in raw:
                    del raw[len(raw) - 1 - raw[::-1].index(name):]
        elif raw or not piece:
            out.append(piece)
        else:
            out.append(_WORD.sub(_keep_word, piece))
    return "".join(out)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


class PdfWriter:
    """Turns HTML strings into PDF bytes with one font configuration and stylesheet; Korean
    words are kept whole (:func:`keep_korean_words`)."""

    def __init__(self, css: str, base_url: str | None = None):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(string=f"{css}\n{_KEEP_CSS}\n",
                                         font_config=self.font_config)
        self.base_url = base_url
        self._html = weasyprint.HTML

    def render(self, html: str) -> Any:
        """Lay out ``html``: an inspectable WeasyPrint document."""
        return self._html(string=keep_korean_words(html), base_url=self.base_url).render(
            stylesheets=[self.stylesheet], font_config=self.font_config)

    def write(self, html: str) -> RenderedPdf:
        doc = self.render(html)
        return RenderedPdf(doc.write_pdf(), len(doc.pages))
