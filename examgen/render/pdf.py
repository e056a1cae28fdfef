"""HTML -> PDF with WeasyPrint. The only module that imports WeasyPrint.

A :class:`PdfWriter` holds what is expensive to build and safe to share between documents of
one process: the font configuration and the parsed stylesheets (its own and a trimmed copy of
WeasyPrint's user-agent sheet, see :func:`user_agent_css`). Formulas are drawn from operators
compiled from their SVG (see :mod:`examgen.render.mathsvg`); any other SVG image has the
operators WeasyPrint emits for it recorded on first draw and replayed within the document
(WeasyPrint re-parses every SVG path on every draw; the operators do not depend on where the
image is drawn, because WeasyPrint moves the origin first).

WeasyPrint's image cache is not shared as it is: a cached SVG image keeps the layout context
of the document that loaded it, and with it every box and style of that document, so a cache
shared across documents held dozens of finished documents alive (hundreds of MiB per worker,
and work for the garbage collector). Each document gets a fresh cache (:class:`_Images`);
only formula images drawn from their compiled operators, which never use that context, are
kept across documents, without it.

Formulas arrive as ``examgen-math:`` links (see :mod:`examgen.render.mathsvg`); the writer's
URL fetcher resolves them. When a formula will be drawn from its compiled operators, WeasyPrint
only needs its size, so it gets the bare ``<svg>`` element and never parses the paths.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from examgen.render import htmltree
from examgen.render.mathsvg import Compiled, GlyphUse, compiled_for, image_for_link

_REPLAY: dict[tuple[int, float, float], tuple[Any, list[Any]]] = {}
_PATCHED = False
MAX_SHARED_IMAGES = 4096
FAST_MATH = True  # tests switch this off to compare against WeasyPrint's own SVG renderer
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")


@lru_cache(maxsize=1)
def _url_fetcher_class() -> Any:
    """WeasyPrint's URL fetcher, plus ``examgen-math:`` links (built on first use, so that
    importing this module does not load WeasyPrint)."""
    from email.message import EmailMessage

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    # built once: WeasyPrint only reads the content type, and building the header anew for
    # every formula (the email package makes a header class each time) cost more than the rest
    # of loading the image
    svg_headers = EmailMessage()
    svg_headers["Content-Type"] = "image/svg+xml"

    class MathUrlFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            image = image_for_link(url)
            if image is None:
                return super().fetch(url, headers)
            body = image.svg
            root = _SVG_ROOT.match(body)
            if FAST_MATH and root is not None and compiled_for(url) is not None:
                body = root.group(0) + "</svg>"  # drawn from its operators: the size is enough
            return URLFetcherResponse(url, body.encode("utf-8"), svg_headers)

    return MathUrlFetcher


def _glyph_name(stream: Any, glyph: GlyphUse) -> bytes:
    """The name of ``glyph``'s outline XObject in the resources ``stream`` draws with; the
    outline is added on first use, so each document holds each outline once."""
    import pydyf

    resources = stream._resources  # one per document (or per group drawn into)
    names: dict[bytes, bytes] | None = getattr(resources, "examgen_glyphs", None)
    if names is None:
        names = resources.examgen_glyphs = {}
    name = names.get(glyph.outline)
    if name is None:
        name = names[glyph.outline] = f"eg{len(names)}".encode()
        x0, y0, x1, y1 = glyph.bbox
        resources["XObject"][name.decode()] = pydyf.Stream(
            [glyph.outline + b" f"], compress=stream.compress, extra=pydyf.Dictionary({
                "Type": "/XObject", "Subtype": "/Form",
                "BBox": pydyf.Array((x0 - 1, y0 - 1, x1 + 1, y1 + 1))}))
    return name


def _draw_compiled(stream: Any, compiled: Compiled, width: float, height: float) -> None:
    """Draw a compiled formula the way WeasyPrint places an SVG (xMidYMid meet)."""
    (vx, vy, vw, vh), items = compiled
    scale = min(width / vw, height / vh)
    tx = (width - vw * scale) / 2 - vx * scale
    ty = (height - vh * scale) / 2 - vy * scale
    stream.push_state()
    stream.transform(scale, 0, 0, scale, tx, ty)
    stream.set_color_rgb(0, 0, 0)
    ops = [item if isinstance(item, bytes)
           else b"q " + item.matrix + b" /" + _glyph_name(stream, item) + b" Do Q"
           for item in items]
    stream.stream.append(b"\n".join(ops))
    stream.pop_state()


def _patch_svg_replay() -> None:
    """Draw our compiled formulas directly; for any other SVG record the stream operators it
    emits the first time, then replay them."""
    global _PATCHED
    if _PATCHED:
        return
    from weasyprint import images

    original = images.SVGImage.draw

    def draw(self: Any, stream: Any, width: float, height: float, style: Any) -> None:
        compiled = compiled_for(self._base_url) if FAST_MATH else None
        if compiled is not None:
            _draw_compiled(stream, compiled, width, height)
            return
        key = (id(self), round(width, 5), round(height, 5))
        hit = _REPLAY.get(key)
        if hit is not None and hit[0] is self:
            stream.stream.extend(hit[1])
            return
        before = {k: len(v) for k, v in stream._resources.items() if hasattr(v, "__len__")}
        start = len(stream.stream)
        original(self, stream, width, height, style)
        after = {k: len(v) for k, v in stream._resources.items() if hasattr(v, "__len__")}
        if before == after:  # drew with no page resources (no groups, patterns, fonts): safe
            _REPLAY[key] = (self, list(stream.stream[start:]))

    images.SVGImage.draw = draw
    _PATCHED = True


# WeasyPrint's user-agent sheet styles six pseudo-elements of *every* element (``::marker``
# and the footnote and note pseudo-elements), so the cascade computes seven styles per element
# where one is needed. Exams use no footnotes or notes, and only list items have markers.
# (rule's selector, what it becomes: a narrower selector, or None to drop the rule)
_UA_TRIM: tuple[tuple[str, str | None], ...] = (
    ("::marker", "li::marker, summary::marker"),
    ("::footnote-call", None), ("::footnote-marker", None),
    ("::note-call", None), ("::note-marker", None), ("::note-callback", None),
)


def user_agent_css(ua: str) -> str | None:
    """WeasyPrint's user-agent sheet ``ua`` with its universal pseudo-element rules narrowed
    to the elements that can have them, or dropped; ``None`` when the sheet is not the one
    this was written for (each rule must be one line of its own, once), so that another
    WeasyPrint version falls back to its own sheet."""
    for selector, narrower in _UA_TRIM:
        rule = re.compile(rf"^{re.escape(selector)}( \{{[^}}\n]*\}}\n)", re.M)
        ua, found = rule.subn(rf"{narrower}\1" if narrower else "", ua)
        if found != 1:
            return None
    return ua


@lru_cache(maxsize=1)
def _html_class() -> Any:
    """``weasyprint.HTML`` with the trimmed user-agent sheet when it applies, and the document
    tree built by :mod:`examgen.render.htmltree` when the markup allows it."""
    import cssselect2
    import weasyprint
    from weasyprint import html as ua_html

    trimmed = user_agent_css(ua_html.UA)
    sheet = (weasyprint.CSS(string=trimmed, counter_style=ua_html.UA_COUNTER_STYLE)
             if trimmed is not None else ua_html.UA_STYLESHEET)

    class ExamHTML(weasyprint.HTML):  # type: ignore[misc]
        def __init__(self, *, string: str, base_url: str | None, url_fetcher: Any) -> None:
            try:
                root = htmltree.parse(string)
            except htmltree.NeedsHtml5:
                super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
                return
            # what weasyprint.HTML.__init__ sets, from our tree (no <base>: see htmltree)
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            sheets = super()._ua_stylesheets(forms)
            return [sheet if s is ua_html.UA_STYLESHEET else s for s in sheets]

    return ExamHTML


class _Images(dict[str, Any]):
    """WeasyPrint's image cache for one document. Formula images drawn from their compiled
    operators (which need only the image's size) go to the writer's ``shared`` store, with
    the reference to this document's layout context removed, and are found there by later
    documents; every other image stays with this document."""

    def __init__(self, shared: OrderedDict[str, Any]):
        super().__init__()
        self.shared = shared

    def __contains__(self, url: object) -> bool:
        return super().__contains__(url) or url in self.shared

    def __getitem__(self, url: str) -> Any:
        if super().__contains__(url):
            return super().__getitem__(url)
        self.shared.move_to_end(url)
        return self.shared[url]

    def __setitem__(self, url: str, image: Any) -> None:
        if FAST_MATH and hasattr(image, "_context") and compiled_for(url) is not None:
            image._context = None   # drawn by _draw_compiled, which does not use it
            self.shared[url] = image
            if len(self.shared) > MAX_SHARED_IMAGES:
                self.shared.popitem(last=False)
        else:
            super().__setitem__(url, image)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int


class PdfWriter:
    """Turns HTML strings into PDF bytes with one shared font configuration and stylesheet."""

    def __init__(self, css: str, base_url: str | None = None, *, plain: bool = False):
        """``plain``: WeasyPrint's own user-agent sheet and HTML parser (the tests compare)."""
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        _patch_svg_replay()
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(string=css, font_config=self.font_config)
        self.base_url = base_url
        self.url_fetcher = _url_fetcher_class()()
        self.formula_images: OrderedDict[str, Any] = OrderedDict()
        self._html = weasyprint.HTML if plain else _html_class()

    def render(self, html: str) -> Any:
        """Lay out ``html``: an inspectable WeasyPrint document."""
        _REPLAY.clear()  # its images belong to the previous document (see the module docstring)
        return self._html(string=html, base_url=self.base_url,
                          url_fetcher=self.url_fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.font_config,
            cache=_Images(self.formula_images))

    def write(self, html: str) -> RenderedPdf:
        doc = self.render(html)
        return RenderedPdf(doc.write_pdf(), len(doc.pages))
