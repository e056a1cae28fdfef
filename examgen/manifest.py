"""The one owner of ``manifest.json``, the record of a generated exam that grading reads back:
what is written (:func:`build_manifest`, :func:`variant_to_dict`), how it is read back into
records (:func:`read_manifest` -> :class:`Manifest`, :func:`variant_from_dict`), and how an
output folder's manifest is found and compared (:func:`read_output_manifest`,
:func:`manifest_difference`). Nobody else reads or writes its keys.

``schema_version`` numbers the layout; a reader refuses a newer one. Version 1 is the layout of
examgen 0.1 (files written before the field existed have that layout too)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from examgen import __version__
from examgen.errors import KeyFileError
from examgen.model import (
    Assembly,
    Difficulty,
    ExamCopy,
    ExamSpec,
    Misconception,
    Option,
    PointsPolicy,
    QuestionType,
    RubricConcept,
    Student,
    Text,
    Tolerance,
    Value,
    Variant,
    VariantPart,
    WrongAnswer,
    WrongConcept,
)

SCHEMA_VERSION = 1


def build_manifest(asm: Assembly, files: dict[str, dict[str, Any]], bank_sha256: str
                   ) -> dict[str, Any]:
    """Everything the grader needs, JSON-ready. ``files`` maps copy id -> {exam, key} paths."""
    data = manifest_head(asm.spec, asm.students, asm.form_of, asm.columns, bank_sha256)
    data["students"] = list(data["students"])
    data["copies"] = [copy_entry(c, files.get(c.copy_id, {})) for c in asm.copies]
    return data


def manifest_head(spec: ExamSpec, students: Sequence[Student],
                  form_of_pairs: Sequence[tuple[str, str]], columns: Sequence[str],
                  bank_sha256: str) -> dict[str, Any]:
    """The manifest up to its copies, which come last (:func:`copy_entry` makes each one);
    ``students`` is an iterator of entries, made as they are written."""
    form_of = dict(form_of_pairs)
    return {
        "examgen_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "spec": {"file": Path(spec.path).name, "sha256": spec.sha256, "name": spec.name,
                 "title": spec.title.to_dict(), "course": spec.course.to_dict(),
                 "date": spec.date, "duration": spec.duration, "language": spec.language},
        "bank_sha256": bank_sha256,
        "seed": spec.seed,
        "mode": spec.mode,
        # floor and the short-answer policy only when set, so manifests of exams without them
        # stay as they were
        "grading": {"negative": spec.negative, "partial_credit": spec.partial_credit,
                    **({} if spec.floor == 0.0 else {"floor": spec.floor}),
                    **({"short_answer": dict(spec.short_answer)} if spec.short_answer else {})},
        "columns": list(columns),
        "students": ({"student_id": s.student_id, "name": s.name,
                      "copy": (f"form-{form_of[s.student_id]}" if s.student_id in form_of
                               else s.student_id),
                      "form": form_of.get(s.student_id)} for s in students),
    }


def copy_entry(c: ExamCopy, files: dict[str, Any]) -> dict[str, Any]:
    """One copy's entry of the manifest's ``copies``."""
    return {
        "copy_id": c.copy_id, "form": c.form,
        "student_id": c.student.student_id if c.student else None,
        "total_points": c.total_points,
        "files": files,
        "questions": [{
            "label": q.label, "number": q.number, "columns": list(q.columns),
            "template_id": q.template_id, "variant_seed": q.variant_seed,
            "points": q.points, "variant": variant_to_dict(q.variant),
        } for q in c.questions],
    }


def dump_manifest(data: dict[str, Any]) -> str:
    """The text of manifest.json for ``data`` (what :class:`ManifestWriter` writes piecewise)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _indented(value: Any, depth: int) -> str:
    """``value`` as :func:`dump_manifest` writes it ``depth`` levels deep: what
    ``json.dumps(value, ensure_ascii=False, indent=1)`` gives with every line indented by
    ``depth`` more spaces. The json module encodes an indented layout in Python, one generator
    step per value, 4.5 ms for a copy's entry (bench/exam-4page.yaml); this writes each string
    and number with the json module's own encoders and joins the layout in one pass."""
    out: list[str] = []
    _encode(value, "\n" + " " * depth, out)
    return "".join(out)


