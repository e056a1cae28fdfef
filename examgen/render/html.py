"""The Jinja2 environment of HTML pages with bank text (the practice app's pages, which import
the shared partials of ``templates/_macros.html.j2``): sandboxed, autoescaped, StrictUndefined,
formulas as self-contained SVG images; and the UI labels those pages share.
Printed exams and keys are Typst documents (:mod:`examgen.render.typsource`).
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from examgen.render.labels import LABELS, SPELLINGS_SHOWN, tr
from examgen.render.mathsvg import typeset
from examgen.render.richtext import inline, rich
from examgen.render.typsource import TEMPLATES_DIR, readable_spellings

__all__ = ["LABELS", "TEMPLATES_DIR", "environment", "readable_spellings"]





def _pts(x: float) -> str:
    return f"{x:g}"




def _spellings(synonyms: list[str]) -> list[str]:
    """A few spellings of a rubric concept to print in a key, Korean then others, ending in
    "…" when there are more: enough to say what the concept is (the bank's full list is for
    matching typed answers; printed, it buries the rubric and tells students what to paste)."""
    korean, other = readable_spellings(synonyms)
    shown = korean[:SPELLINGS_SHOWN] + other[:SPELLINGS_SHOWN]
    return shown + (["…"] if len(shown) < len(korean) + len(other) else [])


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> SandboxedEnvironment:
    """The templates' environment: formulas as self-contained SVG images."""
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update({
        "tr": tr, "pts": _pts, "spellings": _spellings,
        "rich": rich, "inline": inline, "math": lambda tex: typeset(tex).img(alt=tex),
    })
    return env
