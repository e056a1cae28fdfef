"""Grading reports: statistics and item analysis (:mod:`.stats`, pure), distractors by option
and scores by form and by variant (:mod:`.analysis`, pure), their plots (:mod:`.plots`), the
label table and the CSV tables (:mod:`.tables`), the report and review pages as HTML and the
report as PDF (:mod:`.html`), and the students' feedback pages (:mod:`.feedback`)."""

from examgen.reports.analysis import by_form, by_variant, distractors
from examgen.reports.feedback import feedback_file_name, render_feedback_html
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
    "by_form",
    "by_variant",
    "details_csv",
    "distractors",
    "feedback_file_name",
    "grades_rows",
    "groups_rows",
    "histogram_svg",
    "item_stats",
    "items",
    "prepare_report_pdf",
    "rejected_rows",
    "render_feedback_html",
    "render_report_html",
    "render_report_pdf",
    "render_review_html",
    "review_list",
    "score_matrix",
    "summarize",
]
