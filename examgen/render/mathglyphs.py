"""Which glyph ziamath drew where, recorded while a formula is typeset.

ziamath writes every glyph of a formula as a ``<path>`` in absolute coordinates, so a PDF
page carries the same outlines (digits, letters, operators) hundreds of times. While
:func:`recording` is active, each glyph path ziafont places is noted with its outline in font
units and its placement (``x + scale * u``, ``y - scale * v``); the PDF writer then stores each
outline once per document as a form XObject and places it with one ``cm ... Do``. The SVG
itself is not changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

_RECORD: ContextVar[dict[str, Placement] | None] = ContextVar("examgen_glyphs", default=None)
_ORIGINAL: dict[str, Any] = {}


@dataclass(frozen=True)
class Placement:
    outline: str   # SVG path data of the glyph in font units, y pointing down (placed at 0, 0)
    x: float
    y: float
    scale: float   # SVG units per font unit


def _outline(glyph: Any) -> str:
    """The glyph's path data at the origin in font units, as ziafont's ``svgpath`` writes it."""
    cached = getattr(glyph, "_examgen_outline", None)
    if cached is None:
        path = ""
        for operator in glyph.operators:
            segment = operator.path(0, 0, scale=1)
            if segment[0] == "M" and path != "":
                path += "Z "
            path += segment
        cached = path + "Z " if path else ""
        glyph._examgen_outline = cached
    return str(cached)


def install() -> None:
    """Wrap ziafont's glyph placement (idempotent). ``place`` is wrapped rather than
    ``svgpath`` so that :mod:`examgen.render.ziamath_fast` may replace the path writer."""
    from ziafont.glyph import SimpleGlyph

    if _ORIGINAL:
        return
    original = _ORIGINAL["place"] = SimpleGlyph.place

    def place(self: Any, x: float, y: float, point_size: float) -> Any:
        element = original(self, x, y, point_size)
        record = _RECORD.get()
        # glyphs with a path writer of their own (ziamath's assembled stretchy glyphs) draw
        # groups of parts: not recorded
        if (record is not None and element is not None and element.tag == "path"
                and type(self).svgpath is SimpleGlyph.svgpath):
            scale_factor = point_size / self.DFLT_SIZE_PT   # as ``place`` scales it
            record[element.attrib["d"]] = Placement(_outline(self), x, y,
                                                    self.funits_to_points(1, scale_factor))
        return element

    SimpleGlyph.place = place  # type: ignore[method-assign]


@contextmanager
def recording() -> Iterator[dict[str, Placement]]:
    """Collect the placements of the glyphs drawn inside the block, by path data."""
    install()
    record: dict[str, Placement] = {}
    token = _RECORD.set(record)
    try:
        yield record
    finally:
        _RECORD.reset(token)
