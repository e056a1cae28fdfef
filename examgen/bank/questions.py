"""One bank question (located YAML) -> a :class:`~examgen.model.Template`, by question type:
computed (families, parameters, parts, tolerances), choice, symbolic and short-answer
questions. Problems go to the file's :class:`~examgen.bank.check.Checker`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2

from examgen.bank import schema as S
from examgen.bank.check import Checker, describe_value
from examgen.bank.expressions import load_expression_misconception, load_quantities
from examgen.errors import did_you_mean
from examgen.families import REGISTRY, answer_kind
from examgen.io import LocDict
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
from examgen.textrender import compile_condition

_KIND_FOR_TYPE = {QuestionType.NUMERIC: ("scalar", "int"), QuestionType.VECTOR: ("vector",),
                  QuestionType.MATRIX: ("matrix",)}



def read_question(c: Checker, q: Any, line: int, topic: str) -> Template | None:
    c.qid = None
    d = c.mapping(q, line, "each question")
    if d is None:
        return None
    qid = d.get("id")
    if isinstance(qid, str) and re.match(S.ID_PATTERN, qid):
        c.qid = qid
    else:
        c.err(d.line_of("id") if "id" in d else d.line,
              f"id must be kebab-case text like 'lstm-forget-gate', got {describe_value(qid)}")
    qtype = _question_type(c, d)
    if qtype is None:
        return None
    c.keys(d, S.COMMON | S.TYPE_KEYS[qtype], S.COMMON_REQUIRED + S.TYPE_REQUIRED[qtype],
           f"a {qtype.value} question")
    tags = _tags(c, d)
    difficulty = _difficulty(c, d)
    points = c.number(d.get("points"), d.line_of("points"), "points", positive=True) \
        if "points" in d else None
    prompt = c.text(d["prompt"], d.line_of("prompt"), "prompt") if "prompt" in d else None
    explanation = (c.text(d["explanation"], d.line_of("explanation"), "explanation")
                   if "explanation" in d else None)
    solution = (c.text(d["solution"], d.line_of("solution"), "solution")
                if "solution" in d else None)
    fields = _type_fields(c, d, qtype, points or 0)
    if c.qid is None or prompt is None or points is None:
        return None
    return Template(id=c.qid, topic=topic, type=qtype, tags=tags, difficulty=difficulty,
                    points=points, prompt=prompt, location=Location(c.file, d.line),
                    explanation=explanation, solution=solution, **fields)


def _question_type(c: Checker, d: LocDict) -> QuestionType | None:
    """The question's ``type``; None (reported, and its keys checked against every type's)
    when it is none."""
    qtype_raw = d.get("type")
    try:
        return QuestionType(str(qtype_raw))
    except ValueError:
        c.err(d.line_of("type"), f"type {qtype_raw!r} is not a question type; expected one of "
              f"{', '.join(t.value for t in QuestionType)}"
              + did_you_mean(str(qtype_raw), [t.value for t in QuestionType]))
        c.keys(d, S.COMMON | set().union(*S.TYPE_KEYS.values()), S.COMMON_REQUIRED, "question")
        return None


def _tags(c: Checker, d: LocDict) -> tuple[str, ...]:
    if "tags" not in d:
        return ()
    tl = c.seq(d["tags"], d.line_of("tags"), "tags")
    if tl is None:
        return ()
    bad = [t for t in tl if not isinstance(t, str) or not re.match(S.ID_PATTERN, t)]
    if bad:
        c.err(d.line_of("tags"), f"tags must be kebab-case words, got {bad!r}")
    return tuple(t for t in tl if isinstance(t, str))


def _difficulty(c: Checker, d: LocDict) -> Difficulty:
    if "difficulty" not in d:
        return Difficulty.MEDIUM
    diff_raw = d.get("difficulty")
    try:
        return Difficulty(str(diff_raw))
    except ValueError:
        c.err(d.line_of("difficulty"), f"difficulty must be easy, medium or hard, got "
              f"{describe_value(diff_raw)}" + did_you_mean(str(diff_raw), [x.value for x in Difficulty]))
        return Difficulty.MEDIUM


def _type_fields(c: Checker, d: LocDict, qtype: QuestionType, points: float) -> dict[str, Any]:
    """The fields of the question's kind: computed (family or quantities), choices, symbolic,
    short answer."""
    fields: dict[str, Any] = {}
    computed = "family" in d or "quantities" in d
    if computed:
        fields |= _computed(c, d, qtype, points)
    elif qtype in _KIND_FOR_TYPE or qtype is QuestionType.MULTI_PART:
        c.err(d.line, f"a {qtype.value} question needs 'family' (a built-in computation, see "
              "`examgen bank families`) or 'quantities' (expressions over its parameters)")
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE) and not computed:
        fields |= _choices(c, d, qtype)
    if qtype is QuestionType.SYMBOLIC:
        fields |= _symbolic(c, d)
    if qtype is QuestionType.SHORT_ANSWER:
        fields |= _short(c, d)
    return fields



def _computed(c: Checker, d: LocDict, qtype: QuestionType, points: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fam = d.get("family")
    if "family" in d and (not isinstance(fam, str) or fam not in REGISTRY):
        c.err(d.line_of("family"), f"unknown family {fam!r}; expected one of "
              f"{', '.join(sorted(REGISTRY))}" + did_you_mean(str(fam), REGISTRY)
              + "; or compute the answer with 'quantities' (see `examgen bank families`)")
        return out
    family = REGISTRY[fam] if fam is not None else None
    out["family"] = fam
    out["params"] = _params(c, d, fam, family)
    outputs: dict[str, Any] = dict(family.outputs) if family else {}
    if "quantities" in d:
        out["quantities"], kinds = load_quantities(c, d, out["params"], family)
        out["quantity_kinds"] = tuple(kinds.items())
        # a quantity that failed is already reported; take it as a scalar from here on
        outputs |= {name: kinds.get(name, "scalar") for name, _ in out["quantities"]}
    out["constraints"] = _constraints(c, d)
    if "range" in d:
        out |= _answer_range(c, d)
    if "misconceptions" in d:
        out |= _misconceptions(c, d, fam, family, outputs)
    decimals = _display_decimals(c, d)
    if "solution" not in d:
        c.err(d.line, "computed questions need a worked solution (key 'solution')")
    if family is None and "quantities" not in d:
        c.err(d.line, "computed questions need 'family' or 'quantities'")
        return out
    source = (f"family '{fam}'" if "quantities" not in d else
              f"family '{fam}' or a quantity" if fam else "a quantity")
    if qtype is QuestionType.MULTI_PART:
        out["parts"] = _parts(c, d, outputs, decimals, source)
    else:
        out |= _single_answer(c, d, qtype, points, outputs, decimals, source)
    return out


def _params(c: Checker, d: LocDict, fam: Any, family: Any) -> tuple[ParamSpec, ...]:
    """The parameter samplers, every input of the family among them."""
    params: list[ParamSpec] = []
    if "params" in d:
        pm = c.mapping(d["params"], d.line_of("params"), "params")
        if pm is not None:
            for key, value in pm.items():
                spec = c.sampler(str(key), value, pm.line_of(key), {p.name for p in params})
                if spec is not None:
                    params.append(spec)
            missing = [i for i in family.inputs if i not in pm] if family else []
            if missing:
                c.err(d.line_of("params"), f"family '{fam}' needs parameters "
                      f"{', '.join(missing)}; "
                      f"add samplers for them under params")
    elif family is not None and family.inputs:
        c.err(d.line, f"family '{fam}' needs parameters {', '.join(family.inputs)}")
    return tuple(params)


def _constraints(c: Checker, d: LocDict) -> tuple[str, ...]:
    """The constraints on the parameters: texts that compile as conditions."""
    constraints: list[str] = []
    if "constraints" in d:
        cl = c.seq(d["constraints"], d.line_of("constraints"), "constraints")
        for k, expr in enumerate(cl or []):
            if not isinstance(expr, str):
                c.err(cl.line_of(k), f"constraint must be text, got {describe_value(expr)}")  # type: ignore[union-attr]
                continue
            try:
                compile_condition(expr)
                constraints.append(expr)
            except jinja2.TemplateSyntaxError as e:
                c.err(cl.line_of(k), f"constraint {expr!r} is not a valid expression: "  # type: ignore[union-attr]
                      f"{e.message}")
    return tuple(constraints)


def _answer_range(c: Checker, d: LocDict) -> dict[str, Any]:
    """``answer_range`` from ``range: [low, high]`` (nothing when it is malformed)."""
    r = d["range"]
    if (isinstance(r, list) and len(r) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in r)
            and r[0] < r[1]):
        return {"answer_range": (float(r[0]), float(r[1]))}
    c.err(d.line_of("range"), f"range must be [low, high] with low < high, got {r!r}")
    return {}


def _misconceptions(c: Checker, d: LocDict, fam: Any, family: Any, outputs: dict[str, Any]
                    ) -> dict[str, Any]:
    """The misconceptions chosen from the family's and those written here as expressions."""
    ml = c.seq(d["misconceptions"], d.line_of("misconceptions"), "misconceptions")
    known = [m.id for m in family.misconceptions] if family else []
    chosen, written = [], []
    for k, mid in enumerate(ml or []):
        if isinstance(mid, LocDict):  # written here: {id, description, quantities}
            m = load_expression_misconception(c, mid, k, outputs)
            if m is not None:
                written.append(m)
                chosen.append(m.id)
        elif mid in known:
            chosen.append(mid)
        else:
            c.err(ml.line_of(k), f"family '{fam}' has no misconception {mid!r}; expected "  # type: ignore[union-attr]
                  f"one of {', '.join(known)}" + did_you_mean(str(mid), known)
                  + "; or write one as {id, description, quantities}")
    return {"misconceptions": tuple(chosen), "expression_misconceptions": tuple(written)}


