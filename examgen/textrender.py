"""Rendering bank text (Jinja2) in a sandbox with StrictUndefined, and the text filters.

Bank files are trusted instructor content, but their templates still render in a
``SandboxedEnvironment``: no attribute tricks, and a missing variable is an error, never an
empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

from examgen import formatting as F

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                            keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
_env.filters.update({
    "num": F.fmt_num, "vec": F.latex_vec, "colvec": F.latex_colvec, "mat": F.latex_mat,
    "sci": F.fmt_sci, "sig": F.fmt_sig, "value": F.latex_value, "plain": F.fmt_value,
})
MAX_RANGE = 1000   # items of one range() in a bank template: loops stay small, no memory bomb


def _bounded_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise OverflowError(f"range() of {len(r):,} items in a template; at most {MAX_RANGE:,}")
    return r


_env.globals.update({"range": _bounded_range, "len": len, "abs": abs, "round": round, "min": min,
                     "max": max, "sqrt": np.sqrt, "exp": np.exp, "log": np.log})


@lru_cache(maxsize=4096)
def compile_text(source: str) -> Any:
    """Compile a text template (cached; raises ``jinja2.TemplateSyntaxError``)."""
    return _env.from_string(source)


@lru_cache(maxsize=1024)
def compile_condition(source: str) -> Any:
    """Compile a constraint expression such as ``d_model % h == 0``."""
    return _env.compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=1024)
def _condition_names(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_env.parse("{{ " + source + " }}")))


def condition_names(source: str) -> set[str]:
    """The variable names a constraint expression reads."""
    return set(_condition_names(source))


def render_text(source: str, context: Mapping[str, Any]) -> str:
    return str(compile_text(source).render(**context)).strip()


def check_condition(source: str, context: Mapping[str, Any]) -> bool:
    return bool(compile_condition(source)(**context))
