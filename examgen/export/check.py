"""The export validator: the rules an LMS applies on import, checked before anyone uploads.

Run on every export (an export that fails its own check is a bug and is not written) and by
``examgen export --check FILE`` on any file. Files given by a user are parsed with defusedxml
(no DTDs, no entity expansion). Each problem names the file (and the package member), the
question, and what is wrong.

- Moodle XML (Moodle's XML import and question-type rules): answer fractions from Moodle's list;
  numerical answers and tolerances plain numbers (an absolute tolerance: no ``%``, no relative
  tolerance type), a 100 % answer, and no answer hidden behind an earlier, lower-graded one that
  covers it; multichoice positive grades adding up to 100 %; cloze blanks parsed with the
  syntax of Moodle's ``qtype_multianswer`` (each blank with a 100 % answer, NUMERICAL answers
  numeric, no unknown blank types such as essays); non-empty names; a category before the
  questions; every ``@@PLUGINFILE@@`` image shipped in the element that uses it.
- IMS QTI 2.1 packages (the QTI 2.1 information model, checked structurally: no installable
  package ships the official XSD): the manifest parses and every file and dependency it names
  exists; items and tests parse, with the required attributes, children in the schema's order,
  unique identifiers, interactions bound to declared responses, outcomes set only when declared,
  float values numeric, and test item references that resolve.
- Canvas QTI 1.2 zips (Canvas's classic-quiz import): manifest, assessment_meta.xml and the
  assessment parse; known question types, numeric points, answer conditions that refer to
  existing responses and choices, numeric bounds, question groups that do not pick more items
  than they hold.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from examgen.errors import ExamgenError
from examgen.export.numbers import FRACTION_SLACK, MOODLE_FRACTIONS, is_moodle_fraction


class CheckError(ExamgenError):
    """An export or a file given to --check breaks an import rule; lists every problem."""

    def __init__(self, problems: Iterable[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class CheckReport:
    file: str
    kind: str                     # moodle, qti21, canvas
    questions: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_xml(data: bytes, where: str) -> tuple[Element | None, str | None]:
    """The root element, or a problem saying why the bytes are not safe, well-formed XML."""
    try:
        return DET.fromstring(data), None
    except (ParseError, DefusedXmlException) as e:
        return None, f"{where}: not well-formed (or unsafe) XML: {e}"


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(e: Element, name: str) -> list[Element]:
    return [c for c in e if local(c.tag) == name]


def _kid(e: Element, name: str) -> Element | None:
    found = _kids(e, name)
    return found[0] if found else None


def _text_of(e: Element | None, name: str = "text") -> str:
    if e is None:
        return ""
    t = _kid(e, name)
    return (t.text or "") if t is not None else ""


# -- Moodle --------------------------------------------------------------------------------------

QUESTION_TYPES = frozenset({"category", "multichoice", "truefalse", "shortanswer", "numerical",
                            "essay", "cloze", "matching", "description", "ddwtos", "gapselect",
                            "calculated", "calculatedsimple", "calculatedmulti", "random",
                            "ordering", "ddimageortext", "ddmarker", "randomsamatch"})
_NUMBER = r"-?(?:(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?)"
NUMBER = re.compile(_NUMBER)
_UNSIGNED = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Moodle's qtype_multianswer grammar (question/type/multianswer/questiontype.php), in Python
_ALT = (r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?"
        r"(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))"
        r"(#(.*?(?<!\\)(?=[~}]|$)))?")
_TYPES = ("NUMERICAL|NM|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTICHOICE_V|MCV|MULTICHOICE_H|"
          "MCH|MULTICHOICE_S|MCS|MULTICHOICE|MC|SHORTANSWER_C|SAC|MWC|SHORTANSWER|SA|MW|"
          "MULTIRESPONSE_HS|MRHS|MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE|MR")
CLOZE_BLANK = re.compile(r"\{([0-9]*):(" + _TYPES + r"):(" + _ALT + r"(?:~" + _ALT + r")*)\}",
                         re.S)
CLOZE_ALT = re.compile(r"~?" + _ALT, re.S)
CLOZE_START = re.compile(r"\{[0-9]*:([A-Z_]+):")
NUMERICAL_ALT = re.compile(r"^(" + _NUMBER + r")(:(" + _NUMBER + r"))?$", re.S)


@dataclass(frozen=True)
class ClozeAlternative:
    fraction: float
    answer: str
    feedback: str


@dataclass(frozen=True)
class ClozeBlank:
    weight: int
    type: str
    alternatives: tuple[ClozeAlternative, ...]


def parse_cloze(text: str) -> tuple[list[ClozeBlank], list[str]]:
    """The blanks of a cloze question text as Moodle reads them, and the markers it would not
    read as blanks (an unknown type such as ESSAY, a malformed alternative)."""
    blanks: list[ClozeBlank] = []
    rest = text
    while (m := CLOZE_BLANK.search(rest)) is not None:
        alts = []
        remaining = m.group(3)
        while remaining and (a := CLOZE_ALT.match(remaining)) is not None and a.group(0):
            frac = 1.0 if a.group(1) == "=" else (
                float(a.group(2).replace(",", ".")) / 100 if a.group(2) else 0.0)
            alts.append(ClozeAlternative(frac, a.group(3), a.group(5) or ""))
            remaining = remaining[len(a.group(0)):]
        blanks.append(ClozeBlank(int(m.group(1) or 1), m.group(2), tuple(alts)))
        rest = rest[:m.start()] + rest[m.end():]
    leftovers = [f"{{{s.group(0)[1:]}..." for s in CLOZE_START.finditer(rest)]
    return blanks, leftovers


def check_moodle(data: bytes, file: str) -> CheckReport:
    root, bad = parse_xml(data, file)
    if root is None:
        return CheckReport(file, "moodle", 0, (bad or "",))
    if local(root.tag) != "quiz":
        return CheckReport(file, "moodle", 0, (f"{file}: the root element is <{root.tag}>, "
                                               "Moodle XML needs <quiz>",))
    problems: list[str] = []
    category = None
    count = 0
    for n, q in enumerate(_kids(root, "question"), start=1):
        qtype = q.get("type", "")
        name = _text_of(_kid(q, "name")).strip()
        where = f"{file}: question {n}" + (f' "{name}"' if name else "")
        if qtype not in QUESTION_TYPES:
            problems.append(f"{where}: unknown question type {qtype!r}")
            continue
        if qtype == "category":
            category = _text_of(_kid(q, "category")).strip()
            problems += _check_category(category, where)
            continue
        count += 1
        if category is None:
            problems.append(f"{where}: no category before it (every question of an examgen "
                            "export sits in its template's category)")
            category = ""
        problems += _check_question(q, qtype, name, where)
    if count == 0:
        problems.append(f"{file}: no questions")
    return CheckReport(file, "moodle", count, tuple(problems))


def _check_category(category: str, where: str) -> list[str]:
    if not category or any(not seg.strip() for seg in category.split("/")):
        return [f"{where}: a category needs a path such as $course$/examgen/topic/id, got "
                f"{category!r}"]
    return []


def _check_question(q: Element, qtype: str, name: str, where: str) -> list[str]:
    """A question (not a category): name, text, shipped files, answer grades, and the rules of
    its type."""
    out = []
    if not name:
        out.append(f"{where}: the question has no name")
    if _kid(q, "questiontext") is None or not _text_of(_kid(q, "questiontext")).strip():
        out.append(f"{where}: the question has no question text")
    out += _check_files(q, where)
    out += [f"{where}: answer {i}: fraction {a.get('fraction')!r} is not one of Moodle's "
            f"grades ({', '.join(f'{f:g}' for f in MOODLE_FRACTIONS)} and their "
            "negatives); Moodle aborts the import"
            for i, a in enumerate(_kids(q, "answer"), start=1)
            if not is_moodle_fraction(a.get("fraction", "0"))]
    if qtype == "numerical":
        out += _check_numerical(q, where)
    elif qtype == "multichoice":
        out += _check_multichoice(q, where)
    elif qtype == "cloze":
        out += _check_cloze(_text_of(_kid(q, "questiontext")), where)
    return out


def _float(text: str | None) -> float | None:
    try:
        return float((text or "").strip())
    except ValueError:
        return None


def _check_numerical(q: Element, where: str) -> list[str]:
    out = []
    tt = q.find("tolerancetype")
    if tt is not None and (tt.text or "").strip() not in ("", "2", "nominal"):
        out.append(f"{where}: tolerance type {tt.text!r} is relative; the numerical question "
                   "takes an absolute tolerance (convert it per variant)")
    intervals: list[tuple[float, float, float, int]] = []
    for i, a in enumerate(_kids(q, "answer"), start=1):
        text = _text_of(a).strip()
        tol_text = _text_of(a, "tolerance").strip() or "0"
        if text != "*" and not NUMBER.fullmatch(text):
            out.append(f"{where}: answer {i}: {text!r} is not a number")
            continue
        if not _UNSIGNED.fullmatch(tol_text):
            what = "a relative tolerance left unconverted" if "%" in tol_text or \
                "rel" in tol_text.lower() else "not a non-negative number"
            out.append(f"{where}: answer {i}: tolerance {tol_text!r} is {what}; Moodle takes an "
                       "absolute tolerance")
            continue
        frac = _float(a.get("fraction", "0")) or 0.0
        if text != "*":
            v, t = float(text.replace(",", ".")), float(tol_text)
            for lo, hi, f, j in intervals:   # Moodle takes the first answer that matches
                if lo <= v - t and v + t <= hi and f < frac:
                    out.append(f"{where}: answer {i} ({frac:g} %) can never match: answer {j} "
                               f"({f:g} %) comes first and covers it")
            intervals.append((v - t, v + t, frac, i))
    if not any(abs((_float(a.get("fraction")) or 0) - 100) <= FRACTION_SLACK
               for a in _kids(q, "answer")):
        out.append(f"{where}: no answer is worth 100 %")
    return out


def _check_multichoice(q: Element, where: str) -> list[str]:
    answers = _kids(q, "answer")
    fracs = [_float(a.get("fraction", "0")) or 0.0 for a in answers]
    single = (q.findtext("single") or "true").strip().lower() in ("true", "1")
    out = []
    if len(answers) < 2:
        out.append(f"{where}: a multichoice question needs at least 2 answers")
    if single and not any(abs(f - 100) <= FRACTION_SLACK for f in fracs):
        out.append(f"{where}: no answer is worth 100 %")
    if not single and abs(sum(f for f in fracs if f > 0) - 100) > 0.01:
        out.append(f"{where}: the positive grades add up to {sum(f for f in fracs if f > 0):g} %, "
                   "not 100 %")
    return out


def _check_cloze(text: str, where: str) -> list[str]:
    blanks, leftovers = parse_cloze(text)
    out = [f"{where}: {m!r} is not a blank Moodle can read (unknown type or malformed; essays "
           "cannot sit in a cloze question)" for m in leftovers]
    if not blanks:
        out.append(f"{where}: the cloze text has no blanks")
    for b, blank in enumerate(blanks, start=1):
        at = f"{where}: blank {b} ({blank.type})"
        numerical = blank.type in ("NUMERICAL", "NM")
        multi = blank.type.startswith(("MULTIRESPONSE", "MR"))
        for a in blank.alternatives:
            if numerical and not NUMERICAL_ALT.match(a.answer.strip()) and a.answer.strip() != "*":
                rel = "%" in a.answer or "rel" in a.answer.lower()
                out.append(f"{at}: answer {a.answer!r} is not NUMBER or NUMBER:TOLERANCE"
                           + (" (a relative tolerance left unconverted)" if rel else ""))
            if not is_moodle_fraction(f"{a.fraction * 100:.5f}"):
                out.append(f"{at}: grade {a.fraction * 100:g} % is not one of Moodle's grades")
        if multi:
            if not any(a.fraction > 0 for a in blank.alternatives):
                out.append(f"{at}: no answer earns credit")
        elif not any(abs(a.fraction - 1) < 1e-9 for a in blank.alternatives):
            out.append(f"{at}: no answer is worth 100 % (Moodle rejects the question)")
        if blank.type.startswith(("MULTICHOICE", "MC", "MULTIRESPONSE", "MR")) \
                and len(blank.alternatives) < 2:
            out.append(f"{at}: a choice blank needs at least 2 answers")
    return out


_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")


def _check_files(q: Element, where: str) -> list[str]:
    out = []
    for e in q.iter():
        text = e.find("text")
        if text is None or not text.text or "@@PLUGINFILE@@" not in text.text:
            continue
        shipped = {}
        for f in _kids(e, "file"):
            try:
                base64.b64decode(f.text or "", validate=True)
                shipped[f.get("name", "")] = True
            except (binascii.Error, ValueError):
                out.append(f"{where}: <{local(e.tag)}> file {f.get('name')!r} is not base64")
        for name in _PLUGINFILE.findall(text.text):
            if name not in shipped:
                out.append(f"{where}: <{local(e.tag)}> uses @@PLUGINFILE@@/{name} but does not "
                           "carry that file")
    return out


# -- packages ------------------------------------------------------------------------------------

def _zip(data: bytes, file: str) -> tuple[zipfile.ZipFile | None, str | None]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        return None, f"{file}: not a zip package: {e}"
    bad = [n for n in zf.namelist() if n.startswith("/") or ".." in PurePosixPath(n).parts]
    if bad:
        return None, f"{file}: unsafe member path {bad[0]!r}"
    return zf, None


def _manifest(zf: zipfile.ZipFile, file: str) -> tuple[Element | None, list[str]]:
    if "imsmanifest.xml" not in zf.namelist():
        return None, [f"{file}: no imsmanifest.xml at the top of the package"]
    root, bad = parse_xml(zf.read("imsmanifest.xml"), f"{file}:imsmanifest.xml")
    if root is None:
        return None, [bad or ""]
    out = []
    names = set(zf.namelist())
    resources = [r for r in root.iter() if local(r.tag) == "resource"]
    ids = Counter(r.get("identifier", "") for r in resources)
    out += [f"{file}:imsmanifest.xml: resource identifier {i!r} is used {n} times"
            for i, n in ids.items() if n > 1]
    for r in resources:
        rid = r.get("identifier", "")
        if not rid:
            out.append(f"{file}:imsmanifest.xml: a resource has no identifier")
        hrefs = ([r.get("href")] if r.get("href") else []) + \
            [f.get("href", "") for f in r if local(f.tag) == "file"]
        out += [f"{file}:imsmanifest.xml: resource {rid!r} names {h!r}, which is not in the "
                "package" for h in hrefs if h not in names]
        out += [f"{file}:imsmanifest.xml: resource {rid!r} depends on {d.get('identifierref')!r}, "
                "which no resource has" for d in r if local(d.tag) == "dependency"
                and d.get("identifierref") not in ids]
    return root, out


def check_package(data: bytes, file: str) -> CheckReport:
    zf, bad = _zip(data, file)
    if zf is None:
        return CheckReport(file, "package", 0, (bad or "",))
    if any(n.endswith("assessment_meta.xml") for n in zf.namelist()):
        from examgen.export.canvas import check_canvas

        return check_canvas(zf, file)
    from examgen.export.qti21 import check_qti21

    return check_qti21(zf, file)


def check_bytes(data: bytes, file: str) -> CheckReport:
    """Check a Moodle XML file or a QTI package (told apart by content)."""
    if data[:4] == b"PK\x03\x04":
        return check_package(data, file)
    return check_moodle(data, file)


def check_file(path: Path | str) -> CheckReport:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ExamgenError(f"cannot read {p}: {e.strerror or e}") from None
    return check_bytes(data, str(p))