def _display_decimals(c: Checker, d: LocDict) -> int | None:
    """``display: decimals`` (0..10), else None."""
    if "display" not in d:
        return None
    dm = c.mapping(d["display"], d.line_of("display"), "display")
    if dm is None:
        return None
    c.keys(dm, S.DISPLAY_KEYS, ("decimals",), "display")
    dec = dm.get("decimals")
    if isinstance(dec, int) and not isinstance(dec, bool) and 0 <= dec <= 10:
        return dec
    if "decimals" in dm:
        c.err(dm.line_of("decimals"), f"display decimals must be 0..10, got {dec!r}")
    return None


def _single_answer(c: Checker, d: LocDict, qtype: QuestionType, points: float,
                   outputs: dict[str, Any], decimals: int | None, source: str) -> dict[str, Any]:
    """The one part of a computed question that is not multi-part, and its number of
    options (a computed single_choice)."""
    out: dict[str, Any] = {}
    if "choices" in d:
        c.err(d.line_of("choices"), "a computed single_choice takes its options from the "
              "family's misconceptions; remove 'choices' or remove 'family'")
    ref = c.answer_ref(d.get("answer"), d.line_of("answer"), outputs, source) \
        if "answer" in d else None
    if "answer" not in d:
        c.err(d.line, "computed questions need 'answer' (the family quantity asked for)")
    tol = c.tolerance(d["tolerance"], d.line_of("tolerance")) if "tolerance" in d else None
    if ref is not None:
        out["parts"] = (_single_part(c, d, qtype, ref, points, tol, outputs, decimals),)
    if "options" in d:
        n = d["options"]
        if isinstance(n, int) and not isinstance(n, bool) and 3 <= n <= 6:
            out["n_options"] = n
        else:
            c.err(d.line_of("options"), f"options must be a whole number 3..6, got {n!r}")
    return out


