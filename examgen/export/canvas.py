"""Canvas classic quizzes: a QTI 1.2 zip (``imsmanifest.xml``, ``<quiz>/assessment_meta.xml``,
``<quiz>/<quiz>.xml``) with one question group per template that picks 1 of its N variants
(a section with ``selection_ordering``/``selection_number`` 1 and the points per item).

Canvas's question types decide what can be said: ``numerical_question`` (the key with its
absolute tolerance as ``vargte``/``varlte`` bounds at full precision; Canvas counts every
numerical answer as correct, so misconceptions and coarse answers cannot be 0 %/partial answers
and are left out, with a note), ``multiple_choice_question`` (misconception options carry
their feedback), ``multiple_answers_question`` (Canvas's partial credit is the grader's:
+1/k per right option, -1/k per wrong one, not below 0), ``essay_question`` (references and
rubric in the neutral feedback for the grader) and, for vectors, matrices and multi-part,
``fill_in_multiple_blanks_question``: Canvas compares blank text, so each blank accepts every
number within its tolerance written with the printed number of decimals (and its shortest
form), with a note.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

from examgen.export.blanks import Blank, value_blanks
from examgen.export.check import CheckReport, local, parse_xml
from examgen.export.content import grader_info, solution
from examgen.export.html import TexMath, Writer
from examgen.export.items import ExportItem
from examgen.export.numbers import ExportError, fmt_full
from examgen.export.options import DEFAULT_SETTINGS, Notes, Settings
from examgen.export.package import xml_bytes, zip_bytes
from examgen.model import QuestionType, Variant

QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CC = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QUIZ = "examgen_quiz"
MAX_SPELLINGS = 250   # accepted spellings of one blank's number (±0.01 at 4 decimals: 222)
QUESTION_TYPES = frozenset({"multiple_choice_question", "true_false_question",
                            "short_answer_question", "fill_in_multiple_blanks_question",
                            "multiple_answers_question", "multiple_dropdowns_question",
                            "matching_question", "numerical_question", "calculated_question",
                            "essay_question", "file_upload_question", "text_only_question"})


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, tag, attrs)
    if text is not None:
        e.text = text
    return e


def write_canvas(items: tuple[ExportItem, ...], settings: Settings = DEFAULT_SETTINGS,
                 title: str = "examgen") -> tuple[bytes, tuple[str, ...]]:
    """The zip's bytes and notes on what Canvas's question types could not express."""
    if settings.math != "tex":
        raise ExportError("Canvas export writes math as TeX (\\( ... \\)), which Canvas "
                          "renders itself; --math svg is for moodle and qti21")
    w = Writer(settings.lang, TexMath())
    notes = Notes()
    root = ET.Element("questestinterop", {f"{{{XSI}}}schemaLocation":
                                          f"{QTI12} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"})
    assessment = _sub(root, "assessment", ident=QUIZ, title=title)
    meta = _sub(assessment, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    top = _sub(assessment, "section", ident="root_section")
    total = 0.0
    for item in items:
        group = _sub(top, "section", ident=f"g_{item.template.id}", title=item.template.id)
        sel = _sub(_sub(group, "selection_ordering"), "selection")
        _sub(sel, "selection_number", "1")
        _sub(_sub(sel, "selection_extension"), "points_per_item", fmt_full(item.points))
        total += item.points
        for k, v in enumerate(item.variants, start=1):
            group.append(_item(item, k, v, w, settings, notes))
    quiz = xml_bytes(root, QTI12)
    members = [("imsmanifest.xml", _manifest()),
               (f"{QUIZ}/assessment_meta.xml", _meta(title, total)),
               (f"{QUIZ}/{QUIZ}.xml", quiz)]
    return zip_bytes(members), tuple(notes.lines)


def _field(meta: ET.Element, label: str, entry: str) -> None:
    f = _sub(meta, "qtimetadatafield")
    _sub(f, "fieldlabel", label)
    _sub(f, "fieldentry", entry)


def _mattext(parent: ET.Element, html: str, plain: bool = False) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype="text/plain" if plain else "text/html")


def _item(item: ExportItem, k: int, v: Variant, w: Writer, s: Settings,
          notes: Notes) -> ET.Element:
    ident = f"{item.template.id}-{k:03d}"
    e = ET.Element("item", ident=ident, title=f"{item.template.id} #{k:03d}")
    meta = _sub(_sub(e, "itemmetadata"), "qtimetadata")
    qtype = _question_type(v)
    _field(meta, "question_type", qtype)
    _field(meta, "points_possible", fmt_full(v.points))
    _field(meta, "assessment_question_identifierref", f"q_{ident}")
    pres = _sub(e, "presentation")
    rp = ET.Element("resprocessing")
    outcomes = _sub(rp, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    worked = solution(v, w).html
    if qtype == "numerical_question":
        feedback = _numerical_item(pres, rp, item, v, w, notes)
    elif qtype in ("multiple_choice_question", "multiple_answers_question"):
        feedback = _choice_item(pres, rp, item, v, w, s, notes,
                                qtype == "multiple_answers_question")
    elif qtype == "essay_question":
        # graders see the neutral comments with the reference answers and rubric
        feedback, worked = _essay_item(pres, rp, item, v, w, notes, worked), ""
    else:
        feedback = _blanks(pres, rp, item, v, w, notes)
    if worked:
        feedback.insert(0, ("general_fb", worked))
    if feedback and feedback[0][0] == "general_fb":
        cond = ET.Element("respcondition", {"continue": "Yes"})
        _sub(_sub(cond, "conditionvar"), "other")
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        rp.insert(1, cond)
    e.append(rp)
    for fid, html in feedback:
        fb = _sub(e, "itemfeedback", ident=fid)
        _mattext(_sub(fb, "flow_mat"), html)
    return e


def _question_type(v: Variant) -> str:
    """The Canvas question type a variant is exported as."""
    part = v.parts[0]
    single = len(v.parts) == 1 and not part.label
    if single and part.kind is QuestionType.NUMERIC:
        return "numerical_question"
    if single and part.kind is QuestionType.SINGLE_CHOICE:
        return "multiple_choice_question"
    if single and part.kind is QuestionType.MULTIPLE_CHOICE:
        return "multiple_answers_question"
    if v.type in (QuestionType.SHORT_ANSWER, QuestionType.SYMBOLIC):
        return "essay_question"
    return "fill_in_multiple_blanks_question"


def _numerical_item(pres: ET.Element, rp: ET.Element, item: ExportItem, v: Variant,
                    w: Writer, notes: Notes) -> list[tuple[str, str]]:
    _mattext(pres, w.text(v.prompt).html)
    _numerical(pres, rp, value_blanks(v)[0])
    if v.parts[0].misconceptions:
        notes.add(item.template.id, "Canvas counts every numerical answer as correct: the "
                  "misconceptions (0 % answers) and the grader's precision credit are left "
                  "out")
    return []


def _choice_item(pres: ET.Element, rp: ET.Element, item: ExportItem, v: Variant, w: Writer,
                 s: Settings, notes: Notes, multiple: bool) -> list[tuple[str, str]]:
    _mattext(pres, w.text(v.prompt).html + w.text(v.parts[0].prompt).html)
    feedback = _choices(pres, rp, v, w, multiple)
    if s.negative:
        notes.add(item.template.id, "Canvas classic quizzes have no negative marking; "
                  "exported without it")
    return feedback


def _essay_item(pres: ET.Element, rp: ET.Element, item: ExportItem, v: Variant, w: Writer,
                notes: Notes, worked: str) -> list[tuple[str, str]]:
    """An essay box; the references, rubric and ``worked`` solution as the neutral comment."""
    _mattext(pres, w.text(v.prompt).html + w.text(v.parts[0].prompt).html)
    resp = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(resp, "render_fib"), "response_label", ident="answer1", rshuffle="No")
    cond = _sub(rp, "respcondition", **{"continue": "No"})
    _sub(_sub(cond, "conditionvar"), "other")
    comment = grader_info(v, w).html + worked
    notes.add(item.template.id, "essays are graded by hand in Canvas (SpeedGrader); the "
              "references and rubric are in the question's comments")
    return [("general_fb", comment)]


def _numerical(pres: ET.Element, rp: ET.Element, blank: Blank) -> None:
    resp = _sub(pres, "response_str", ident="response1", rcardinality="Single")
    _sub(_sub(resp, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    key = blank.answers[0]
    widest = max((a for a in blank.answers if a.share == 1), key=lambda a: a.tolerance)
    cond = _sub(rp, "respcondition", **{"continue": "No"})
    either = _sub(_sub(cond, "conditionvar"), "or")
    _sub(either, "varequal", fmt_full(key.value), respident="response1")
    both = _sub(either, "and")
    _sub(both, "vargte", fmt_full(widest.low), respident="response1")
    _sub(both, "varlte", fmt_full(widest.high), respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _choices(pres: ET.Element, rp: ET.Element, v: Variant, w: Writer, multiple: bool
             ) -> list[tuple[str, str]]:
    part = v.parts[0]
    resp = _sub(pres, "response_lid", ident="response1",
                rcardinality="Multiple" if multiple else "Single")
    render = _sub(resp, "render_choice")
    for o in part.options:
        label = _sub(render, "response_label", ident=o.key)
        _mattext(label, w.text(o.text, inline=True).html)
    feedback = []
    descriptions = {m.id: m.description for m in part.misconceptions}
    for o in part.options:
        if o.misconception in descriptions:
            cond = _sub(rp, "respcondition", **{"continue": "Yes"})
            _sub(_sub(cond, "conditionvar"), "varequal", o.key, respident="response1")
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{o.key}_fb")
            feedback.append((f"{o.key}_fb", w.text(descriptions[o.misconception or ""]).html))
    cond = _sub(rp, "respcondition", **{"continue": "No"})
    var = _sub(cond, "conditionvar")
    if multiple:
        both = _sub(var, "and")
        for o in part.options:
            target = both if o.correct else _sub(both, "not")
            _sub(target, "varequal", o.key, respident="response1")
    else:
        (right,) = part.correct_keys
        _sub(var, "varequal", right, respident="response1")
    _sub(cond, "setvar", "100", action="Set", varname="SCORE")
    return feedback


def spellings(low: float, high: float, decimals: int, limit: int = MAX_SPELLINGS
              ) -> list[str] | None:
    """Every number in [low, high] written with ``decimals`` places, and each one's shortest
    form ("0.50" and "0.5"); ``None`` when there are more than ``limit`` numbers."""
    step = 10.0 ** -decimals
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    if last - first + 1 > limit:
        return None
    out: list[str] = []
    for n in range(first, last + 1):
        x = n * step
        for text in (f"{x:.{decimals}f}", fmt_full(round(x, decimals))):
            text = text[1:] if text.startswith("-") and float(text) == 0 else text
            if text not in out:
                out.append(text)
    return out


def _blanks(pres: ET.Element, rp: ET.Element, item: ExportItem, v: Variant, w: Writer,
            notes: Notes) -> list[tuple[str, str]]:
    if any(p.kind is QuestionType.SINGLE_CHOICE for p in v.parts):
        raise ExportError(f"{item.template.id}: Canvas cannot mix a choice part with number "
                          "blanks in one question")
    blanks = value_blanks(v)
    html = [w.text(v.prompt).html]
    for part in v.parts:
        mine = [b for b in blanks if b.part is part]
        head = f"<strong>({part.label})</strong> " if part.label else ""
        html.append(f"<p>{head}{w.text(part.prompt, inline=True).html}</p>")
        html.append("<p>" + ", ".join(f"[{_name(b)}]" for b in mine) + "</p>")
    _mattext(pres, "".join(html))
    if len({round(b.points, 9) for b in blanks}) > 1:
        notes.add(item.template.id, "Canvas splits a fill-in-the-blanks question's points "
                  "equally between blanks; the parts' own weights are not kept")
    notes.add(item.template.id, "Canvas compares blank text: each blank accepts the numbers "
              "within the tolerance written with the printed decimals (or shorter)")
    share = 100 / len(blanks)
    for b in blanks:
        name = _name(b)
        resp = _sub(pres, "response_lid", ident=f"response_{name}")
        _mattext(resp, name, plain=True)
        render = _sub(resp, "render_choice")
        decimals = b.part.decimals if b.part.decimals is not None else 2
        key = b.answers[0]
        texts = spellings(key.low, key.high, decimals)
        if not texts:
            # too wide a tolerance to list every spelling: the printed value only
            texts = spellings(key.value, key.value, decimals) or \
                [f"{round(key.value, decimals):.{decimals}f}"]
            notes.add(item.template.id, f"blank {b.label}: the tolerance spans more than "
                      f"{MAX_SPELLINGS} numbers at {decimals} decimals; Canvas accepts only the "
                      "printed value there")
        for j, text in enumerate(texts, start=1):
            label = _sub(render, "response_label", ident=f"{name}_{j}")
            _mattext(label, text, plain=True)
            cond = _sub(rp, "respcondition")
            _sub(_sub(cond, "conditionvar"), "varequal", f"{name}_{j}",
                 respident=f"response_{name}")
            _sub(cond, "setvar", fmt_full(round(share, 4)), varname="SCORE", action="Add")
    return []


def _name(b: Blank) -> str:
    return f"b{b.index}"


def _manifest() -> bytes:
    root = ET.Element("manifest", {"identifier": f"{QUIZ}_manifest",
                                   f"{{{XSI}}}schemaLocation":
                                   f"{CC} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"})
    md = _sub(root, "metadata")
    _sub(md, "schema", "IMS Content")
    _sub(md, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    res = _sub(root, "resources")
    quiz = _sub(res, "resource", identifier=QUIZ, type="imsqti_xmlv1p2")
    _sub(quiz, "file", href=f"{QUIZ}/{QUIZ}.xml")
    _sub(quiz, "dependency", identifierref=f"{QUIZ}_meta")
    meta = _sub(res, "resource", identifier=f"{QUIZ}_meta",
                type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                href=f"{QUIZ}/assessment_meta.xml")
    _sub(meta, "file", href=f"{QUIZ}/assessment_meta.xml")
    return xml_bytes(root, CC)


def _meta(title: str, points: float) -> bytes:
    root = ET.Element("quiz", {"identifier": QUIZ, f"{{{XSI}}}schemaLocation":
                               f"{CANVAS} https://canvas.instructure.com/xsd/cccv1p0.xsd"})
    for tag, text in (("title", title), ("description", ""), ("shuffle_answers", "false"),
                      ("scoring_policy", "keep_highest"), ("hide_results", ""),
                      ("quiz_type", "assignment"), ("points_possible", fmt_full(points)),
                      ("show_correct_answers", "true"), ("anonymous_submissions", "false"),
                      ("could_be_locked", "false"), ("allowed_attempts", "1"),
                      ("one_question_at_a_time", "false"), ("cant_go_back", "false"),
                      ("available", "false")):
        _sub(root, tag, text)
    return xml_bytes(root, CANVAS)


# -- check ---------------------------------------------------------------------------------------

def check_canvas(zf: zipfile.ZipFile, file: str) -> CheckReport:
    """Structure of a Canvas QTI 1.2 zip (see :mod:`examgen.export.check`)."""
    from examgen.export.check import _manifest as read_manifest

    manifest, problems = read_manifest(zf, file)
    if manifest is None:
        return CheckReport(file, "canvas", 0, tuple(problems))
    names = set(zf.namelist())
    count = 0
    seen: Counter[str] = Counter()
    for r in (r for r in manifest.iter() if local(r.tag) == "resource"):
        hrefs = [f.get("href", "") for f in r if local(f.tag) == "file"]
        for href in (h for h in hrefs if h in names):
            root, bad = parse_xml(zf.read(href), f"{file}:{href}")
            if root is None:
                problems.append(bad or "")
            elif local(root.tag) == "questestinterop":
                n, found = _check_assessment(root, f"{file}:{href}", seen)
                count += n
                problems += found
            elif local(root.tag) != "quiz":
                problems.append(f"{file}:{href}: unexpected root <{local(root.tag)}>")
    problems += [f"{file}: item ident {i!r} is used {n} times" for i, n in seen.items() if n > 1]
    if count == 0:
        problems.append(f"{file}: no questions")
    return CheckReport(file, "canvas", count, tuple(problems))


def _check_assessment(root: ET.Element, where: str, seen: Counter[str]) -> tuple[int, list[str]]:
    out: list[str] = []
    count = 0
    for section in (s for s in root.iter() if local(s.tag) == "section"):
        items = [i for i in section if local(i.tag) == "item"]
        ordering = [c for c in section if local(c.tag) == "selection_ordering"]
        number = next((n for o in ordering for n in o.iter()
                       if local(n.tag) == "selection_number"), None)
        if number is not None and int(number.text or 0) > len(items):
            out.append(f"{where}: group {section.get('ident')!r} picks {number.text} of "
                       f"{len(items)} questions")
        for item in items:
            count += 1
            ident = item.get("ident", "")
            seen[ident] += 1
            out += _check_item(item, f"{where}: item {ident!r}")
    return count, out


_CONDITIONS = ("varequal", "vargte", "varlte", "vargt", "varlt")


def _check_item(item: ET.Element, where: str) -> list[str]:
    fields = _metadata(item)
    out = _check_fields(fields, where)
    responses: dict[str, set[str]] = {}
    for r in (r for r in item.iter() if local(r.tag) in ("response_lid", "response_str")):
        responses[r.get("ident", "")] = {lab.get("ident", "") for lab in r.iter()
                                         if local(lab.tag) == "response_label"}
    feedback = {f.get("ident") for f in item if local(f.tag) == "itemfeedback"}
    numerical = fields.get("question_type") == "numerical_question"
    for e in item.iter():
        name = local(e.tag)
        if name in _CONDITIONS:
            out += _check_condition(e, name, where, responses, numerical)
        if name == "displayfeedback" and e.get("linkrefid") not in feedback:
            out.append(f"{where}: feedback {e.get('linkrefid')!r} does not exist")
    return out


def _metadata(item: ET.Element) -> dict[str, str]:
    """The item's metadata fields, label -> entry."""
    fields = {}
    for f in (f for f in item.iter() if local(f.tag) == "qtimetadatafield"):
        label = next((c.text for c in f if local(c.tag) == "fieldlabel"), "")
        entry = next((c.text for c in f if local(c.tag) == "fieldentry"), "")
        fields[label or ""] = entry or ""
    return fields


def _check_fields(fields: dict[str, str], where: str) -> list[str]:
    """A question type Canvas knows and numeric points."""
    out = []
    if fields.get("question_type") not in QUESTION_TYPES:
        out.append(f"{where}: question_type {fields.get('question_type')!r} is not one of "
                   "Canvas's")
    try:
        float(fields.get("points_possible", ""))
    except ValueError:
        out.append(f"{where}: points_possible {fields.get('points_possible')!r} is not a number")
    return out


def _check_condition(e: ET.Element, name: str, where: str, responses: dict[str, set[str]],
                     numerical: bool) -> list[str]:
    """A condition reads an existing response, expects one of its choices (not for a numerical
    question) and compares with a number (bounds, and every value of a numerical question)."""
    out = []
    rid = e.get("respident", "")
    if rid not in responses:
        out.append(f"{where}: a condition reads {rid!r}, which is no response")
    elif name == "varequal" and responses[rid] and e.text not in responses[rid] \
            and not numerical:
        out.append(f"{where}: a condition expects {e.text!r}, which is not a choice of "
                   f"{rid!r}")
    if name != "varequal" or numerical:
        try:
            float(e.text or "")
        except ValueError:
            out.append(f"{where}: bound {e.text!r} is not a number")
    return out
