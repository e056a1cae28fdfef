"""Moodle XML: one question category per template (``$course$/examgen/<topic>/<template-id>``)
holding its N variants, so a quiz can draw one random question per category.

Numeric -> ``numerical`` (the variant's absolute tolerance; misconceptions as 0 % answers after
the key, since Moodle takes the first matching answer; coarse answers at the grader's precision
credit); vector, matrix and multi-part -> ``cloze`` with NUMERICAL (and MULTICHOICE_V) blanks;
single choice -> ``multichoice`` single; multiple choice -> ``multichoice`` multiple with
fractions from Moodle's list; short answer (and symbolic, which core Moodle cannot grade) ->
``essay`` with the reference answers and rubric in the grader information; the worked solution
-> general feedback. Built with ElementTree (text is escaped, never spliced in).
"""

from __future__ import annotations

import base64
import html as htmllib
import math
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np

from examgen.export.content import grader_info, solution
from examgen.export.html import Html, SvgMath, TexMath, Writer, join
from examgen.export.items import ExportItem
from examgen.export.numbers import (
    CORRECT,
    ExportError,
    NumericAnswer,
    element_answers,
    fmt_full,
    moodle_fraction,
    numeric_answers,
    part_keys,
)
from examgen.export.options import DEFAULT_SETTINGS, Notes, Settings
from examgen.model import QuestionType, Variant, VariantPart

PLUGINFILE = "@@PLUGINFILE@@/"
CATEGORY_ROOT = "$course$/examgen"


def category_path(item: ExportItem) -> str:
    return f"{CATEGORY_ROOT}/{item.template.topic}/{item.template.id}"


def write_moodle(items: tuple[ExportItem, ...], settings: Settings = DEFAULT_SETTINGS,
                 title: str = "examgen") -> tuple[bytes, tuple[str, ...]]:
    """The Moodle XML file for ``items`` and notes on what the format could not express."""
    math_renderer = SvgMath(lambda name: PLUGINFILE + name) if settings.math == "svg" \
        else TexMath()
    w = Writer(settings.lang, math_renderer)
    notes = Notes()
    quiz = ET.Element("quiz")
    for item in items:
        quiz.append(_category(item))
        for k, v in enumerate(item.variants, start=1):
            try:
                quiz.append(_question(item, k, v, w, settings, notes))
            except ExportError as e:
                raise ExportError(f"question \"{item.template.id}\" (variant {k}, seed "
                                  f"{v.seed}): {e}") from None
    ET.indent(quiz, space="  ")
    body = ET.tostring(quiz, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), \
        tuple(notes.lines)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = text
    return e


def _text_el(parent: ET.Element, tag: str, h: Html | str, fmt: str = "html") -> ET.Element:
    """``<tag format="html"><text>...</text><file .../></tag>``; every image file the HTML uses
    travels inside the element that uses it (that is how Moodle XML scopes files)."""
    if isinstance(h, str):
        h = Html(h)
    e = _sub(parent, tag, format=fmt)
    _sub(e, "text", h.html)
    _files(e, h)
    return e


def _files(parent: ET.Element, h: Html) -> None:
    for f in h.files:
        if PLUGINFILE + f.name in h.html:
            _sub(parent, "file", base64.b64encode(f.data).decode("ascii"), name=f.name, path="/",
                 encoding="base64")


def _category(item: ExportItem) -> ET.Element:
    q = ET.Element("question", type="category")
    cat = _sub(q, "category")
    _sub(cat, "text", category_path(item))
    info = _sub(q, "info", format="html")
    _sub(info, "text", f"examgen: {item.template.id} ({item.template.type.value}), "
         f"{len(item.variants)} variant(s)")
    return q


def _head(q: ET.Element, item: ExportItem, k: int, v: Variant, w: Writer, text: Html,
          grade: float) -> None:
    name = _sub(q, "name")
    _sub(name, "text", f"{item.template.id} #{k:03d} (seed {v.seed})")
    _text_el(q, "questiontext", text)
    _text_el(q, "generalfeedback", solution(v, w))
    _sub(q, "defaultgrade", fmt_full(grade))
    _sub(q, "penalty", "0")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", f"{item.template.id}-{k:03d}")


