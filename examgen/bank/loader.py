"""Loading and validating ``question_bank/`` YAML files into :class:`~examgen.model.Template`.

Every problem is collected (not just the first) as ``file:line: question "id": what is wrong,
what was expected``; :func:`load_bank` raises one :class:`BankError` listing them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from examgen.bank import schema as S
from examgen.bank.check import Checker, describe_value
from examgen.bank.glossary import GLOSSARY_FILE
from examgen.bank.questions import read_question
from examgen.errors import BankError, Problem, UsageError, did_you_mean
from examgen.io import load_located
from examgen.model import (
    Template,
)
from examgen.resources import bank_dir
from examgen.safeyaml import yaml_problem

DEFAULT_BANK = bank_dir()


@dataclass(frozen=True)
class Bank:
    """All templates of a bank, in file order."""

    templates: tuple[Template, ...]
    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.templates})

    def get(self, template_id: str) -> Template:
        by_id: dict[str, Template] = self._by_id  # type: ignore[attr-defined]
        if template_id not in by_id:
            raise UsageError(f"no question with id {template_id!r} in {self.root}"
                             + did_you_mean(template_id, by_id))
        return by_id[template_id]

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._by_id  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.templates)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.topic for t in self.templates))


def load_file(path: Path, display: str | None = None) -> tuple[list[Template], list[Problem]]:
    """Templates and problems of one bank file (nothing raised for content errors)."""
    name = display or str(path)
    c = Checker(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [], [Problem(name, None, None, f"cannot read the file: {e}")]
    try:
        doc = load_located(text)
    except yaml.YAMLError as e:
        line, problem = yaml_problem(e)
        return [], [Problem(name, line, None, f"not valid YAML: {problem}")]
    d = c.mapping(doc, 1, "a bank file")
    if d is None:
        return [], c.problems
    c.keys(d, S.FILE_KEYS, S.FILE_REQUIRED, "the file")
    topic = d.get("topic")
    if not isinstance(topic, str) or not re.match(S.ID_PATTERN, topic):
        c.err(d.line_of("topic"), f"topic must be a kebab-case id, got {describe_value(topic)}")
        topic = "unknown"
    templates: list[Template] = []
    ql = c.seq(d.get("questions"), d.line_of("questions"), "questions") \
        if "questions" in d else None
    for k, q in enumerate(ql or []):
        t = read_question(c, q, ql.line_of(k), topic)  # type: ignore[union-attr]
        if t is not None:
            templates.append(t)
    return templates, c.problems


def load_bank(root: Path | str | None = None) -> Bank:
    """Load every ``*.yaml`` in ``root`` (default: the bundled bank); raise :class:`BankError`
    listing every problem in every file."""
    root = Path(root) if root is not None else DEFAULT_BANK
    if not root.is_dir():
        raise UsageError(f"question bank folder {root} does not exist")
    # the glossary lives beside the topic files but is not one of them
    files = [f for f in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
             if f.name != GLOSSARY_FILE]
    if not files:
        raise UsageError(f"question bank folder {root} has no .yaml files")
    problems: list[Problem] = []
    templates: list[Template] = []
    seen: dict[str, Template] = {}
    topics: dict[str, str] = {}
    for path in files:
        display = _display(path)
        ts, ps = load_file(path, display)
        problems += ps
        for t in ts:
            if t.id in seen:
                problems.append(Problem(display, t.location.line, t.id,
                                        f"id is already used at {seen[t.id].location}"))
                continue
            other = topics.setdefault(t.topic, display)
            if other != display:
                problems.append(Problem(display, 1, None, f"topic '{t.topic}' is already the "
                                        f"topic of {other}; one file per topic"))
                topics[t.topic] = display
            seen[t.id] = t
            templates.append(t)
    if problems:
        raise BankError(problems)
    return Bank(tuple(templates), root)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def template_summary(t: Template) -> Mapping[str, Any]:
    """One row of ``bank list``."""
    return {"id": t.id, "topic": t.topic, "type": t.type.value, "difficulty": t.difficulty.value,
            "points": t.points, "tags": list(t.tags), "family": t.family,
            "computed": t.is_computed, "file": str(t.location)}
