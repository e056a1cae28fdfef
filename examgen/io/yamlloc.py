"""YAML loading that remembers where every mapping key and list item came from."""

from __future__ import annotations

from typing import Any

import yaml

from examgen.safeyaml import BoundedLoader, fast_twin, load_bounded


class LocDict(dict[Any, Any]):
    """A mapping from YAML with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LocList(list[Any]):
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(BoundedLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    d = LocDict()
    d.line, d.key_lines, d.duplicates = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in d:
            d.duplicates.append((key, line))
        d[key] = loader.construct_object(value_node, deep=True)
        d.key_lines[key] = line
    return d


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    lst = LocList(loader.construct_object(child, deep=True) for child in node.value)
    lst.line = node.start_mark.line + 1
    lst.item_lines = [child.start_mark.line + 1 for child in node.value]
    return lst


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


_FAST = fast_twin(_Loader)


def load_located(text: str) -> Any:
    """Parse YAML text; mappings become :class:`LocDict`, sequences :class:`LocList`.
    Raises ``yaml.YAMLError`` (with a ``problem_mark``) on syntax errors."""
    return load_bounded(text, _Loader, _FAST)