_encode_str = json.encoder.encode_basestring   # the escaping json.dumps(ensure_ascii=False) does
_LITERALS = {None: "null", True: "true", False: "false"}


def _float(x: float) -> str:
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


def _key(k: Any) -> str:
    """A dict key as json.dumps writes it: a string as it is; a number, a bool or None as its
    JSON value, between quotes."""
    if isinstance(k, str):
        return k
    if k is None or isinstance(k, (int, float)):
        return _scalar(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _scalar(x: Any) -> str:
    if isinstance(x, str):
        return _encode_str(x)
    if x is None or x is True or x is False:
        return _LITERALS[x]
    if isinstance(x, int):
        return int.__repr__(x)
    if isinstance(x, float):
        return _float(x)
    raise TypeError(f"Object of type {type(x).__name__} is not JSON serializable")


def _encode(x: Any, newline: str, out: list[str]) -> None:
    """Append ``x``'s JSON, nested lines starting with ``newline`` plus one space a level."""
    if isinstance(x, (list, tuple)) and x:
        inner = newline + " "
        out.append("[")
        for k, item in enumerate(x):
            out.append(inner if k == 0 else "," + inner)
            _encode(item, inner, out)
        out.append(newline + "]")
    elif isinstance(x, dict) and x:
        inner = newline + " "
        out.append("{")
        for k, (key, item) in enumerate(x.items()):
            out.append((inner if k == 0 else "," + inner) + _encode_str(_key(key)) + ": ")
            _encode(item, inner, out)
        out.append(newline + "}")
    elif isinstance(x, (list, tuple)):
        out.append("[]")
    elif isinstance(x, dict):
        out.append("{}")
    else:
        out.append(_scalar(x))


class ManifestWriter:
    """Writes manifest.json to ``stream`` piece by piece, byte for byte what
    :func:`dump_manifest` writes for the whole data: the head (:func:`manifest_head`, its
    ``students`` written one by one as the iterator gives them), then each copy as it is
    :meth:`add`-ed, then :meth:`close`. Nothing but one copy is held at a time."""

    def __init__(self, stream: TextIO, head: dict[str, Any]) -> None:
        self._out = stream
        stream.write("{")
        for k, (key, value) in enumerate(head.items()):
            stream.write(("," if k else "") + "\n " + json.dumps(key, ensure_ascii=False) + ": ")
            if isinstance(value, Iterator):
                self._list(value)
            else:
                stream.write(_indented(value, 1))
        stream.write(("," if head else "") + '\n "copies": ')
        self._copies = 0

    def _list(self, items: Iterator[Any]) -> None:
        n = 0
        for n, item in enumerate(items, start=1):
            self._out.write(("[" if n == 1 else ",") + "\n  " + _indented(item, 2))
        self._out.write("\n ]" if n else "[]")

    def add(self, entry: dict[str, Any]) -> str:
        """Write the next copy's entry (:func:`copy_entry`); its JSON text."""
        self._copies += 1
        text = _indented(entry, 2)
        self._out.write(("[" if self._copies == 1 else ",") + "\n  " + text)
        return text

    def close(self) -> None:
        self._out.write(("\n ]" if self._copies else "[]") + "\n}\n")


def variant_to_dict(v: Variant) -> dict[str, Any]:
    """A variant as JSON-ready data (the manifest's ``variant`` entries, ``bank show --json``)."""
    return jsonable({
        "template_id": v.template_id, "topic": v.topic, "type": v.type.value,
        "difficulty": v.difficulty.value, "seed": v.seed, "points": v.points,
        "params": dict(v.params), "prompt": v.prompt,
        "parts": [_part_dict(p) for p in v.parts],
        "solution": v.solution, "explanation": v.explanation,
    })


def _part_dict(p: VariantPart) -> dict[str, Any]:
    d: dict[str, Any] = {"label": p.label, "kind": p.kind.value, "points": p.points,
                         "prompt": p.prompt, "display": p.display}
    if p.value is not None:
        d["value"] = p.value
    if p.tolerance is not None:
        d["tolerance"] = p.tolerance.to_dict()
    if p.decimals is not None:
        d["decimals"] = p.decimals
    if p.options:
        d["options"] = [{"key": o.key, "text": o.text, "correct": o.correct,
                         "misconception": o.misconception} for o in p.options]
    if p.expression is not None:
        d["expression"], d["variables"] = p.expression, list(p.variables)
    if p.references:
        d["references"] = list(p.references)
        d["rubric"] = [{"concept": c.concept, "weight": c.weight, "synonyms": list(c.synonyms)}
                       | ({"order": list(c.order)} if c.order else {})
                       | ({"absent": True} if c.absent else {}) for c in p.rubric]
        d["wrong_answers"] = [{"text": w.text, "why": w.why} for w in p.wrong_answers]
        if p.wrong_concepts:
            d["wrong_concepts"] = [{"concept": w.concept, "synonyms": list(w.synonyms),
                                    "why": w.why} for w in p.wrong_concepts]
    if p.misconceptions:
        d["misconceptions"] = [{"id": m.id, "description": m.description, "value": m.value,
                                "display": m.display} for m in p.misconceptions]
    return d


def jsonable(x: Any) -> Any:
    if isinstance(x, Text):
        return x.to_dict()
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "item"):  # numpy scalar
        return x.item()
    return x


