"""What a student-eyes review of the practice app found, each as the student meets it: format
errors to fix, Post/Redirect/Get, weak-spot drawing, the explanations, fixed questions, and
the labels of the progress page."""

from __future__ import annotations

import html
import re
from collections import Counter

from flask.testing import FlaskClient

from examgen.bank import Bank
from examgen.model import Outcome
from examgen.practice import drill
from examgen.practice.explain import format_reason, points_label
from examgen.practice.store import TemplateStats
from examgen.practice.ui import placeholder, short_title
from examgen.variants import variant_for_seed
from tests.unit.practice.conftest import login
from tests.unit.practice.test_views import PE, answers_for, outcome, submit

SHORT = "seed-quiz-08"         # short answer; a known wrong answer "GPU를 사용하기 때문이다."
LSTM_STEP = "lstm-step-scalar-parts"


def stats(client: FlaskClient) -> tuple[int, int]:
    store = client.application.extensions["examgen.practice"].store
    p = store.progress("민지")
    return p.attempts, p.streak


def text(page: str) -> str:
    """The page's visible words (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# 1. a format error is a problem to fix, not an attempt ------------------------------------------


def test_a_format_error_comes_back_to_be_fixed_and_is_not_recorded(client: FlaskClient,
                                                                    bank: Bank) -> None:
    login(client)
    submit(client, PE, 2, answers_for(bank, PE, 2, right=True))
    assert stats(client) == (1, 1)
    v = variant_for_seed(bank.get(PE), 1)
    page = submit(client, PE, 1, {"a": "0.3.11"}, status=422)
    assert stats(client) == (1, 1)                                   # no attempt, streak kept
    assert 'value="0.3.11"' in page and "readonly" not in page       # the answer, editable
    assert 'id="submit"' in page and 'id="retry"' in page
    assert '<code class="echo">0.3<mark>.</mark>11</code>' in page
    assert "소수점이 두 개입니다" in text(page)                            # the reason, in Korean
    assert "could not read" not in page
    shown = text(page)                                               # nothing of the key
    assert 'id="solution"' not in page and "풀이" not in shown and "흔한 오답" not in shown
    assert v.parts[0].display not in page and 'class="key"' not in page
    again = submit(client, PE, 1, answers_for(bank, PE, 1, right=True))   # fixed: graded
    assert outcome(again, "a") == "correct" and stats(client) == (2, 2)


def test_a_multi_part_format_error_marks_only_that_part(client: FlaskClient, bank: Bank) -> None:
    login(client)
    mha = "transformer-mha-dims-parts"
    answers = answers_for(bank, mha, 5, right=True)
    page = submit(client, mha, 5, {**answers, "b": "12 34"}, status=422)
    assert re.findall(r'id="feedback-(\w)"', page) == ["b"]
    assert f'value="{answers["a"]}"' in page and stats(client) == (0, 0)


# 2. Post/Redirect/Get: one attempt per problem ----------------------------------------------------


def test_submit_redirects_and_reload_or_resubmit_records_once(client: FlaskClient,
                                                              bank: Bank) -> None:
    login(client)
    right = answers_for(bank, PE, 3, right=True)
    r = client.post(f"/p/{PE}/3", data={"ans-a": right["a"]})
    assert r.status_code == 303 and r.location == f"/p/{PE}/3/result"
    first = client.get(r.location).text
    assert client.get(r.location).text == first                       # reload: the same page
    assert stats(client) == (1, 1)
    assert client.get(f"/p/{PE}/3").location == f"/p/{PE}/3/result"   # back: the result
    wrong = answers_for(bank, PE, 3, right=False)
    page = submit(client, PE, 3, wrong)                               # resubmitted after the key
    assert stats(client) == (1, 1) and 'id="again"' in page
    assert "이미 제출" in page and outcome(page, "a") == "correct"      # the earlier result
    assert client.get(f"/p/{PE}/4/result").location == f"/p/{PE}/4"   # nothing to show yet


# 7. the language toggle on a result page keeps the result
def test_the_language_toggle_keeps_the_result(client: FlaskClient, bank: Bank) -> None:
    login(client)
    page = submit(client, PE, 3, answers_for(bank, PE, 3, right=False))
    assert f'href="/p/{PE}/3/result?lang=en"' in page
    en = client.get(f"/p/{PE}/3/result?lang=en").text
    assert outcome(en, "a") == "wrong" and "Wrong" in en and stats(client) == (1, 0)


# 3. weak spots ------------------------------------------------------------------------------------


def test_weak_mode_draws_the_weak_spots_most_of_the_time(bank: Bank) -> None:
    ts = drill.eligible(bank, [], "mixed")
    weak = ts[3].id
    spots = [TemplateStats(weak, "lstm", 1, 0, Outcome.WRONG)]
    counts = Counter(drill.draw_problem(ts, spots, "weak", "s", n).template_id
                     for n in range(1, 401))
    assert counts[weak] >= 0.6 * 400
    assert len(counts) > 40                                           # the rest still comes up
    again = Counter(drill.draw_problem(ts, spots, "weak", "s", n).template_id
                    for n in range(1, 401))
    assert again == counts                                            # seeded


def test_weak_spots_weigh_wrong_tries_and_the_latest_outcome(bank: Bank) -> None:
    ts = drill.eligible(bank, [], "mixed")
    spots = [TemplateStats(ts[0].id, "x", 3, 1, Outcome.CORRECT),     # right last time: 2
             TemplateStats(ts[1].id, "x", 2, 0, Outcome.WRONG),       # still wrong: 2 * 2
             TemplateStats(ts[2].id, "x", 3, 3, Outcome.CORRECT)]     # never wrong: 0
    w = drill.weak_weights(ts, spots)
    assert w is not None and w[1] == 2 * w[0] and w[2] == 0 and abs(w.sum() - 1) < 1e-12
    assert drill.weak_weights(ts, []) is None


def test_next_links_keep_the_weak_mode(client: FlaskClient, bank: Bank) -> None:
    login(client, topic=["transformer"], difficulty="mixed", mode="normal")
    submit(client, PE, 3, answers_for(bank, PE, 3, right=False))
    r = client.get("/next?mode=weak")                                  # from the progress page
    tid, seed = re.fullmatch(r"/p/([\w-]+)/(\d+)", r.location).groups()  # type: ignore[union-attr]
    v = variant_for_seed(bank.get(tid), int(seed))
    page = submit(client, tid, int(seed), answers_for(bank, tid, int(seed), right=True)
                  if v.parts[0].references == () else {"a": "모르겠다"})
    assert 'href="/next?mode=weak"' in page
    assert 'value="weak" checked' in client.get("/choose").text


# 4 and 6. explanations in the UI language ---------------------------------------------------------


def test_a_wrong_number_is_explained_in_korean_without_developer_text(client: FlaskClient,
                                                                      bank: Bank) -> None:
    login(client)
    page = submit(client, PE, 8, answers_for(bank, PE, 8, right=False))
    shown = text(page)
    assert "허용 오차" in shown and "정답과의 차이" in shown
    assert "wrong: expected" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert re.search(r"<details class=\"detail\"><summary>[^<]+</summary>wrong: expected", page)


def test_a_misconception_is_named_once_with_its_math_typeset(client: FlaskClient,
                                                             bank: Bank) -> None:
    login(client)
    v = variant_for_seed(bank.get(LSTM_STEP), 3)
    part = next(p for p in v.parts if any("\\tilde" in m.description.ko for m in p.misconceptions))
    col = "abcdefgh"[v.parts.index(part)]
    mis = next(m for m in part.misconceptions if "\\tilde" in m.description.ko)
    answers = {c: "0" for c in drill.columns(v)} | {col: f"{float(mis.value):.4f}"}  # type: ignore[arg-type]
    for lang, label in (("ko", "흔한 실수와 일치합니다"), ("en", "Matches a common mistake")):
        page = client.get(submit_url(client, LSTM_STEP, 3, answers) + f"?lang={lang}").text
        block = re.search(rf'id="feedback-{col}".*?</div>\s*</div>', page, re.S).group()  # type: ignore[union-attr]
        assert label in block and "$" not in text(block) and "\\tilde" not in text(block)
        assert "matches a typical mistake" not in block and block.count('alt="\\tilde') >= 1


def submit_url(client: FlaskClient, tid: str, seed: int, answers: dict[str, str]) -> str:
    r = client.post(f"/p/{tid}/{seed}", data={f"ans-{c}": a for c, a in answers.items()})
    assert r.status_code == 303, r.text
    return r.location.split("?")[0]


def test_a_short_answer_names_the_concepts_and_the_known_wrong_answer(client: FlaskClient) -> None:
    login(client)
    page = submit(client, SHORT, 1, {"a": "GPU를 사용하기 때문이다."})
    shown = text(re.sub(r"<details.*?</details>", "", page, flags=re.S))
    assert "알려진 오답과 비슷합니다: “GPU를 사용하기 때문이다.” — RNN도 GPU에서 돌지만" in shown
    assert "빠진 핵심 개념: 셀프 어텐션, 순환 없음" in shown
    assert "score 0." not in shown and "cosine" not in shown
    en = text(client.get(f"/p/{SHORT}/1/result?lang=en").text)
    assert "Close to a known wrong answer" in en and "RNNs also run on GPUs" in en
    assert "Key concepts missing: self-attention, no recurrence" in en


def test_i_dont_know_is_not_called_empty(client: FlaskClient) -> None:
    login(client)
    page = text(submit(client, SHORT, 2, {"a": "잘 모르겠습니다"}))
    assert "답이 비어 있습니다" not in page and "모른다고 적었습니다" in page


def test_format_reasons_in_both_languages() -> None:
    note = "could not read the answer: element 2: '1.2.3' is not a number: two decimal points" \
           " (at character 9)"
    assert format_reason(note, "ko") == "2번째 수: '1.2.3'은(는) 수가 아닙니다: 소수점이 두 개입니다."
    assert format_reason(note, "en") == "Element 2: '1.2.3' is not a number: two decimal points."
    assert format_reason("could not read the answer: something new", "ko").startswith("답을 읽을")


# 5. templates whose variants do not differ ---------------------------------------------------------


def test_a_fixed_question_has_no_another_like_this(client: FlaskClient, bank: Bank) -> None:
    login(client)
    page = submit(client, SHORT, 3, {"a": "순환 구조가 없어 모든 위치를 동시에 계산한다"})
    assert 'id="another"' not in page and "숫자가 바뀌지 않는 개념 문항" in page
    page = submit(client, PE, 3, answers_for(bank, PE, 3, right=True))
    assert 'id="another"' in page and 'id="fixed-note"' not in page


def test_one_matching_template_is_said_not_repeated_silently(client: FlaskClient,
                                                              bank: Bank) -> None:
    # a topic and difficulty that only one template of the bundled bank has (the bank grows)
    counts = Counter((t.topic, t.difficulty.value) for t in bank.templates)
    topic, level = min(k for k, n in counts.items() if n == 1)
    only = [t for t in bank.templates if t.topic == topic and t.difficulty.value == level]
    login(client, topic=[topic], difficulty=level, mode="normal")
    tid = client.get("/next").location.split("/")[2]
    assert len(only) == 1 and tid == only[0].id
    seed = int(client.get("/next").location.split("/")[3])
    page = submit(client, tid, seed, answers_for(bank, tid, seed, right=True))
    assert 'id="only-one"' in page and "하나뿐입니다" in page and 'href="/choose"' in page


# 8. labels -----------------------------------------------------------------------------------------


def test_progress_shows_titles_times_topics_and_the_latest_outcome(client: FlaskClient,
                                                                   bank: Bank) -> None:
    login(client)
    mha = "transformer-mha-dims-parts"
    answers = answers_for(bank, mha, 5, right=True)
    submit(client, mha, 5, {**answers, "a": "1"})                      # partly right
    page = client.get("/progress").text
    row = re.search(rf'<tr class="partial" data-template="{mha}">.*?</tr>', page, re.S).group()  # type: ignore[union-attr]
    title = short_title(variant_for_seed(bank.get(mha), 5).prompt.ko)
    assert title.split("$")[0].strip() in html.unescape(row) and f">{mha}<" not in row
    assert re.search(r'<td class="when">\d\d-\d\d \d\d:\d\d</td>', row) and "트랜스포머" in row
    weak = re.search(r'<ul class="weak" id="weak">.*?</ul>', page, re.S).group()  # type: ignore[union-attr]
    assert "최근 시도: 부분 정답" in weak and "최근 시도가 틀림" not in weak
    assert "RNN 기초" in client.get("/choose").text


def test_placeholders_points_and_particles(bank: Bank) -> None:
    vec = next(t for t in bank.templates if t.type.value == "vector")
    part = variant_for_seed(vec, 1).parts[0]
    n = len(part.value)  # type: ignore[arg-type]
    assert placeholder(part, "ko").count(",") == n - 1
    assert (points_label(1, "en"), points_label(2.5, "en"), points_label(3, "ko")) == \
        ("1 pt", "2.5 pts", "3점")
