"""The HTML the text writer makes, as XML elements in a package's namespace (QTI item bodies
are XHTML inside the QTI namespace). Only the few tags that writer emits are expected; any other
tag is kept as it is, and void tags (``br``, ``img``) are closed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = frozenset({"br", "img", "hr"})
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Builder(HTMLParser):
    def __init__(self, parent: ET.Element, ns: str, drop_attrs: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.stack = [parent]
        self.ns = ns
        self.drop = drop_attrs

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> ET.Element:
        clean = {}
        for k, v in attrs:
            if k in self.drop:
                continue
            clean[XML_LANG if k == "lang" else k] = v or ""
        e = ET.SubElement(self.stack[-1], f"{{{self.ns}}}{tag}" if self.ns else tag, clean)
        return e

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        e = self._add(tag, attrs)
        if tag not in VOID:
            self.stack.append(e)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag.rsplit("}", 1)[-1] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def append_html(parent: ET.Element, html: str, ns: str = "",
                drop_attrs: frozenset[str] = frozenset()) -> ET.Element:
    """Parse ``html`` into children of ``parent`` (in namespace ``ns``); returns ``parent``."""
    b = _Builder(parent, ns, drop_attrs)
    b.feed(html)
    b.close()
    return parent
