"""IMS QTI 2.1 content package (Blackboard, OpenOlat, ILIAS, Brightspace, ...): one
``assessmentItem`` per variant, an ``assessmentTest`` with one section per template that selects
one of its variants (``<selection select="1"/>``), and ``imsmanifest.xml``.

Numbers are ``textEntryInteraction`` with a float response; the tolerance is response
processing on that float (``gte``/``lte`` with bounds at full precision), tried in the grader's
order: key, misconceptions (0 points, their modal feedback), rounding allowance, coarse answers
at the grader's precision credit. Vectors and matrices have one entry box per number. Choices
are ``choiceInteraction`` (multiple: a mapping of +points/k and -points/k, bounded below by 0, as
the grader scores them); short answers and symbolic answers ``extendedTextInteraction`` with
the references and rubric in a ``rubricBlock`` for the scorer. The worked solution is modal
feedback shown after the attempt.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections import Counter

import numpy as np

from examgen.export.blanks import Blank, value_blanks
from examgen.export.check import CheckReport, local, parse_xml
from examgen.export.content import grader_info, solution
from examgen.export.html import SvgMath, TexMath, Writer
from examgen.export.items import ExportItem
from examgen.export.numbers import fmt_full
from examgen.export.options import DEFAULT_SETTINGS, Notes, Settings
from examgen.export.package import xml_bytes, zip_bytes
from examgen.export.xhtml import append_html
from examgen.model import QuestionType, Variant, VariantPart

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_SCHEMA = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
ITEM_ORDER = ("responseDeclaration", "outcomeDeclaration", "templateDeclaration",
              "templateProcessing", "stylesheet", "itemBody", "responseProcessing",
              "modalFeedback")
MEDIA = "media/"


def q(tag: str) -> str:
    """A tag as built (the document's default namespace is QTI's, see ``xml_bytes``)."""
    return tag


def qn(tag: str) -> str:
    """A tag as parsed back."""
    return f"{{{NS}}}{tag}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, q(tag), attrs)
    if text is not None:
        e.text = text
    return e


def item_identifier(item: ExportItem, k: int) -> str:
    return f"{item.template.id}-{k:03d}"


def write_qti21(items: tuple[ExportItem, ...], settings: Settings = DEFAULT_SETTINGS,
                title: str = "examgen") -> tuple[bytes, tuple[str, ...]]:
    """The package's zip bytes and notes on what the format could not express."""
    math = SvgMath(lambda name: "../" + MEDIA + name) if settings.math == "svg" else TexMath()
    w = Writer(settings.lang, math)
    notes = Notes()
    members: list[tuple[str, bytes]] = []
    resources: list[tuple[str, str, list[str]]] = []   # (identifier, href, files)
    for item in items:
        for k, v in enumerate(item.variants, start=1):
            ident = item_identifier(item, k)
            href = f"items/{ident}.xml"
            data = xml_bytes(_item(ident, item, v, w, settings, notes), NS)
            used = sorted(n for n in math.files if n.encode() in data)
            members.append((href, data))
            resources.append((ident, href, [MEDIA + n for n in used]))
    members.append(("test.xml", xml_bytes(_test(items, title), NS)))
    members += [(MEDIA + n, f.data) for n, f in sorted(math.files.items())]
    manifest = _manifest(resources, title)
    return zip_bytes([("imsmanifest.xml", manifest)] + members), tuple(notes.lines)


def _item(ident: str, item: ExportItem, v: Variant, w: Writer, s: Settings,
          notes: Notes) -> ET.Element:
    root = ET.Element(q("assessmentItem"), {
        f"{{{XSI}}}schemaLocation": SCHEMA, "identifier": ident,
        "title": f"{item.template.id} #{ident[-3:]}", "adaptive": "false",
        "timeDependent": "false"})
    kind = _item_kind(v)
    blanks = value_blanks(v) if kind == "values" else []
    choice_parts = [(i, p) for i, p in enumerate(v.parts, start=1)
                    if kind == "values" and p.kind is QuestionType.SINGLE_CHOICE]
    _declarations(root, kind, v, blanks, choice_parts, s)
    body = _el(root, "itemBody")
    _html(body, w.text(v.prompt).html)
    if kind == "choice":
        _choice_interaction(body, "RESPONSE", v.parts[0], w)
    elif kind == "essay":
        _essay_body(body, item, v, w, notes)
    else:
        _value_body(body, v, blanks, choice_parts, w)
    mis_feedback = _processing(_el(root, "responseProcessing"), kind, v, blanks, choice_parts,
                               s, w)
    _modal_feedback(root, mis_feedback, solution(v, w).html)
    return root


