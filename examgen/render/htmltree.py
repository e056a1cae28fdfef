"""The element tree of well-formed HTML, built with the standard library's parser.

WeasyPrint parses HTML with tinyhtml5, a pure-Python implementation of the HTML5 parsing
algorithm; on an answer key it takes ~60 ms, ~8 times as long as :class:`html.parser.HTMLParser`
building the same tree. The HTML5 algorithm exists to repair markup; the templates write
markup that needs no repair, and for such markup the tree is what a plain nesting of the tags
gives, plus three rules of the algorithm this module applies itself: a ``<tbody>`` is implied
around rows written straight into a ``<table>``, whitespace before ``<head>`` is dropped, and
whitespace after ``</body>`` goes into the body.

Anything that would need more of the algorithm (an end tag that does not close the open
element, a block start tag inside an open ``<p>``, an implied end tag, a missing ``<head>``,
a comment, text outside the body...) raises :class:`NeedsHtml5`, and the caller hands the
document to the full parser. tests/unit/render/test_htmltree.py checks that both parsers give
the same tree for every template's output.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
# start tags that close an open <p> (HTML5 "in body" insertion mode)
CLOSES_P = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
    "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav",
    "ol", "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "listing", "form", "li", "dd", "dt", "plaintext", "table", "hr", "xmp"})
# start tags that end an open element of their group (implied end tags), and the elements at
# which the HTML5 parser stops looking for one
IMPLIED_END = {"li": {"li"}, "dd": {"dd", "dt"}, "dt": {"dd", "dt"}, "a": {"a"},
               "td": {"td", "th"}, "th": {"td", "th"}, "tr": {"tr", "td", "th"},
               "tbody": {"tbody", "thead", "tfoot", "tr", "td", "th"},
               "thead": {"tbody", "thead", "tfoot", "tr", "td", "th"},
               "tfoot": {"tbody", "thead", "tfoot", "tr", "td", "th"}}
SCOPE_ENDS = {"li": {"ul", "ol", "table", "td", "th", "body"},
              "dd": {"dl", "table", "td", "th", "body"}, "dt": {"dl", "table", "td", "th", "body"},
              "a": {"table", "td", "th", "body"}, "td": {"tr", "table"}, "th": {"tr", "table"},
              "tr": {"tbody", "thead", "tfoot", "table"}}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# what may sit directly in table parts; anything else is moved out ("foster parented")
IN_TABLE = {"table": {"tbody", "thead", "tfoot", "tr", "colgroup", "style"},
            "tbody": {"tr"}, "thead": {"tr"}, "tfoot": {"tr"}, "tr": {"td", "th"},
            "colgroup": {"col"}}
IN_HEAD = frozenset({"meta", "title", "style", "link"})
# elements whose content the HTML5 parser treats specially (raw text, a dropped first newline,
# foreign content, form controls...)
SPECIAL = frozenset({"pre", "listing", "textarea", "plaintext", "xmp", "iframe", "noembed",
                     "noframes", "noscript", "script", "template", "svg", "math", "select",
                     "option", "optgroup", "frameset", "frame", "base", "image", "isindex",
                     "nobr", "button", "form", "caption"})
_REFERENCE = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)")


class NeedsHtml5(Exception):
    """The markup needs the HTML5 parser's repair rules."""


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: ET.Element | None = None
        self.stack: list[ET.Element] = []
        self.implied_tbody: set[int] = set()   # ids of the tbody elements added here
        self.body: ET.Element | None = None
        self.body_closed = False

    # -- tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SPECIAL:
            raise NeedsHtml5(f"<{tag}>")
        names = [name for name, _ in attrs]
        if len(set(names)) != len(names):
            raise NeedsHtml5(f"an attribute repeated in <{tag}>")
        self._check_place(tag)
        if tag == "tr" and self.stack[-1].tag == "table":
            tbody = ET.SubElement(self.stack[-1], "tbody")
            self.implied_tbody.add(id(tbody))
            self.stack.append(tbody)
        element = ET.Element(tag, {name: value or "" for name, value in attrs})
        if self.stack:
            self.stack[-1].append(element)
        else:
            self.root = element
        if tag == "body":
            self.body = element
        if tag not in VOID:
            self.stack.append(element)

    def _check_place(self, tag: str) -> None:
        path = [e.tag for e in self.stack]
        if not path:
            if tag != "html" or self.root is not None:
                raise NeedsHtml5(f"<{tag}> outside <html>")
            return
        top = path[-1]
        if top == "title":
            raise NeedsHtml5(f"<{tag}> in <title>")
        if top == "html":
            expected = "head" if len(self.stack[0]) == 0 else "body"
            if tag != expected or len(self.stack[0]) > 1:
                raise NeedsHtml5(f"<{tag}> where <{expected}> was expected")
            return
        if tag in ("html", "head", "body"):
            raise NeedsHtml5(f"a second <{tag}>")
        if top == "head" and tag not in IN_HEAD:
            raise NeedsHtml5(f"<{tag}> in <head>")
        if top in IN_TABLE and tag not in IN_TABLE[top] and not (top == "table" and tag == "tr"):
            raise NeedsHtml5(f"<{tag}> directly in <{top}>")
        if tag in CLOSES_P and "p" in path:
            raise NeedsHtml5(f"<{tag}> inside an open <p>")
        if tag in HEADINGS and top in HEADINGS:
            raise NeedsHtml5(f"<{tag}> inside an open <{top}>")
        ends, stops = IMPLIED_END.get(tag, ()), SCOPE_ENDS.get(tag, {"table"})
        for open_tag in reversed(path):
            if open_tag in ends:
                raise NeedsHtml5(f"<{tag}> inside an open <{open_tag}>")
            if open_tag in stops:
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            raise NeedsHtml5(f"<{tag}/>")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            raise NeedsHtml5(f"</{tag}>")
        if (tag == "table" and self.stack[-1].tag == "tbody"
                and id(self.stack[-1]) in self.implied_tbody):
            self.stack.pop()
        if self.stack[-1].tag != tag:
            raise NeedsHtml5(f"</{tag}> closing <{self.stack[-1].tag}>")
        self.stack.pop()
        if tag == "body":
            self.body_closed = True

    # -- everything else
    def handle_data(self, data: str) -> None:
        if self.body_closed:   # after </body>: HTML5 puts whitespace back into the body
            if data.strip() or self.body is None:
                raise NeedsHtml5("text after </body>")
            _append_text(self.body, data)
            return
        if not self.stack or (self.stack[-1].tag == "html" and len(self.stack[-1]) == 0):
            if data.strip():
                raise NeedsHtml5("text outside the body")
            return   # whitespace before <head> is dropped
        if data.strip() and self.stack[-1].tag in ("html", "head", *IN_TABLE):
            raise NeedsHtml5(f"text directly in <{self.stack[-1].tag}>")
        _append_text(self.stack[-1], data)

    def handle_comment(self, data: str) -> None:
        raise NeedsHtml5("a comment")

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html":
            raise NeedsHtml5(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        raise NeedsHtml5("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise NeedsHtml5(f"<![{data}]>")


def _append_text(parent: ET.Element, data: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + data
    else:
        parent.text = (parent.text or "") + data


def parse(html: str) -> ET.Element:
    """The ``<html>`` element of ``html``, as the HTML5 parser would build it (no namespaces);
    :class:`NeedsHtml5` when the markup needs repairs this module does not make."""
    if "\0" in html or "\r" in html:
        raise NeedsHtml5("NUL or carriage return characters")
    if _REFERENCE.search(html):
        raise NeedsHtml5("an ampersand that does not start a character reference")
    builder = _Builder()
    builder.feed(html)
    builder.close()
    root = builder.root
    if root is None or [e.tag for e in root] != ["head", "body"]:
        raise NeedsHtml5("not <html> with a <head> and a <body>")
    if any(e.tag not in ("html", "body") for e in builder.stack):
        raise NeedsHtml5(f"<{builder.stack[-1].tag}> left open")
    return root
