"""Answer keys: what each submission column expects, from an exam manifest or a KEY.csv.

A manifest (from ``examgen generate``) gives every student's own answers; a KEY.csv
(``question_id,type,answer,points`` + optional ``tolerance,keywords,choices``, and for short
answers ``question,step,review``) or KEY.yaml gives
one key shared by all students, for exams made elsewhere. Pure: the files are read by
:func:`examgen.manifest.read_manifest` and :func:`examgen.io.read_key_rows`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from examgen.errors import KeyFileError, did_you_mean
from examgen.grading.points import parse_review, parse_step
from examgen.manifest import Manifest, ManifestCopy, jsonable
from examgen.model import (
    CHOICE_TYPES,
    VALUE_TYPES,
    AnswerKey,
    PartKey,
    PointsPolicy,
    QuestionType,
    RubricConcept,
    Text,
    Tolerance,
    Variant,
    VariantPart,
    WrongConcept,
    spellings,
)

ROUNDING_STEPS = 2   # rounded intermediate values a hand computation typically chains
KEY_TYPES = {"numeric": QuestionType.NUMERIC, "vector": QuestionType.VECTOR,
             "matrix": QuestionType.MATRIX, "choice": QuestionType.SINGLE_CHOICE,
             "multi": QuestionType.MULTIPLE_CHOICE, "symbolic": QuestionType.SYMBOLIC,
             "short": QuestionType.SHORT_ANSWER}


def key_from_manifest(manifest: Manifest) -> AnswerKey:
    """The key of every copy of a manifest (as :func:`examgen.manifest.read_manifest` read it)."""
    p = manifest.source
    per_copy = {copy.copy_id: copy_parts(manifest, copy) for copy in manifest.copies}
    copy_of = manifest.copy_of
    lost = sorted(sid for sid, copy in copy_of.items() if copy not in per_copy)
    if lost:
        raise KeyFileError(f"{p}: the copies of {len(lost)} student(s) are missing (first: "
                           f"{lost[0]}, copy {copy_of[lost[0]]!r}); regenerate it with examgen "
                           "generate")
    return AnswerKey(manifest.title, p, manifest.columns, None, per_copy, dict(copy_of),
                     dict(manifest.names), dict(manifest.forms), manifest.floor)


def copy_parts(manifest: Manifest, copy: ManifestCopy) -> tuple[PartKey, ...]:
    """The keys of one copy's parts, with the manifest's grading settings (its copies are not
    read, so a manifest of the head alone serves a copy written piece by piece)."""
    parts = []
    for q in copy.questions:
        params = _params_json(q.variant)   # once for all the question's parts
        for col, part in zip(q.columns, q.variant.parts, strict=True):
            pk = part_key(col, q.template_id, part, q.variant, params)
            choice = pk.kind in CHOICE_TYPES
            parts.append(replace(pk, negative=manifest.negative if choice else 0.0,
                                 partial_credit=manifest.partial_credit,
                                 policy=manifest.policy))
    return tuple(parts)


def part_key(column: str, question_id: str, part: VariantPart, variant: Variant,
             params: str | None = None) -> PartKey:
    """One part's key, with the rounding allowance its worked solution calls for; ``params``:
    the variant's :func:`_params_json`, when the caller has it already."""
    return PartKey.from_variant_part(column, question_id, part, variant,
                                     allowance=rounding_allowance(part, variant.solution),
                                     params=_params_json(variant) if params is None else params)


def _params_json(variant: Variant) -> str:
    """The variant's parameters as a key records them (JSON, keys sorted; "" for none)."""
    return (json.dumps(jsonable(dict(variant.params)), sort_keys=True, ensure_ascii=False)
            if variant.params else "")


def parts_from_variant(variant: Variant, columns: Sequence[str] | None = None
                       ) -> tuple[PartKey, ...]:
    """The keys of one variant's parts (as its manifest entry would give them), for grading a
    single variant outside a batch, e.g. in the practice app. Columns default to ``a``, ``b``..."""
    parts = variant.parts
    cols = list(columns) if columns is not None else [chr(ord("a") + i) for i in range(len(parts))]
    params = _params_json(variant)   # once for all the parts
    return tuple(part_key(c, variant.template_id, p, variant, params)
                 for c, p in zip(cols, parts, strict=True))


