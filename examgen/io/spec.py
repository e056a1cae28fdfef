"""Exam specs (YAML): loading and validation with file:line errors."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from examgen.errors import SpecError, did_you_mean
from examgen.io.yamlloc import LocDict, LocList, load_located
from examgen.model import (
    Difficulty,
    ExamLanguage,
    ExamMode,
    ExamSpec,
    Pick,
    PointsPolicy,
    QuestionType,
    Section,
    Text,
    WorkSpace,
)
from examgen.resources import example
from examgen.safeyaml import yaml_problem

DEFAULT_SPEC = example("midterm.yaml")

SPEC_KEYS = frozenset({"title", "course", "date", "duration", "instructions", "language", "seed",
                       "mode", "forms", "shuffle", "sections", "name", "grading",
                       "work_space"})
GRADING_KEYS = frozenset({"negative", "partial_credit", "floor", "short_answer"})
SECTION_KEYS = frozenset({"title", "questions", "work_space"})
_LENGTH = re.compile(r"\d+(?:\.\d+)?(?:mm|cm|pt|in|em)")
PICK_KEYS = frozenset({"id", "topic", "tags", "difficulty", "type", "count", "points"})
SHUFFLE_KEYS = frozenset({"questions", "choices"})


class _SpecChecker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[str] = []

    def err(self, line: int, msg: str) -> None:
        self.problems.append(f"{self.file}:{line}: {msg}")

    def keys(self, d: LocDict, allowed: frozenset[str], what: str) -> None:
        for key in d:
            if key not in allowed:
                self.err(d.line_of(key), f"unknown key '{key}' in {what}; expected one of "
                         f"{', '.join(sorted(allowed))}" + did_you_mean(str(key), allowed))

    def text(self, d: LocDict, key: str, default: Text | None) -> Text | None:
        if key not in d:
            return default
        v = d[key]
        if isinstance(v, str):
            return Text(v)
        if isinstance(v, LocDict) and isinstance(v.get("ko"), str):
            en = v.get("en")
            return Text(v["ko"], en if isinstance(en, str) else None)
        self.err(d.line_of(key), f"{key} must be text or a mapping with ko (and en)")
        return default


def load_spec(path: Path | str | None = None) -> ExamSpec:
    """Load and validate an exam spec; raise :class:`SpecError` listing every problem."""
    p = Path(path) if path is not None else DEFAULT_SPEC
    raw, doc = _spec_document(p)
    name = str(p)
    c = _SpecChecker(name)
    c.keys(doc, SPEC_KEYS, "the exam spec")
    title = c.text(doc, "title", None)
    if title is None:
        c.err(doc.line, "the exam spec needs a title")
        title = Text("시험")
    course = c.text(doc, "course", Text("")) or Text("")
    instructions = c.text(doc, "instructions", None)
    language = _language(c, doc)
    seed = _seed(c, doc)
    mode, forms = _mode_and_forms(c, doc)
    duration = _duration(c, doc)
    shuffle_q, shuffle_c = _shuffle(c, doc)
    negative, partial, floor = _grading(c, doc)
    work_space = _work_space(c, doc)
    gd = doc.get("grading")
    short = (_short_answer_policy(c, gd) if isinstance(gd, LocDict) and "short_answer" in gd
             else ())
    sections = _sections(c, doc)
    _check_repeated_ids(c, sections)
    exam_name = doc.get("name") or p.stem
    if not isinstance(exam_name, str) or not re.match(r"^[\w.-]+$", exam_name):
        c.err(doc.line_of("name"), "name must be a folder-safe word (letters, digits, - _ .)")
        exam_name = p.stem
    if c.problems:
        raise SpecError("\n".join(c.problems))
    return ExamSpec(name=exam_name, title=title, course=course, date=str(doc.get("date", "")),
                    duration=duration, instructions=instructions, language=language,
                    seed=seed, mode=mode, forms=forms if mode == "forms" else 0,
                    shuffle_questions=shuffle_q, shuffle_choices=shuffle_c,
                    sections=sections, path=name, sha256=hashlib.sha256(raw).hexdigest(),
                    negative=negative, partial_credit=partial, floor=floor, short_answer=short,
                    work_space=work_space)


def _spec_document(p: Path) -> tuple[bytes, LocDict]:
    """The spec file's bytes and its YAML mapping (:class:`SpecError` when it is none)."""
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise SpecError(f"cannot read exam spec {p}: {e.strerror or e}") from None
    name = str(p)
    try:
        doc = load_located(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SpecError(f"{name}: not UTF-8 text; save the spec as UTF-8") from None
    except yaml.YAMLError as e:
        line, problem = yaml_problem(e)
        raise SpecError(f"{name}:{line or 1}: not valid YAML: {problem}") from None
    if not isinstance(doc, LocDict):
        raise SpecError(f"{name}:1: an exam spec is a mapping (title:, sections:, ...)")
    return raw, doc


def _language(c: _SpecChecker, doc: LocDict) -> ExamLanguage:
    language = doc.get("language", "ko")
    if language not in ("ko", "en", "both"):
        c.err(doc.line_of("language"), f"language must be ko, en or both, got {language!r}")
        return "ko"
    return language


def _seed(c: _SpecChecker, doc: LocDict) -> int:
    seed = doc.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        c.err(doc.line_of("seed"), f"seed must be a non-negative whole number, got {seed!r}")
        return 0
    return seed


def _mode_and_forms(c: _SpecChecker, doc: LocDict) -> tuple[ExamMode, Any]:
    """``mode`` (per-student or forms) and, with forms, how many (1 to 26)."""
    mode = doc.get("mode", "per-student")
    if mode not in ("per-student", "forms"):
        c.err(doc.line_of("mode"), f"mode must be per-student or forms, got {mode!r}"
              + did_you_mean(str(mode), ["per-student", "forms"]))
        mode = "per-student"
    forms = doc.get("forms", 2 if mode == "forms" else 0)
    if mode == "forms" and (isinstance(forms, bool) or not isinstance(forms, int)
                            or not 1 <= forms <= 26):
        c.err(doc.line_of("forms"), f"forms must be a whole number from 1 to 26, got {forms!r}")
        forms = 1
    if mode == "per-student" and "forms" in doc:
        c.err(doc.line_of("forms"), "forms only applies with mode: forms")
    return mode, forms


def _duration(c: _SpecChecker, doc: LocDict) -> int:
    duration = doc.get("duration", 60)
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        c.err(doc.line_of("duration"), f"duration must be minutes (a whole number), got "
              f"{duration!r}")
        return 60
    return duration


def _shuffle(c: _SpecChecker, doc: LocDict) -> tuple[bool, bool]:
    """Whether questions and choices are shuffled: ``shuffle: true/false`` or a mapping."""
    if "shuffle" not in doc:
        return True, True
    sh = doc["shuffle"]
    if isinstance(sh, bool):
        return sh, sh
    if isinstance(sh, LocDict):
        c.keys(sh, SHUFFLE_KEYS, "shuffle")
        return sh.get("questions", True) is True, sh.get("choices", True) is True
    c.err(doc.line_of("shuffle"), "shuffle must be true/false or {questions: ..., "
          "choices: ...}")
    return True, True


def _short_answer_policy(c, gd) -> tuple[tuple[str, object], ...]:  # type: ignore[no-untyped-def]
    """``grading: {short_answer: {step: 0.5, review: [0.4, 0.6]}}``: the points grid and the
    review band of short answers (:mod:`examgen.grading.points`)."""
    sa = gd["short_answer"]
    where = gd.line_of("short_answer")
    if not isinstance(sa, dict) or set(sa) - {"step", "review"}:
        c.err(where, "grading short_answer must be a mapping {step: 0.5, review: [0.4, 0.6]}")
        return ()
    step, review = sa.get("step", 0.5), sa.get("review", [0.4, 0.6])
    try:
        if isinstance(step, bool) or not isinstance(review, list) or len(review) != 2 or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) for v in review):
            raise ValueError(f"got step {step!r}, review {review!r}")
        PointsPolicy(step, (float(review[0]), float(review[1])))   # checks both
    except (TypeError, ValueError) as e:
        c.err(where, f"grading short_answer: step must be a positive number of points and "
              f"review two scores 0 <= low <= high <= 1 ({e})")
        return ()
    return tuple((k, sa[k]) for k in ("step", "review") if k in sa)