def _item_kind(v: Variant) -> str:
    """``choice`` (one unlabelled choice part), ``essay`` (a short or symbolic answer) or
    ``values`` (numbers, vectors, matrices, parts: entry boxes and per-part choices)."""
    part = v.parts[0]
    single = len(v.parts) == 1 and not part.label
    if single and part.kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return "choice"
    if v.type in (QuestionType.SHORT_ANSWER, QuestionType.SYMBOLIC):
        return "essay"
    return "values"


def _declarations(root: ET.Element, kind: str, v: Variant, blanks: list[Blank],
                  choice_parts: list[tuple[int, VariantPart]], s: Settings) -> None:
    """The response declarations of ``kind``, then the outcomes SCORE, MAXSCORE, FEEDBACK."""
    if kind == "choice":
        _choice_declaration(root, "RESPONSE", v.parts[0], s)
    elif kind == "essay":
        _el(root, "responseDeclaration", identifier="RESPONSE", cardinality="single",
            baseType="string")
    for b in blanks:
        _el(root, "responseDeclaration", identifier=f"RESPONSE_{b.index}", cardinality="single",
            baseType="float")
    for i, p in choice_parts:
        _choice_declaration(root, f"CHOICE_{i}", p, s)
    score = _el(root, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                baseType="float", normalMinimum="0", normalMaximum=fmt_full(v.points))
    _el(_el(score, "defaultValue"), "value", "0")
    max_score = _el(root, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single",
                    baseType="float")
    _el(_el(max_score, "defaultValue"), "value", fmt_full(v.points))
    _el(root, "outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple",
        baseType="identifier")


def _essay_body(body: ET.Element, item: ExportItem, v: Variant, w: Writer, notes: Notes) -> None:
    """The answer box of a short or symbolic answer and the scorer's rubric block."""
    part = v.parts[0]
    if part.prompt is not None:
        _html(body, w.text(part.prompt).html)
    _el(body, "extendedTextInteraction", responseIdentifier="RESPONSE",
        expectedLines="8" if part.references else "2")
    if v.type is QuestionType.SYMBOLIC:
        notes.add(item.template.id, "a symbolic answer is scored by hand (QTI has no "
                  "expression equivalence); the expected expression is in the scorer's "
                  "rubric block")
    rubric = _el(body, "rubricBlock", view="scorer")
    _html(rubric, grader_info(v, w).html)


def _processing(rp: ET.Element, kind: str, v: Variant, blanks: list[Blank],
                choice_parts: list[tuple[int, VariantPart]], s: Settings, w: Writer
                ) -> dict[str, str]:
    """Fill the response processing; the misconceptions' feedback (id -> html) it refers to."""
    _set(rp, "FEEDBACK", _multiple_ids(["SOLUTION"]))
    mis_feedback: dict[str, str] = {}
    if kind == "choice":
        _choice_processing(rp, "RESPONSE", v.parts[0], s, mis_feedback, w)
    for b in blanks:
        _blank_processing(rp, b, mis_feedback, w)
    for _, p in choice_parts:
        _choice_processing(rp, f"CHOICE_{v.parts.index(p) + 1}", p, s, mis_feedback, w,
                           add=True)
    return mis_feedback


def _modal_feedback(root: ET.Element, mis_feedback: dict[str, str], worked: str) -> None:
    """A modalFeedback per misconception, then the worked solution's (when there is one)."""
    for mid, html in sorted(mis_feedback.items()):
        fb = _el(root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=_fid(mid),
                 showHide="show")
        _html(fb, html)
    if worked:
        fb = _el(root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="SOLUTION",
                 showHide="show", title="풀이 / Solution")
        _html(fb, worked)


def _fid(mid: str) -> str:
    return f"MIS_{mid}"


def _html(parent: ET.Element, html: str) -> None:
    # QTI's img has no style attribute
    append_html(parent, html, "", frozenset({"style"}))


