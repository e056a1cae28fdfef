"""Choice answers: A-H, 1-8, circled numbers, Korean letters, with words between."""

from __future__ import annotations

import unicodedata

from examgen.grading.parse.lexer import (
    _HANGUL_RUN,
    _dedupe,
    _normalize,
    _precheck,
)
from examgen.grading.parse.records import (
    Choices,
    FormatError,
)

# -- choices -------------------------------------------------------------------------------------

_KO_KEYS = "가나다라마바사아자차카타파하"
_JAMO_KEYS = unicodedata.normalize("NFKC", "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ")  # conjoining forms, as normalised
_CHOICE_SEP_WORDS = ("그리고", "또는", "이랑", "하고", "및", "와", "과", "랑")
_CHOICE_SKIP_WORDS = ("입니다", "이에요", "이예요", "예요", "이요", "이다", "정답은", "정답", "답은", "답",
                      "보기", "번", "임", "요")
_LATIN_SKIP = frozenset({"and", "or", "answer", "ans", "option", "options", "choice", "choices", "is"})
_CHOICE_IGNORED = " ,;/&+·()[]{}<>.:'\"`!"


def parse_choices(text: str, n_options: int, multiple: bool) -> Choices | FormatError:  # noqa: C901
    """Option keys for a question with ``n_options`` options keyed A, B, C, …: "A", "a", "(a)",
    "A.", "1" (1-based), "①", "가"/"ㄱ" (= A); with ``multiple`` several: "A;C", "AC", "1,3",
    "①③", "A와 C". Duplicates collapse."""
    if not 1 <= n_options <= 26:
        raise ValueError(f"n_options must be between 1 and 26, got {n_options}")
    if early := _precheck(text):
        return early
    s = _normalize(text, circled=True)
    t = s.text
    last = chr(ord("A") + n_options - 1)
    letters = f"A–{last}" if n_options > 1 else "A"
    notes: list[str] = []
    found: dict[str, int] = {}

    def add(index: int, at: int, written: str, kind: str) -> FormatError | None:
        if not 1 <= index <= n_options:
            if kind == "digit":
                span = f"1–{n_options}" if n_options > 1 else "1"
                return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                                   s.at(at))
            if kind == "korean":
                span = f"{_KO_KEYS[0]}–{_KO_KEYS[min(n_options, 14) - 1]}"
                return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                                   s.at(at))
            return FormatError(f"option {written.upper()} does not exist; options are {letters}", s.at(at))
        key = chr(ord("A") + index - 1)
        if kind != "letter":
            shown = text[s.at(at):s.at(at + len(written) - 1) + 1] or written
            notes.append(f"read '{shown}' as {key}")
        if key in found:
            notes.append(f"ignored repeated '{key}'")
        else:
            found[key] = s.at(at)
        return None

    i = 0
    while i < len(t):
        c = t[i]
        if c.isspace() or c in _CHOICE_IGNORED:
            i += 1
            continue
        err: FormatError | None = None
        if "0" <= c <= "9":
            j = i
            while j < len(t) and "0" <= t[j] <= "9":
                j += 1
            run = t[i:j]
            value = int(run) if len(run) < 4 else 10_000
            if len(run) > 1 and multiple and not 1 <= value <= n_options \
                    and all(1 <= int(d) <= n_options for d in run):
                notes.append(f"read '{run}' as {', '.join(run)}")
                for k, d in enumerate(run):
                    err = err or add(int(d), i + k, d, "digit")
            else:
                err = add(value, i, run, "digit")
            i = j
        elif c.isascii() and c.isalpha():
            j = i
            while j < len(t) and t[j].isascii() and t[j].isalpha():
                j += 1
            word = t[i:j]
            if not (len(word) > 1 and word.lower() in _LATIN_SKIP):
                for k, letter in enumerate(word):
                    err = err or add(ord(letter.upper()) - ord("A") + 1, i + k, letter, "letter")
            i = j
        elif _HANGUL_RUN.match(c):
            skip = next((w for w in _CHOICE_SEP_WORDS + _CHOICE_SKIP_WORDS if t.startswith(w, i)), None)
            if skip is not None:
                i += len(skip)
                continue
            if c in _KO_KEYS:
                err = add(_KO_KEYS.index(c) + 1, i, c, "korean")
            elif c in _JAMO_KEYS:
                err = add(_JAMO_KEYS.index(c) + 1, i, c, "korean")
            else:
                err = FormatError(f"unexpected '{c}'; write option letters {letters}", s.at(i))
            i += 1
        else:
            err = FormatError(f"unexpected '{c}'; write option letters {letters}", s.at(i))
        if err is not None:
            return err
    if not found:
        return FormatError(f"expected an option letter {letters}, found none", None)
    if not multiple and len(found) > 1:
        return FormatError(f"expected one option, found {len(found)}", list(found.values())[1])
    return Choices(frozenset(found), _dedupe(notes))


