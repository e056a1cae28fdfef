"""The examgen error tree: every error a user can cause. Imports nothing else from examgen.

Every error a user can cause (a bank file with a mistake, a bad spec, an unwritable directory)
is an :class:`ExamgenError`; the CLI prints it as ``Error: ...`` and exits with its exit code.
Anything else is a bug and keeps its traceback. Where the problem is (file, line or row,
column, question) is kept as attributes and formatted once, by :func:`located`::

    ExamgenError
    ├── UsageError           the user asked for something that does not exist (exit code 2)
    ├── BankError            question-bank files (a list of Problem)
    ├── GlossaryError        the bank's glossary
    ├── SpecError            exam specs and rosters
    ├── SubmissionError      responses files
    ├── KeyFileError         manifests and KEY.csv / KEY.yaml files
    ├── OverrideError        overrides.csv
    ├── OutputError          output folders that cannot be written
    ├── VariantError         a template that cannot produce a variant
    │   └── TextRenderError  a bank text that does not render
    ├── FontError, MathError printing (no Korean font, a formula that cannot be typeset)
    └── StoreError           the practice app's database
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def located(message: str, *, file: str | None = None, line: int | None = None,
            row: int | None = None, column: str | None = None, question: str | None = None) -> str:
    """``message`` prefixed with where it happened, the one format every error uses:
    ``file:line: question "id": message`` or ``file: row 3, column Q2: message``."""
    where = "" if file is None else file + (f":{line}" if line is not None else "")
    if row is not None:
        where += (": " if where else "") + f"row {row}"
    if column is not None:
        where += (", " if row is not None else ": " if where else "") + f"column {column}"
    who = f'question "{question}": ' if question else ""
    return f"{where}: {who}{message}" if where else who + message


class ExamgenError(Exception):
    """Base of every error examgen reports to a user. ``file``, ``line``, ``row``, ``column`` and
    ``question`` say where, when one place is to blame; the message then starts with them."""

    exit_code = 1

    def __init__(self, message: str = "", *, file: str | None = None, line: int | None = None,
                 row: int | None = None, column: str | None = None,
                 question: str | None = None):
        self.message = message
        self.file, self.line, self.row, self.column, self.question = (file, line, row, column,
                                                                      question)
        super().__init__(located(message, file=file, line=line, row=row, column=column,
                                 question=question))

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
        return located(self.message, file=self.file, line=self.line, question=self.question)


class BankError(ExamgenError):
    """One or more problems in question-bank files; the message lists every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ExamgenError):
    """The user asked for something that does not exist or cannot be done."""

    exit_code = 2


class GlossaryError(ExamgenError):
    """The glossary file cannot be used; says file, entry and what to fix."""


class SpecError(ExamgenError):
    """A mistake in an exam spec or roster; the message says file, line or row, and what to do."""


class SubmissionError(ExamgenError):
    """The responses file cannot be read at all."""


class KeyFileError(ExamgenError):
    """A manifest or key file that cannot be used; says file, row/field and what to fix."""


class OverrideError(ExamgenError):
    """overrides.csv names something that does not exist or has a bad value."""


class OutputError(ExamgenError):
    """The output folder cannot be written."""


class VariantError(ExamgenError):
    """A template could not produce a usable variant: its samplers are too tight, or a text
    does not render. ``detail`` says what, without the location."""

    def __init__(self, detail: str, template: object | None = None):
        self.detail = detail
        self.log: Any = None   # the draws that failed (a variants.DrawLog), once known
        location = getattr(template, "location", None)
        super().__init__(detail, file=getattr(location, "file", None),
                         line=getattr(location, "line", None),
                         question=getattr(template, "id", None))


class TextRenderError(VariantError):
    """A bank text failed to render (an undefined variable, a bad filter argument)."""


class FontError(ExamgenError):
    """No usable Korean font."""


class MathError(ExamgenError):
    """A formula that cannot be typeset (by ziamath for web pages, or converted for print)."""


class TexMathError(MathError):
    """A formula outside the LaTeX subset printed exams understand (see
    :mod:`examgen.render.texmath`); ``detail`` says what and where in it, ``formula`` which."""

    def __init__(self, detail: str, formula: str = ""):
        self.detail = detail
        self.formula = formula
        super().__init__(f"formula ${formula}$: {detail}" if formula else detail)


class RenderError(ExamgenError):
    """The Typst compiler rejected a document (a bug in a template, not in user text)."""


class StoreError(ExamgenError):
    """The practice database cannot be opened or is not one this app wrote."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
