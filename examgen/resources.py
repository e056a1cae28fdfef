"""The one place that finds examgen's bundled files: the page templates (``templates/``), the
bundled question bank (``question_bank/``) and the sample exam (``examples/``).

In the repository they are the top-level folders, reached through the links in
``examgen/_resources/``; a wheel ships them inside the package at the same place (see
``[tool.setuptools.package-data]`` in pyproject.toml), so an installed examgen finds them from any
working directory. Paths are returned resolved, so messages name the real files.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).parent / "_resources"


def resource(*parts: str) -> Path:
    """The bundled file or folder ``parts`` (e.g. ``resource("examples", "roster.csv")``)."""
    return RESOURCES.joinpath(*parts).resolve()


def templates_dir() -> Path:
    """The folder of the Jinja2 templates (exam, key, report, practice pages)."""
    return resource("templates")


def bank_dir() -> Path:
    """The bundled question bank."""
    return resource("question_bank")


def example(name: str) -> Path:
    """A bundled example file: ``midterm.yaml``, ``roster.csv``, ``responses.csv``."""
    return resource("examples", name)
