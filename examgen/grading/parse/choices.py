"""Choice answers: A-H, 1-8, circled numbers, Korean letters, with words between."""

from __future__ import annotations

import unicodedata

from examgen.grading.parse.lexer import (
    _HANGUL_RUN,
    _dedupe,
    _normalize,
    _precheck,
    _Src,
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


def parse_choices(text: str, n_options: int, multiple: bool) -> Choices | FormatError:
    """Option keys for a question with ``n_options`` options keyed A, B, C, …: "A", "a", "(a)",
    "A.", "1" (1-based), "①", "가"/"ㄱ" (= A); with ``multiple`` several: "A;C", "AC", "1,3",
    "①③", "A와 C". Duplicates collapse."""
    if not 1 <= n_options <= 26:
        raise ValueError(f"n_options must be between 1 and 26, got {n_options}")
    if early := _precheck(text):
        return early
    reader = _ChoiceReader(text, _normalize(text, circled=True), n_options, multiple)
    i = 0
    while i < len(reader.t):
        i, err = reader.step(i)
        if err is not None:
            return err
    return reader.result()


class _ChoiceReader:
    """Reads one choice answer left to right: the options found (key -> where) and notes."""

    def __init__(self, text: str, s: _Src, n_options: int, multiple: bool):
        self.text, self.s, self.t = text, s, s.text
        self.n_options, self.multiple = n_options, multiple
        last = chr(ord("A") + n_options - 1)
        self.letters = f"A–{last}" if n_options > 1 else "A"
        self.notes: list[str] = []
        self.found: dict[str, int] = {}

    def step(self, i: int) -> tuple[int, FormatError | None]:
        """Read what starts at ``i``: where reading goes on, or the error."""
        c = self.t[i]
        if c.isspace() or c in _CHOICE_IGNORED:
            return i + 1, None
        if "0" <= c <= "9":
            return self._digits(i)
        if c.isascii() and c.isalpha():
            return self._latin(i)
        if _HANGUL_RUN.match(c):
            return self._hangul(i)
        return i, self._unexpected(i)

    def result(self) -> Choices | FormatError:
        if not self.found:
            return FormatError(f"expected an option letter {self.letters}, found none", None)
        if not self.multiple and len(self.found) > 1:
            return FormatError(f"expected one option, found {len(self.found)}",
                               list(self.found.values())[1])
        return Choices(frozenset(self.found), _dedupe(self.notes))

    def _digits(self, i: int) -> tuple[int, FormatError | None]:
        """A run of digits: an option number, or (several options) one option per digit."""
        t, n = self.t, self.n_options
        j = i
        while j < len(t) and "0" <= t[j] <= "9":
            j += 1
        run = t[i:j]
        value = int(run) if len(run) < 4 else 10_000
        if len(run) > 1 and self.multiple and not 1 <= value <= n \
                and all(1 <= int(d) <= n for d in run):
            self.notes.append(f"read '{run}' as {', '.join(run)}")
            err: FormatError | None = None
            for k, d in enumerate(run):
                err = err or self._add(int(d), i + k, d, "digit")
            return j, err
        return j, self._add(value, i, run, "digit")

    def _latin(self, i: int) -> tuple[int, FormatError | None]:
        """A run of Latin letters: one option per letter, unless it is a word such as "and"."""
        t = self.t
        j = i
        while j < len(t) and t[j].isascii() and t[j].isalpha():
            j += 1
        word = t[i:j]
        err: FormatError | None = None
        if not (len(word) > 1 and word.lower() in _LATIN_SKIP):
            for k, letter in enumerate(word):
                err = err or self._add(ord(letter.upper()) - ord("A") + 1, i + k, letter, "letter")
        return j, err

    def _hangul(self, i: int) -> tuple[int, FormatError | None]:
        """A Korean word between options, or a Korean option key (가, ㄱ)."""
        c = self.t[i]
        skip = next((w for w in _CHOICE_SEP_WORDS + _CHOICE_SKIP_WORDS if self.t.startswith(w, i)),
                    None)
        if skip is not None:
            return i + len(skip), None
        if c in _KO_KEYS:
            return i + 1, self._add(_KO_KEYS.index(c) + 1, i, c, "korean")
        if c in _JAMO_KEYS:
            return i + 1, self._add(_JAMO_KEYS.index(c) + 1, i, c, "korean")
        return i + 1, self._unexpected(i)

    def _unexpected(self, i: int) -> FormatError:
        return FormatError(f"unexpected '{self.t[i]}'; write option letters {self.letters}",
                           self.s.at(i))

    def _add(self, index: int, at: int, written: str, kind: str) -> FormatError | None:
        """Option ``index`` (from 1), written as ``written`` at ``at``; an error if there is no
        such option."""
        if not 1 <= index <= self.n_options:
            return self._no_such_option(at, written, kind)
        key = chr(ord("A") + index - 1)
        s = self.s
        if kind != "letter":
            shown = self.text[s.at(at):s.at(at + len(written) - 1) + 1] or written
            self.notes.append(f"read '{shown}' as {key}")
        if key in self.found:
            self.notes.append(f"ignored repeated '{key}'")
        else:
            self.found[key] = s.at(at)
        return None

    def _no_such_option(self, at: int, written: str, kind: str) -> FormatError:
        n, letters, where = self.n_options, self.letters, self.s.at(at)
        if kind == "digit":
            span = f"1–{n}" if n > 1 else "1"
            return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                               where)
        if kind == "korean":
            span = f"{_KO_KEYS[0]}–{_KO_KEYS[min(n, 14) - 1]}"
            return FormatError(f"option {written} does not exist; options are {span} ({letters})",
                               where)
        return FormatError(f"option {written.upper()} does not exist; options are {letters}", where)
