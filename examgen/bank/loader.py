"""Loading and validating ``question_bank/`` YAML files into :class:`~examgen.model.Template`.

Every problem is collected (not just the first) as ``file:line: question "id": what is wrong,
what was expected``; :func:`load_bank` raises one :class:`BankError` listing them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jinja2
import yaml

from examgen.bank import schema as S
from examgen.bank.glossary import GLOSSARY_FILE
from examgen.bank.yamlloc import LocDict, LocList, load_located
from examgen.errors import BankError, Problem, UsageError, did_you_mean
from examgen.families import REGISTRY
from examgen.mathexpr import ExpressionError, parse_expression
from examgen.model import (
    ChoiceSpec,
    Difficulty,
    Location,
    ParamSpec,
    PartSpec,
    QuestionType,
    RubricConcept,
    Template,
    Text,
    Tolerance,
    WrongAnswer,
    WrongConcept,
)
from examgen.safeyaml import yaml_problem
from examgen.textrender import compile_condition, compile_text

DEFAULT_BANK = Path(__file__).resolve().parents[2] / "question_bank"
ANSWER_REF = re.compile(r"^([A-Za-z_]\w*)((?:\[\d+\]){0,2})$")


MAX_GRID = 100_000   # values of one int/real parameter (its grid is built in memory)


@dataclass(frozen=True)
class Bank:
    """All templates of a bank, in file order."""

    templates: tuple[Template, ...]
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.templates})

    def get(self, template_id: str) -> Template:
        by_id: dict[str, Template] = self._by_id  # type: ignore[attr-defined]
        if template_id not in by_id:
            raise UsageError(f"no question with id {template_id!r} in {self.root}"
                             + did_you_mean(template_id, by_id))
        return by_id[template_id]

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._by_id  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.templates)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.topic for t in self.templates))


def parse_answer_ref(ref: str) -> tuple[str, tuple[int, ...]]:
    """``"weights[0]"`` -> ``("weights", (0,))``; raises ValueError for other text."""
    m = ANSWER_REF.match(ref)
    if not m:
        raise ValueError(ref)
    return m.group(1), tuple(int(i) for i in re.findall(r"\d+", m.group(2)))


class _Checker:
    """Collects problems for one file while converting its questions."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.qid: str | None = None

    def err(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, self.qid, message))

    # -- generic shapes ------------------------------------------------------------------------
    def keys(self, d: LocDict, allowed: Iterable[str], required: Iterable[str], what: str) -> None:
        allowed_set = set(allowed)
        for key, line in d.duplicates:
            self.err(line, f"key '{key}' appears twice in {what}")
        for key in d:
            if key not in allowed_set:
                self.err(d.line_of(key), f"unknown key '{key}' in {what}; expected one of "
                         f"{', '.join(sorted(allowed_set))}" + did_you_mean(str(key), allowed_set))
        for key in required:
            if key not in d:
                self.err(d.line, f"{what} is missing the required key '{key}'")

    def mapping(self, value: Any, line: int, what: str) -> LocDict | None:
        if isinstance(value, LocDict):
            return value
        self.err(line, f"{what} must be a mapping (key: value lines), got {_kind(value)}")
        return None

    def seq(self, value: Any, line: int, what: str) -> LocList | None:
        if isinstance(value, LocList):
            return value
        self.err(line, f"{what} must be a list, got {_kind(value)}")
        return None

    def number(self, value: Any, line: int, what: str, *, positive: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.err(line, f"{what} must be a number, got {_kind(value)}")
            return None
        if positive and value <= 0:
            self.err(line, f"{what} must be positive, got {value}")
            return None
        return float(value)

    def text(self, value: Any, line: int, what: str) -> Text | None:
        if isinstance(value, str):
            t = Text(value)
        elif isinstance(value, LocDict):
            self.keys(value, S.TEXT_KEYS, ("ko",), what)
            ko, en = value.get("ko"), value.get("en")
            if not isinstance(ko, str) or (en is not None and not isinstance(en, str)):
                if "ko" in value:
                    self.err(line, f"{what}: ko and en must be text")
                return None
            t = Text(ko, en)
            line = value.line_of("ko")
        else:
            self.err(line, f"{what} must be text or a mapping with ko (and en), got {_kind(value)}")
            return None
        for lang, src in (("ko", t.ko), ("en", t.en)):
            if src is None:
                continue
            try:
                compile_text(src)
            except jinja2.TemplateSyntaxError as e:
                self.err(line + (e.lineno or 1) - 1,
                         f"{what} ({lang}) is not a valid Jinja2 template: {e.message}")
        return t

    # -- pieces --------------------------------------------------------------------------------
    def tolerance(self, value: Any, line: int) -> Tolerance | None:
        d = self.mapping(value, line, "tolerance")
        if d is None:
            return None
        self.keys(d, S.TOLERANCE_KINDS, (), "tolerance")
        kinds = [k for k in S.TOLERANCE_KINDS if k in d]
        if len(kinds) != 1:
            self.err(d.line, "tolerance needs exactly one of abs, rel, sigfigs, decimals; got "
                     + (", ".join(kinds) or "none"))
            return None
        kind = kinds[0]
        v = self.number(d[kind], d.line_of(kind), f"tolerance {kind}", positive=kind != "abs")
        if v is None:
            return None
        if kind in ("sigfigs", "decimals") and v != int(v):
            self.err(d.line_of(kind), f"tolerance {kind} must be a whole number, got {v}")
            return None
        if v < 0:
            self.err(d.line_of(kind), f"tolerance abs must not be negative, got {v}")
            return None
        return Tolerance(kind, v)  # type: ignore[arg-type]

    def sampler(self, name: str, value: Any, line: int, earlier: set[str]) -> ParamSpec | None:
        what = f"parameter '{name}'"
        if not re.match(r"^[A-Za-z_]\w*$", str(name)):
            self.err(line, f"{what}: names must be identifiers (letters, digits, _)")
            return None
        d = self.mapping(value, line, what)
        if d is None:
            return None
        self.keys(d, S.SAMPLER_KEYS, (), what)
        kinds = [k for k in S.SAMPLER_KINDS if k in d]
        if len(kinds) != 1:
            self.err(d.line, f"{what} needs exactly one sampler of int, real, choice; got "
                     + (", ".join(kinds) or "none"))
            return None
        kind = kinds[0]
        kline = d.line_of(kind)
        shape: list[int | str] = []
        if "shape" in d:
            sh = d["shape"]
            if isinstance(sh, int) and not isinstance(sh, bool):
                sh = [sh]
            if not isinstance(sh, list) or not 1 <= len(sh) <= 2:
                self.err(d.line_of("shape"), f"{what}: shape must be [n] or [rows, cols]")
                return None
            for s in sh:
                named = isinstance(s, str) and s in earlier
                if named or (isinstance(s, int) and not isinstance(s, bool) and s > 0):
                    shape.append(s)
                else:
                    self.err(d.line_of("shape"), f"{what}: shape entry {s!r} must be a positive "
                             "integer or the name of an earlier parameter")
                    return None
        exclude = tuple(d.get("exclude", ()) or ())
        if kind == "choice":
            opts = d["choice"]
            if not isinstance(opts, list) or not opts:
                self.err(kline, f"{what}: choice must be a non-empty list of values")
                return None
            if not [o for o in opts if o not in exclude]:
                self.err(kline, f"{what}: every choice is excluded")
                return None
            return ParamSpec(name, "choice", options=tuple(opts), shape=tuple(shape),
                             exclude=exclude, line=kline)
        bounds = d[kind]
        if (not isinstance(bounds, list) or len(bounds) != 2
                or any(isinstance(b, bool) or not isinstance(b, (int, float)) for b in bounds)):
            self.err(kline, f"{what}: {kind} must be [low, high], got {bounds!r}")
            return None
        lo, hi = float(bounds[0]), float(bounds[1])
        if not (math.isfinite(lo) and math.isfinite(hi)):
            self.err(kline, f"{what}: {kind} bounds must be finite numbers, got {bounds!r}")
            return None
        if lo > hi:
            self.err(kline, f"{what}: low {bounds[0]} is above high {bounds[1]}")
            return None
        if kind == "real" and "step" not in d:
            self.err(kline, f"{what}: real needs a step (e.g. step: 0.1) so values stay "
                     "easy to compute by hand")
            return None
        step = self.number(d.get("step", 1), d.line_of("step"), f"{what} step", positive=True)
        if step is None:
            return None
        if kind == "int" and (lo != int(lo) or hi != int(hi) or step != int(step)):
            self.err(kline, f"{what}: int bounds and step must be whole numbers")
            return None
        span = (hi - lo) / step
        if not math.isfinite(span) or span + 1 > MAX_GRID:   # the grid is built in memory
            self.err(kline, f"{what}: [{bounds[0]}, {bounds[1]}] in steps of {d.get('step', 1)} "
                     f"gives more than {MAX_GRID:,} values; use a larger step or narrower bounds")
            return None
        n = math.floor(span + 1e-9) + 1
        grid = [round(lo + k * step, 10) for k in range(n)]
        if not [g for g in grid if g not in exclude]:
            self.err(kline, f"{what}: every value is excluded")
            return None
        return ParamSpec(name, cast(Any, kind), lo=lo, hi=hi, step=step, shape=tuple(shape),
                         exclude=exclude, line=kline)

    def answer_ref(self, ref: Any, line: int, family: str | None) -> str | None:
        if not isinstance(ref, str):
            self.err(line, f"answer must name a quantity of the family, got {_kind(ref)}")
            return None
        try:
            base, _ = parse_answer_ref(ref)
        except ValueError:
            self.err(line, f"answer '{ref}' must be a quantity name, optionally indexed "
                     "like weights[0] or W[1][0]")
            return None
        if family in REGISTRY and base not in REGISTRY[family].outputs:
            outs = REGISTRY[family].outputs
            self.err(line, f"answer '{base}' is not an output of family '{family}'; expected "
                     f"one of {', '.join(outs)}" + did_you_mean(base, outs))
            return None
        return ref


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, LocDict):
        return "a mapping"
    if isinstance(value, LocList):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:80]


