"""The practice app's interface text, Korean first with English (the exam labels included, so
the shared partials in ``templates/_macros.html.j2`` find theirs)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from examgen.model import Outcome, QuestionType, Text, VariantPart
from examgen.render import LABELS
from examgen.safeyaml import safe_load

LANGS = ("ko", "en")

_KO = {
    "app": "시퀀스 모델 연습", "switch": "English", "nickname": "닉네임 또는 학번",
    "nickname_hint": "비밀번호는 없습니다. 같은 이름으로 다시 들어오면 기록이 이어집니다.",
    "pin": "PIN", "pin_hint": "강사에게 받은 PIN을 입력하세요.",
    "start": "시작하기", "logout": "나가기",
    "choose": "주제와 난이도 고르기", "topics": "주제 (선택하지 않으면 전체)",
    "difficulty": "난이도", "mixed": "섞어서", "easy": "쉬움", "medium": "보통", "hard": "어려움",
    "mode": "출제 방식", "normal": "무작위", "weak": "약점 위주 (틀린 문제를 더 자주)",
    "go": "문제 풀기", "submit": "제출", "another": "비슷한 문제 하나 더", "next": "다음 문제",
    "progress": "학습 기록", "sheet": "연습지 PDF", "your_answer": "내 답",
    "example": "예", "placeholder_numeric": "예: 0.731", "placeholder_symbolic": "예: h*d_v",
    "placeholder_short_answer": "답을 적으세요",
    "format_at": "문제가 있는 위치", "misconception": "흔한 실수와 일치합니다",
    "detail": "채점 메모", "score": "점수", "accuracy": "정답률", "attempts": "시도",
    "correct_n": "정답", "streak": "연속 정답", "best_streak": "최고 연속 정답",
    "recent": "최근 기록", "weak_spots": "약점", "no_attempts": "아직 푼 문제가 없습니다.",
    "no_weak": "약점이 없습니다. 계속 풀어 보세요!", "practice_weak": "약점 위주로 연습하기",
    "topic": "주제", "question": "문제", "when": "시각", "result": "결과",
    "sheet_title": "연습지 만들기", "sheet_n": "문제 수", "sheet_make": "PDF 내려받기",
    "sheet_hint": "선택한 주제와 난이도에서 무작위로 뽑은 문제와, 뒤에 정답과 풀이가 붙습니다.",
    "error": "문제가 생겼습니다", "back": "처음으로", "no_templates": "조건에 맞는 문제가 없습니다.",
    "last_try": "최근 시도", "format_retry": "답을 읽을 수 없습니다. 표시된 곳을 고쳐 다시 제출하세요. "
    "이 제출은 기록되지 않았습니다.",
    "again": "이 문제는 이미 제출해서 정답과 풀이를 보았습니다. 그때의 결과를 다시 보여 드립니다 "
    "(새 시도로 기록하지 않았습니다). 새 숫자로 연습하려면 ‘비슷한 문제 하나 더’를 누르세요.",
    "fixed_question": "이 문항은 숫자가 바뀌지 않는 개념 문항입니다.",
    "only_one": "고른 주제와 난이도에 맞는 문항이 이것 하나뿐입니다.",
    "change_choice": "주제·난이도 바꾸기", "grader_note": "채점기 원문 (영어)",
    "view": "결과 보기",
}
_EN = {
    "app": "Sequence models practice", "switch": "한국어", "nickname": "Nickname or student id",
    "nickname_hint": "No password: come back with the same name to continue your record.",
    "pin": "PIN", "pin_hint": "Enter the PIN your instructor gave you.",
    "start": "Start", "logout": "Leave",
    "choose": "Choose topics and difficulty", "topics": "Topics (none selected: all)",
    "difficulty": "Difficulty", "mixed": "Mixed", "easy": "Easy", "medium": "Medium",
    "hard": "Hard", "mode": "Problems", "normal": "Random",
    "weak": "Weak spots (templates you got wrong, more often)", "go": "Practise",
    "submit": "Submit", "another": "Another like this", "next": "Next problem",
    "progress": "Progress", "sheet": "Practice sheet PDF", "your_answer": "Your answer",
    "example": "e.g.", "placeholder_numeric": "e.g. 0.731", "placeholder_symbolic": "e.g. h*d_v",
    "placeholder_short_answer": "Write your answer",
    "format_at": "Where the problem is", "misconception": "Matches a common mistake",
    "detail": "Grader's note", "score": "Score", "accuracy": "Accuracy", "attempts": "Attempts",
    "correct_n": "Correct", "streak": "Current streak", "best_streak": "Best streak",
    "recent": "Recent history", "weak_spots": "Weak spots", "no_attempts": "No attempts yet.",
    "no_weak": "No weak spots. Keep going!", "practice_weak": "Practise your weak spots",
    "topic": "Topic", "question": "Question", "when": "When",
    "result": "Result", "sheet_title": "Make a practice sheet", "sheet_n": "Problems",
    "sheet_make": "Download PDF",
    "sheet_hint": "Random problems from the chosen topics and difficulty, then their answers "
                  "and worked solutions.",
    "error": "Something is wrong", "back": "Start page",
    "no_templates": "No question matches that choice.", "last_try": "latest try",
    "format_retry": "Your answer could not be read: fix the marked place and submit again. "
    "This submission was not recorded.",
    "again": "You already submitted this problem and saw its answer, so here is that result "
    "again (not recorded as a new try). For new numbers, use “Another like this”.",
    "fixed_question": "This is a concept question: its numbers do not change.",
    "only_one": "Only this question matches the chosen topics and difficulty.",
    "change_choice": "Change topics or difficulty", "grader_note": "Grader's note",
    "view": "View result",
}

OUTCOMES = {
    "ko": {Outcome.CORRECT: "정답", Outcome.INSUFFICIENT_PRECISION: "값은 맞지만 정밀도가 부족합니다",
           Outcome.PARTIAL: "부분 정답", Outcome.WRONG: "오답", Outcome.FORMAT_ERROR: "형식 오류",
           Outcome.BLANK: "답하지 않음"},
    "en": {Outcome.CORRECT: "Correct", Outcome.INSUFFICIENT_PRECISION:
           "Right value, insufficient precision", Outcome.PARTIAL: "Partly correct",
           Outcome.WRONG: "Wrong", Outcome.FORMAT_ERROR: "Format problem",
           Outcome.BLANK: "Not answered"},
}

UI: dict[str, dict[str, str]] = {"ko": LABELS["ko"] | _KO, "en": LABELS["en"] | _EN}


def outcome_label(outcome: Outcome | str, lang: str) -> str:
    return OUTCOMES[lang][Outcome(outcome)]


# messages of the 4xx pages: (ko, en), formatted with the details
MESSAGES: dict[str, tuple[str, str]] = {
    "too_large": ("보낸 내용이 너무 큽니다 (최대 {limit} 바이트).",
                  "The form is too large (at most {limit} bytes)."),
    "answer_too_long": ("({column}) 답이 너무 깁니다: {got}자 (최대 {limit}자).",
                        "Answer ({column}) is too long: {got} characters (at most {limit})."),
    "nickname_empty": ("닉네임을 입력하세요.", "Enter a nickname."),
    "csrf": ("이 양식은 만료되었거나 다른 사이트에서 보낸 것입니다. 페이지를 새로 고친 뒤 다시 시도하세요.",
             "This form has expired or was sent from another site. Reload the page and try again."),
    "bad_pin": ("이름 또는 PIN이 맞지 않습니다. 강사에게 받은 학번과 PIN을 입력하세요.",
                "The name or PIN is not right. Enter the student id and PIN your instructor gave you."),
    "pin_wait": ("PIN을 여러 번 틀렸습니다. {seconds}초 뒤에 다시 시도하세요.",
                 "Too many wrong PINs. Try again in {seconds} s."),
    "nickname_long": ("닉네임이 너무 깁니다: {got}자 (최대 {limit}자).",
                      "The nickname is too long: {got} characters (at most {limit})."),
    "nickname_control": ("닉네임에 쓸 수 없는 문자(제어 문자)가 있습니다.",
                         "The nickname contains control characters."),
    "no_question": ("문제 {id!r}가 없습니다.", "There is no question {id!r}."),
    "bad_seed": ("문제 번호(seed)는 0 이상 {limit} 미만의 정수여야 합니다.",
                 "The problem seed must be a whole number from 0 to below {limit}."),
    "bad_choice": ("{field} 값 {got!r}은(는) 허용되지 않습니다. 가능한 값: {allowed}.",
                   "{field} {got!r} is not allowed; choose one of {allowed}."),
    "bad_number": ("{field} 값은 {lo}부터 {hi} 사이의 정수여야 합니다 (받은 값 {got!r}).",
                   "{field} must be a whole number from {lo} to {hi} (got {got!r})."),
    "not_found": ("페이지를 찾을 수 없습니다.", "Page not found."),
    "method": ("이 주소는 그 방식(method)으로 열 수 없습니다.", "That address does not take that method."),
    "bad_request": ("요청을 읽을 수 없습니다.", "The request could not be read."),
    "internal": ("서버에서 예기치 않은 문제가 생겼습니다. 다시 시도해 주세요.",
                 "Something unexpected went wrong on the server; please try again."),
    "no_templates": ("조건에 맞는 문제가 없습니다. 주제나 난이도를 바꿔 보세요.",
                     "No question matches that choice; pick other topics or difficulty."),
}


def message(key: str, lang: str, **details: object) -> str:
    ko, en = MESSAGES[key]
    return (en if lang == "en" else ko).format(**details)


_EXAMPLE_ENTRIES = ("0.5", "-0.25", "1", "0.75", "-1.5", "2")


def placeholder(part: VariantPart, lang: str) -> str:
    """The example in an empty answer field, shaped like the expected answer (a vector of the
    expected length, a matrix of the expected shape)."""
    ui = UI[lang]
    if part.kind is QuestionType.VECTOR and part.value is not None:
        n = len(part.value)  # type: ignore[arg-type]
        cells = (_EXAMPLE_ENTRIES * n)[:n]
        return f"{ui['example']} [{', '.join(cells)}]"
    if part.kind is QuestionType.MATRIX and part.value is not None:
        rows = len(part.value)  # type: ignore[arg-type]
        cols = len(part.value[0])  # type: ignore[index, arg-type]
        grid = ["[" + ", ".join("1" if r == c else "0" for c in range(cols)) + "]"
                for r in range(rows)]
        return f"{ui['example']} [{', '.join(grid)}]"
    return ui.get(f"placeholder_{part.kind.value}", "")


@lru_cache(maxsize=8)
def topic_titles(bank_root: Path) -> dict[str, Text]:
    """Each topic's title (``title: {ko, en}`` beside ``topic:`` in its bank file); the bank
    loader keeps only the id. Files without one are left out (the page shows the id)."""
    titles: dict[str, Text] = {}
    for f in sorted(bank_root.glob("*.yaml")):
        try:
            doc: Any = safe_load(f.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        title = doc.get("title") if isinstance(doc, dict) else None
        if isinstance(title, dict) and isinstance(title.get("ko"), str):
            en = title.get("en")
            titles[str(doc.get("topic"))] = Text(title["ko"], en if isinstance(en, str) else None)
    return titles


_MATH_SPAN = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s")


def short_title(text: str, limit: int = 70) -> str:
    """A question's first sentence, at most about ``limit`` characters, as a title: cut at a
    space and never inside a formula (the page typesets ``$...$``)."""
    flat = " ".join(text.split())
    end = _SENTENCE_END.search(flat)
    if end is not None and end.start() <= limit:
        return flat[:end.start()]
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", limit // 2, limit + 1)
    cut = cut if cut > 0 else limit
    for m in _MATH_SPAN.finditer(flat):
        if m.start() < cut < m.end():
            cut = m.end() if m.end() - cut <= limit // 2 or m.start() == 0 else m.start()
            break
    return flat[:cut].rstrip() + " …"
