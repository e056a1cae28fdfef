"""QTI 2.1 and Canvas QTI 1.2 packages: every question type has the structure the spec (and
Canvas's importer) expects, the validator accepts them and rejects broken ones, and the QTI
response processing, run by a small interpreter of the QTI 2.1 operators it uses, scores
numbers as examgen's grader does."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile

import pytest

from examgen.bank import load_bank
from examgen.export.canvas import spellings, write_canvas
from examgen.export.check import check_bytes
from examgen.export.items import draw_items
from examgen.export.numbers import fmt_full
from examgen.export.options import Settings
from examgen.export.qti21 import write_qti21
from examgen.grading import parts_from_variant
from examgen.grading.score import score
from examgen.model import QuestionType

BANK = load_bank()
NS = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
Q12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def every_template():
    return draw_items([(t, None) for t in BANK.templates], 2, seed=5)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, d in files.items():
            zf.writestr(n, d)
    return buf.getvalue()


# -- QTI 2.1 -------------------------------------------------------------------------------------

def test_qti21_structure_per_question_type(every_template) -> None:
    data, _ = write_qti21(every_template, Settings(lang="both"))
    files = members(data)
    manifest = ET.fromstring(files["imsmanifest.xml"])
    hrefs = {r.get("href") for r in manifest.iter(f"{CP}resource")}
    assert hrefs <= set(files)
    test = ET.fromstring(files["test.xml"])
    sections = list(test.iter(f"{NS}assessmentSection"))
    assert len(sections) == len(every_template)
    for section, item in zip(sections, every_template, strict=True):
        assert section.find(f"{NS}selection").get("select") == "1"
        refs = section.findall(f"{NS}assessmentItemRef")
        assert len(refs) == len(item.variants)
        for ref, v in zip(refs, item.variants, strict=True):
            root = ET.fromstring(files[ref.get("href")])
            assert root.get("identifier") == ref.get("identifier")
            kinds = {e.tag[len(NS):] for e in root.iter() if e.tag.endswith("Interaction")}
            if v.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
                assert kinds == {"choiceInteraction"}
                ci = root.find(f".//{NS}choiceInteraction")
                assert ci.get("maxChoices") == ("1" if v.type is QuestionType.SINGLE_CHOICE
                                                 else "0")
                correct = [x.text for x in root.iter(f"{NS}value")
                           if x.text in v.parts[0].correct_keys]
                assert sorted(correct) == sorted(v.parts[0].correct_keys)
            elif v.type in (QuestionType.SHORT_ANSWER, QuestionType.SYMBOLIC):
                assert kinds == {"extendedTextInteraction"}
                assert root.find(f".//{NS}rubricBlock").get("view") == "scorer"
            else:
                assert kinds == {"textEntryInteraction"}
                decl = [d for d in root.iter(f"{NS}responseDeclaration")]
                assert {d.get("baseType") for d in decl} == {"float"}
    report = check_bytes(data, "package.zip")
    assert report.kind == "qti21" and report.problems == ()
    assert report.questions == sum(len(i.variants) for i in every_template)


class Interpreter:
    """The QTI 2.1 response-processing operators the export writes."""

    def __init__(self, item: ET.Element, responses: dict[str, object]):
        self.item = item
        self.values: dict[str, object] = {"SCORE": 0.0, "FEEDBACK": frozenset()}
        self.values.update(responses)

    def run(self) -> dict[str, object]:
        self.block(self.item.find(f"{NS}responseProcessing"))
        return self.values

    def block(self, parent: ET.Element) -> None:
        for rule in parent:
            tag = rule.tag[len(NS):]
            if tag == "setOutcomeValue":
                self.values[rule.get("identifier")] = self.ev(rule[0])
            elif tag == "responseCondition":
                for branch in rule:
                    if branch.tag == f"{NS}responseElse":
                        self.block(branch)
                        break
                    if self.ev(branch[0]) is True:
                        for r in list(branch)[1:]:
                            self.block_one(r)
                        break

    def block_one(self, rule: ET.Element) -> None:
        holder = ET.Element("x")
        holder.append(rule)
        self.block(holder)

    def ev(self, e: ET.Element) -> object:
        tag = e.tag[len(NS):]
        args = [self.ev(c) for c in e] if tag not in ("variable", "baseValue", "correct",
                                                      "mapResponse") else []
        if tag == "variable":
            return self.values.get(e.get("identifier"))
        if tag == "baseValue":
            return float(e.text) if e.get("baseType") == "float" else e.text
        if tag == "isNull":
            return args[0] is None
        if tag in ("gte", "lte"):
            if None in args:
                return None
            return args[0] >= args[1] if tag == "gte" else args[0] <= args[1]
        if tag == "and":
            return None if None in args else all(args)
        if tag == "sum":
            return sum(args)
        if tag == "multiple":
            out: set = set()
            for a in args:
                out |= a if isinstance(a, frozenset) else {a}
            return frozenset(out)
        raise AssertionError(f"operator {tag} not expected in a numeric item")


NUMERIC = [t for t in BANK.templates if t.type is QuestionType.NUMERIC]


def test_qti21_response_processing_scores_numbers_like_examgen() -> None:
    items = draw_items([(t, None) for t in NUMERIC], math.ceil(200 / len(NUMERIC)), seed=23)
    files = members(write_qti21(items)[0])
    checked = 0
    for item in items:
        for k, v in enumerate(item.variants, start=1):
            root = ET.fromstring(files[f"items/{item.template.id}-{k:03d}.xml"])
            (key,) = parts_from_variant(v)
            part = v.parts[0]
            probes = [fmt_full(part.value), fmt_full(part.value * 3 + 7.3)]
            probes += [fmt_full(m.value) for m in part.misconceptions]
            # coarse roundings; a number box sees "-1" and "-1.0" as one float, so of texts
            # with the same value only the one with the most decimals is compared (the export
            # gives the credit of the longer reading, as it documents for Moodle)
            coarse = {float(t): t for t in (f"{part.value:.{d}f}" for d in range(4))}
            probes += list(coarse.values())
            for text in probes:
                mine = score(key, text)
                out = Interpreter(root, {"RESPONSE_1": float(text)}).run()
                assert out["SCORE"] == pytest.approx(mine.points), (v.template_id, text)
                mis = {f[4:] for f in out["FEEDBACK"] if f.startswith("MIS_")}
                assert mis == ({mine.misconception} if mine.misconception else set())
                checked += 1
            blank = Interpreter(root, {"RESPONSE_1": None}).run()
            assert blank["SCORE"] == 0
    assert checked >= 1400


def test_qti21_validator_rejects_broken_packages(every_template) -> None:
    data, _ = write_qti21(every_template[:3])
    files = members(data)
    item = next(n for n in files if n.startswith("items/"))
    missing = dict(files)
    del missing[item]
    problems = check_bytes(rezip(missing), "p.zip").problems
    assert any("which is not in the package" in p and item in p for p in problems)
    assert any("does not resolve" in p for p in problems)
    dup = dict(files)
    text = dup[item].decode()
    dup[item] = text.replace('identifier="SCORE"', 'identifier="FEEDBACK"', 1).encode()
    assert any("declared 2 times" in p for p in check_bytes(rezip(dup), "p.zip").problems)
    unbound = dict(files)
    unbound[item] = text.replace('responseIdentifier="RESPONSE', 'responseIdentifier="ANSWER',
                                 1).encode()
    assert any("which no responseDeclaration declares" in p
               for p in check_bytes(rezip(unbound), "p.zip").problems)
    greedy = dict(files)
    greedy["test.xml"] = files["test.xml"].replace(b'select="1"', b'select="9"', 1)
    assert any("selects 9 of 2" in p for p in check_bytes(rezip(greedy), "p.zip").problems)
    # found by a fuzz of the checkers: a ValueError traceback
    odd = dict(files)
    odd["test.xml"] = files["test.xml"].replace(b'select="1"', b'select="B"', 1)
    assert any("selection select='B' is not a whole number" in p
               for p in check_bytes(rezip(odd), "p.zip").problems)


def test_packages_are_byte_identical_for_the_same_seed(every_template) -> None:
    assert write_qti21(every_template[:4])[0] == write_qti21(every_template[:4])[0]
    assert write_canvas(every_template[:4])[0] == write_canvas(every_template[:4])[0]


def test_svg_math_ships_its_files() -> None:
    items = draw_items([(BANK.get("attention-softmax-temperature"), None)], 1, seed=2)
    data, _ = write_qti21(items, Settings(math="svg"))
    files = members(data)
    media = [n for n in files if n.startswith("media/")]
    assert media and all(files[n].startswith(b"<svg") for n in media)
    assert check_bytes(data, "svg.zip").problems == ()


# -- Canvas --------------------------------------------------------------------------------------

CANVAS_TYPE = {QuestionType.NUMERIC: "numerical_question",
               QuestionType.SINGLE_CHOICE: "multiple_choice_question",
               QuestionType.MULTIPLE_CHOICE: "multiple_answers_question",
               QuestionType.SHORT_ANSWER: "essay_question", QuestionType.SYMBOLIC: "essay_question",
               QuestionType.VECTOR: "fill_in_multiple_blanks_question",
               QuestionType.MATRIX: "fill_in_multiple_blanks_question",
               QuestionType.MULTI_PART: "fill_in_multiple_blanks_question"}


def _field(item: ET.Element, label: str) -> str:
    for f in item.iter(f"{Q12}qtimetadatafield"):
        if f.findtext(f"{Q12}fieldlabel") == label:
            return f.findtext(f"{Q12}fieldentry")
    raise KeyError(label)


def test_canvas_groups_and_question_types(every_template) -> None:
    data, notes = write_canvas(every_template, Settings(lang="en"))
    files = members(data)
    assert {"imsmanifest.xml", "examgen_quiz/assessment_meta.xml",
            "examgen_quiz/examgen_quiz.xml"} <= set(files)
    quiz = ET.fromstring(files["examgen_quiz/examgen_quiz.xml"])
    groups = [s for s in quiz.iter(f"{Q12}section") if s.get("ident") != "root_section"]
    assert len(groups) == len(every_template)
    for g, item in zip(groups, every_template, strict=True):
        assert g.findtext(f".//{Q12}selection_number") == "1"
        assert float(g.findtext(f".//{Q12}points_per_item")) == item.points
        for it, v in zip(g.findall(f"{Q12}item"), item.variants, strict=True):
            assert _field(it, "question_type") == CANVAS_TYPE[v.type]
            assert float(_field(it, "points_possible")) == v.points
            if v.type is QuestionType.NUMERIC:
                part = v.parts[0]
                lo = float(it.findtext(f".//{Q12}vargte"))
                hi = float(it.findtext(f".//{Q12}varlte"))
                assert lo <= part.value <= hi
                assert hi - lo == pytest.approx(2 * (part.tolerance.allowed(part.value)
                                                     + parts_from_variant(v)[0].allowance))
    assert check_bytes(data, "canvas.zip").problems == ()
    assert any("Canvas counts every numerical answer as correct" in n for n in notes)


def test_canvas_blank_spellings() -> None:
    assert spellings(0.495, 0.505, 2) == ["0.50", "0.5"]
    assert spellings(-0.011, 0.011, 2) == ["-0.01", "0.00", "0", "0.01"]
    assert spellings(2.49, 2.51, 2)[0] == "2.49"
    assert spellings(0, 10.0 ** 6, 0) is None   # too many to list: the export falls back


def test_canvas_validator_rejects_broken_zips(every_template) -> None:
    files = members(write_canvas(every_template[:3])[0])
    name = "examgen_quiz/examgen_quiz.xml"
    broken = dict(files)
    broken[name] = files[name].replace(b"<selection_number>1<", b"<selection_number>7<", 1)
    assert any("picks 7 of 2" in p for p in check_bytes(rezip(broken), "c.zip").problems)
    typo = dict(files)
    typo[name] = files[name].replace(b"_question</fieldentry>", b"_questoin</fieldentry>", 1)
    assert any("is not one of Canvas's" in p for p in check_bytes(rezip(typo), "c.zip").problems)
