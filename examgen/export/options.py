"""Export options and the notes an export collects on what a format could not express."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    """How the variants are written: language (ko, en, both), math (tex, svg), and the exam's
    grading rules (a share taken off for a wrong single choice; partial credit)."""

    lang: str = "ko"
    math: str = "tex"
    negative: float = 0.0
    partial_credit: bool = True


@dataclass
class Notes:
    """What could not be said exactly in the format, once per template."""

    lines: list[str] = field(default_factory=list)

    def add(self, template_id: str, what: str) -> None:
        line = f"{template_id}: {what}"
        if line not in self.lines:
            self.lines.append(line)


DEFAULT_SETTINGS = Settings()
