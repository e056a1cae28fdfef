"""The practice app in a real browser: ``examgen practice`` started as a user starts it, driven
by Playwright through Debian's Chromium. A student signs in, answers one problem right and one
wrong (answers read from the variant's key), and checks the feedback and the progress page.

Screenshots go to $EXAMGEN_SCREENSHOTS when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.model import Outcome, Variant
from examgen.practice import drill
from examgen.variants import variant_for_seed
from tests.unit.practice.answers import right_answer, wrong_answer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXAMGEN = Path(sys.executable).with_name("examgen")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium (./setup.sh installs it)")


# the Korean texts of a page that the browser may break between syllables: text nodes with Hangul
# whose element does not compute ``word-break: keep-all``
BREAKABLE_KOREAN = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (/[\uac00-\ud7a3]/.test(n.data)
        && getComputedStyle(n.parentElement).wordBreak !== "keep-all") out.push(n.data.trim());
  }
  return out;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, db: Path, *extra: str) -> subprocess.Popen[str]:
    exe = [str(EXAMGEN)] if EXAMGEN.exists() else [sys.executable, "-m", "examgen.cli"]
    proc = subprocess.Popen([*exe, "practice", "--port", str(port), "--db", str(db), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"examgen practice exited: {proc.communicate()[1]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.read() == b"ok\n":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("examgen practice did not answer within 60 s")


def stop_server(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        return proc.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = start_server(port, tmp_path / "practice.sqlite3")
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    out = Path(os.environ.get("EXAMGEN_SCREENSHOTS") or tmp_path / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def shown_variant(page: object) -> Variant:
    art = page.locator("#problem")  # type: ignore[attr-defined]
    return variant_for_seed(load_bank().get(art.get_attribute("data-template")),
                            int(art.get_attribute("data-seed")))


def fill(page: object, v: Variant, right: bool) -> None:
    """Answer every part through the form: click the options, or type into the fields."""
    for col, part in zip(drill.columns(v), v.parts, strict=True):
        answer = right_answer(part) if right else wrong_answer(part)
        if part.options:
            for key in answer.split(","):
                page.locator(f'input[name="ans-{col}"][value="{key}"]').check()  # type: ignore[attr-defined]
        else:
            page.fill(f"#ans-{col}", answer)  # type: ignore[attr-defined]


def test_answer_right_and_wrong_then_progress(server: str, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1100})
        page.goto(server + "/")
        expect(page.locator("label[for=nickname]")).to_have_text("닉네임 또는 학번")
        page.fill("#nickname", "민지")
        page.click("#start")
        page.locator('input[name="topic"][value="transformer"]').check()
        page.locator('input[name="difficulty"][value="easy"]').check()   # no short answers
        page.click("#go")
        expect(page.locator("#answer-form")).to_be_visible()
        page.screenshot(path=str(shots / "1-problem.png"), full_page=True)
        assert page.evaluate(BREAKABLE_KOREAN) == []     # options too: lines end between words

        v = shown_variant(page)
        fill(page, v, right=True)
        page.click("#submit")
        expect(page.locator("#overall")).to_have_attribute("data-outcome", "correct")
        expect(page.locator(".feedback .verdict").first).to_contain_text("정답")
        if v.solution is not None:
            expect(page.locator("#solution")).to_contain_text("풀이")
        math = page.locator("img.m").first
        assert math.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG drew
        page.screenshot(path=str(shots / "2-right.png"), full_page=True)

        page.click("#next")
        expect(page.locator("#answer-form")).to_be_visible()
        w = shown_variant(page)
        fill(page, w, right=False)
        page.click("#submit")
        expect(page.locator("#overall")).to_have_attribute(
            "data-outcome", re.compile(f"{Outcome.WRONG.value}|{Outcome.PARTIAL.value}"))
        expect(page.locator(".feedback.wrong .verdict").first).to_contain_text("오답")
        page.screenshot(path=str(shots / "3-wrong.png"), full_page=True)
        page.reload()                                   # the result page again, not a resubmit
        expect(page.locator("#overall")).to_be_visible()
        expect(page.locator("#again")).to_have_count(0)

        page.click("#nav-progress")
        expect(page.locator("#stat-attempts")).to_have_text("2")
        expect(page.locator("#stat-correct")).to_have_text("1")
        expect(page.locator("#stat-accuracy")).to_have_text("50%")
        expect(page.locator(f'#weak li[data-template="{w.template_id}"]')).to_have_count(1)
        expect(page.locator("#recent tr")).to_have_count(3)      # header + two attempts
        page.screenshot(path=str(shots / "4-progress.png"), full_page=True)

        page.click("#lang-toggle")
        expect(page.locator("#nav-progress")).to_have_text("Progress")
        expect(page.locator("h1")).to_have_text("Progress")
        page.screenshot(path=str(shots / "5-progress-en.png"), full_page=True)

        # an answer that cannot be read: fixed in place and submitted again, then the result
        page.goto(server + "/p/transformer-pe-single-value/1?lang=ko")
        page.fill("#ans-a", "0.3.11")
        page.click("#submit")
        expect(page.locator("#retry")).to_be_visible()
        expect(page.locator("#feedback-a mark")).to_have_text(".")
        expect(page.locator("#solution")).to_have_count(0)
        page.screenshot(path=str(shots / "6-format-retry.png"), full_page=True)
        v = shown_variant(page)
        fill(page, v, right=True)
        page.click("#submit")
        expect(page.locator("#overall")).to_have_attribute("data-outcome", "correct")
        page.click("#lang-toggle")                      # the result survives the toggle
        expect(page.locator("#overall")).to_contain_text("Correct")
        page.click("#nav-progress")
        expect(page.locator("#stat-attempts")).to_have_text("3")
        browser.close()


def test_all_interfaces_prints_a_warning(tmp_path: Path) -> None:
    port = free_port()
    proc = start_server(port, tmp_path / "p.sqlite3", "--host", "0.0.0.0")
    err = stop_server(proc)
    assert "warning: listening on 0.0.0.0" in err and "no passwords" in err
    assert "examgen practice: http://0.0.0.0:" in err
