"""The grading report (``report.html``) and the review page as an instructor opens them, in
Debian's Chromium through Playwright: Korean lines break between words."""

from __future__ import annotations

from pathlib import Path

import pytest

from examgen import reports
from tests.e2e.test_practice_browser import ARGS, BREAKABLE_KOREAN, CHROMIUM
from tests.unit.test_reports import KOREAN_WRONG, korean_wrong_batch

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (./setup.sh installs it)")


def test_report_and_review_pages_keep_korean_words_whole(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    batch = korean_wrong_batch(needs_review=True)
    report = reports.render_report_html(batch)
    assert KOREAN_WRONG[0] in report                    # the answers are in the narrow column
    pages = {"report.html": report,
             "review.html": reports.render_review_html(batch)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 1000})
        for name, html in pages.items():
            (tmp_path / name).write_text(html, encoding="utf-8")
            page.goto((tmp_path / name).as_uri())
            assert "중간고사" in page.inner_text("body"), name
            assert page.evaluate(BREAKABLE_KOREAN) == [], name
        browser.close()