def answer_kind(family: str, ref: str) -> str:
    """The output kind (scalar, int, vector, matrix) of an answer reference after indexing."""
    base, idx = parse_answer_ref(ref)
    kind = REGISTRY[family].outputs[base]
    order = ["scalar", "vector", "matrix"]
    if kind == "int":
        return "int"
    return order[max(0, order.index(kind) - len(idx))]


_KIND_FOR_TYPE = {QuestionType.NUMERIC: ("scalar", "int"), QuestionType.VECTOR: ("vector",),
                  QuestionType.MATRIX: ("matrix",)}


def _question(c: _Checker, q: Any, line: int, topic: str) -> Template | None:
    c.qid = None
    d = c.mapping(q, line, "each question")
    if d is None:
        return None
    qid = d.get("id")
    if isinstance(qid, str) and re.match(S.ID_PATTERN, qid):
        c.qid = qid
    else:
        c.err(d.line_of("id") if "id" in d else d.line,
              f"id must be kebab-case text like 'lstm-forget-gate', got {_kind(qid)}")
    qtype_raw = d.get("type")
    try:
        qtype = QuestionType(str(qtype_raw))
    except ValueError:
        c.err(d.line_of("type"), f"type {qtype_raw!r} is not a question type; expected one of "
              f"{', '.join(t.value for t in QuestionType)}"
              + did_you_mean(str(qtype_raw), [t.value for t in QuestionType]))
        c.keys(d, S.COMMON | set().union(*S.TYPE_KEYS.values()), S.COMMON_REQUIRED, "question")
        return None
    c.keys(d, S.COMMON | S.TYPE_KEYS[qtype], S.COMMON_REQUIRED + S.TYPE_REQUIRED[qtype],
           f"a {qtype.value} question")

    tags: tuple[str, ...] = ()
    if "tags" in d:
        tl = c.seq(d["tags"], d.line_of("tags"), "tags")
        if tl is not None:
            bad = [t for t in tl if not isinstance(t, str) or not re.match(S.ID_PATTERN, t)]
            if bad:
                c.err(d.line_of("tags"), f"tags must be kebab-case words, got {bad!r}")
            tags = tuple(t for t in tl if isinstance(t, str))
    diff_raw = d.get("difficulty")
    difficulty = Difficulty.MEDIUM
    if "difficulty" in d:
        try:
            difficulty = Difficulty(str(diff_raw))
        except ValueError:
            c.err(d.line_of("difficulty"), f"difficulty must be easy, medium or hard, got "
                  f"{_kind(diff_raw)}" + did_you_mean(str(diff_raw), [x.value for x in Difficulty]))
    points = c.number(d.get("points"), d.line_of("points"), "points", positive=True) \
        if "points" in d else None
    prompt = c.text(d["prompt"], d.line_of("prompt"), "prompt") if "prompt" in d else None
    explanation = (c.text(d["explanation"], d.line_of("explanation"), "explanation")
                   if "explanation" in d else None)
    solution = (c.text(d["solution"], d.line_of("solution"), "solution")
                if "solution" in d else None)
    fields: dict[str, Any] = {}
    computed = "family" in d
    if computed:
        fields |= _computed(c, d, qtype, points or 0)
    elif qtype in S.TYPE_REQUIRED and qtype in _KIND_FOR_TYPE:
        pass  # missing family already reported
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE) and not computed:
        fields |= _choices(c, d, qtype)
    if qtype is QuestionType.SYMBOLIC:
        fields |= _symbolic(c, d)
    if qtype is QuestionType.SHORT_ANSWER:
        fields |= _short(c, d)
    if c.qid is None or prompt is None or points is None:
        return None
    return Template(id=c.qid, topic=topic, type=qtype, tags=tags, difficulty=difficulty,
                    points=points, prompt=prompt, location=Location(c.file, d.line),
                    explanation=explanation, solution=solution, **fields)


