"""The bank's checker: collects the problems of one file (with file:line and question id) while
its YAML is converted."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

import jinja2

from examgen.bank import schema as S
from examgen.errors import Problem, did_you_mean
from examgen.families import parse_answer_ref
from examgen.io import LocDict, LocList
from examgen.model import ParamSpec, Text, Tolerance
from examgen.textrender import compile_text

MAX_GRID = 100_000   # values of one int/real parameter (its grid is built in memory)

class Checker:
    """Collects problems for one file while converting its questions."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.qid: str | None = None

    def err(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, self.qid, message))

    # -- generic shapes ------------------------------------------------------------------------
    def keys(self, d: LocDict, allowed: Iterable[str], required: Iterable[str], what: str) -> None:
        allowed_set = set(allowed)
        for key, line in d.duplicates:
            self.err(line, f"key '{key}' appears twice in {what}")
        for key in d:
            if key not in allowed_set:
                self.err(d.line_of(key), f"unknown key '{key}' in {what}; expected one of "
                         f"{', '.join(sorted(allowed_set))}" + did_you_mean(str(key), allowed_set))
        for key in required:
            if key not in d:
                self.err(d.line, f"{what} is missing the required key '{key}'")

    def mapping(self, value: Any, line: int, what: str) -> LocDict | None:
        if isinstance(value, LocDict):
            return value
        self.err(line, f"{what} must be a mapping (key: value lines), got {describe_value(value)}")
        return None

    def seq(self, value: Any, line: int, what: str) -> LocList | None:
        if isinstance(value, LocList):
            return value
        self.err(line, f"{what} must be a list, got {describe_value(value)}")
        return None

    def number(self, value: Any, line: int, what: str, *, positive: bool = False) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.err(line, f"{what} must be a number, got {describe_value(value)}")
            return None
        if positive and value <= 0:
            self.err(line, f"{what} must be positive, got {value}")
            return None
        return float(value)

    def text(self, value: Any, line: int, what: str) -> Text | None:
        if isinstance(value, str):
            t = Text(value)
        elif isinstance(value, LocDict):
            self.keys(value, S.TEXT_KEYS, ("ko",), what)
            ko, en = value.get("ko"), value.get("en")
            if not isinstance(ko, str) or (en is not None and not isinstance(en, str)):
                if "ko" in value:
                    self.err(line, f"{what}: ko and en must be text")
                return None
            t = Text(ko, en)
            line = value.line_of("ko")
        else:
            self.err(line, f"{what} must be text or a mapping with ko (and en), got {describe_value(value)}")
            return None
        for lang, src in (("ko", t.ko), ("en", t.en)):
            if src is None:
                continue
            try:
                compile_text(src)
            except jinja2.TemplateSyntaxError as e:
                self.err(line + (e.lineno or 1) - 1,
                         f"{what} ({lang}) is not a valid Jinja2 template: {e.message}")
        return t

    # -- pieces --------------------------------------------------------------------------------
    def tolerance(self, value: Any, line: int) -> Tolerance | None:
        d = self.mapping(value, line, "tolerance")
        if d is None:
            return None
        self.keys(d, S.TOLERANCE_KINDS, (), "tolerance")
        kinds = [k for k in S.TOLERANCE_KINDS if k in d]
        if len(kinds) != 1:
            self.err(d.line, "tolerance needs exactly one of abs, rel, sigfigs, decimals; got "
                     + (", ".join(kinds) or "none"))
            return None
        kind = kinds[0]
        v = self.number(d[kind], d.line_of(kind), f"tolerance {kind}", positive=kind != "abs")
        if v is None:
            return None
        if kind in ("sigfigs", "decimals") and v != int(v):
            self.err(d.line_of(kind), f"tolerance {kind} must be a whole number, got {v}")
            return None
        if v < 0:
            self.err(d.line_of(kind), f"tolerance abs must not be negative, got {v}")
            return None
        return Tolerance(kind, v)  # type: ignore[arg-type]

    def sampler(self, name: str, value: Any, line: int, earlier: set[str]) -> ParamSpec | None:
        what = f"parameter '{name}'"
        if not re.match(r"^[A-Za-z_]\w*$", str(name)):
            self.err(line, f"{what}: names must be identifiers (letters, digits, _)")
            return None
        d = self.mapping(value, line, what)
        if d is None:
            return None
        self.keys(d, S.SAMPLER_KEYS, (), what)
        kinds = [k for k in S.SAMPLER_KINDS if k in d]
        if len(kinds) != 1:
            self.err(d.line, f"{what} needs exactly one sampler of int, real, choice; got "
                     + (", ".join(kinds) or "none"))
            return None
        kind = kinds[0]
        shape = self._shape(d, what, earlier) if "shape" in d else ()
        if shape is None:
            return None
        exclude = tuple(d.get("exclude", ()) or ())
        if kind == "choice":
            return self._choice_sampler(name, d, what, shape, exclude)
        return self._grid_sampler(name, kind, d, what, shape, exclude)

    def _shape(self, d: LocDict, what: str, earlier: set[str]) -> tuple[int | str, ...] | None:
        """A sampler's ``shape``: [n] or [rows, cols], each a positive integer or the name of
        an ``earlier`` parameter; None (reported) when it is not."""
        sh = d["shape"]
        if isinstance(sh, int) and not isinstance(sh, bool):
            sh = [sh]
        if not isinstance(sh, list) or not 1 <= len(sh) <= 2:
            self.err(d.line_of("shape"), f"{what}: shape must be [n] or [rows, cols]")
            return None
        shape: list[int | str] = []
        for s in sh:
            named = isinstance(s, str) and s in earlier
            if named or (isinstance(s, int) and not isinstance(s, bool) and s > 0):
                shape.append(s)
            else:
                self.err(d.line_of("shape"), f"{what}: shape entry {s!r} must be a positive "
                         "integer or the name of an earlier parameter")
                return None
        return tuple(shape)

    def _choice_sampler(self, name: str, d: LocDict, what: str, shape: tuple[int | str, ...],
                        exclude: tuple[Any, ...]) -> ParamSpec | None:
        kline = d.line_of("choice")
        opts = d["choice"]
        if not isinstance(opts, list) or not opts:
            self.err(kline, f"{what}: choice must be a non-empty list of values")
            return None
        if not [o for o in opts if o not in exclude]:
            self.err(kline, f"{what}: every choice is excluded")
            return None
        return ParamSpec(name, "choice", options=tuple(opts), shape=shape, exclude=exclude,
                         line=kline)

    def _grid_sampler(self, name: str, kind: str, d: LocDict, what: str,
                      shape: tuple[int | str, ...], exclude: tuple[Any, ...]) -> ParamSpec | None:
        """An ``int`` or ``real`` sampler: [low, high] in steps, not every value excluded."""
        kline = d.line_of(kind)
        bounds = self._bounds(d[kind], kind, what, kline)
        if bounds is None:
            return None
        lo, hi = bounds
        if kind == "real" and "step" not in d:
            self.err(kline, f"{what}: real needs a step (e.g. step: 0.1) so values stay "
                     "easy to compute by hand")
            return None
        step = self.number(d.get("step", 1), d.line_of("step"), f"{what} step", positive=True)
        if step is None:
            return None
        if kind == "int" and (lo != int(lo) or hi != int(hi) or step != int(step)):
            self.err(kline, f"{what}: int bounds and step must be whole numbers")
            return None
        span = (hi - lo) / step
        if not math.isfinite(span) or span + 1 > MAX_GRID:   # the grid is built in memory
            self.err(kline, f"{what}: [{d[kind][0]}, {d[kind][1]}] in steps of "
                     f"{d.get('step', 1)} gives more than {MAX_GRID:,} values; use a larger "
                     "step or narrower bounds")
            return None
        n = math.floor(span + 1e-9) + 1
        grid = [round(lo + k * step, 10) for k in range(n)]
        if not [g for g in grid if g not in exclude]:
            self.err(kline, f"{what}: every value is excluded")
            return None
        return ParamSpec(name, cast(Any, kind), lo=lo, hi=hi, step=step, shape=shape,
                         exclude=exclude, line=kline)

    def _bounds(self, bounds: Any, kind: str, what: str, kline: int) -> tuple[float, float] | None:
        """``[low, high]``: two finite numbers, low not above high."""
        if (not isinstance(bounds, list) or len(bounds) != 2
                or any(isinstance(b, bool) or not isinstance(b, (int, float)) for b in bounds)):
            self.err(kline, f"{what}: {kind} must be [low, high], got {bounds!r}")
            return None
        lo, hi = float(bounds[0]), float(bounds[1])
        if not (math.isfinite(lo) and math.isfinite(hi)):
            self.err(kline, f"{what}: {kind} bounds must be finite numbers, got {bounds!r}")
            return None
        if lo > hi:
            self.err(kline, f"{what}: low {bounds[0]} is above high {bounds[1]}")
            return None
        return lo, hi

    def answer_ref(self, ref: Any, line: int, outputs: Mapping[str, str],
                   source: str = "the family or a quantity") -> str | None:
        if not isinstance(ref, str):
            self.err(line, f"answer must name a quantity of the family, got {describe_value(ref)}")
            return None
        try:
            base, _ = parse_answer_ref(ref)
        except ValueError:
            self.err(line, f"answer '{ref}' must be a quantity name, optionally indexed "
                     "like weights[0] or W[1][0]")
            return None
        if base not in outputs:
            expected = (f"expected one of {', '.join(outputs)}" + did_you_mean(base, outputs)
                        if outputs else "there is none to name")
            self.err(line, f"answer '{base}' is not an output of {source}; {expected}")
            return None
        return ref



def describe_value(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, LocDict):
        return "a mapping"
    if isinstance(value, LocList):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:80]
