"""The printable grading report and the review page: HTML from the sandboxed Jinja2 templates,
the histogram as SVG, PDF bytes through the render package. They return text and bytes; writing
files is the caller's business. Nothing here reads a clock, so a report is a function of its
batch alone."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from examgen.model import AnswerGroup, GradeBatch
from examgen.reports.stats import (
    ItemStats,
    Summary,
    _floors,
    _histogram,
    _item_stats,
    _keyed,
    _summarize,
    items,
    review_list,
    score_matrix,
)
from examgen.reports.tables import LABELS
from examgen.resources import templates_dir

if TYPE_CHECKING:
    from examgen.render import PdfWriter

TEMPLATES_DIR = templates_dir()


def histogram_svg(summary: Summary, width: int = 480, height: int = 180) -> str:
    """The percent histogram as a small inline SVG: bars, counts above them, a 0–100 % axis.
    Only numbers are written into it, so it is safe to embed unescaped."""
    left, right, top, bottom = 28.0, 10.0, 16.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    bins = summary.histogram or _histogram(np.zeros(0))
    peak = max([c for _, _, c in bins] + [1])
    slot = plot_w / len(bins)
    base = top + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="histogram" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="score histogram" font-family="sans-serif" font-size="10">',
        f'<line x1="{left:g}" y1="{base:g}" x2="{left + plot_w:g}" y2="{base:g}" '
        f'stroke="#333" stroke-width="1"/>',
    ]
    for i, (lo, _hi, count) in enumerate(bins):
        x = left + i * slot
        h = plot_h * count / peak
        if count:
            parts.append(f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{slot - 4:.1f}" '
                         f'height="{h:.1f}" fill="#4a78b0"/>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                     f'fill="#222">{count}</text>')
        parts.append(f'<line x1="{x:.1f}" y1="{base:g}" x2="{x:.1f}" y2="{base + 4:g}" '
                     f'stroke="#333" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{base + 15:g}" text-anchor="middle" fill="#333">'
                     f'{lo:g}</text>')
    end = left + plot_w
    parts.append(f'<line x1="{end:.1f}" y1="{base:g}" x2="{end:.1f}" y2="{base + 4:g}" '
                 f'stroke="#333" stroke-width="1"/>')
    parts.append(f'<text x="{end:.1f}" y="{base + 15:g}" text-anchor="middle" fill="#333">100</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 3:g}" text-anchor="middle" '
                 f'fill="#555">%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _num(x: float | None, decimals: int = 2) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    s = f"{x:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


def _pts(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:g}"


def bank_math(text: str) -> Markup:
    """Bank text (an option's text, a solution line) with its ``$...$`` math typeset; never
    student text."""
    from examgen.render import inline_math

    try:
        return inline_math(text)
    except Exception:   # a formula the typesetter cannot draw: its source, escaped
        return Markup.escape(text)


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> SandboxedEnvironment:
    """The report's Jinja2 environment: sandboxed, autoescaped, StrictUndefined."""
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({"num": _num, "pts": _pts, "math": bank_math})
    return env


MAX_LISTED = 100  # rows per printed table; the CSVs list every one


def render_report_html(batch: GradeBatch, lang: str = "ko") -> str:
    """The grading report of ``batch`` as an HTML document (labels in Korean with English, or
    English alone when ``lang`` is "en")."""
    # the statistics share one pass over the answers (items, the score matrix)
    keyed = _keyed(batch)
    of = items(batch, keyed)
    m = score_matrix(batch, of, keyed)
    summary = _summarize(of, m, _floors(batch))
    flags = [f"{s.student_id}: {flag}" for s in batch.students for flag in s.flags]
    review = review_list(batch)
    notices = list(batch.notices) + flags
    stats = _item_stats(of, m, keyed)
    # a printed report lists at most MAX_LISTED rows per table; the CSVs hold every one
    context: dict[str, Any] = {
        "lang": "en" if lang == "en" else "ko", "ui": LABELS["en" if lang == "en" else "ko"],
        "batch": batch, "summary": summary, "items": stats, **_analyses(batch, stats),
        "review": review[:MAX_LISTED], "review_more": max(0, len(review) - MAX_LISTED),
        "rejected": batch.rejected[:MAX_LISTED],
        "rejected_more": max(0, len(batch.rejected) - MAX_LISTED),
        "notices": notices[:MAX_LISTED], "notices_more": max(0, len(notices) - MAX_LISTED),
        # built above from numbers only; student text never goes through Markup
        "histogram": Markup(histogram_svg(summary)),
        "suspicions": batch.suspicions[:MAX_LISTED], "calibrated": batch.calibrated,
        "has_short": bool(batch.groups),
    }
    return environment().get_template("report.html.j2").render(**context)


SCREEN_FONTS = "Noto Sans CJK KR"   # in a browser; the PDF uses the font fontconfig finds
SCREEN_CSS = """
@media screen {
  html { background: #f4f4f2; font-size: 10.5pt; }
  body { max-width: 190mm; margin: 8mm auto; padding: 12mm 14mm; background: #fff;
         box-shadow: 0 0 3mm rgba(0, 0, 0, 0.15); }
}
svg { max-width: 100%; height: auto; }
.plots { display: flex; flex-wrap: wrap; gap: 4mm; }
.plots figure { margin: 0; }
.plots figcaption { font-size: 8pt; color: #333; }
td.differ, span.differ { color: #a40; font-weight: bold; }
tr.correct td:first-child { font-weight: bold; }
"""


def page_css() -> str:
    """The stylesheet a report or feedback page carries: the PDF's, plus screen margins."""
    return render_css(SCREEN_FONTS) + SCREEN_CSS


def _analyses(batch: GradeBatch, stats: tuple[ItemStats, ...]) -> dict[str, Any]:
    """The report's analyses and plots beyond item statistics (distractors by option, scores
    by form and by variant); plots are built from numbers and examgen's own labels only."""
    from examgen.reports.analysis import by_form, by_variant, distractors
    from examgen.reports.plots import by_group_svg, difficulty_svg

    forms = by_form(batch)
    variants = by_variant(batch)
    return {
        "css": Markup(page_css()),
        "absent": batch.absent[:MAX_LISTED], "absent_n": len(batch.absent),
        "distractors": distractors(batch), "forms": forms, "variants": variants,
        "difficulty_plot": Markup(difficulty_svg([s.label for s in stats],
                                                 [s.difficulty for s in stats],
                                                 [s.discrimination for s in stats]))
        if batch.students else "",
        "forms_plot": Markup(by_group_svg([forms])) if forms else "",
        "variants_plot": Markup(by_group_svg(variants)) if variants else "",
    }


MAX_MEMBERS = 30  # member ids listed per group in review.html


def render_review_html(batch: GradeBatch, lang: str = "ko") -> str:
    """review.html: each question's short answers in groups of similar answers, the groups that
    need review first, each shown once with its members, proposed points and rubric hits."""
    by_question: dict[str, list[AnswerGroup]] = {}
    for g in batch.groups:
        by_question.setdefault(g.question_id, []).append(g)
    questions = [(q, sorted(gs, key=lambda g: (not g.needs_review, -len(g.members), g.group_id)))
                 for q, gs in by_question.items()]
    context: dict[str, Any] = {
        "lang": "en" if lang == "en" else "ko", "ui": LABELS["en" if lang == "en" else "ko"],
        "batch": batch, "questions": questions, "max_members": MAX_MEMBERS,
        "calibrated": dict(batch.calibrated),
    }
    return environment().get_template("review.html.j2").render(**context)


def render_css(font_family: str, templates_dir: str = str(TEMPLATES_DIR)) -> str:
    return environment(templates_dir).get_template("report.css.j2").render(font_family=font_family)


@lru_cache(maxsize=2)
def _writer(font_family: str) -> PdfWriter:
    from examgen.render import pdf_writer  # WeasyPrint loads only when a PDF is made

    return pdf_writer(render_css(font_family))


def prepare_report_pdf() -> None:
    """Load what typesetting a report needs (WeasyPrint, the Hangul font, the stylesheet), so
    that :func:`render_report_pdf` only lays out the report."""
    from examgen.render import find_hangul_font

    _writer(find_hangul_font())


def render_report_pdf(html: str) -> bytes:
    """PDF bytes of a report rendered by :func:`render_report_html`, printed with the
    Hangul font fontconfig finds (:class:`~examgen.render.fonts.FontError` when none)."""
    from examgen.render import find_hangul_font

    return _writer(find_hangul_font()).write(html).data
