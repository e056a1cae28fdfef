"""The one owner of ``manifest.json``, the record of a generated exam that grading reads back:
what is written (:func:`build_manifest`, :func:`variant_to_dict`), how it is read
(:func:`read_manifest`, :func:`read_output_manifest`) and compared (:func:`manifest_difference`).
Nobody else reads or writes its keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from examgen import __version__
from examgen.errors import KeyFileError
from examgen.model import Assembly, Text, Variant, VariantPart


def build_manifest(asm: Assembly, files: dict[str, dict[str, Any]], bank_sha256: str
                   ) -> dict[str, Any]:
    """Everything the grader needs, JSON-ready. ``files`` maps copy id -> {exam, key} paths."""
    spec = asm.spec
    form_of = dict(asm.form_of)
    return {
        "examgen_version": __version__,
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
        "columns": list(asm.columns),
        "students": [{"student_id": s.student_id, "name": s.name,
                      "copy": (f"form-{form_of[s.student_id]}" if s.student_id in form_of
                               else s.student_id),
                      "form": form_of.get(s.student_id)} for s in asm.students],
        "copies": [{
            "copy_id": c.copy_id, "form": c.form,
            "student_id": c.student.student_id if c.student else None,
            "total_points": c.total_points,
            "files": files.get(c.copy_id, {}),
            "questions": [{
                "label": q.label, "number": q.number, "columns": list(q.columns),
                "template_id": q.template_id, "variant_seed": q.variant_seed,
                "points": q.points, "variant": variant_to_dict(q.variant),
            } for q in c.questions],
        } for c in asm.copies],
    }


def variant_to_dict(v: Variant) -> dict[str, Any]:
    """A variant as JSON-ready data (the manifest's ``variant`` entries, ``bank show --json``)."""
    return _jsonable({
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


def _jsonable(x: Any) -> Any:
    if isinstance(x, Text):
        return x.to_dict()
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "item"):  # numpy scalar
        return x.item()
    return x


def read_manifest(path: Path | str) -> Any:
    """The data of the manifest at ``path``, for grading; a file that cannot be read or is not
    JSON raises :class:`~examgen.errors.KeyFileError`."""
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise KeyFileError(f"cannot read manifest {p}: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise KeyFileError(f"{p}: not a manifest written by examgen generate ({e})") from None


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