def _computed(c: _Checker, d: LocDict, qtype: QuestionType, points: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fam = d.get("family")
    if fam not in REGISTRY:
        c.err(d.line_of("family"), f"unknown family {fam!r}; expected one of "
              f"{', '.join(sorted(REGISTRY))}" + did_you_mean(str(fam), REGISTRY))
        return out
    family = REGISTRY[fam]
    out["family"] = fam
    params: list[ParamSpec] = []
    if "params" in d:
        pm = c.mapping(d["params"], d.line_of("params"), "params")
        if pm is not None:
            for key, value in pm.items():
                spec = c.sampler(str(key), value, pm.line_of(key), {p.name for p in params})
                if spec is not None:
                    params.append(spec)
            missing = [i for i in family.inputs if i not in pm]
            if missing:
                c.err(d.line_of("params"), f"family '{fam}' needs parameters "
                      f"{', '.join(missing)}; "
                      f"add samplers for them under params")
    elif family.inputs:
        c.err(d.line, f"family '{fam}' needs parameters {', '.join(family.inputs)}")
    out["params"] = tuple(params)
    constraints: list[str] = []
    if "constraints" in d:
        cl = c.seq(d["constraints"], d.line_of("constraints"), "constraints")
        for k, expr in enumerate(cl or []):
            if not isinstance(expr, str):
                c.err(cl.line_of(k), f"constraint must be text, got {_kind(expr)}")  # type: ignore[union-attr]
                continue
            try:
                compile_condition(expr)
                constraints.append(expr)
            except jinja2.TemplateSyntaxError as e:
                c.err(cl.line_of(k), f"constraint {expr!r} is not a valid expression: "  # type: ignore[union-attr]
                      f"{e.message}")
    out["constraints"] = tuple(constraints)
    if "range" in d:
        r = d["range"]
        if (isinstance(r, list) and len(r) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in r)
                and r[0] < r[1]):
            out["answer_range"] = (float(r[0]), float(r[1]))
        else:
            c.err(d.line_of("range"), f"range must be [low, high] with low < high, got {r!r}")
    if "misconceptions" in d:
        ml = c.seq(d["misconceptions"], d.line_of("misconceptions"), "misconceptions")
        known = [m.id for m in family.misconceptions]
        chosen = []
        for k, mid in enumerate(ml or []):
            if mid in known:
                chosen.append(mid)
            else:
                c.err(ml.line_of(k), f"family '{fam}' has no misconception {mid!r}; expected "  # type: ignore[union-attr]
                      f"one of {', '.join(known)}" + did_you_mean(str(mid), known))
        out["misconceptions"] = tuple(chosen)
    decimals = None
    if "display" in d:
        dm = c.mapping(d["display"], d.line_of("display"), "display")
        if dm is not None:
            c.keys(dm, S.DISPLAY_KEYS, ("decimals",), "display")
            dec = dm.get("decimals")
            if isinstance(dec, int) and not isinstance(dec, bool) and 0 <= dec <= 10:
                decimals = dec
            elif "decimals" in dm:
                c.err(dm.line_of("decimals"), f"display decimals must be 0..10, got {dec!r}")
    if "solution" not in d:
        c.err(d.line, "computed questions need a worked solution (key 'solution')")
    if qtype is QuestionType.MULTI_PART:
        out["parts"] = _parts(c, d, fam, decimals)
    else:
        if "choices" in d:
            c.err(d.line_of("choices"), "a computed single_choice takes its options from the "
                  "family's misconceptions; remove 'choices' or remove 'family'")
        ref = c.answer_ref(d.get("answer"), d.line_of("answer"), fam) if "answer" in d else None
        if "answer" not in d:
            c.err(d.line, "computed questions need 'answer' (the family quantity asked for)")
        tol = c.tolerance(d["tolerance"], d.line_of("tolerance")) if "tolerance" in d else None
        if ref is not None:
            kind = answer_kind(fam, ref)
            if qtype in _KIND_FOR_TYPE and kind not in _KIND_FOR_TYPE[qtype]:
                c.err(d.line_of("answer"), f"answer '{ref}' is a {kind} but the question type "
                      f"is {qtype.value}; expected a {' or '.join(_KIND_FOR_TYPE[qtype])}")
            if tol is None and kind == "int":
                tol = Tolerance("abs", 0)
            elif tol is None and "tolerance" not in d:
                c.err(d.line, "non-integer answers need a tolerance (abs, rel, sigfigs or "
                      "decimals)")
            part_kind = qtype if qtype is not QuestionType.NUMERIC else QuestionType.NUMERIC
            out["parts"] = (PartSpec("", ref, None, points, tol, decimals, part_kind),)
        if "options" in d:
            n = d["options"]
            if isinstance(n, int) and not isinstance(n, bool) and 3 <= n <= 6:
                out["n_options"] = n
            else:
                c.err(d.line_of("options"), f"options must be a whole number 3..6, got {n!r}")
    return out