def _question(item: ExportItem, k: int, v: Variant, w: Writer, s: Settings,
              notes: Notes) -> ET.Element:
    t = v.type
    single = len(v.parts) == 1 and not v.parts[0].label
    if single and v.parts[0].kind is QuestionType.NUMERIC:
        return _numerical(item, k, v, w)
    if single and v.parts[0].kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return _multichoice(item, k, v, w, s, notes)
    if t in (QuestionType.SHORT_ANSWER, QuestionType.SYMBOLIC):
        if t is QuestionType.SYMBOLIC:
            notes.add(item.template.id, "symbolic answers become essays graded by hand (core "
                      "Moodle cannot compare expressions); the expected expression is in the "
                      "grader information")
        return _essay(item, k, v, w)
    if any(p.kind in (QuestionType.SHORT_ANSWER, QuestionType.SYMBOLIC,
                      QuestionType.MULTIPLE_CHOICE) for p in v.parts):
        raise ExportError(f"{item.template.id}: a part of type "
                          f"{', '.join(p.kind.value for p in v.parts)} cannot sit in a cloze "
                          "question")
    if not s.partial_credit:
        notes.add(item.template.id, "partial_credit: false cannot be expressed by a cloze "
                  "question, which credits each blank; exported with per-blank credit")
    return _cloze(item, k, v, w, notes)


# -- numerical -----------------------------------------------------------------------------------

def _numerical(item: ExportItem, k: int, v: Variant, w: Writer) -> ET.Element:
    part = v.parts[0]
    q = ET.Element("question", type="numerical")
    _head(q, item, k, v, w, w.text(v.prompt), part.points)
    for a in numeric_answers(part, part_keys(v)[0]):
        ans = _sub(q, "answer", fraction=moodle_fraction(a.share), format="moodle_auto_format")
        _sub(ans, "text", fmt_full(a.value))
        _sub(ans, "tolerance", fmt_full(a.tolerance))
        _text_el(ans, "feedback", _feedback_html(a, w))
    _sub(q, "unitgradingtype", "0")
    _sub(q, "unitpenalty", "0")
    _sub(q, "showunits", "3")   # no units
    _sub(q, "unitsleft", "0")
    return q


def _feedback_html(a: NumericAnswer, w: Writer) -> Html:
    h = w.text(a.feedback, inline=True)
    if a.misconception:   # a comment: the id is for whoever reads the file, not the student
        return Html(f"<!-- misconception: {a.misconception} -->{h.html}", h.files)
    return h


# -- multiple choice -----------------------------------------------------------------------------

def _multichoice(item: ExportItem, k: int, v: Variant, w: Writer, s: Settings,
                 notes: Notes) -> ET.Element:
    part = v.parts[0]
    multiple = part.kind is QuestionType.MULTIPLE_CHOICE
    q = ET.Element("question", type="multichoice")
    _head(q, item, k, v, w, join(w.text(v.prompt), w.text(part.prompt)), part.points)
    _sub(q, "single", "false" if multiple else "true")
    _sub(q, "shuffleanswers", "false")     # the variant's order already is its shuffle
    _sub(q, "answernumbering", "ABCD")
    _text_el(q, "correctfeedback", w.text(CORRECT, inline=True))
    _text_el(q, "partiallycorrectfeedback", "")
    _text_el(q, "incorrectfeedback", "")
    if multiple:
        n_correct = len(part.correct_keys)
        if not s.partial_credit:
            notes.add(item.template.id, "partial_credit: false cannot be expressed by Moodle's "
                      "multichoice; exported with per-option credit")
        if s.negative:
            notes.add(item.template.id, "negative marking of a multiple choice cannot be "
                      "expressed by Moodle's multichoice; exported without it")
        shares = {True: 1 / n_correct, False: -1 / n_correct}
    else:
        shares = {True: 1.0, False: -s.negative}
    mis_desc = {m.id: m.description for m in part.misconceptions}
    for o in part.options:
        ans = _sub(q, "answer", fraction=moodle_fraction(shares[o.correct]), format="html")
        text = w.text(o.text, inline=True)
        _sub(ans, "text", text.html)
        _files(ans, text)   # an answer's own files sit beside its text
        _text_el(ans, "feedback", w.text(mis_desc.get(o.misconception or ""), inline=True))
    _sub(q, "shownumcorrect")
    return q


# -- essay ---------------------------------------------------------------------------------------

def _essay(item: ExportItem, k: int, v: Variant, w: Writer) -> ET.Element:
    part = v.parts[0]
    q = ET.Element("question", type="essay")
    _head(q, item, k, v, w, join(w.text(v.prompt), w.text(part.prompt)), part.points)
    _sub(q, "responseformat", "editor")
    _sub(q, "responserequired", "1")
    _sub(q, "responsefieldlines", "8" if part.references else "3")
    _sub(q, "attachments", "0")
    _sub(q, "attachmentsrequired", "0")
    _text_el(q, "graderinfo", grader_info(v, w))
    _text_el(q, "responsetemplate", "")
    return q


# -- cloze ---------------------------------------------------------------------------------------

def cloze_escape(text: str) -> str:
    """Text for inside a cloze blank (an answer or its feedback): Moodle's parser ends an
    answer at ``~``, ``#`` or ``}`` and feedback at ``~`` or ``}`` unless a backslash precedes
    them, and unescapes only ``\\}`` and ``\\#``; it also decodes HTML entities once, so the
    text is escaped for HTML twice. ``~`` (TeX's tie) becomes a space."""
    t = htmllib.escape(htmllib.escape(text, quote=False), quote=False)
    return t.replace("~", " ").replace("}", "\\}").replace("#", "\\#")