def _choice_declaration(root: ET.Element, ident: str, part: VariantPart, s: Settings) -> None:
    multiple = part.kind is QuestionType.MULTIPLE_CHOICE
    rd = _el(root, "responseDeclaration", identifier=ident,
             cardinality="multiple" if multiple else "single", baseType="identifier")
    cr = _el(rd, "correctResponse")
    for k in part.correct_keys:
        _el(cr, "value", k)
    if multiple:
        n = len(part.correct_keys)
        mapping = _el(rd, "mapping", lowerBound="0", upperBound=fmt_full(part.points),
                      defaultValue="0")
        for o in part.options:
            share = part.points / n * (1 if o.correct else -1)
            _el(mapping, "mapEntry", mapKey=o.key, mappedValue=fmt_full(share))


def _choice_interaction(parent: ET.Element, ident: str, part: VariantPart, w: Writer) -> None:
    multiple = part.kind is QuestionType.MULTIPLE_CHOICE
    ci = _el(parent, "choiceInteraction", responseIdentifier=ident, shuffle="false",
             maxChoices="0" if multiple else "1")
    if part.prompt is not None:
        _html(_el(ci, "prompt"), w.text(part.prompt, inline=True).html)
    for o in part.options:
        _html(_el(ci, "simpleChoice", identifier=o.key), w.text(o.text, inline=True).html)