def _parts(c: _Checker, d: LocDict, fam: str, decimals: int | None) -> tuple[PartSpec, ...]:
    pl = c.seq(d.get("parts"), d.line_of("parts"), "parts")
    parts: list[PartSpec] = []
    labels: set[str] = set()
    for k, raw in enumerate(pl or []):
        pd = c.mapping(raw, pl.line_of(k), f"part {k + 1}")  # type: ignore[union-attr]
        if pd is None:
            continue
        c.keys(pd, S.PART_KEYS, S.PART_REQUIRED, f"part {k + 1}")
        label = str(pd.get("label", ""))
        if label in labels:
            c.err(pd.line_of("label"), f"part label '{label}' is used twice")
        labels.add(label)
        ref = c.answer_ref(pd.get("answer"), pd.line_of("answer"), fam) if "answer" in pd else None
        pts = c.number(pd.get("points"), pd.line_of("points"), f"part {label} points",
                       positive=True) if "points" in pd else None
        prompt = c.text(pd["prompt"], pd.line_of("prompt"), f"part {label} prompt") \
            if "prompt" in pd else None
        tol = c.tolerance(pd["tolerance"], pd.line_of("tolerance")) if "tolerance" in pd else None
        pdec = decimals
        if "display" in pd:
            dm = c.mapping(pd["display"], pd.line_of("display"), "display")
            if dm is not None and isinstance(dm.get("decimals"), int):
                pdec = dm["decimals"]
        if ref is None or pts is None:
            continue
        kind = answer_kind(fam, ref)
        default_type = {"scalar": QuestionType.NUMERIC, "int": QuestionType.NUMERIC,
                        "vector": QuestionType.VECTOR, "matrix": QuestionType.MATRIX}[kind]
        ptype = default_type
        if "type" in pd:
            try:
                ptype = QuestionType(pd["type"])
            except ValueError:
                ptype = default_type
            if ptype not in S.PART_TYPES:
                c.err(pd.line_of("type"), f"part type must be one of "
                      f"{', '.join(t.value for t in S.PART_TYPES)}, got {pd['type']!r}")
                continue
            if ptype in _KIND_FOR_TYPE and kind not in _KIND_FOR_TYPE[ptype]:
                c.err(pd.line_of("type"), f"part {label}: answer '{ref}' is a {kind}, not a "
                      f"{ptype.value}")
        if tol is None:
            if kind == "int":
                tol = Tolerance("abs", 0)
            else:
                c.err(pd.line, f"part {label} needs a tolerance (abs, rel, sigfigs or decimals)")
                continue
        parts.append(PartSpec(label, ref, prompt, pts, tol, pdec, ptype))
    if pl is not None and not pl:
        c.err(pl.line, "parts must list at least one part")
    return tuple(parts)


