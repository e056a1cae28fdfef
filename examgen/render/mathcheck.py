"""Every formula a variant prints, and whether each converts to Typst math (``bank check`` and
``generate`` run this, so a formula outside the supported LaTeX never reaches a page)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from examgen.errors import Problem
from examgen.model import Template, Text, Variant
from examgen.render.texmath import TexMathError
from examgen.render.typmarkup import formulas, math
from examgen.rng import derive_seed

__all__ = ["bank_math_problems", "math_errors", "math_problems", "variant_formulas"]


def _texts(t: Text | str | None) -> Iterator[str]:
    if t is None:
        return
    if isinstance(t, str):
        yield t
        return
    yield t.ko
    if t.en:
        yield t.en


def variant_formulas(v: Variant) -> Iterator[tuple[str, str]]:
    """(where, LaTeX) of every formula ``v`` prints: ``$...$`` in its texts and the answers
    and wrong answers shown as formulas in a key."""
    texts: list[tuple[str, Text | str | None]] = [
        ("prompt", v.prompt), ("solution", v.solution), ("explanation", v.explanation)]
    for p in v.parts:
        part = f"part {p.label}: " if p.label else ""
        texts.append((part + "prompt", p.prompt))
        texts += [(f"{part}option {o.key}", o.text) for o in p.options]
        texts += [(f"{part}reference", r) for r in p.references]
        for w in p.wrong_answers:
            texts += [(f"{part}wrong answer", w.text), (f"{part}wrong answer", w.why)]
        for m in p.misconceptions:
            texts.append((f"{part}misconception {m.id}", m.description))
            if m.display:
                yield f"{part}misconception {m.id} answer", m.display
        if p.display:
            yield f"{part}answer", p.display
    for where, t in texts:
        for text in _texts(t):
            for tex in formulas(text):
                yield where, tex


def math_errors(v: Variant) -> list[tuple[str, TexMathError]]:
    """(where, error) of each formula of ``v`` that does not convert."""
    errors = []
    for where, tex in variant_formulas(v):
        try:
            math(tex)
        except TexMathError as e:
            errors.append((where, e))
    return errors


def math_problems(v: Variant) -> list[str]:
    """One message per formula of ``v`` that does not convert (say what and where)."""
    return [f"{where}: {e}" for where, e in math_errors(v)]


MATH_CHECK_SEEDS = 5


def bank_math_problems(templates: Iterable[Template], draw: Callable[[Template, int], Variant],
                       seeds: int = MATH_CHECK_SEEDS) -> list[Problem]:
    """Draw ``seeds`` variants of every template with ``draw(template, seed)`` (the variant
    maker, passed in: render does not import it) and convert every formula they print; each
    failing formula becomes a located problem (once per template, place and kind of failure,
    however many seeds show it)."""
    problems: list[Problem] = []
    for t in templates:
        seen: set[tuple[str, str]] = set()
        for k in range(seeds):
            try:
                v = draw(t, derive_seed("check", t.id, k))
            except Exception:  # noqa: BLE001 - drawing problems are check_rendering's to report
                break
            for where, e in math_errors(v):
                if (where, e.detail) not in seen:
                    seen.add((where, e.detail))
                    problems.append(Problem(t.location.file, t.location.line, t.id,
                                            f"{where}: {e}"))
    return problems