def _single_part(c: Checker, d: LocDict, qtype: QuestionType, ref: str, points: float,
                 tol: Tolerance | None, outputs: dict[str, Any], decimals: int | None
                 ) -> PartSpec:
    kind = answer_kind(outputs, ref)
    if qtype in _KIND_FOR_TYPE and kind not in _KIND_FOR_TYPE[qtype]:
        c.err(d.line_of("answer"), f"answer '{ref}' is a {kind} but the question type "
              f"is {qtype.value}; expected a {' or '.join(_KIND_FOR_TYPE[qtype])}")
    if tol is None and kind == "int":
        tol = Tolerance("abs", 0)
    elif tol is None and "tolerance" not in d:
        c.err(d.line, "non-integer answers need a tolerance (abs, rel, sigfigs or "
              "decimals)")
    part_kind = qtype if qtype is not QuestionType.NUMERIC else QuestionType.NUMERIC
    return PartSpec("", ref, None, points, tol, decimals, part_kind)



def _parts(c: Checker, d: LocDict, fam: Mapping[str, str], decimals: int | None,
           source: str) -> tuple[PartSpec, ...]:
    pl = c.seq(d.get("parts"), d.line_of("parts"), "parts")
    parts: list[PartSpec] = []
    labels: set[str] = set()
    for k, raw in enumerate(pl or []):
        pd = c.mapping(raw, pl.line_of(k), f"part {k + 1}")  # type: ignore[union-attr]
        part = _part(c, pd, k, labels, fam, decimals, source) if pd is not None else None
        if part is not None:
            parts.append(part)
    if pl is not None and not pl:
        c.err(pl.line, "parts must list at least one part")
    return tuple(parts)