def _choices(c: _Checker, d: LocDict, qtype: QuestionType) -> dict[str, Any]:
    if "choices" not in d:
        c.err(d.line, "a single_choice question needs either 'choices' (a concept question) "
              "or 'family' and 'answer' (a computed one)")
        return {}
    cl = c.seq(d["choices"], d.line_of("choices"), "choices")
    choices: list[ChoiceSpec] = []
    for k, raw in enumerate(cl or []):
        line = cl.line_of(k)  # type: ignore[union-attr]
        cd = c.mapping(raw, line, f"choice {k + 1}")
        if cd is None:
            continue
        c.keys(cd, S.CHOICE_KEYS, ("ko",), f"choice {k + 1}")
        correct = cd.get("correct", False)
        if not isinstance(correct, bool):
            c.err(cd.line_of("correct"), f"choice {k + 1}: correct must be true or false")
        text = c.text(LocDictView(cd), line, f"choice {k + 1}")
        if text is not None:
            choices.append(ChoiceSpec(text, correct is True))
    if cl is not None:
        n_ok = sum(ch.correct for ch in choices)
        key_line = d.line_of("choices")
        if not 3 <= len(cl) <= 6:
            c.err(key_line, f"a choice question needs 3 to 6 choices, got {len(cl)}")
        if qtype is QuestionType.SINGLE_CHOICE and n_ok != 1:
            c.err(key_line, f"a single_choice question needs exactly one correct choice, got {n_ok}")
        if qtype is QuestionType.MULTIPLE_CHOICE and not 1 <= n_ok < len(choices):
            c.err(key_line, "a multiple_choice question needs at least one correct and one "
                  f"incorrect choice, got {n_ok} correct of {len(choices)}")
        seen: set[str] = set()
        for k, ch in enumerate(choices):
            if ch.text.ko.strip() in seen:
                c.err(cl.line_of(k), f"choice {k + 1} repeats an earlier choice")
            seen.add(ch.text.ko.strip())
    shuffle = d.get("shuffle", True)
    if not isinstance(shuffle, bool):
        c.err(d.line_of("shuffle"), "shuffle must be true or false")
        shuffle = True
    return {"choices": tuple(choices), "shuffle": shuffle}


