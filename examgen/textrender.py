"""Rendering bank text (Jinja2) in a sandbox with StrictUndefined, and the text filters.

Bank files are trusted instructor content, but their templates still render in a
``SandboxedEnvironment``: no attribute tricks, and a missing variable is an error, never an
empty string.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

from examgen import formatting as F
from examgen.korean import particle


def _finalize(value: Any) -> Any:
    """``{{ x }}`` of a number prints its shortest exact form (``-2``, not ``-2.0``)."""
    if isinstance(value, (float, np.floating, np.integer)) and not isinstance(value, bool):
        return F.fmt_num(value)
    return value


def _josa(value: Any, which: str) -> str:
    """The particle after a number: ``{{ n }}{{ n | josa("은") }}`` gives 5664는, 5660은."""
    text = value if isinstance(value, str) else F.fmt_num(value)
    return particle(text, which)


def _pnum(value: Any, decimals: int | None = None) -> str:
    """A number, in parentheses when negative (``2 \\times (-2)``)."""
    text = F.fmt_num(value, decimals)
    return f"({text})" if text.startswith("-") else text


_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_finalize,
                            keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
_env.filters.update({
    "num": F.fmt_num, "vec": F.latex_vec, "colvec": F.latex_colvec, "mat": F.latex_mat,
    "sci": F.fmt_sci, "sig": F.fmt_sig, "value": F.latex_value, "plain": F.fmt_value,
    "josa": _josa, "pnum": _pnum,
})
# a negative number right after a product or a sum sign gets parentheses: "2 \\times -2" is
# never meant ("2 \\times (-2)")
_NEG_AFTER_OP = re.compile(r"(\\times|\\cdot|×|·|\s[+\-−]|^[+])(\s*)-(\d+(?:\.\d+)?)(?![\d.])")
MAX_RANGE = 1000   # items of one range() in a bank template: loops stay small, no memory bomb


def _bounded_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise OverflowError(f"range() of {len(r):,} items in a template; at most {MAX_RANGE:,}")
    return r


_env.globals.update({"range": _bounded_range, "len": len, "abs": abs, "round": round, "min": min,
                     "max": max, "sqrt": np.sqrt, "exp": np.exp, "log": np.log,
                     "sin": np.sin, "cos": np.cos, "tanh": np.tanh})


class _Literal:
    """A text with no Jinja2 markup: it renders as itself (most of the bank's texts; compiling
    each as a template was two thirds of loading the bank)."""

    def __init__(self, source: str) -> None:
        text = source.replace("\r\n", "\n").replace("\r", "\n")      # as Jinja2 reads it
        self.source = text[:-1] if text.endswith("\n") else text         # and drops the last

    def render(self, **_context: Any) -> str:
        return self.source


_MARKUP = ("{{", "{%", "{#")


@lru_cache(maxsize=4096)
def compile_text(source: str) -> Any:
    """Compile a text template (cached; raises ``jinja2.TemplateSyntaxError``)."""
    if not any(m in source for m in _MARKUP):
        return _Literal(source)
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
    text = str(compile_text(source).render(**context)).strip()
    return _NEG_AFTER_OP.sub(r"\1\2(-\3)", text)


def check_condition(source: str, context: Mapping[str, Any]) -> bool:
    return bool(compile_condition(source)(**context))
