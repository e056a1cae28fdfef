"""Speed-ups for ziamath's pure-Python layout that leave every SVG it writes byte-identical.

ziamath spends most of a formula in three places that repeat work without changing results:

* ``Mrow`` lays each row out twice: first a throw-away copy of every child with stretchy
  operators left out, only to learn the row's height for stretching ``\\left( ... \\right)``
  fences, then for real; rows nest, so a formula with depth *d* is laid out ~2**d times. The
  first pass is skipped here when nothing in the row can stretch (no operator whose entry in
  ziamath's operator dictionary, in any form, or whose own attributes say ``stretchy``): then
  the height it computes is read by no one.
* ``parse_style`` deep-copies the parent's style (``dataclasses.asdict``) for every node only to
  read a few flat fields from it.
* ``Mnode.size_px`` rebuilds a table of named sizes on every call; it is a pure function of
  the size string and the font size, so it is memoised.

:func:`install` patches ziamath in place once per process. tests/unit/render checks that the
SVG of every formula is the same with and without it.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from xml.etree import ElementTree as ET

_ORIGINALS: dict[str, Any] = {}
_FORMS = ("prefix", "infix", "postfix")


@cache
def _may_stretch(text: str) -> bool:
    """Whether ziamath's operator dictionary makes ``text`` stretchy in some form."""
    from ziamath import operators

    return any(operators.operators.get((text, form), {}).get("stretchy", "false") != "false"
               for form in _FORMS)


def _row_may_stretch(line: list[ET.Element]) -> bool:
    """Whether any element under ``line`` could become a stretchy operator (conservative: any
    element, whatever its tag, whose text is an operator that can stretch)."""
    for child in line:
        for element in child.iter():
            if element.get("stretchy", "false") != "false":
                return True
            text = element.text.strip() if element.text else ""
            if text and _may_stretch(text):
                return True
    return False


def install() -> None:
    """Patch ziamath (idempotent)."""
    from ziamath import styles
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow

    if _ORIGINALS:
        return
    _ORIGINALS.update(asdict=styles.asdict, height=Mrow._get_height_nostretch,
                      size_px=Mnode.size_px)

    # a shallow, read-only view is all parse_style needs of the parent's style
    styles.asdict = vars  # type: ignore[assignment]

    original_height = _ORIGINALS["height"]

    def height_nostretch(self: Any, line: list[ET.Element], **kwargs: Any) -> tuple[float, float]:
        if not _row_may_stretch(line):
            return 9999, -9999  # what ziamath returns for an empty row; read by no operator
        return original_height(self, line, **kwargs)

    Mrow._get_height_nostretch = height_nostretch  # type: ignore[method-assign]

    original_size_px = _ORIGINALS["size_px"]
    sizes: dict[tuple[str, float], float] = {}

    def size_px(self: Any, size: str, fontsize: float | None = None) -> float:
        if fontsize is None:
            fontsize = self.glyphsize
        key = (size, fontsize)
        value = sizes.get(key)
        if value is None:
            value = sizes[key] = original_size_px(self, size, fontsize)
        return value

    Mnode.size_px = size_px  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore ziamath as it was (tests compare both)."""
    from ziamath import styles
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow

    if not _ORIGINALS:
        return
    styles.asdict = _ORIGINALS.pop("asdict")
    Mrow._get_height_nostretch = _ORIGINALS.pop("height")  # type: ignore[method-assign]
    Mnode.size_px = _ORIGINALS.pop("size_px")  # type: ignore[method-assign]
