"""The report's plots as inline SVG, drawn with matplotlib.

Deterministic: the Agg-free :class:`matplotlib.figure.Figure` (no pyplot state), a fixed
``svg.hashsalt`` (the ids of clip paths), no date in the metadata and text kept as text
(``svg.fonttype: none``: the page's fonts draw it, Hangul included). Only numbers and labels
examgen makes (template ids, form codes, parameter values) are drawn; no student text.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from examgen.reports.analysis import Comparison

__all__ = ["by_group_svg", "difficulty_svg"]

BLUE, ORANGE, GREY = "#4a78b0", "#c0641f", "#666666"


def _fonts() -> list[str]:
    """The Hangul font fontconfig finds (text is measured with it), then matplotlib's own."""
    try:
        from examgen.render import find_hangul_font

        return [find_hangul_font(), "DejaVu Sans"]
    except Exception:   # no Hangul font: the page's fonts still draw the text (fonttype none)
        return ["DejaVu Sans"]


@contextmanager
def _style() -> Iterator[None]:
    import warnings

    import matplotlib

    with warnings.catch_warnings(), matplotlib.rc_context({
        "font.sans-serif": _fonts(),
        "svg.hashsalt": "examgen-report", "svg.fonttype": "none", "font.size": 8,
        "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False,
        "axes.titlesize": 8, "axes.labelsize": 8, "xtick.labelsize": 7, "ytick.labelsize": 7,
    }):
        # a glyph missing from the measuring font only shifts a label a little
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def _svg(fig: object) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")  # type: ignore[attr-defined]
    text = buf.getvalue()
    return text[text.index("<svg"):]


def difficulty_svg(labels: Sequence[str], difficulty: Sequence[float],
                   discrimination: Sequence[float]) -> str:
    """Items as points: difficulty (share of the points earned) against discrimination, with
    the usual guides (r = 0.2; p = 0.2 and 0.9)."""
    from matplotlib.figure import Figure

    with _style():
        fig = Figure(figsize=(4.6, 2.9))
        ax = fig.add_subplot()
        ax.axhline(0.2, color=ORANGE, lw=0.8, ls="--")
        for x in (0.2, 0.9):
            ax.axvline(x, color=GREY, lw=0.6, ls=":")
        for label, p, r in zip(labels, difficulty, discrimination, strict=True):
            if not (math.isfinite(p) and math.isfinite(r)):
                continue
            odd = r < 0.2 or p < 0.2 or p > 0.9
            ax.scatter([p], [r], s=14, color=ORANGE if r < 0.2 else BLUE, zorder=3)
            if odd:   # only the items worth a look are named: the others would overlap
                ax.annotate(label, (p, r), xytext=(3, 2), textcoords="offset points",
                            fontsize=6)
        ax.set_xlim(-0.02, 1.02)
        low = min([r for r in discrimination if math.isfinite(r)] + [-0.1])
        ax.set_ylim(min(-0.1, low - 0.05), 1.0)
        ax.set_xlabel("difficulty p (share of points earned) / 난이도")
        ax.set_ylabel("discrimination r / 변별도")
        return _svg(fig)


STRIP_LANES = 5
"""A group's points are spread over this many lanes around its box (the k-th score in lane
k mod 5), so that equal scores stand side by side."""
STRIP_STEP = 0.25
"""Scores are drawn to the nearest quarter of a percentage point (well under a pixel)."""


def _height(score: float) -> int:
    """Where a score is drawn, in steps of :data:`STRIP_STEP`."""
    return round(score / STRIP_STEP)


def _strip(x: float, scores: Sequence[float]) -> tuple[list[float], list[float]]:
    """The points of one group's strip, each place drawn once: a class of 10,000 puts at most
    5 x 401 points in a box's strip, not 10,000 (drawn as many SVG elements, which the PDF
    then lays out one by one), and the strip looks as before."""
    seen: set[tuple[int, int]] = set()
    xs: list[float] = []
    ys: list[float] = []
    for j, y in enumerate(scores):
        if not math.isfinite(y):
            continue
        place = (j % STRIP_LANES, _height(y))
        if place not in seen:
            seen.add(place)
            xs.append(x + 0.12 * (place[0] - 2) / 2)
            ys.append(place[1] * STRIP_STEP)
    return xs, ys


STRIP_MAX = 150
"""Most places a box's strip may have; a panel where one box would have more (a big class)
shows each box's outliers instead (1.5 IQR beyond the box, as matplotlib finds them), which
says as much once the points are a smear, and costs a few markers where a strip costs
hundreds: the PDF draws each marker as a shape of its own."""


def _fliers(groups: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each group's outliers, to the nearest :data:`STRIP_STEP`, each place once."""
    from matplotlib import cbook

    return [[h * STRIP_STEP for h in sorted(set(map(_height, stats["fliers"])))]
            for stats in cbook.boxplot_stats(groups)]


def by_group_svg(comparisons: Sequence[Comparison], ylabel: str = "score % / 점수") -> str:
    """One panel per comparison: each group's scores as a box with its points (each place
    drawn once: :func:`_strip`; outliers only when there are too many: :data:`STRIP_MAX`),
    the test's p in the title (orange when the groups differ)."""
    from matplotlib.figure import Figure

    n = len(comparisons)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    with _style():
        fig = Figure(figsize=(2.3 * cols + 0.4, 2.1 * rows))
        for k, c in enumerate(comparisons):
            ax = fig.add_subplot(rows, cols, k + 1)
            data = [list(g) for _, g in c.groups]
            ax.boxplot(data, widths=0.5, showfliers=False,
                       medianprops={"color": ORANGE if c.differ else BLUE})
            strips = [_strip(i, g) for i, g in enumerate(data, start=1)]
            if max(len(xs) for xs, _ in strips) <= STRIP_MAX:
                for xs, ys in strips:
                    ax.scatter(xs, ys, s=6, color=GREY, alpha=0.7, zorder=3)
            else:           # a big class: the boxes and their outliers, each place once
                for i, ys in enumerate(_fliers(data), start=1):
                    ax.scatter([i] * len(ys), ys, s=6, facecolors="none", edgecolors=GREY,
                               linewidths=0.6, zorder=3)
            ax.set_xticks(range(1, len(data) + 1),
                          [f"{label[:10]}\n(n={len(g)})" for label, g in c.groups],
                          rotation=30 if len(data) > 3 else 0, fontsize=6)
            ax.set_xlabel(c.grouping, fontsize=7)
            ax.set_ylim(-5, 105)
            p = "p = —" if not math.isfinite(c.p_value) else f"p = {c.p_value:.3f}"
            ax.set_title(f"{c.name}\n{c.grouping}: Kruskal–Wallis {p}", fontsize=7,
                         color=ORANGE if c.differ else "#222222")
            if k % cols == 0:
                ax.set_ylabel(ylabel)
        fig.tight_layout()
        return _svg(fig)