def LocDictView(cd: LocDict) -> LocDict:  # noqa: N802 - a view constructor
    """The ko/en keys of a choice mapping, as a text mapping."""
    view = LocDict({k: v for k, v in cd.items() if k in S.TEXT_KEYS})
    view.line, view.key_lines, view.duplicates = cd.line, cd.key_lines, []
    return view


def _symbolic(c: _Checker, d: LocDict) -> dict[str, Any]:
    variables: tuple[str, ...] = ()
    vl = c.seq(d.get("variables"), d.line_of("variables"), "variables") if "variables" in d else None
    if vl is not None:
        bad = [v for v in vl if not isinstance(v, str) or not re.match(r"^[A-Za-z_]\w*$", v)]
        if bad:
            c.err(vl.line, f"variables must be identifiers, got {bad!r}")
        variables = tuple(v for v in vl if isinstance(v, str))
    expr = d.get("expression")
    if not isinstance(expr, str):
        if "expression" in d:
            c.err(d.line_of("expression"), f"expression must be text, got {_kind(expr)}")
        return {"variables": variables}
    try:
        parse_expression(expr, frozenset(variables))
    except ExpressionError as e:
        c.err(d.line_of("expression"), f"expression {expr!r}: {e}")
    return {"expression": expr, "variables": variables}