_DECIMAL_NUMBER = re.compile(r"(?<![\d.])\d+\.(\d+)(?![\d.])")


@lru_cache(maxsize=256)   # the parts of a question read its one worked solution in turn
def _numbers_at(text: str, decimals: int) -> frozenset[str]:
    """The unsigned numbers written in ``text`` with exactly ``decimals`` decimal places."""
    return frozenset(m.group() for m in _DECIMAL_NUMBER.finditer(text)
                     if len(m.group(1)) == decimals)


def rounding_allowance(part: VariantPart, solution: Text | None) -> float:
    """How far a hand computation that carries the worked solution's rounded intermediate values
    may land from the exact answer, beyond the tolerance.

    Only for a real-valued answer (printed with ``decimals`` >= 1; integer answers are exact) whose
    worked ``solution`` shows numbers at those ``decimals`` places other than the answer itself:
    those are the intermediate values a student copies and carries. Each is off by at most half a
    unit in the last place, and the course's steps (gates, products and sums of values in [-1, 1])
    chain about ROUNDING_STEPS of them with a sensitivity of at most 1."""
    decimals = part.decimals
    if part.kind not in VALUE_TYPES or not decimals or solution is None:
        return 0.0
    shown = " ".join(spellings(solution))
    if not _numbers_at(shown, decimals) - _numbers_at(part.display, decimals):
        return 0.0
    return ROUNDING_STEPS * 0.5 * 10.0 ** -decimals


MAX_POINTS = 1000.0   # one question; more is a typo (or "1e309")
_TOLERANCE_FORMS = ("0.01 or ±0.01 (absolute), 1% (relative), 3sf (significant figures), "
                    "2dp (decimal places)")


def parse_tolerance(text: str) -> Tolerance:
    """``0.01`` (or ``±0.01``, ``+-0.01``) absolute, ``1%`` relative, ``3sf`` significant figures,
    ``2dp`` decimals."""
    t = text.strip().lower().replace(" ", "")
    plus_minus = re.match(r"±|\+-|\+/-", t)
    if plus_minus:  # a width around the answer: only an absolute or a relative one
        t = t[plus_minus.end():]
        if not re.fullmatch(r"\d+(?:\.\d+)?%?", t):
            raise ValueError(f"tolerance {text!r} is not one of {_TOLERANCE_FORMS}")
    form = _relative_or_digits(t, text)
    return form if form is not None else _absolute(t, text)


