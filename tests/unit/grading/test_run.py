"""details.csv as jobs.grade writes it: the bytes the generic writer (``csv_text``: every cell
guarded with csv_safe, then csv.writer) gives for the same rows, hostile cells included."""

from __future__ import annotations

import csv
import io

import pytest

from examgen.io import csv_text
from examgen.model import AnswerGrade, GradeBatch, Outcome, StudentGrade
from examgen.reports import DETAILS_HEAD, details_csv

HOSTILE = ["=1+1", "+3", "-0.5", "-x", "@SUM(A1)", "\tpad", "\rcr", "a,b", 'say "hi"',
           "two\nlines", "mid\rcr", "crlf\r\nin", "", " lead", "plain", "-", "1e-05", "점수"]


@pytest.mark.parametrize("text", HOSTILE)
def test_details_csv_is_the_generic_writers_output(text: str) -> None:
    a = AnswerGrade(text or "s1", text or "Q1", text, text, -0.5, 2.0, Outcome.PARTIAL,
                    feedback=text, needs_review=True, misconception=text or None, group=text)
    b = AnswerGrade(text or "s1", "Q2", "q2", "", 2.0, 2.0, Outcome.BLANK)
    batch = GradeBatch("t", "r.csv", ("Q1", "Q2"), (2.0, 2.0),
                       (StudentGrade(text or "s1", "", (2, 9), (a, b)),))
    rows = [[*DETAILS_HEAD, "template_id", "misconception", "rows", "group"],
            [text or "s1", text or "Q1", text, "-0.5", "2", "partial", text, "yes", text, text,
             "2 9", text],
            [text or "s1", "Q2", "", "2", "2", "blank", "", "no", "q2", "", "2 9", ""]]
    assert details_csv(batch) == csv_text(rows)
    # and a spreadsheet or csv.reader reads back exactly these rows: a \r inside a cell is
    # quoted like a line break (it used to split the row)
    from examgen.io import csv_safe
    back = list(csv.reader(io.StringIO(details_csv(batch), newline="")))
    assert back == [[csv_safe(c) for c in row] for row in rows]


def test_the_pdf_process_reports_a_missing_font_when_the_pdf_is_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from examgen import reports
    from examgen.jobs.pools import typesetter
    from examgen.render.fonts import FontError

    def no_font() -> None:
        raise FontError("no Korean font")

    monkeypatch.setattr(reports, "prepare_report_pdf", no_font)   # the forked child has it too
    with typesetter(fork=True) as typeset:
        pending = typeset("<p>report</p>")
        with pytest.raises(FontError, match="no Korean font"):
            pending()


def test_the_pdf_process_ends_when_no_report_is_sent() -> None:
    from examgen.jobs.pools import typesetter

    with typesetter(fork=True):
        pass   # leaving joins the process: it must not wait for a report forever