def _part(c: Checker, pd: LocDict, k: int, labels: set[str], fam: Mapping[str, str],
          decimals: int | None, source: str) -> PartSpec | None:
    """Part ``k`` (from 0) of a multi-part question, None when it has errors; ``labels``, the
    labels of the parts before it, gets its label."""
    c.keys(pd, S.PART_KEYS, S.PART_REQUIRED, f"part {k + 1}")
    label = str(pd.get("label", ""))
    if label in labels:
        c.err(pd.line_of("label"), f"part label '{label}' is used twice")
    labels.add(label)
    ref = c.answer_ref(pd.get("answer"), pd.line_of("answer"), fam, source) \
        if "answer" in pd else None
    pts = c.number(pd.get("points"), pd.line_of("points"), f"part {label} points",
                   positive=True) if "points" in pd else None
    prompt = c.text(pd["prompt"], pd.line_of("prompt"), f"part {label} prompt") \
        if "prompt" in pd else None
    tol = c.tolerance(pd["tolerance"], pd.line_of("tolerance")) if "tolerance" in pd else None
    pdec = _part_decimals(c, pd, decimals)
    if ref is None or pts is None:
        return None
    kind = answer_kind(fam, ref)
    ptype = _part_type(c, pd, label, ref, kind)
    if ptype is None:
        return None
    if tol is None and kind == "int":
        tol = Tolerance("abs", 0)
    if tol is None:
        c.err(pd.line, f"part {label} needs a tolerance (abs, rel, sigfigs or decimals)")
        return None
    return PartSpec(label, ref, prompt, pts, tol, pdec, ptype)


def _part_decimals(c: Checker, pd: LocDict, decimals: int | None) -> int | None:
    """The part's ``display: decimals``, else the question's ``decimals``."""
    if "display" in pd:
        dm = c.mapping(pd["display"], pd.line_of("display"), "display")
        if dm is not None and isinstance(dm.get("decimals"), int):
            return dm["decimals"]
    return decimals


