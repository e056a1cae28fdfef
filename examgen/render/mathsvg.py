"""LaTeX -> vector SVG with ziamath, as an ``<img>`` sized in em and sitting on the baseline.

Identical formulas are typeset once per process (``lru_cache``); an image's source is a
self-contained ``data:`` URI. The practice app's pages use this; printed exams use Typst's own
math (:mod:`examgen.render.texmath`).
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from examgen.errors import MathError

RENDER_SIZE = 20.0  # ziamath font size (SVG user units per em); the img is scaled in em

_SVG_SIZE = re.compile(r'<svg[^>]*\swidth="([\d.]+)"\s+height="([\d.]+)"\s+viewBox="([-\d. ]+)"')


_URI_PREFIX = "data:image/svg+xml;base64,"


@dataclass(frozen=True)
class MathImage:
    svg: str
    width_em: float
    height_em: float
    baseline_em: float   # how far the image's bottom lies below the text baseline
    tex: str = ""
    display: bool = False

    @property
    def data_uri(self) -> str:
        return _data_uri(self.svg)

    def img(self, css_class: str = "m", alt: str = "") -> Markup:
        src = self.data_uri
        return Markup(
            f'<img class="{css_class}" alt="{escape(alt)}" '
            f'style="width:{self.width_em:.3f}em;height:{self.height_em:.3f}em;'
            f'vertical-align:-{self.baseline_em:.3f}em" src="{src}">')


@lru_cache(maxsize=2048)
def _data_uri(svg: str) -> str:
    return _URI_PREFIX + base64.b64encode(svg.encode("utf-8")).decode("ascii")


PRELOAD_LIMIT = 10_000
_preloaded: dict[tuple[str, bool], MathImage] = {}
_preload_lock = threading.Lock()


def preload(images: Iterable[tuple[str, bool, MathImage]]) -> None:
    """Remember formulas typeset elsewhere (another process) as (tex, display, image), so
    :func:`typeset` returns them at once; the oldest are forgotten past ``PRELOAD_LIMIT``."""
    with _preload_lock:
        for tex, display, image in images:
            _preloaded[(tex, display)] = image
        while len(_preloaded) > PRELOAD_LIMIT:
            del _preloaded[next(iter(_preloaded))]


def typeset(tex: str, display: bool = False) -> MathImage:
    """Typeset ``tex``; raise :class:`MathError` naming the formula when ziamath cannot."""
    display = bool(display)   # one cache key however ``display`` is passed
    image = _preloaded.get((tex, display))
    return image if image is not None else _typeset(tex, display)


# a minus right after a relation, a comma, a colon or an opening bracket is a sign, not a
# subtraction; ziamath (following MathML's rule that an operator inside a row is infix) spaces
# it as a binary minus ("w = − 0.5", "( − 1)"), so it is given a group of its own, where it is
# a prefix
_SIGN = re.compile(
    r"(=|,|;|:|<|>|\(|\[|\\\{|\\(?:approx|le|leq|ge|geq|neq|to|in|langle)(?![A-Za-z]))(\s*)-")
# a word as a subscript (d_{model}) is a label, set upright as in print
_WORD_SUBSCRIPT = re.compile(r"_\{([A-Za-z]{3,})\}")


def ziamath_tex(tex: str) -> str:
    """``tex`` as ziamath should get it: signs after relations as prefix minus, word
    subscripts upright."""
    return _WORD_SUBSCRIPT.sub(r"_{\\mathrm{\1}}", _SIGN.sub(r"\1\2{-}", tex))


@lru_cache(maxsize=2048)
def _typeset(tex: str, display: bool) -> MathImage:
    import ziamath

    from examgen.render import ziamath_fast

    ziamath_fast.install()
    ziamath.config.svg2 = False  # plain paths, without <use>/<symbol>
    try:
        math = ziamath.Latex(ziamath_tex(tex), size=RENDER_SIZE, inline=not display)
        svg = math.svg()
    except Exception as e:  # ziamath raises many kinds for unsupported input
        raise MathError(f"cannot typeset formula ${tex}$: {type(e).__name__}: {e}") from None
    m = _SVG_SIZE.search(svg)
    if not m:
        raise MathError(f"cannot read the size of the typeset formula ${tex}$")
    width, height = float(m.group(1)), float(m.group(2))
    ymin = float(m.group(3).split()[1])
    descent = max(0.0, height + ymin)  # the baseline is at y = 0
    return MathImage(svg, width / RENDER_SIZE, height / RENDER_SIZE, descent / RENDER_SIZE, tex,
                     display)
