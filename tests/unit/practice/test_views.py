"""The practice app through Flask's test client: the flow, feedback, escaping, bad input."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from examgen.bank import Bank
from examgen.model import Outcome
from examgen.practice.app import MAX_FORM_BYTES
from examgen.variants import variant_for_seed
from tests.unit.practice.answers import check, right_answer, wrong_answer
from tests.unit.practice.conftest import browser_app, csrf_of, login, run_concurrently

PE = "transformer-pe-single-value"        # numeric, with misconceptions
MHA = "transformer-mha-dims-parts"        # multi-part
CHOICE = "transformer-head-dims"          # single choice


def outcome(html: str, column: str) -> str:
    m = re.search(rf'id="feedback-{column}" data-outcome="(\w+)"', html)
    assert m, html[:3000]
    return m.group(1)


def submit(client: FlaskClient, tid: str, seed: int, answers: dict[str, str],
           status: int = 303) -> str:
    """POST the answers; a graded submission redirects to its result page (returned), an answer
    that cannot be read comes back with 422 (its page returned)."""
    r = client.post(f"/p/{tid}/{seed}", data={f"ans-{c}": a for c, a in answers.items()})
    assert r.status_code == status, r.text
    if status != 303:
        return r.text
    assert r.location.startswith(f"/p/{tid}/{seed}/result"), r.location
    page = client.get(r.location)
    assert page.status_code == 200, page.text
    return page.text


def answers_for(bank: Bank, tid: str, seed: int, right: bool) -> dict[str, str]:
    v = variant_for_seed(bank.get(tid), seed)
    cols = "abcdefgh"
    got = {cols[i]: (right_answer(p) if right else wrong_answer(p)) for i, p in enumerate(v.parts)}
    check(v, got, Outcome.CORRECT if right else Outcome.WRONG)
    return got


def test_pages_need_a_nickname(client: FlaskClient) -> None:
    for url in ("/choose", "/next", "/progress", f"/p/{PE}/1", "/sheet"):
        r = client.get(url)
        assert r.status_code == 302 and r.location == "/", url
    assert "닉네임" in client.get("/").text


def test_the_flow_right_then_wrong_then_progress(client: FlaskClient, bank: Bank) -> None:
    login(client, "민지", topic=["transformer"], difficulty="medium", mode="normal")
    r = client.get("/next")
    assert r.status_code == 302
    tid, seed = re.fullmatch(r"/p/([\w-]+)/(\d+)", r.location).groups()  # type: ignore[union-attr]
    t = bank.get(tid)
    assert t.topic == "transformer" and t.difficulty.value == "medium"
    assert 'id="answer-form"' in client.get(r.location).text
    page = client.get(f"/p/{PE}/7").text
    assert '<img class="m" alt="d_{model} = ' in page and "data:image/svg+xml;base64," in page

    # a drawn problem, answered right
    html = submit(client, PE, 7, answers_for(bank, PE, 7, right=True))
    assert outcome(html, "a") == "correct" and "정답" in html
    assert 'id="solution"' in html and "풀이" in html
    assert 'href="/like/transformer-pe-single-value"' in html and 'href="/next?mode=normal"' in html
    # and wrong: the key's value plus 17
    html = submit(client, PE, 8, answers_for(bank, PE, 8, right=False))
    assert outcome(html, "a") == "wrong" and "오답" in html

    p = client.get("/progress").text
    assert re.search(r'id="stat-attempts">2<', p) and re.search(r'id="stat-correct">1<', p)
    assert re.search(r'id="stat-accuracy">50%<', p)
    assert f'href="/p/{PE}/8/result"' in p             # recent history links the exact problem
    assert 'id="weak"' in p and PE in p                 # the wrong template is a weak spot


def test_misconception_precision_and_format_feedback(client: FlaskClient, bank: Bank) -> None:
    login(client)
    v = variant_for_seed(bank.get(PE), 3)
    part = v.parts[0]
    mis = part.misconceptions[0]
    html = submit(client, PE, 3, {"a": f"{float(mis.value):.4f}"})   # type: ignore[arg-type]
    assert outcome(html, "a") == "wrong"
    assert "흔한 실수와 일치합니다" in html and mis.description.ko in html.replace("&#39;", "'")
    html = submit(client, PE, 4, {"a": "0.3.1"}, status=422)
    assert outcome(html, "a") == "format_error" and "형식 오류" in html
    assert '<code class="echo">0.3<mark>.</mark>1</code>' in html      # where: the 2nd point
    assert 'id="feedback-a"' in submit(client, PE, 5, {})               # blank, not an error


def test_multi_part_and_choice(client: FlaskClient, bank: Bank) -> None:
    login(client)
    html = submit(client, MHA, 5, answers_for(bank, MHA, 5, right=True))
    cols = re.findall(r'id="feedback-(\w)" data-outcome="correct"', html)
    assert len(cols) == len(variant_for_seed(bank.get(MHA), 5).parts) > 1
    assert 'id="overall" data-outcome="correct"' in html
    wrong = answers_for(bank, CHOICE, 2, right=False)
    html = submit(client, CHOICE, 2, wrong)
    assert outcome(html, "a") == "wrong"
    right = variant_for_seed(bank.get(CHOICE), 2).parts[0].correct_keys
    assert html.count("opt-correct") == len(right) and html.count("opt-wrong") == 1
    assert re.search(rf'opt-wrong"><input type="radio" name="ans-a" value="{wrong["a"]}" checked', html)


def test_another_like_this_keeps_the_template_and_changes_the_seed(client: FlaskClient) -> None:
    login(client)
    a = client.get(f"/like/{PE}").location
    b = client.get(f"/like/{PE}").location
    assert a.startswith(f"/p/{PE}/") and b.startswith(f"/p/{PE}/") and a != b


def test_student_text_is_escaped_everywhere(client: FlaskClient, bank: Bank) -> None:
    evil = "<script>alert(1)</script>"
    login(client, evil)
    page = submit(client, "seed-quiz-09", 1, {"a": evil + " 포지셔널 인코딩"})
    page += submit(client, PE, 1, {"a": evil}, status=422)
    page += client.get("/progress").text + client.get("/choose").text
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("method", "url", "data", "status", "text"), [
    ("get", "/p/no-such-question/1", None, 404, "문제 'no-such-question'가 없습니다"),
    ("get", f"/p/{PE}/{2 ** 70}", None, 404, "seed"),
    ("get", f"/p/{PE}/-3", None, 404, "페이지를 찾을 수 없습니다"),
    ("post", "/choose", {"difficulty": "extreme"}, 400, "difficulty 값 'extreme'"),
    ("post", "/choose", {"topic": "cnn"}, 400, "topic 값 'cnn'"),
    ("get", "/sheet.pdf?n=abc", None, 400, "n 값은 1부터 20 사이의 정수"),
    ("get", "/sheet.pdf?n=500", None, 400, "n 값은 1부터 20 사이의 정수"),
    ("post", f"/p/{PE}/1", {"ans-a": "1" * 3000}, 413, "(a) 답이 너무 깁니다: 3000자"),
    ("delete", "/progress", None, 405, "method"),
])
def test_malformed_input_gets_a_message_not_a_500(client: FlaskClient, method: str, url: str,
                                                  data: dict[str, str] | None, status: int,
                                                  text: str) -> None:
    login(client)
    r = getattr(client, method)(url, data=data)
    assert r.status_code == status, r.text
    assert text in html.unescape(r.text) and 'id="error"' in r.text


@pytest.mark.parametrize(("name", "text"), [
    ("", "닉네임을 입력하세요"), ("   ", "닉네임을 입력하세요"), ("x" * 41, "41자 (최대 40자)"),
    ("a\x00b", "제어 문자"),
])
def test_bad_nicknames(client: FlaskClient, name: str, text: str) -> None:
    r = client.post("/login", data={"nickname": name})
    assert r.status_code == 400 and text in r.text


def test_oversized_and_undecodable_forms(client: FlaskClient) -> None:
    login(client)
    r = client.post(f"/p/{PE}/1", data={"ans-a": "9" * (MAX_FORM_BYTES + 10)})
    assert r.status_code == 413 and "너무 큽니다" in r.text
    r = client.post(f"/p/{PE}/1", data=b"ans-a=%ff%fe%00&ans-a=\xff",
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code in (303, 422)                      # blank or unreadable, not a 500
    r = client.post(f"/p/{PE}/1", data=b"--x\r\nbroken", content_type="multipart/form-data")
    assert r.status_code in (303, 400, 422)


def test_english_toggle_is_remembered(client: FlaskClient) -> None:
    login(client)
    html = client.get(f"/p/{PE}/1?lang=en").text
    assert "Submit" in html and 'lang="en"' in html and "Your answer" in html
    assert "Progress" in client.get("/progress").text
    assert "학습 기록" in client.get("/progress?lang=ko").text


def test_restart_keeps_attempts_and_sessions(tmp_path: Path, bank: Bank) -> None:
    db = tmp_path / "p.db"
    first = browser_app(db, bank).test_client()
    login(first, "지훈")
    submit(first, PE, 1, answers_for(bank, PE, 1, right=True))
    cookie = first.get_cookie("session")
    assert cookie is not None
    second = browser_app(db, bank).test_client()                  # a new process, same database
    second.set_cookie("session", cookie.value)
    page = second.get("/progress").text                          # still signed in: same key
    assert "지훈" in page and re.search(r'id="stat-attempts">1<', page)


def test_concurrent_requests_are_all_recorded(app: Flask, bank: Bank) -> None:
    right = {seed: answers_for(bank, PE, seed, right=True) for seed in range(11, 17)}
    failures: list[str] = []

    def student(k: int) -> None:
        c = app.test_client()
        login(c, f"s{k}")
        for seed, answers in right.items():
            r = c.post(f"/p/{PE}/{seed}", data={"ans-a": answers["a"]})
            if r.status_code != 303:
                failures.append(r.text[:200])
            c.get("/next")

    run_concurrently(student, 6)
    assert not failures
    store = app.extensions["examgen.practice"].store
    assert all(store.progress(f"s{k}").streak == 6 for k in range(6))


def test_health(client: FlaskClient) -> None:
    assert client.get("/health").text == "ok\n"


def test_practice_sheet_is_the_exam_then_the_key(client: FlaskClient, tmp_path: Path) -> None:
    import subprocess

    login(client, "민지", topic=["transformer"], difficulty="mixed", mode="normal")
    assert 'action="/sheet.pdf"' in client.get("/sheet").text
    r = client.get("/sheet.pdf?n=2")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data[:5] == b"%PDF-"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(r.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    exam, _, key = text.partition("시퀀스 모델 연습지 — 정답 및 풀이")   # the key's running head
    assert key and "연습 문제" in exam and "\n1. " in exam and "\n2. " in exam
    assert "\n1. " in key and "\n2. " in key and ("모범 답안" in key or "답:" in key)
    cover = exam.split("연습 문제")[0]
    assert re.search(r"학번\s+이름\s+민지", cover)          # the nickname is the name, not an id
    assert "시간" not in cover and "분" not in cover        # a practice sheet has no time limit
    assert "이름 민지" in text and "학번 \n" not in text     # the footer names the student too


@pytest.mark.parametrize("method, path", [
    ("GET", "/choose"), ("POST", "/choose"), ("GET", "/next"),
    ("GET", "/like/lstm-gates-vector-parts"), ("GET", "/p/lstm-gates-vector-parts/1"),
    ("POST", "/p/lstm-gates-vector-parts/1"), ("GET", "/p/lstm-gates-vector-parts/1/result"),
    ("GET", "/progress"), ("GET", "/sheet"), ("GET", "/sheet.pdf"),
])
def test_every_student_page_sends_a_visitor_who_has_not_signed_in_to_sign_in(
        client: FlaskClient, method: str, path: str) -> None:
    token = {"X-CSRF-Token": csrf_of(client)} if method == "POST" else {}   # as the forms send it
    r = client.open(path, method=method, headers=token)
    assert (r.status_code, r.headers["Location"]) == (302, "/")