@dataclass(frozen=True)
class ManifestQuestion:
    template_id: str
    columns: tuple[str, ...]          # the submission columns of its parts, in order
    variant: Variant


@dataclass(frozen=True)
class ManifestCopy:
    copy_id: str
    questions: tuple[ManifestQuestion, ...]


@dataclass(frozen=True)
class Manifest:
    """What grading needs of a manifest, as records."""

    source: str                       # the file it was read from
    schema_version: int
    title: str
    columns: tuple[str, ...]
    copies: tuple[ManifestCopy, ...]
    copy_of: dict[str, str]           # student id -> copy id
    names: dict[str, str]             # student id -> name
    negative: float
    partial_credit: bool
    forms: dict[str, str] = field(default_factory=dict)   # form code -> copy id
    floor: float | None = 0.0         # lowest total (None: totals may go below zero)
    policy: PointsPolicy = PointsPolicy()   # short answers: points grid and review band


def read_manifest(path: Path | str) -> Manifest:
    """The manifest at ``path`` as records; a file that cannot be read, is not JSON, is newer
    than this examgen or lacks a field raises :class:`~examgen.errors.KeyFileError`."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise KeyFileError(f"cannot read manifest {p}: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise KeyFileError(f"{p}: not a manifest written by examgen generate ({e})") from None
    return parse_manifest(data, str(p))


def parse_manifest(data: Any, source: str) -> Manifest:
    """Manifest data (as loaded from JSON) -> :class:`Manifest`."""
    try:
        version = data.get("schema_version", 1)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise KeyFileError(f"{source}: manifest schema_version {version!r} is newer than "
                               f"this examgen reads ({SCHEMA_VERSION}); update examgen")
        settings = data.get("grading", {})
        negative = float(settings.get("negative", 0.0))
        partial = bool(settings.get("partial_credit", True))
        copies = tuple(parse_copy(c) for c in data["copies"])
        copy_of = {s["student_id"]: s["copy"] for s in data["students"]}
        names = {s["student_id"]: s.get("name", "") for s in data["students"]}
        forms = {c["form"]: c["copy_id"] for c in data["copies"] if c.get("form")}
        floor = settings.get("floor", 0.0)
        floor = None if floor is None else float(floor)
        short = settings.get("short_answer", {})
        policy = PointsPolicy(float(short.get("step", PointsPolicy().step)),
                              tuple(short.get("review", PointsPolicy().review)))
        title = data["spec"]["title"]["ko"]
        columns = tuple(data["columns"])
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise KeyFileError(f"{source}: manifest is missing or has a malformed field ({e!r}); "
                           "regenerate it with examgen generate") from None
    return Manifest(source, version, title, columns, copies, copy_of, names, negative, partial,
                    forms, floor, policy)


def parse_copy(c: dict[str, Any]) -> ManifestCopy:
    """One entry of a manifest's ``copies`` (as loaded from JSON) -> :class:`ManifestCopy`;
    a missing field raises KeyError (:func:`parse_manifest` names the file)."""
    return ManifestCopy(c["copy_id"], tuple(
        ManifestQuestion(q["template_id"], tuple(q["columns"]), variant_from_dict(q["variant"]))
        for q in c["questions"]))


def variant_from_dict(d: dict[str, Any]) -> Variant:
    """A manifest's ``variant`` entry back as a :class:`~examgen.model.Variant` (the inverse of
    :func:`variant_to_dict` for everything grading reads)."""
    return Variant(
        template_id=d.get("template_id", ""), topic=d.get("topic", ""),
        type=QuestionType(d.get("type", d["parts"][0]["kind"] if d.get("parts") else "numeric")),
        difficulty=Difficulty(d.get("difficulty", "medium")), seed=d.get("seed"),
        prompt=_text(d["prompt"]), parts=tuple(_part_from_dict(p) for p in d["parts"]),
        solution=None if d.get("solution") is None else _text(d["solution"]),
        explanation=None if d.get("explanation") is None else _text(d["explanation"]),
        params=tuple((d.get("params") or {}).items()))


def _part_from_dict(p: dict[str, Any]) -> VariantPart:
    tol = p.get("tolerance")
    return VariantPart(
        label=p.get("label", ""), kind=QuestionType(p["kind"]), points=float(p["points"]),
        prompt=None if p.get("prompt") is None else _text(p["prompt"]),
        value=_value(p["value"]) if "value" in p else None, display=p.get("display", ""),
        decimals=p.get("decimals"),
        tolerance=Tolerance(tol["kind"], float(tol["value"])) if tol else None,
        options=tuple(Option(o["key"], _text(o.get("text", {"ko": ""})), bool(o["correct"]),
                             o.get("misconception")) for o in p.get("options", [])),
        expression=p.get("expression"), variables=tuple(p.get("variables", ())),
        references=tuple(_text(r) for r in p.get("references", [])),
        rubric=tuple(RubricConcept(c["concept"], float(c["weight"]), tuple(c["synonyms"]),
                                   tuple(c.get("order", ())), bool(c.get("absent", False)))
                     for c in p.get("rubric", [])),
        wrong_answers=tuple(WrongAnswer(w["text"], _text(w.get("why") or {"ko": ""}))
                            for w in p.get("wrong_answers", [])),
        wrong_concepts=tuple(WrongConcept(w["concept"], tuple(w["synonyms"]),
                                          _text(w["why"]) if w.get("why") else None)
                             for w in p.get("wrong_concepts", [])),
        misconceptions=tuple(Misconception(m["id"], _text(m["description"]), _value(m["value"]),
                                           m.get("display", ""))
                             for m in p.get("misconceptions", [])))


def _text(t: dict[str, str] | str) -> Text:
    return Text(t) if isinstance(t, str) else Text(t.get("ko", ""), t.get("en") or None)


def _value(v: Any) -> Value:
    if isinstance(v, list):
        return tuple(_value(x) for x in v)  # type: ignore[return-value]
    return float(v)


def read_output_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest.json examgen generate wrote in ``out``, or None when there is none."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, dict) and "examgen_version" in data and isinstance(data.get("copies"),
                                                                            list):
        return data
    return None


_MANIFEST_PARTS = {"spec": "exam spec", "seed": "seed", "bank_sha256": "question bank",
                   "students": "roster", "examgen_version": "examgen version"}


def manifest_difference(existing: dict[str, Any], expected: dict[str, Any]) -> str | None:
    """What differs between two manifests ("roster", "seed", ...), or None when they are equal."""
    expected = json.loads(json.dumps(expected))  # tuples -> lists, as in the file
    for key in [*_MANIFEST_PARTS, *expected]:
        if existing.get(key) != expected.get(key):
            return _MANIFEST_PARTS.get(key, key)
    return None if existing == expected else "manifest layout"