def _value_body(body: ET.Element, v: Variant, blanks: list[Blank],
                choice_parts: list[tuple[int, VariantPart]], w: Writer) -> None:
    by_part: dict[int, list[Blank]] = {}
    for b in blanks:
        by_part.setdefault(id(b.part), []).append(b)
    for i, part in enumerate(v.parts, start=1):
        if part.label or part.prompt is not None:
            head = f"<strong>({part.label})</strong> " if part.label else ""
            _html(body, f"<p>{head}{w.text(part.prompt, inline=True).html}</p>")
        if part.kind is QuestionType.SINGLE_CHOICE:
            _choice_interaction(body, f"CHOICE_{i}", part, w)
            continue
        mine = by_part[id(part)]
        if part.kind is QuestionType.NUMERIC:
            p = _el(body, "p")
            _el(p, "textEntryInteraction", responseIdentifier=f"RESPONSE_{mine[0].index}",
                expectedLength="16")
            continue
        cols = int(np.asarray(part.value, dtype=float).shape[-1])
        tbody = _el(_el(body, "table"), "tbody")
        for r in range(len(mine) // cols):
            tr = _el(tbody, "tr")
            for c in range(cols):
                _el(_el(tr, "td"), "textEntryInteraction",
                    responseIdentifier=f"RESPONSE_{mine[r * cols + c].index}",
                    expectedLength="10")


def _multiple_ids(ids: list[str]) -> ET.Element:
    m = ET.Element(q("multiple"))
    for i in ids:
        _el(m, "baseValue", i, baseType="identifier")
    return m


def _set(parent: ET.Element, ident: str, expr: ET.Element) -> None:
    _el(parent, "setOutcomeValue", identifier=ident).append(expr)


def _var(ident: str) -> ET.Element:
    return ET.Element(q("variable"), identifier=ident)


def _float(x: float) -> ET.Element:
    e = ET.Element(q("baseValue"), baseType="float")
    e.text = fmt_full(x)
    return e


def _add_score(parent: ET.Element, points: float) -> None:
    s = ET.Element(q("sum"))
    s.append(_var("SCORE"))
    s.append(_float(points))
    _set(parent, "SCORE", s)


def _add_feedback(parent: ET.Element, fid: str) -> None:
    m = ET.Element(q("multiple"))
    m.append(_var("FEEDBACK"))
    _el(m, "baseValue", fid, baseType="identifier")
    _set(parent, "FEEDBACK", m)


def _blank_processing(rp: ET.Element, b: Blank, mis: dict[str, str], w: Writer) -> None:
    rc = _el(rp, "responseCondition")
    for n, a in enumerate(b.answers):
        branch = _el(rc, "responseIf" if n == 0 else "responseElseIf")
        both = _el(branch, "and")
        gte = _el(both, "gte")
        gte.append(_var(f"RESPONSE_{b.index}"))
        gte.append(_float(a.low))
        lte = _el(both, "lte")
        lte.append(_var(f"RESPONSE_{b.index}"))
        lte.append(_float(a.high))
        if a.share:
            _add_score(branch, b.points * a.share)
        if a.misconception:
            mis.setdefault(a.misconception, w.text(a.feedback).html)
            _add_feedback(branch, _fid(a.misconception))


def _choice_processing(rp: ET.Element, ident: str, part: VariantPart, s: Settings,
                       mis: dict[str, str], w: Writer, add: bool = False) -> None:
    multiple = part.kind is QuestionType.MULTIPLE_CHOICE
    rc = _el(rp, "responseCondition")
    first = _el(rc, "responseIf")
    null = _el(first, "isNull")
    null.append(_var(ident))
    if multiple:
        other = _el(rc, "responseElse")
        m = ET.Element(q("sum"))
        m.append(_var("SCORE"))
        _el(m, "mapResponse", identifier=ident)
        _set(other, "SCORE", m)
    else:
        right = _el(rc, "responseElseIf")
        match = _el(right, "match")
        match.append(_var(ident))
        _el(match, "correct", identifier=ident)
        _add_score(right, part.points)
        if s.negative:
            _add_score(_el(rc, "responseElse"), -part.points * s.negative)
    descriptions = {m.id: m.description for m in part.misconceptions}
    for o in part.options:
        if not o.misconception or o.misconception not in descriptions:
            continue
        rc2 = _el(rp, "responseCondition")
        branch = _el(rc2, "responseIf")
        member = _el(branch, "match" if not multiple else "member")
        if multiple:
            _el(member, "baseValue", o.key, baseType="identifier")
            member.append(_var(ident))
        else:
            member.append(_var(ident))
            _el(member, "baseValue", o.key, baseType="identifier")
        mis.setdefault(o.misconception, w.text(descriptions[o.misconception]).html)
        _add_feedback(branch, _fid(o.misconception))


def _test(items: tuple[ExportItem, ...], title: str) -> ET.Element:
    root = ET.Element(q("assessmentTest"), {f"{{{XSI}}}schemaLocation": SCHEMA,
                                            "identifier": "examgen-test", "title": title})
    score = _el(root, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                baseType="float")
    _el(_el(score, "defaultValue"), "value", "0")
    part = _el(root, "testPart", identifier="part-1", navigationMode="nonlinear",
               submissionMode="simultaneous")
    for item in items:
        section = _el(part, "assessmentSection", identifier=f"section-{item.template.id}",
                      title=item.template.id, visible="true")
        _el(section, "selection", select="1")
        for k in range(1, len(item.variants) + 1):
            ident = item_identifier(item, k)
            _el(section, "assessmentItemRef", identifier=ident, href=f"items/{ident}.xml")
    op = _el(root, "outcomeProcessing")
    total = ET.Element(q("sum"))
    _el(total, "testVariables", variableIdentifier="SCORE")
    _set(op, "SCORE", total)
    return root


def _manifest(resources: list[tuple[str, str, list[str]]], title: str) -> bytes:
    def cp(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, tag, attrs)
        if text is not None:
            e.text = text
        return e
    root = ET.Element("manifest", {f"{{{XSI}}}schemaLocation": CP_SCHEMA,
                                               "identifier": "examgen-manifest"})
    md = cp(root, "metadata")
    cp(md, "schema", "QTIv2.1 Package")
    cp(md, "schemaversion", "1.0.0")
    cp(root, "organizations")
    res = cp(root, "resources")
    test = cp(res, "resource", identifier="res-test", type="imsqti_test_xmlv2p1", href="test.xml")
    cp(test, "file", href="test.xml")
    for ident, _, _ in resources:
        cp(test, "dependency", identifierref=f"res-{ident}")
    for ident, href, files in resources:
        r = cp(res, "resource", identifier=f"res-{ident}", type="imsqti_item_xmlv2p1", href=href)
        cp(r, "file", href=href)
        for f in files:
            cp(r, "file", href=f)
    return xml_bytes(root, CP_NS)


# -- check ---------------------------------------------------------------------------------------

INTERACTIONS = {"choiceInteraction", "textEntryInteraction", "extendedTextInteraction"}


def check_qti21(zf: zipfile.ZipFile, file: str) -> CheckReport:
    """Structure of a QTI 2.1 package (see :mod:`examgen.export.check`)."""
    from examgen.export.check import _manifest as read_manifest

    manifest, problems = read_manifest(zf, file)
    if manifest is None:
        return CheckReport(file, "qti21", 0, tuple(problems))
    names = set(zf.namelist())
    items: dict[str, str] = {}    # href -> identifier
    tests = []
    for r in (r for r in manifest.iter() if local(r.tag) == "resource"):
        href = r.get("href", "")
        rtype = r.get("type", "")
        if href not in names:
            continue
        where = f"{file}:{href}"
        root, bad = parse_xml(zf.read(href), where)
        if root is None:
            problems.append(bad or "")
            continue
        if rtype.startswith("imsqti_item"):
            ident, item_problems = _check_item(root, where, names, href)
            problems += item_problems
            if ident in items.values():
                problems.append(f"{where}: item identifier {ident!r} is used by another item")
            items[href] = ident
        elif rtype.startswith("imsqti_test"):
            tests.append((where, root))
        else:
            problems.append(f"{where}: resource type {rtype!r} is not a QTI 2.1 item or test")
    for where, root in tests:
        problems += _check_test(root, where, items)
    if not tests:
        problems.append(f"{file}: the manifest names no assessmentTest")
    return CheckReport(file, "qti21", len(items), tuple(problems))


def _check_item(root: ET.Element, where: str, names: set[str], href: str
                ) -> tuple[str, list[str]]:
    if root.tag != qn("assessmentItem"):
        return "", [f"{where}: the root is <{root.tag}>, not a QTI 2.1 assessmentItem"]
    responses = {d.get("identifier", ""): d for d in root if local(d.tag) == "responseDeclaration"}
    outcomes = {d.get("identifier", ""): d for d in root if local(d.tag) == "outcomeDeclaration"}
    declared = Counter([d.get("identifier", "") for d in root
                        if local(d.tag) in ("responseDeclaration", "outcomeDeclaration")])
    out = _check_item_root(root, where)
    out += _check_declarations(where, declared, list(responses.values()) + list(outcomes.values()))
    out += _check_body(root.find(qn("itemBody")), where, responses, names, href)
    out += _check_processing(root.find(qn("responseProcessing")), where, declared, outcomes)
    out += [f"{where}: modalFeedback uses the undeclared outcome {fb.get('outcomeIdentifier')!r}"
            for fb in root.findall(qn("modalFeedback"))
            if fb.get("outcomeIdentifier") not in outcomes]
    return root.get("identifier", ""), out


def _check_item_root(root: ET.Element, where: str) -> list[str]:
    """The assessmentItem's required attributes and the order of its children."""
    out = [f"{where}: assessmentItem has no {attr}"
           for attr in ("identifier", "title", "adaptive", "timeDependent") if not root.get(attr)]
    order = [ITEM_ORDER.index(local(c.tag)) if local(c.tag) in ITEM_ORDER else -1 for c in root]
    if -1 in order:
        out.append(f"{where}: unexpected child <{local(root[order.index(-1)].tag)}> of "
                   "assessmentItem")
    elif order != sorted(order):
        out.append(f"{where}: assessmentItem children are not in the schema's order "
                   f"({', '.join(ITEM_ORDER)})")
    return out


def _check_declarations(where: str, declared: Counter[str], declarations: list[ET.Element]
                        ) -> list[str]:
    """Identifiers declared once; each declaration with identifier and cardinality."""
    out = [f"{where}: identifier {i!r} is declared {n} times" for i, n in declared.items()
           if n > 1]
    return out + [f"{where}: a {local(d.tag)} lacks identifier or cardinality"
                  for d in declarations if not d.get("cardinality") or not d.get("identifier")]


def _check_body(body: ET.Element | None, where: str, responses: dict[str, ET.Element],
                names: set[str], href: str) -> list[str]:
    """Interactions bound to declared responses (and every response to one), images shipped."""
    out: list[str] = []
    bound: set[str] = set()
    for e in body.iter() if body is not None else ():
        name = local(e.tag)
        if name in INTERACTIONS:
            bound.add(e.get("responseIdentifier", ""))
            out += _check_interaction(e, name, where, responses)
        if name == "img" and e.get("src") and _resolve(href, e.get("src", "")) not in names:
            out.append(f"{where}: image {e.get('src')!r} is not in the package")
    return out + [f"{where}: response {r!r} has no interaction" for r in responses
                  if r not in bound]


def _check_interaction(e: ET.Element, name: str, where: str, responses: dict[str, ET.Element]
                       ) -> list[str]:
    rid = e.get("responseIdentifier", "")
    if rid not in responses:
        return [f"{where}: {name} answers {rid!r}, which no responseDeclaration declares"]
    base = responses[rid].get("baseType")
    if name == "textEntryInteraction" and base not in ("float", "integer", "string"):
        return [f"{where}: {name} {rid!r} has baseType {base!r}"]
    if name == "choiceInteraction":
        return _check_choices(e, where, rid, responses[rid])
    return []


def _check_choices(e: ET.Element, where: str, rid: str, declaration: ET.Element) -> list[str]:
    """Choice identifiers present and unique; the correct responses among them."""
    out = []
    choices = [c.get("identifier", "") for c in e if local(c.tag) == "simpleChoice"]
    if len(set(choices)) != len(choices) or not all(choices):
        out.append(f"{where}: choiceInteraction {rid!r} has missing or repeated choice "
                   "identifiers")
    return out + [f"{where}: the correct response {v.text!r} of {rid!r} is not one of its choices"
                  for v in declaration.iter(qn("value")) if v.text not in choices]


def _check_processing(rp: ET.Element | None, where: str, declared: Counter[str],
                      outcomes: dict[str, ET.Element]) -> list[str]:
    """Response processing reads declared variables, sets declared outcomes, floats numeric."""
    out = []
    for e in rp.iter() if rp is not None else ():
        out += _check_rule(e, where, declared, outcomes)
    return out


def _check_rule(e: ET.Element, where: str, declared: Counter[str],
                outcomes: dict[str, ET.Element]) -> list[str]:
    name = local(e.tag)
    if name == "variable" and e.get("identifier") not in declared:
        return [f"{where}: response processing reads {e.get('identifier')!r}, which is not "
                "declared"]
    if name == "setOutcomeValue" and e.get("identifier") not in outcomes:
        return [f"{where}: response processing sets {e.get('identifier')!r}, which is not a "
                "declared outcome"]
    if name == "baseValue" and e.get("baseType") == "float":
        try:
            float(e.text or "")
        except ValueError:
            return [f"{where}: float value {e.text!r} is not a number"]
    return []


def _resolve(base: str, src: str) -> str:
    parts = base.split("/")[:-1]
    for seg in src.split("/"):
        if seg == "..":
            if parts:
                parts.pop()
        elif seg and seg != ".":
            parts.append(seg)
    return "/".join(parts)


def _check_test(root: ET.Element, where: str, items: dict[str, str]) -> list[str]:
    if root.tag != qn("assessmentTest"):
        return [f"{where}: the root is <{root.tag}>, not a QTI 2.1 assessmentTest"]
    out = []
    if not root.get("identifier") or not root.get("title"):
        out.append(f"{where}: assessmentTest needs identifier and title")
    if root.find(qn("testPart")) is None:
        out.append(f"{where}: assessmentTest has no testPart")
    ids = Counter(e.get("identifier", "") for e in root.iter()
                  if local(e.tag) in ("testPart", "assessmentSection", "assessmentItemRef"))
    out += [f"{where}: identifier {i!r} is used {n} times" for i, n in ids.items() if n > 1]
    for section in root.iter(qn("assessmentSection")):
        refs = section.findall(qn("assessmentItemRef"))
        sel = section.find(qn("selection"))
        select = (sel.get("select") or "0") if sel is not None else "0"
        if not select.isdigit():
            out.append(f"{where}: section {section.get('identifier')!r}: selection select="
                       f"{select!r} is not a whole number")
        elif int(select) > len(refs) + len(section.findall(qn("assessmentSection"))):
            out.append(f"{where}: section {section.get('identifier')!r} selects "
                       f"{select} of {len(refs)} items")
        for ref in refs:
            if ref.get("href") not in items:
                out.append(f"{where}: item reference {ref.get('href')!r} does not resolve to an "
                           "item of the package")
    return out
