"""Grading reports: statistics and item analysis (:mod:`.stats`, pure), the label table and the
CSV tables (:mod:`.tables`), the report and review pages as HTML and the report as PDF
(:mod:`.html`)."""

from examgen.reports.html import (
    histogram_svg,
    prepare_report_pdf,
    render_report_html,
    render_report_pdf,
    render_review_html,
)
from examgen.reports.stats import (
    Item,
    ItemStats,
    Summary,
    item_stats,
    items,
    review_list,
    score_matrix,
    summarize,
)
from examgen.reports.tables import (
    DETAILS_HEAD,
    GRADES_HEAD,
    GROUPS_HEAD,
    LABELS,
    details_csv,
    grades_rows,
    groups_rows,
    rejected_rows,
)

__all__ = [
    "DETAILS_HEAD",
    "GRADES_HEAD",
    "GROUPS_HEAD",
    "LABELS",
    "Item",
    "ItemStats",
    "Summary",
    "details_csv",
    "grades_rows",
    "groups_rows",
    "histogram_svg",
    "item_stats",
    "items",
    "prepare_report_pdf",
    "rejected_rows",
    "render_report_html",
    "render_report_pdf",
    "render_review_html",
    "review_list",
    "score_matrix",
    "summarize",
]