def _relative_or_digits(t: str, text: str) -> Tolerance | None:
    """``1%``, ``3sf`` or ``2dp`` (``t``: ``text`` lower-cased without spaces), else None."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", t)
    if m:
        return Tolerance("rel", float(m.group(1)) / 100)
    m = re.fullmatch(r"(\d+)(sf|sig|s\.f\.)", t)
    if m:
        if not 1 <= int(m.group(1)) <= 15:
            raise ValueError(f"tolerance {text!r}: significant figures must be 1 to 15")
        return Tolerance("sigfigs", float(m.group(1)))
    m = re.fullmatch(r"(\d+)(dp|d\.p\.|decimals)", t)
    if m:
        if not 0 <= int(m.group(1)) <= 15:
            raise ValueError(f"tolerance {text!r}: decimal places must be 0 to 15")
        return Tolerance("decimals", float(m.group(1)))
    return None


def _absolute(t: str, text: str) -> Tolerance:
    """An absolute tolerance: a finite, non-negative number."""
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"tolerance {text!r} is not one of {_TOLERANCE_FORMS}") from None
    if not math.isfinite(v):   # "inf", "1e999", "nan" would accept every answer (or none)
        raise ValueError(f"tolerance {text!r} must be a finite number")
    if v < 0:
        raise ValueError(f"tolerance {text!r} must not be negative")
    return Tolerance("abs", v)


def key_from_rows(source: str, rows: Sequence[tuple[int, dict[str, str]]]) -> AnswerKey:
    """A key shared by every student from the rows of a KEY.csv or KEY.yaml (as
    :func:`examgen.io.read_key_rows` read them from the file ``source``)."""
    from examgen.grading import parse as P

    p = Path(source)
    problems: list[str] = []
    order: list[str] = []
    parts: dict[str, PartKey] = {}
    for rownum, r in rows:
        problem = _add_key_row(f"{p}: row {rownum}", r, parts, order, P)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise KeyFileError("\n".join(problems))
    if not order:
        raise KeyFileError(f"{p}: the key has no questions")
    shared = tuple(parts[q] for q in order)
    return AnswerKey(p.stem, str(p), tuple(order), shared)


def _add_key_row(where: str, r: dict[str, str], parts: dict[str, PartKey], order: list[str],
                 P: Any) -> str | None:
    """Add the question of row ``r`` to ``parts`` and ``order`` (a further row of a short
    answer: one more reference); the problem with the row, if any."""
    fields = _key_row_fields(where, r)
    if isinstance(fields, str):
        return fields
    qid, kind, points, answer = fields
    if qid in parts:  # several rows of a short-answer question: several references
        prev = parts[qid]
        if prev.kind != QuestionType.SHORT_ANSWER or kind != QuestionType.SHORT_ANSWER:
            return (f"{where}: question_id {qid!r} repeats; only short answers may "
                    "have several rows (one reference answer each)")
        parts[qid] = replace(prev, references=prev.references + (answer,))
        return None
    try:
        part = _key_part(qid, kind, answer, points, r, P)
    except ValueError as e:
        return f"{where}: {e}"
    parts[qid] = part
    order.append(qid)
    return None


def _key_row_fields(where: str, r: dict[str, str]
                    ) -> tuple[str, QuestionType, float, str] | str:
    """The question id, type, points and answer of a key row, or the problem with it."""
    qid = r.get("question_id", "").strip()
    kind = KEY_TYPES.get(r.get("type", "").strip().lower())
    if not qid:
        return f"{where}: empty question_id"
    if kind is None:
        return (f"{where}: type {r.get('type')!r} is not one of "
                f"{', '.join(KEY_TYPES)}" + did_you_mean(r.get("type", ""), KEY_TYPES))
    try:
        points = float(r.get("points", ""))
        if not (math.isfinite(points) and 0 < points <= MAX_POINTS):
            raise ValueError
    except ValueError:
        return (f"{where}: column points: expected a positive number up to "
                f"{MAX_POINTS:g}, got {r.get('points')!r}")
    answer = r.get("answer", "")
    if not answer.strip():
        return (f"{where}: column answer: empty; every question needs its answer "
                "(a short answer its reference text)")
    return qid, kind, points, answer


def _key_part(qid: str, kind: QuestionType, answer: str, points: float, r: dict[str, str],
              P: Any) -> PartKey:
    tol_text = r.get("tolerance", "").strip()
    tol = parse_tolerance(tol_text) if tol_text else None
    n_choices = _n_choices(r.get("choices", ""))
    base = PartKey(column=qid, question_id=qid, kind=kind, points=points,
                   negative=_share(r.get("negative", "")),
                   partial_credit=_yes(r.get("partial", ""), default=True))
    if kind == QuestionType.NUMERIC:
        got = P.parse_number(answer)
        if isinstance(got, P.FormatError):
            raise ValueError(f"answer {answer!r}: {got.message}")
        return replace(base, value=got.value, tolerance=tol or printed_tolerance(got),
                       decimals=got.decimals)
    if kind in (QuestionType.VECTOR, QuestionType.MATRIX):
        got = P.parse_vector(answer) if kind == QuestionType.VECTOR else P.parse_matrix(answer)
        if isinstance(got, P.FormatError):
            raise ValueError(f"answer {answer!r}: {got.message}")
        value = got.values if kind == QuestionType.VECTOR else got.rows
        return replace(base, value=value, tolerance=tol or Tolerance("abs", 0.01))
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        n = n_choices or max(4, _max_key(answer))
        got = P.parse_choices(answer, n, kind == QuestionType.MULTIPLE_CHOICE)
        if isinstance(got, P.FormatError):
            raise ValueError(f"answer {answer!r}: {got.message}")
        return replace(base, options=tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:n]), correct=got.keys,
                       option_texts=_option_texts(r.get("choices", ""), n))
    if kind == QuestionType.SYMBOLIC:
        from examgen.mathexpr import ExpressionError, parse_expression

        variables = tuple(sorted(set(re.findall(r"[A-Za-z_]\w*", answer))
                                 - {"sqrt", "exp", "log", "ln", "sin", "cos", "tan", "tanh"}))
        try:
            parse_expression(answer, frozenset(variables))
        except ExpressionError as e:
            raise ValueError(f"answer {answer!r}: {e}") from None
        return replace(base, expression=answer, variables=variables)
    keywords = r.get("keywords", "").strip()
    items = [c.strip() for c in keywords.split(";") if c.strip()] if keywords else []
    concepts = [c for c in items if not c.startswith("!")]
    # "~a|b" names an absent concept: earned where the answer says a/b is missing or removed
    rubric = tuple(RubricConcept(c.lstrip("~").split("|")[0].strip(), 1 / len(concepts),
                                 tuple(x.strip() for x in c.lstrip("~").split("|") if x.strip()),
                                 absent=c.startswith("~"))
                   for c in concepts if c.lstrip("~").strip())
    step, review = r.get("step", "").strip(), r.get("review", "").strip()
    policy = PointsPolicy(parse_step(step) if step else PointsPolicy().step,
                          parse_review(review) if review else PointsPolicy().review)
    # "!a|b" names a wrong concept: mentioning it lowers the score
    cues = tuple(WrongConcept(c[1:].split("|")[0].strip(),
                              tuple(x.strip() for x in c[1:].split("|") if x.strip()))
                 for c in items if c.startswith("!") and c[1:].strip())
    return replace(base, references=(answer,), rubric=rubric, wrong_concepts=cues,
                   prompt=r.get("question", "").strip(), policy=policy)


def printed_tolerance(number: Any) -> Tolerance:
    """A KEY.csv number's tolerance when none is given: exact for a whole number (``263168``);
    a decimal accepts what rounds to it at its printed decimals (``0.532``: 0.5315 to 0.5325);
    a number in scientific notation, what rounds to it at its significant figures. See
    docs/grading-numbers.md."""
    if number.decimals:
        return Tolerance("decimals", float(number.decimals))
    if number.decimals == 0:
        return Tolerance("abs", 0.0)
    return Tolerance("sigfigs", float(number.sigfigs or 1))


def _share(text: str) -> float:
    """A negative-marking share: ``0.25`` or ``25%`` of the points; empty means none."""
    t = text.strip()
    if not t:
        return 0.0
    try:
        v = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise ValueError(f"negative {text!r} must be a share of the points such as 0.25 or "
                         "25%") from None
    if not 0 <= v <= 1:
        raise ValueError(f"negative {text!r} must be between 0 and 1 (a share of the points)")
    return v


def _yes(text: str, default: bool) -> bool:
    t = text.strip().lower()
    if not t:
        return default
    if t in ("yes", "y", "true", "1", "예"):
        return True
    if t in ("no", "n", "false", "0", "아니오"):
        return False
    raise ValueError(f"partial {text!r} must be yes or no")


def _n_choices(text: str) -> int | None:
    t = text.strip()
    if not t:
        return None
    if t.isdigit():
        return int(t)
    if len(_option_texts(t, 26)) > 0:
        return len(_option_texts(t, 26))
    return len([x for x in re.split(r"[;,\s]+", t) if x])


def _option_texts(text: str, n: int) -> tuple[tuple[str, ...], ...]:
    """The options' texts when a KEY.csv ``choices`` cell lists them (``0.532;0.621;...``, in
    the order A, B, ...), so that answers written as option text (Google Forms) are read;
    () when it gives a count or letters only."""
    pieces = [p.strip() for p in text.split(";")]
    if len(pieces) < 2 or not any(len(p) > 1 for p in pieces) or len(pieces) > n:
        return ()
    return tuple((p,) for p in pieces)


def _max_key(answer: str) -> int:
    letters = [ord(c) - 64 for c in answer.upper() if "A" <= c <= "J"]
    return max(letters, default=4)