def _short(c: _Checker, d: LocDict) -> dict[str, Any]:
    refs: list[Text] = []
    rl = c.seq(d.get("reference"), d.line_of("reference"), "reference") if "reference" in d else None
    for k, raw in enumerate(rl or []):
        t = c.text(raw, rl.line_of(k), f"reference {k + 1}")  # type: ignore[union-attr]
        if t is not None:
            refs.append(t)
    if rl is not None and not rl:
        c.err(rl.line, "reference must list at least one model answer")
    rubric: list[RubricConcept] = []
    rub = c.seq(d.get("rubric"), d.line_of("rubric"), "rubric") if "rubric" in d else None
    for k, raw in enumerate(rub or []):
        rd = c.mapping(raw, rub.line_of(k), f"rubric item {k + 1}")  # type: ignore[union-attr]
        if rd is None:
            continue
        c.keys(rd, S.RUBRIC_KEYS, ("concept", "weight"), f"rubric item {k + 1}")
        w = c.number(rd.get("weight"), rd.line_of("weight"), "rubric weight", positive=True) \
            if "weight" in rd else None
        has_syn, has_order = "synonyms" in rd, "order" in rd
        if has_syn == has_order:
            c.err(rd.line, f"rubric item {k + 1} needs either synonyms (any of them earns the "
                  "concept) or order (stages that must appear in that order), not "
                  + ("both" if has_syn else "neither"))
            continue
        field = "synonyms" if has_syn else "order"
        words = _text_list(c, rd, field, 1 if has_syn else 2)
        concept = rd.get("concept")
        absent = rd.get("absent", False)
        if not isinstance(absent, bool) or (absent and has_order):
            c.err(rd.line_of("absent"), f"rubric item {k + 1}: absent must be true or false "
                  "and goes with synonyms (what the answer must say is missing), not order")
            continue
        if words is None or not isinstance(concept, str) or w is None:
            continue
        rubric.append(RubricConcept(concept, w, words if has_syn else (),
                                    words if has_order else (), absent))
    if rub is not None:
        total = sum(r.weight for r in rubric)
        if rubric and abs(total - 1) > 0.011:
            c.err(d.line_of("rubric"), f"rubric weights must add up to 1, got {total:g}")
    wrong: list[WrongAnswer] = []
    for wd in _mappings(c, d, "wrong_answers", "wrong answer", S.WRONG_KEYS, ("text", "why")):
        why = c.text(wd["why"], wd.line_of("why"), "why") if "why" in wd else None
        if isinstance(wd.get("text"), str) and why is not None:
            wrong.append(WrongAnswer(wd["text"], why))
    cues: list[WrongConcept] = []
    for cd in _mappings(c, d, "wrong_concepts", "wrong concept", S.WRONG_CONCEPT_KEYS,
                        ("concept", "synonyms")):
        why = c.text(cd["why"], cd.line_of("why"), "why") if "why" in cd else None
        words = _text_list(c, cd, "synonyms", 1)
        if words is not None and isinstance(cd.get("concept"), str):
            cues.append(WrongConcept(cd["concept"], words, why))
    return {"references": tuple(refs), "rubric": tuple(rubric), "wrong_answers": tuple(wrong),
            "wrong_concepts": tuple(cues)}


