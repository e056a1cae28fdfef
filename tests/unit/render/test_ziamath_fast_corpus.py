"""The ziamath speed-ups on the formulas of real exam copies: the same SVG and the same glyph
placements as plain ziamath, whatever order the formulas are typeset in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from xml.etree import ElementTree as ET

import pytest

from examgen.render import mathsvg, ziamath_fast
from tests.unit.render.test_ziamath_fast import FORMULAS

Formula = tuple[str, bool]
Result = tuple[str, dict[str, object]]


@cache
def corpus() -> tuple[Formula, ...]:
    """Every formula a few copies of the 4-page benchmark exam print (the practice app shows
    the same formulas as SVG), plus the hand-picked ones."""
    from pathlib import Path

    from examgen.assemble import assemble
    from examgen.bank import load_bank
    from examgen.io import load_spec
    from examgen.model import Student
    from examgen.render.mathcheck import variant_formulas

    spec = load_spec(Path(__file__).resolve().parents[3] / "bench" / "exam-4page.yaml")
    students = [Student(f"2026{k:04d}", f"학생{k}", k + 1) for k in range(2)]
    seen: dict[Formula, None] = {(tex, display): None for tex in FORMULAS
                                 for display in (False, True)}
    for copy in assemble(spec, load_bank(), students).copies:
        for q in copy.questions:
            seen.update(((tex, False), None) for _, tex in variant_formulas(q.variant))
    return tuple(seen)


@contextmanager
def plain_ziamath() -> Iterator[None]:
    install = ziamath_fast.install
    ziamath_fast.uninstall()
    ziamath_fast.install = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        ziamath_fast.install = install  # type: ignore[assignment]
        install()


def typeset_all(formulas: tuple[Formula, ...]) -> dict[Formula, Result]:
    mathsvg._typeset.cache_clear()
    ziamath_fast._PATHS.clear()
    try:
        return {f: image.svg
                for f in formulas for image in [mathsvg._typeset(*f)]}
    finally:
        mathsvg._typeset.cache_clear()


def test_corpus_is_typeset_the_same() -> None:
    formulas = corpus()
    assert len(formulas) > 200
    with plain_ziamath():
        plain = typeset_all(formulas)
    fast = typeset_all(formulas)
    assert [f for f in formulas if fast[f] != plain[f]] == []
    # reversed, so every formula comes after different ones (warm path cache, glyph plans)
    again = typeset_all(formulas[::-1])
    assert [f for f in formulas if again[f] != plain[f]] == []


def test_a_formula_does_not_depend_on_the_ones_before() -> None:
    formulas = corpus()[::7]
    alone = {f: typeset_all((f,))[f] for f in formulas}
    for before in (formulas[:5], formulas[-5:]):
        after = typeset_all((*before, *formulas))
        assert [f for f in formulas if after[f] != alone[f]] == []


@pytest.mark.parametrize("xml", [
    "<mrow><mi>x</mi><mo form='infix'>=</mo><mn>1.5</mn></mrow>",
    "<mrow><mi></mi><mtext> a  b\t</mtext>\n <mi>y</mi> </mrow>",
    "<mtable columnalign='left'><mtr><mtd><mn>1</mn></mtd></mtr></mtable>",
    "<mi mathvariant='bold' title='a&amp;b&lt;&quot;\n\t'>&#955;&amp;</mi>",
])
def test_plain_copy_is_the_xml_round_trip(xml: str) -> None:
    element = ET.fromstring(xml)
    copy = ziamath_fast._plain_copy(element)
    assert copy is not None
    round_trip = ET.fromstring(ET.tostring(element))
    assert ET.tostring(copy) == ET.tostring(round_trip)
    assert [(e.tag, e.attrib, e.text, e.tail) for e in copy.iter()] == \
        [(e.tag, e.attrib, e.text, e.tail) for e in round_trip.iter()]


def test_plain_copy_leaves_what_a_round_trip_changes_to_it() -> None:
    carriage = ET.fromstring("<mtext>a</mtext>")
    carriage.text = "a\rb"
    namespaced = ET.Element("{http://www.w3.org/1998/Math/MathML}mi")
    with_tail = ET.fromstring("<mrow><mi>x</mi></mrow>")[0]
    with_tail.tail = " "
    xmlns = ET.Element("mi", {"xmlns": "http://www.w3.org/1998/Math/MathML"})
    empty_text = ET.Element("mi")
    empty_text.text = ""
    for element in (carriage, namespaced, with_tail, xmlns):
        assert ziamath_fast._plain_copy(element) is None
    copy = ziamath_fast._plain_copy(empty_text)
    assert copy is not None and copy.text is None


def test_unescape_is_ziamath_s() -> None:
    from ziamath import escapes, zmath
    from ziamath.tex import tex2mml

    ziamath_fast.install()
    text = ("<mo>&alpha;&InvisibleTimes;&#x0003D;&amp;&nosuch;&alpha &a:=b; := \\*= == != = "
            "&lt;&NotNestedGreaterGreater;&frac12;</mo><mn> -1</mn><mo> - </mo>")
    assert zmath.unescape is not escapes.unescape   # the fast one is installed
    assert zmath.unescape(text) == escapes.unescape(text)
    for tex, _ in corpus()[::20]:
        mathml = tex2mml(mathsvg.ziamath_tex(tex), inline=True)
        assert zmath.unescape(mathml) == escapes.unescape(mathml)
