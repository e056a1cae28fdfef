"""The family contract: a named computation over sampled parameters that yields named
quantities (answers and the intermediate numbers a worked solution shows) and declares the
typical wrong paths (misconceptions) as keyword flags to that same computation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from examgen.model import Text

OutputKind = Literal["scalar", "int", "vector", "matrix"]


@dataclass(frozen=True)
class MisconceptionDef:
    id: str
    description: Text
    flags: Mapping[str, Any]
    affects: tuple[str, ...]  # outputs this wrong path changes


@dataclass(frozen=True)
class Family:
    name: str
    summary: str
    inputs: tuple[str, ...]
    outputs: Mapping[str, OutputKind]
    compute: Callable[..., dict[str, Any]]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    misconceptions: tuple[MisconceptionDef, ...] = ()

    def run(self, params: Mapping[str, Any], flags: Mapping[str, Any] | None = None
            ) -> dict[str, Any]:
        """All quantities for ``params`` (inputs and defaults are included)."""
        p = dict(self.defaults) | dict(params)
        return p | self.compute(p, **(flags or {}))

    def misconception(self, mid: str) -> MisconceptionDef:
        for m in self.misconceptions:
            if m.id == mid:
                return m
        raise KeyError(mid)


REGISTRY: dict[str, Family] = {}


def mis(mid: str, ko: str, en: str, affects: str, **flags: Any) -> MisconceptionDef:
    """Shorthand: ``affects`` is a space-separated list of output names."""
    return MisconceptionDef(mid, Text(ko, en), flags, tuple(affects.split()))


def family(name: str, summary: str, inputs: str, outputs: Mapping[str, OutputKind],
           misconceptions: tuple[MisconceptionDef, ...] = (),
           defaults: Mapping[str, Any] | None = None
           ) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register the decorated compute function as a family."""

    def register(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        if name in REGISTRY:
            raise ValueError(f"family {name!r} registered twice")
        own = []
        for m in misconceptions:  # shared definitions may name outputs of sibling families
            affects = tuple(a for a in m.affects if a in outputs)
            if not affects:
                raise ValueError(f"family {name!r}: misconception {m.id!r} affects none of "
                                 f"its outputs {sorted(outputs)}")
            own.append(MisconceptionDef(m.id, m.description, m.flags, affects))
        REGISTRY[name] = Family(name, summary, tuple(inputs.split()), dict(outputs), fn,
                                dict(defaults or {}), tuple(own))
        return fn

    return register