def _part_type(c: Checker, pd: LocDict, label: str, ref: str, kind: str
               ) -> QuestionType | None:
    """The part's question type: its ``type``, else the one of its answer's ``kind``; None
    (with an error) when the type is not one a part can have."""
    default_type = {"scalar": QuestionType.NUMERIC, "int": QuestionType.NUMERIC,
                    "vector": QuestionType.VECTOR, "matrix": QuestionType.MATRIX}[kind]
    if "type" not in pd:
        return default_type
    try:
        ptype = QuestionType(pd["type"])
    except ValueError:
        ptype = default_type
    if ptype not in S.PART_TYPES:
        c.err(pd.line_of("type"), f"part type must be one of "
              f"{', '.join(t.value for t in S.PART_TYPES)}, got {pd['type']!r}")
        return None
    if ptype in _KIND_FOR_TYPE and kind not in _KIND_FOR_TYPE[ptype]:
        c.err(pd.line_of("type"), f"part {label}: answer '{ref}' is a {kind}, not a "
              f"{ptype.value}")
    return ptype



def _choices(c: Checker, d: LocDict, qtype: QuestionType) -> dict[str, Any]:
    if "choices" not in d:
        c.err(d.line, "a single_choice question needs either 'choices' (a concept question) "
              "or 'family' and 'answer' (a computed one)")
        return {}
    cl = c.seq(d["choices"], d.line_of("choices"), "choices")
    choices: list[ChoiceSpec] = []
    for k, raw in enumerate(cl or []):
        ch = _choice(c, raw, cl.line_of(k), k)  # type: ignore[union-attr]
        if ch is not None:
            choices.append(ch)
    if cl is not None:
        _check_choice_set(c, d, cl, choices, qtype)
    shuffle = d.get("shuffle", True)
    if not isinstance(shuffle, bool):
        c.err(d.line_of("shuffle"), "shuffle must be true or false")
        shuffle = True
    return {"choices": tuple(choices), "shuffle": shuffle}


def _choice(c: Checker, raw: Any, line: int, k: int) -> ChoiceSpec | None:
    """Choice ``k`` (from 0): its text (ko, en) and whether it is correct."""
    cd = c.mapping(raw, line, f"choice {k + 1}")
    if cd is None:
        return None
    c.keys(cd, S.CHOICE_KEYS, ("ko",), f"choice {k + 1}")
    correct = cd.get("correct", False)
    if not isinstance(correct, bool):
        c.err(cd.line_of("correct"), f"choice {k + 1}: correct must be true or false")
    text = c.text(LocDictView(cd), line, f"choice {k + 1}")
    return ChoiceSpec(text, correct is True) if text is not None else None


def _check_choice_set(c: Checker, d: LocDict, cl: Any, choices: list[ChoiceSpec],
                      qtype: QuestionType) -> None:
    """3 to 6 choices, as many correct ones as the type allows, none repeated."""
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



def LocDictView(cd: LocDict) -> LocDict:  # noqa: N802 - a view constructor
    """The ko/en keys of a choice mapping, as a text mapping."""
    view = LocDict({k: v for k, v in cd.items() if k in S.TEXT_KEYS})
    view.line, view.key_lines, view.duplicates = cd.line, cd.key_lines, []
    return view



def _symbolic(c: Checker, d: LocDict) -> dict[str, Any]:
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
            c.err(d.line_of("expression"), f"expression must be text, got {describe_value(expr)}")
        return {"variables": variables}
    try:
        parse_expression(expr, frozenset(variables))
    except ExpressionError as e:
        c.err(d.line_of("expression"), f"expression {expr!r}: {e}")
    return {"expression": expr, "variables": variables}



def _short(c: Checker, d: LocDict) -> dict[str, Any]:
    return {"references": _references(c, d), "rubric": _rubric(c, d),
            "wrong_answers": _wrong_answers(c, d), "wrong_concepts": _wrong_concepts(c, d)}


def _references(c: Checker, d: LocDict) -> tuple[Text, ...]:
    """The model answers of a short-answer question (at least one when listed)."""
    refs: list[Text] = []
    rl = c.seq(d.get("reference"), d.line_of("reference"), "reference") if "reference" in d else None
    for k, raw in enumerate(rl or []):
        t = c.text(raw, rl.line_of(k), f"reference {k + 1}")  # type: ignore[union-attr]
        if t is not None:
            refs.append(t)
    if rl is not None and not rl:
        c.err(rl.line, "reference must list at least one model answer")
    return tuple(refs)


