"""YAML for files written by others: PyYAML's safe loader, without aliases and with a depth
bound, so no file can blow up memory or the stack.

An alias bomb (``&a [x, x] … &i [*h, *h, …]``) expands a few hundred bytes into billions of
nodes; 1,000 nested brackets overflow Python's stack while the document is built. Both are
refused while the node tree is composed, before anything is constructed, as a
``yaml.MarkedYAMLError`` pointing at the line, so every caller's existing "file:line: …" error
handling reports it. examgen's own YAML (bank, specs, keys) never needs an alias.

Where PyYAML has libyaml, the text is scanned and parsed in C (about 5x faster: loading the
bank went from 1.2 to 0.2 s); composing (with the bounds) and constructing stay PyYAML's own
Python, so the result, lines included, is the same. A text libyaml refuses is read again by the
pure-Python loader, whose error (its wording, its line) is the one reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "BoundedLoader", "fast_twin", "load_bounded",
           "safe_load", "yaml_problem"]

MAX_YAML_DEPTH = 64                  # nested mappings/lists; the bank needs fewer than 10
MAX_YAML_BYTES = 10 * 1024 * 1024    # one YAML file (spec, KEY.yaml, a bank file)


class _Bounds(Composer):
    """A composer that refuses aliases and nesting deeper than :data:`MAX_YAML_DEPTH`."""

    _depth = 0
    peek_event: Callable[[], Any]   # the parser's, which a loader puts beside this class

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            # libyaml's parser gives its own Mark, which has the same fields
            raise ComposerError(None, None, f"aliases (*{event.anchor}) are not allowed: write "
                                "the value out", event.start_mark)  # type: ignore[arg-type]
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                    event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class BoundedLoader(_Bounds, yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases and nesting deeper than :data:`MAX_YAML_DEPTH`."""


def fast_twin(loader: type[BoundedLoader]) -> type | None:
    """A loader doing what ``loader`` does (its constructors, the bounds) on libyaml's parser;
    None without libyaml."""
    try:
        from yaml._yaml import CParser
    except ImportError:   # PyYAML built without libyaml
        return None

    class Fast(_Bounds, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        yaml_constructors = dict(loader.yaml_constructors)
        yaml_multi_constructors = dict(loader.yaml_multi_constructors)

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return Fast


def load_bounded(text: str, loader: type[BoundedLoader], fast: type | None) -> Any:
    """``text`` loaded by ``fast`` (:func:`fast_twin`) if there is one, else by ``loader``; a
    text ``fast`` refuses is loaded by ``loader`` again, so errors read as its own. A text
    longer than :data:`MAX_YAML_BYTES` is a ``yaml.YAMLError``."""
    if len(text) > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"larger than {MAX_YAML_BYTES // 1024 // 1024} MB")
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 - safe constructors only
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass


_FAST = fast_twin(BoundedLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with the bounds of :class:`BoundedLoader`; a text longer than
    :data:`MAX_YAML_BYTES` is a ``yaml.YAMLError``."""
    return load_bounded(text, BoundedLoader, _FAST)


def yaml_problem(e: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line (None when unknown) and a one-line description of a YAML error."""
    if isinstance(e, yaml.reader.ReaderError):   # a character YAML does not allow (binary data)
        return None, f"character {e.character!r} is not allowed in YAML (is this a text file?)"
    mark = getattr(e, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return line, str(problem)
