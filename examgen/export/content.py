"""Content every format shows the same way, built from a variant with a text writer."""

from __future__ import annotations

import html as htmllib

from examgen.export.html import Html, Writer, join
from examgen.model import Variant


def grader_info(v: Variant, w: Writer) -> Html:
    """Reference answers, rubric and typical wrong answers (short answers), or the expected
    expression (symbolic), for whoever grades by hand."""
    part = v.parts[0]
    chunks: list[Html] = []
    if part.expression is not None:
        chunks.append(Html(f"<p>Expected expression (any equivalent form): "
                           f"{w.math(part.display)}</p><p><code>"
                           f"{htmllib.escape(part.expression)}</code></p>"))
    if part.references:
        refs = [w.text(r) for r in part.references]
        chunks.append(Html("<p><strong>모범 답안 / Reference answers</strong></p><ol>"
                           + "".join(f"<li>{r.html}</li>" for r in refs) + "</ol>",
                           tuple(f for r in refs for f in r.files)))
    if part.rubric:
        rows = "".join(f"<li>{htmllib.escape(c.concept)} ({c.weight:g}): "
                       f"{htmllib.escape(' | '.join(c.order or c.synonyms))}"
                       + (" — absent" if c.absent else "") + "</li>" for c in part.rubric)
        chunks.append(Html(f"<p><strong>채점 기준 / Rubric</strong></p><ul>{rows}</ul>"))
    if part.wrong_answers:
        rows = "".join(f"<li>{htmllib.escape(wa.text)} — {w.text(wa.why, inline=True).html}</li>"
                       for wa in part.wrong_answers)
        chunks.append(Html(f"<p><strong>흔한 오답 / Typical wrong answers</strong></p>"
                           f"<ul>{rows}</ul>"))
    if part.wrong_concepts:
        rows = "".join(f"<li>{htmllib.escape(c.concept)}: "
                       f"{htmllib.escape(' | '.join(c.synonyms))}</li>"
                       for c in part.wrong_concepts)
        chunks.append(Html(f"<p><strong>오개념 / Wrong concepts</strong></p><ul>{rows}</ul>"))
    return w.html(join(*chunks).html)   # with the files of every formula in it


def solution(v: Variant, w: Writer) -> Html:
    """The worked solution (its lines are steps) and the explanation."""
    return join(w.text(v.solution, steps=True), w.text(v.explanation))
