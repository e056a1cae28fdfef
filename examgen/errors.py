"""The examgen error family. Imports nothing else from examgen.

Every error a user can cause (a bank file with a mistake, a bad spec, an unwritable directory)
is an :class:`ExamgenError`; the CLI prints it as ``Error: ...`` and exits with its exit code.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


class ExamgenError(Exception):
    """Base of every error examgen reports to a user."""

    exit_code = 1

    def format_message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bank file: where, which question, what, and what was expected."""

    file: str
    line: int | None
    question: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        who = f' question "{self.question}":' if self.question else ""
        return f"{where}:{who} {self.message}"


class BankError(ExamgenError):
    """One or more problems in question-bank files; the message lists every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ExamgenError):
    """The user asked for something that does not exist or cannot be done."""

    exit_code = 2


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