def _rubric(c: Checker, d: LocDict) -> tuple[RubricConcept, ...]:
    """The rubric's concepts, their weights adding up to 1."""
    rubric: list[RubricConcept] = []
    rub = c.seq(d.get("rubric"), d.line_of("rubric"), "rubric") if "rubric" in d else None
    for k, raw in enumerate(rub or []):
        rd = c.mapping(raw, rub.line_of(k), f"rubric item {k + 1}")  # type: ignore[union-attr]
        concept = _rubric_concept(c, rd, k) if rd is not None else None
        if concept is not None:
            rubric.append(concept)
    if rub is not None:
        total = sum(r.weight for r in rubric)
        if rubric and abs(total - 1) > 0.011:
            c.err(d.line_of("rubric"), f"rubric weights must add up to 1, got {total:g}")
    return tuple(rubric)


def _rubric_concept(c: Checker, rd: LocDict, k: int) -> RubricConcept | None:
    """Rubric item ``k`` (from 0): a concept, its weight, and synonyms or ordered stages."""
    c.keys(rd, S.RUBRIC_KEYS, ("concept", "weight"), f"rubric item {k + 1}")
    w = c.number(rd.get("weight"), rd.line_of("weight"), "rubric weight", positive=True) \
        if "weight" in rd else None
    has_syn, has_order = "synonyms" in rd, "order" in rd
    if has_syn == has_order:
        c.err(rd.line, f"rubric item {k + 1} needs either synonyms (any of them earns the "
              "concept) or order (stages that must appear in that order), not "
              + ("both" if has_syn else "neither"))
        return None
    field = "synonyms" if has_syn else "order"
    words = _text_list(c, rd, field, 1 if has_syn else 2)
    concept = rd.get("concept")
    absent = rd.get("absent", False)
    if not isinstance(absent, bool) or (absent and has_order):
        c.err(rd.line_of("absent"), f"rubric item {k + 1}: absent must be true or false "
              "and goes with synonyms (what the answer must say is missing), not order")
        return None
    if words is None or not isinstance(concept, str) or w is None:
        return None
    return RubricConcept(concept, w, words if has_syn else (), words if has_order else (),
                         absent)


def _wrong_answers(c: Checker, d: LocDict) -> tuple[WrongAnswer, ...]:
    wrong: list[WrongAnswer] = []
    for wd in _mappings(c, d, "wrong_answers", "wrong answer", S.WRONG_KEYS, ("text", "why")):
        why = c.text(wd["why"], wd.line_of("why"), "why") if "why" in wd else None
        if isinstance(wd.get("text"), str) and why is not None:
            wrong.append(WrongAnswer(wd["text"], why))
    return tuple(wrong)


def _wrong_concepts(c: Checker, d: LocDict) -> tuple[WrongConcept, ...]:
    cues: list[WrongConcept] = []
    for cd in _mappings(c, d, "wrong_concepts", "wrong concept", S.WRONG_CONCEPT_KEYS,
                        ("concept", "synonyms")):
        why = c.text(cd["why"], cd.line_of("why"), "why") if "why" in cd else None
        words = _text_list(c, cd, "synonyms", 1)
        if words is not None and isinstance(cd.get("concept"), str):
            cues.append(WrongConcept(cd["concept"], words, why))
    return tuple(cues)



def _mappings(c: Checker, d: LocDict, field: str, what: str, allowed: frozenset[str],
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



def _text_list(c: Checker, d: LocDict, field: str, at_least: int) -> tuple[str, ...] | None:
    """``d[field]`` as a list of at least ``at_least`` texts, or None after reporting it."""
    v = d.get(field)
    if isinstance(v, list) and len(v) >= at_least and all(isinstance(x, str) and x.strip()
                                                         for x in v):
        return tuple(v)
    c.err(d.line_of(field), f"{field} must be a list of at least {at_least} text"
          + ("s" if at_least > 1 else "") + f", got {describe_value(v)}")
    return None
