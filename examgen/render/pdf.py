"""HTML -> PDF with WeasyPrint, for the grading report (``report.pdf``), whose source is HTML.
The only module that imports WeasyPrint; exams, keys and practice sheets print with Typst
(:mod:`examgen.render.typcompile`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


class PdfWriter:
    """Turns HTML strings into PDF bytes with one font configuration and stylesheet."""

    def __init__(self, css: str, base_url: str | None = None):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(string=css, font_config=self.font_config)
        self.base_url = base_url
        self._html = weasyprint.HTML

    def render(self, html: str) -> Any:
        """Lay out ``html``: an inspectable WeasyPrint document."""
        return self._html(string=html, base_url=self.base_url).render(
            stylesheets=[self.stylesheet], font_config=self.font_config)

    def write(self, html: str) -> RenderedPdf:
        doc = self.render(html)
        return RenderedPdf(doc.write_pdf(), len(doc.pages))
