"""The standard-library tree builder gives the tree WeasyPrint's HTML5 parser (tinyhtml5)
gives, for every template's output and for the HTML5 rules it applies itself; markup that needs
more of the HTML5 algorithm is refused, and then goes to tinyhtml5 with the same PDF."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
import tinyhtml5

from examgen.render import htmltree
from examgen.render import pdf as pdfmod
from examgen.render.fonts import FontError, find_hangul_font
from tests.unit.render.test_pdf_writer import template_documents

HEAD = "<!doctype html>\n<html lang='ko'>\n<head><meta charset='utf-8'><title>t</title></head>\n"


def html5(html: str) -> ET.Element:
    return tinyhtml5.parse(html, namespace_html_elements=False)


def differences(a: ET.Element, b: ET.Element, path: str = "html") -> list[str]:
    """Where two trees differ: tag, attributes, text, tail or children, by path."""
    if (a.tag, dict(a.attrib), a.text or "", a.tail or "", len(a)) != (
            b.tag, dict(b.attrib), b.text or "", b.tail or "", len(b)):
        return [f"{path}: {a.tag} {a.attrib} {a.text!r} {a.tail!r} {len(a)} != "
                f"{b.tag} {b.attrib} {b.text!r} {b.tail!r} {len(b)}"]
    return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}/{x.tag}[{i}]")]


def test_every_template_output_gives_the_html5_tree() -> None:
    documents = template_documents()
    assert len(documents) == 6
    for name, html in documents.items():
        assert differences(htmltree.parse(html), html5(html)) == [], name


@pytest.mark.parametrize("body", [
    "<table class='t'>\n  <tr><th>a</th><td>b</td></tr>\n  <tr><td>c</td></tr>\n</table>",
    "<table><colgroup><col style='width: 20%'><col></colgroup><thead><tr><th>x</th></tr>"
    "</thead><tbody><tr><td>y</td></tr></tbody></table>",
    "<p title='a &amp; b &#34;q&#34; &lt;x&gt;'>caf&eacute; &#xAC00; &amp;</p>",
    "<div><img src='x.svg' alt=''><br><span>t</span> tail</div>\n",
    "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><h1>h</h1><h2>i</h2>",
])
def test_what_it_builds_is_the_html5_tree(body: str) -> None:
    for html in (f"{HEAD}<body>{body}</body>\n</html>\n", f"  {HEAD}<body>\n{body}\n</body>  "):
        assert differences(htmltree.parse(html), html5(html)) == []


REPAIRS = [
    "<p>a<div>b</div></p>",                   # a block closes the paragraph
    "<ul><li>a<li>b</ul>",                    # implied </li>
    "<ul><li>a <span>b<li>c</span></ul>",     # ... through an inline element
    "<table><div>x</div><tr><td>y</td></tr></table>",   # foster parenting
    "<table>text<tr><td>y</td></tr></table>",
    "<table><tr><td>a<td>b</tr></table>",     # implied </td>
    "<table><col><tr><td>a</td></tr></table>",  # implied <colgroup>
    "<b>bold <i>both</b> italic</i>",         # misnested formatting
    "<a href='#x'>one <a href='#y'>two</a></a>",
    "<h1>a<h2>b</h2></h1>",
    "<p>x<!-- a comment -->y</p>",
    "<p>AT&T &copy 2026</p>",                  # ampersands that are not references
    "<pre>\nkept?</pre>",
    "<p>a</p></body><p>after the body</p><body>",
]


@pytest.mark.parametrize("body", REPAIRS)
def test_markup_needing_repairs_is_refused(body: str) -> None:
    with pytest.raises(htmltree.NeedsHtml5):
        htmltree.parse(f"{HEAD}<body>{body}</body></html>")


@pytest.mark.parametrize("html", [
    "<html><body><p>no head</p></body></html>",
    "<p>no html element at all</p>",
    "<!doctype html><html><head><div>x</div></head><body></body></html>",
    "<!doctype html><html><head></head><body><p>a</p></body></html> text",
    "<!doctype html><html><head></head><body><p>open",
    "<!doctype html><html><head></head><body><p>cr\r\nlf</p></body></html>",
])
def test_documents_needing_repairs_are_refused(html: str) -> None:
    with pytest.raises(htmltree.NeedsHtml5):
        htmltree.parse(html)


def test_refused_markup_goes_to_weasyprints_parser_with_the_same_pdf() -> None:
    try:
        css = f"html {{ font-family: '{find_hangul_font()}' }}"
    except FontError as e:
        pytest.skip(str(e))
    body = "".join(f"<section>{b}</section>" for b in REPAIRS)
    html = f"{HEAD}<body>{body}</body></html>"
    fast = pdfmod.PdfWriter(css).write(html)
    assert fast.data == pdfmod.PdfWriter(css, plain=True).write(html).data