def _grading(c: _SpecChecker, doc: LocDict) -> tuple[float, bool, float | None]:
    """The spec's grading settings: negative marking, partial credit, the floor of a total."""
    negative, partial = 0.0, True
    floor: float | None = 0.0
    if "grading" in doc:
        gd = doc["grading"]
        if isinstance(gd, LocDict):
            c.keys(gd, GRADING_KEYS, "grading")
            neg = gd.get("negative", 0.0)
            if isinstance(neg, bool) or not isinstance(neg, (int, float)) or not 0 <= neg <= 1:
                c.err(gd.line_of("negative"), f"grading negative must be a share of the points "
                      f"from 0 to 1 (0.25 takes off a quarter), got {neg!r}")
            else:
                negative = float(neg)
            pc = gd.get("partial_credit", True)
            if not isinstance(pc, bool):
                c.err(gd.line_of("partial_credit"), "grading partial_credit must be true or false")
            else:
                partial = pc
            fl = gd.get("floor", 0.0)
            if fl is not None and (isinstance(fl, bool) or not isinstance(fl, (int, float))):
                c.err(gd.line_of("floor"), "grading floor must be a number (the lowest total, "
                      f"0 by default) or null (totals may go below zero), got {fl!r}")
            else:
                floor = None if fl is None else float(fl)
        else:
            c.err(doc.line_of("grading"), "grading must be a mapping: {negative: 0.25, "
                  "partial_credit: true}")
    return negative, partial, floor