def blank_weights(part_points: list[tuple[float, int]]) -> tuple[list[int], int]:
    """Integer blank weights (Moodle's cloze takes whole numbers) for parts of (points, blanks):
    each blank ``points / blanks``, all scaled by the smallest factor that makes them whole.
    Returns the weight of a blank of each part and the factor."""
    shares = [Fraction(p).limit_denominator(10_000) / n for p, n in part_points]
    factor = math.lcm(*(s.denominator for s in shares)) if shares else 1
    return [int(s * factor) for s in shares], factor


def _numerical_blank(weight: int, answers: tuple[NumericAnswer, ...], w: Writer) -> str:
    alts = []
    for i, a in enumerate(answers):
        frac = "=" if a.share == 1 and i == 0 else f"%{moodle_fraction(a.share)}%"
        fb = "" if a.kind == "key" else cloze_escape(w.plain(a.feedback))
        alts.append(f"{frac}{fmt_full(a.value)}:{fmt_full(a.tolerance)}" + (f"#{fb}" if fb else ""))
    return "{" + f"{weight}:NUMERICAL:" + "~".join(alts) + "}"


def _choice_blank(weight: int, part: VariantPart, w: Writer) -> str:
    mis = {m.id: m.description for m in part.misconceptions}
    alts = []
    for o in part.options:
        text = cloze_escape(w.plain(o.text))
        fb = cloze_escape(w.plain(mis.get(o.misconception or "")))
        alts.append(("=" if o.correct else "%0%") + text + (f"#{fb}" if fb else ""))
    return "{" + f"{weight}:MULTICHOICE_V:" + "~".join(alts) + "}"


def _blanks(part: VariantPart) -> int:
    if part.kind in (QuestionType.VECTOR, QuestionType.MATRIX):
        return int(np.asarray(part.value, dtype=float).size)
    return 1


def _cloze(item: ExportItem, k: int, v: Variant, w: Writer, notes: Notes) -> ET.Element:
    keys = part_keys(v)
    weights, factor = blank_weights([(p.points, _blanks(p)) for p in v.parts])
    if factor != 1:
        notes.add(item.template.id, f"cloze blanks weigh whole marks: the question is worth "
                  f"{fmt_full(v.points * factor)} in Moodle ({factor}× its {fmt_full(v.points)} "
                  "points); set the quiz slot's mark to the points you want")
    if any(p.kind in (QuestionType.VECTOR, QuestionType.MATRIX) and p.misconceptions
           for p in v.parts):
        notes.add(item.template.id, "Moodle grades a vector or matrix entry by entry: a "
                  "misconception's entries get its feedback one by one (examgen gives a whole "
                  "matching vector 0 even where some entries equal the key's)")
    body: list[str] = [w.text(v.prompt).html]
    for part, key, weight in zip(v.parts, keys, weights, strict=True):
        head = f"<strong>({htmllib.escape(part.label)})</strong> " if part.label else ""
        prompt = w.text(part.prompt, inline=True).html if part.prompt else ""
        body.append(f"<p>{head}{prompt}</p>" if head or prompt else "")
        if part.kind is QuestionType.NUMERIC:
            body.append("<p>" + _numerical_blank(weight, numeric_answers(part, key), w) + "</p>")
        elif part.kind is QuestionType.SINGLE_CHOICE:
            body.append("<div>" + _choice_blank(weight, part, w) + "</div>")
        else:
            body.append(_array_table(part, element_answers(part, key), weight, w))
    html = "".join(body)
    h = Html(html, tuple(f for n, f in sorted(w.math.files.items()) if n in html))
    q = ET.Element("question", type="cloze")
    name = _sub(q, "name")
    _sub(name, "text", f"{item.template.id} #{k:03d} (seed {v.seed})")
    _text_el(q, "questiontext", h)
    _text_el(q, "generalfeedback", solution(v, w))
    _sub(q, "penalty", "0")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", f"{item.template.id}-{k:03d}")
    return q


def _array_table(part: VariantPart, answers: list[tuple[NumericAnswer, ...]], weight: int,
                 w: Writer) -> str:
    shape = np.asarray(part.value, dtype=float).shape
    rows, cols = (1, shape[0]) if len(shape) == 1 else (shape[0], shape[1])
    cells = [_numerical_blank(weight, a, w) for a in answers]
    trs = "".join("<tr>" + "".join(f"<td>{cells[r * cols + c]}</td>" for c in range(cols))
                  + "</tr>" for r in range(rows))
    return f'<table class="examgen-array">{trs}</table>'

