"""LaTeX -> vector SVG with ziamath, as an ``<img>`` sized in em and sitting on the baseline.

Identical formulas are typeset once per process (``lru_cache``). An image's source is either a
self-contained ``data:`` URI (for HTML shown anywhere) or, for the PDF writer, a short link
``examgen-math:<i|d><percent-encoded TeX>`` that names the formula itself: the PDF writer
resolves it by typesetting the TeX again (cached), so the output still depends only on the
HTML, and the HTML parser no longer scans ~25 kB of base64 per formula.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, unquote

from markupsafe import Markup, escape

from examgen.errors import MathError
from examgen.render.mathglyphs import Placement, recording

RENDER_SIZE = 20.0  # ziamath font size (SVG user units per em); the img is scaled in em

_SVG_SIZE = re.compile(r'<svg[^>]*\swidth="([\d.]+)"\s+height="([\d.]+)"\s+viewBox="([-\d. ]+)"')


_URI_PREFIX = "data:image/svg+xml;base64,"
LINK_SCHEME = "examgen-math:"

_ELEMENT = re.compile(r"<(/?)(\w+)([^>]*?)/?>")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_PATH_CMD = re.compile(r"([A-Za-z])([^A-Za-z]*)")
_BLACK = {None, "black", "#000", "#000000"}
_NUMBER = re.compile(r"-?[\d.]+")


def _num(x: float) -> bytes:
    return f"{x:.3f}".rstrip("0").rstrip(".").encode() if x else b"0"


@dataclass(frozen=True)
class GlyphUse:
    """One glyph of a compiled formula: its outline (PDF path operators in font units, shared
    by every use of the glyph in a document) and where it goes (a ``cm`` matrix)."""
    outline: bytes
    bbox: tuple[float, float, float, float]
    matrix: bytes


Compiled = tuple[tuple[float, float, float, float], tuple[bytes | GlyphUse, ...]]


@lru_cache(maxsize=4096)
def _outline_ops(d: str) -> tuple[bytes, tuple[float, float, float, float]] | None:
    ops = _path_ops(d)
    numbers = [float(n) for n in _NUMBER.findall(d)]
    if ops is None or len(numbers) < 2 or len(numbers) % 2:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    return ops, (min(xs), min(ys), max(xs), max(ys))


def _glyph_use(placement: Placement) -> GlyphUse | None:
    outline = _outline_ops(placement.outline)
    if outline is None:
        return None
    s = f"{placement.scale:.7f}".rstrip("0").encode()
    matrix = b" ".join((s, b"0 0", s, _num(placement.x), _num(placement.y), b"cm"))
    return GlyphUse(outline[0], outline[1], matrix)


def compile_svg(svg: str, glyphs: Mapping[str, Placement] | None = None) -> Compiled | None:
    """PDF fill operators (in viewBox units) for the SVG ziamath writes: black ``path``
    elements with absolute M, L, Q, C, Z commands, ``rect`` and plain ``g`` groups. ``None``
    for anything else, which then goes through WeasyPrint's own SVG renderer. Paths found in
    ``glyphs`` (recorded while typesetting) become :class:`GlyphUse` items."""
    out: list[bytes | GlyphUse] = []
    viewbox = None
    for closing, tag, attrs_text in _ELEMENT.findall(svg):
        if closing:
            continue
        attrs = dict(_ATTR.findall(attrs_text))
        if attrs.get("fill") not in _BLACK or "transform" in attrs or "stroke" in attrs:
            return None
        if tag == "svg":
            vb = [float(v) for v in attrs.get("viewBox", "").split()]
            if len(vb) != 4:
                return None
            viewbox = (vb[0], vb[1], vb[2], vb[3])
        elif tag == "g":
            continue
        elif tag == "rect":
            x, y = float(attrs.get("x", 0)), float(attrs.get("y", 0))
            w, h = float(attrs["width"]), float(attrs["height"])
            out.append(b" ".join((_num(x), _num(y), _num(w), _num(h), b"re f")))
        elif tag == "path":
            d = attrs.get("d", "")
            placement = glyphs.get(d) if glyphs else None
            use = _glyph_use(placement) if placement is not None else None
            if use is not None:
                out.append(use)
                continue
            ops = _path_ops(d)
            if ops is None:
                return None
            out.append(ops + b" f")
        else:
            return None
    if viewbox is None:
        return None
    return viewbox, tuple(out)


def _path_ops(d: str) -> bytes | None:
    ops: list[bytes] = []
    cx = cy = 0.0
    for letter, args in _PATH_CMD.findall(d):
        v = [float(a) for a in args.replace(",", " ").split()]
        if letter == "M" and len(v) == 2:
            cx, cy = v
            ops.append(_num(cx) + b" " + _num(cy) + b" m")
        elif letter == "L" and len(v) % 2 == 0 and v:
            for i in range(0, len(v), 2):
                cx, cy = v[i], v[i + 1]
                ops.append(_num(cx) + b" " + _num(cy) + b" l")
        elif letter == "Q" and len(v) % 4 == 0 and v:
            for i in range(0, len(v), 4):
                qx, qy, x, y = v[i:i + 4]
                # quadratic -> cubic: control points two thirds of the way to the quad control
                c1x, c1y = cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy)
                c2x, c2y = x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y)
                ops.append(b" ".join(map(_num, (c1x, c1y, c2x, c2y, x, y))) + b" c")
                cx, cy = x, y
        elif letter == "C" and len(v) % 6 == 0 and v:
            for i in range(0, len(v), 6):
                ops.append(b" ".join(map(_num, v[i:i + 6])) + b" c")
                cx, cy = v[i + 4], v[i + 5]
        elif letter in "Zz" and not v:
            ops.append(b"h")
        else:
            return None  # relative or other commands: leave it to WeasyPrint
    return b" ".join(ops)


@dataclass(frozen=True)
class MathImage:
    svg: str
    width_em: float
    height_em: float
    baseline_em: float   # how far the image's bottom lies below the text baseline
    tex: str = ""
    display: bool = False
    # the glyph placements recorded while typesetting, by path data (see mathglyphs)
    glyphs: Mapping[str, Placement] = field(default_factory=dict, compare=False, repr=False)

    @property
    def data_uri(self) -> str:
        return _data_uri(self.svg)

    @property
    def link(self) -> str:
        """The ``examgen-math:`` source the PDF writer resolves (see :func:`image_for_link`)."""
        return f"{LINK_SCHEME}{'d' if self.display else 'i'}{quote(self.tex, safe='')}"

    def img(self, css_class: str = "m", alt: str = "", linked: bool = False) -> Markup:
        src = self.link if linked else self.data_uri
        return Markup(
            f'<img class="{css_class}" alt="{escape(alt)}" '
            f'style="width:{self.width_em:.3f}em;height:{self.height_em:.3f}em;'
            f'vertical-align:-{self.baseline_em:.3f}em" src="{src}">')


def image_for_link(url: str) -> MathImage | None:
    """The formula an ``examgen-math:`` link names; ``None`` for any other URL."""
    if not url.startswith(LINK_SCHEME) or len(url) <= len(LINK_SCHEME):
        return None
    mode, tex = url[len(LINK_SCHEME)], unquote(url[len(LINK_SCHEME) + 1:])
    if mode not in "id":
        return None
    return typeset(tex, display=mode == "d")


@lru_cache(maxsize=2048)
def _data_uri(svg: str) -> str:
    return _URI_PREFIX + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=2048)
def compiled_for(uri: str | None) -> Compiled | None:
    """The PDF operators of a formula image, from its data URI or ``examgen-math:`` link alone
    (so the output never depends on what a process has cached); ``None`` for other images
    (inline SVG has none)."""
    if not isinstance(uri, str):
        return None
    if uri.startswith(LINK_SCHEME):
        image = image_for_link(uri)
        return compile_svg(image.svg, image.glyphs) if image is not None else None
    if not uri.startswith(_URI_PREFIX):
        return None
    try:
        svg = base64.b64decode(uri[len(_URI_PREFIX):], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return compile_svg(svg)


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
    ziamath.config.svg2 = False  # plain paths: WeasyPrint draws them without <use>/<symbol>
    try:
        with recording() as glyphs:
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
                     display, glyphs)
