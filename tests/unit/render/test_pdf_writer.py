"""The PDF writer's savings change nothing in the PDFs: the trimmed user-agent sheet and the
standard-library HTML parser give the same bytes as WeasyPrint's own sheet and parser, and a
finished document is not kept alive by the writer."""

from __future__ import annotations

import dataclasses
import gc

import pytest

from examgen.assemble import assemble
from examgen.bank import load_bank
from examgen.io import load_spec
from examgen.model import Student
from examgen.render import pdf as pdfmod
from examgen.render.fonts import FontError, find_hangul_font
from examgen.render.html import render_css, render_html


@pytest.fixture(scope="module")
def css() -> str:
    try:
        return render_css(find_hangul_font())
    except FontError as e:
        pytest.skip(str(e))


def template_documents() -> dict[str, str]:
    """The exam and key of one copy of the sample exam in each language setting."""
    spec = load_spec()
    out = {}
    for language in ("ko", "en", "both"):
        spec_l = dataclasses.replace(spec, language=language)
        (copy,) = assemble(spec_l, load_bank(), [Student("20269999", "김하나", 1)]).copies
        for kind in ("exam", "key"):
            out[f"{kind}-{language}"] = render_html(kind, copy, spec_l)  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    lists = ("<!doctype html><html><head></head><body><ul><li>하나<ul><li>nested</li></ul></li>"
             "<li>둘</li></ul><ol><li>first</li><li>second</li></ol>"
             "<p>A <q>quote</q> and a<br>break</p></body></html>")
    return {**template_documents(), "lists": lists}


def test_trimmed_user_agent_sheet_narrows_only_the_universal_pseudo_element_rules() -> None:
    from weasyprint.html import UA

    trimmed = pdfmod.user_agent_css(UA)
    assert trimmed is not None, "the installed WeasyPrint's sheet is not the one expected"
    removed = [line for line in UA.splitlines() if line not in trimmed.splitlines()]
    added = [line for line in trimmed.splitlines() if line not in UA.splitlines()]
    assert sorted(line.split()[0] for line in removed) == sorted(
        ["::marker", "::footnote-call", "::footnote-marker", "::note-call", "::note-marker",
         "::note-callback"])
    assert len(added) == 1 and added[0].startswith("li::marker, summary::marker {")
    assert added[0].split("{", 1)[1] == removed[0].split("{", 1)[1]


def test_an_unexpected_user_agent_sheet_is_left_to_weasyprint() -> None:
    from weasyprint.html import UA

    assert pdfmod.user_agent_css(UA + "::marker { color: red }\n") is None  # twice
    assert pdfmod.user_agent_css(UA.replace("::note-callback {", "::note-callback  {")) is None


@pytest.mark.parametrize("name", ["exam-ko", "key-ko", "exam-both", "key-en", "lists"])
def test_trimmed_user_agent_sheet_gives_the_same_pdf(css: str, documents: dict[str, str],
                                                     name: str) -> None:
    trimmed = pdfmod.PdfWriter(css).write(documents[name])
    plain = pdfmod.PdfWriter(css, plain=True).write(documents[name])
    assert trimmed.pages == plain.pages
    assert trimmed.data == plain.data


def test_a_written_document_is_not_kept_alive(css: str, documents: dict[str, str]) -> None:
    from weasyprint.layout import LayoutContext

    writer = pdfmod.PdfWriter(css)
    first = [writer.write(documents[name]).data for name in ("exam-ko", "key-ko")]
    assert len(writer.formula_images) > 50  # formula images are kept across documents ...
    again = [writer.write(documents[name]).data for name in ("exam-ko", "key-ko")]
    assert again == first                    # ... and change nothing
    gc.collect()
    alive = [o for o in gc.get_objects() if type(o) is LayoutContext]  # type(): no proxies run
    assert alive == []  # the writer held one per document while cached images pointed at it