def _mappings(c: _Checker, d: LocDict, field: str, what: str, allowed: frozenset[str],
              required: tuple[str, ...]) -> list[LocDict]:
    """The mappings listed under ``d[field]`` (absent: none), each checked for its keys."""
    if field not in d:
        return []
    items = c.seq(d[field], d.line_of(field), field)
    out = []
    for k, raw in enumerate(items or []):
        m = c.mapping(raw, items.line_of(k), f"{what} {k + 1}")  # type: ignore[union-attr]
        if m is not None:
            c.keys(m, allowed, required, f"{what} {k + 1}")
            out.append(m)
    return out


def _text_list(c: _Checker, d: LocDict, field: str, at_least: int) -> tuple[str, ...] | None:
    """``d[field]`` as a list of at least ``at_least`` texts, or None after reporting it."""
    v = d.get(field)
    if isinstance(v, list) and len(v) >= at_least and all(isinstance(x, str) and x.strip()
                                                         for x in v):
        return tuple(v)
    c.err(d.line_of(field), f"{field} must be a list of at least {at_least} text"
          + ("s" if at_least > 1 else "") + f", got {_kind(v)}")
    return None


def load_file(path: Path, display: str | None = None) -> tuple[list[Template], list[Problem]]:
    """Templates and problems of one bank file (nothing raised for content errors)."""
    name = display or str(path)
    c = _Checker(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [], [Problem(name, None, None, f"cannot read the file: {e}")]
    try:
        doc = load_located(text)
    except yaml.YAMLError as e:
        line, problem = yaml_problem(e)
        return [], [Problem(name, line, None, f"not valid YAML: {problem}")]
    d = c.mapping(doc, 1, "a bank file")
    if d is None:
        return [], c.problems
    c.keys(d, S.FILE_KEYS, S.FILE_REQUIRED, "the file")
    topic = d.get("topic")
    if not isinstance(topic, str) or not re.match(S.ID_PATTERN, topic):
        c.err(d.line_of("topic"), f"topic must be a kebab-case id, got {_kind(topic)}")
        topic = "unknown"
    templates: list[Template] = []
    ql = c.seq(d.get("questions"), d.line_of("questions"), "questions") \
        if "questions" in d else None
    for k, q in enumerate(ql or []):
        t = _question(c, q, ql.line_of(k), topic)  # type: ignore[union-attr]
        if t is not None:
            templates.append(t)
    return templates, c.problems


def load_bank(root: Path | str | None = None) -> Bank:
    """Load every ``*.yaml`` in ``root`` (default: the bundled bank); raise :class:`BankError`
    listing every problem in every file."""
    root = Path(root) if root is not None else DEFAULT_BANK
    if not root.is_dir():
        raise UsageError(f"question bank folder {root} does not exist")
    # the glossary lives beside the topic files but is not one of them
    files = [f for f in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
             if f.name != GLOSSARY_FILE]
    if not files:
        raise UsageError(f"question bank folder {root} has no .yaml files")
    problems: list[Problem] = []
    templates: list[Template] = []
    seen: dict[str, Template] = {}
    topics: dict[str, str] = {}
    for path in files:
        display = _display(path)
        ts, ps = load_file(path, display)
        problems += ps
        for t in ts:
            if t.id in seen:
                problems.append(Problem(display, t.location.line, t.id,
                                        f"id is already used at {seen[t.id].location}"))
                continue
            other = topics.setdefault(t.topic, display)
            if other != display:
                problems.append(Problem(display, 1, None, f"topic '{t.topic}' is already the "
                                        f"topic of {other}; one file per topic"))
                topics[t.topic] = display
            seen[t.id] = t
            templates.append(t)
    if problems:
        raise BankError(problems)
    return Bank(tuple(templates), root)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def template_summary(t: Template) -> Mapping[str, Any]:
    """One row of ``bank list``."""
    return {"id": t.id, "topic": t.topic, "type": t.type.value, "difficulty": t.difficulty.value,
            "points": t.points, "tags": list(t.tags), "family": t.family,
            "computed": t.is_computed, "file": str(t.location)}