def _sections(c: _SpecChecker, doc: LocDict) -> tuple[Section, ...]:
    sl = doc.get("sections")
    if not isinstance(sl, LocList) or not sl:
        c.err(doc.line_of("sections"), "the exam spec needs a non-empty list of sections")
        return ()
    out = []
    for k, sd in enumerate(sl):
        if not isinstance(sd, LocDict):
            c.err(sl.line_of(k), f"section {k + 1} must be a mapping with title and questions")
            continue
        c.keys(sd, SECTION_KEYS, f"section {k + 1}")
        title = c.text(sd, "title", Text(f"{k + 1}")) or Text(f"{k + 1}")
        ql = sd.get("questions")
        if not isinstance(ql, LocList) or not ql:
            c.err(sd.line_of("questions"), f"section {k + 1} needs a non-empty questions list")
            continue
        picks = [_pick(c, q, ql.line_of(j)) for j, q in enumerate(ql)]
        out.append(Section(title, tuple(p for p in picks if p is not None), sd.line,
                           _work_space(c, sd)))
    return tuple(out)


def _work_space(c: _SpecChecker, d: LocDict) -> WorkSpace:
    """``work_space: 3cm`` (every question type) or ``work_space: {numeric: 3cm, ...}``."""
    if "work_space" not in d:
        return ()
    v = d["work_space"]
    line = d.line_of("work_space")
    items = v.items() if isinstance(v, LocDict) else [("*", v)]
    out = []
    for qtype, length in items:
        if qtype != "*" and qtype not in {t.value for t in QuestionType}:
            c.err(line, f"work_space: unknown question type {qtype!r}; expected one of "
                  + ", ".join(t.value for t in QuestionType)
                  + did_you_mean(str(qtype), [t.value for t in QuestionType]))
        elif not isinstance(length, str) or not _LENGTH.fullmatch(length.strip()):
            c.err(line, f"work_space must be a length such as 3cm or 25mm (or a mapping from "
                  f"question type to length), got {length!r}")
        else:
            out.append((str(qtype), length.strip()))
    return tuple(out)


def _check_repeated_ids(c: _SpecChecker, sections: tuple[Section, ...]) -> None:
    """A question listed twice would be printed twice with the same numbers."""
    first_line: dict[str, int] = {}
    for pick in (p for s in sections for p in s.picks):
        if pick.id is None:
            continue
        if pick.id in first_line:
            c.err(pick.line, f"question '{pick.id}' is listed twice (lines {first_line[pick.id]} "
                  f"and {pick.line}); an exam uses each question once, remove one")
        else:
            first_line[pick.id] = pick.line


def _pick(c: _SpecChecker, q: Any, line: int) -> Pick | None:
    if isinstance(q, str):
        return Pick(line=line, id=q)
    if not isinstance(q, LocDict):
        c.err(line, "each question entry is an id or a mapping (id:, or topic:/tags:/... "
              "with count:)")
        return None
    c.keys(q, PICK_KEYS, "a question entry")
    pts = q.get("points")
    if pts is not None and (isinstance(pts, bool) or not isinstance(pts, (int, float))
                            or not 0 < pts <= 1000):   # also refuses nan and inf
        c.err(q.line_of("points"), f"points must be a positive number up to 1000, got {pts!r}")
        pts = None
    if "id" in q:
        extra = [k for k in ("topic", "tags", "difficulty", "type", "count") if k in q]
        if extra:
            c.err(q.line_of(extra[0]), f"an entry with id picks exactly that question; remove "
                  f"{', '.join(extra)} or remove id")
        return Pick(line=line, id=str(q["id"]), points=pts)
    return _filter_pick(c, q, line, pts)


def _filter_pick(c: _SpecChecker, q: LocDict, line: int, pts: Any) -> Pick:
    """An entry without id: ``count`` questions matching its topic, tags, difficulty, type."""
    count = q.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        c.err(q.line_of("count"), f"count must be a whole number of at least 1, got {count!r}")
        count = 1
    tags = q.get("tags", ())
    if isinstance(tags, str):
        tags = (tags,)
    elif not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        c.err(q.line_of("tags"), f"tags must be a tag or a list of tags, got {tags!r}")
        tags = ()
    difficulty = qtype = None
    if "difficulty" in q:
        try:
            difficulty = Difficulty(str(q["difficulty"]))
        except ValueError:
            c.err(q.line_of("difficulty"), f"difficulty must be easy, medium or hard, got "
                  f"{q['difficulty']!r}")
    if "type" in q:
        try:
            qtype = QuestionType(str(q["type"]))
        except ValueError:
            c.err(q.line_of("type"), f"type {q['type']!r} is not a question type"
                  + did_you_mean(str(q["type"]), [t.value for t in QuestionType]))
    topic = q.get("topic")
    if topic is not None and not isinstance(topic, str):
        c.err(q.line_of("topic"), f"topic must be a topic name, got {topic!r}")
        topic = None
    if not any(k in q for k in ("topic", "tags", "difficulty", "type")):
        c.err(line, "a question entry needs an id or at least one filter (topic, tags, "
              "difficulty, type)")
    return Pick(line=line, topic=topic, tags=tuple(tags),
                difficulty=difficulty, type=qtype, count=count, points=pts)
