"""YAML for files written by others: PyYAML's safe loader, without aliases and with a depth
bound, so no file can blow up memory or the stack.

An alias bomb (``&a [x, x] … &i [*h, *h, …]``) expands a few hundred bytes into billions of
nodes; 1,000 nested brackets overflow Python's stack while the document is built. Both are
refused while the node tree is composed, before anything is constructed, as a
``yaml.MarkedYAMLError`` pointing at the line, so every caller's existing "file:line: …" error
handling reports it. examgen's own YAML (bank, specs, keys) never needs an alias.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "BoundedLoader", "safe_load", "yaml_problem"]

MAX_YAML_DEPTH = 64                  # nested mappings/lists; the bank needs fewer than 10
MAX_YAML_BYTES = 10 * 1024 * 1024    # one YAML file (spec, KEY.yaml, a bank file)


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases and nesting deeper than :data:`MAX_YAML_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise ComposerError(None, None, f"aliases (*{event.anchor}) are not allowed: write "
                                "the value out", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                    event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with the bounds of :class:`BoundedLoader`; a text longer than
    :data:`MAX_YAML_BYTES` is a ``yaml.YAMLError``."""
    if len(text) > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"larger than {MAX_YAML_BYTES // 1024 // 1024} MB")
    return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass


def yaml_problem(e: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line (None when unknown) and a one-line description of a YAML error."""
    if isinstance(e, yaml.reader.ReaderError):   # a character YAML does not allow (binary data)
        return None, f"character {e.character!r} is not allowed in YAML (is this a text file?)"
    mark = getattr(e, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return line, str(problem)
