"""Speed-ups for ziamath's pure-Python layout that leave every SVG it writes byte-identical.

ziamath repeats work that does not change its results:

* ``Mrow`` lays each row out twice: first a throw-away copy of every child with stretchy
  operators left out, only to learn the row's height for stretching ``\\left( ... \\right)``
  fences, then for real; rows nest, so a formula with depth *d* is laid out ~2**d times. The
  first pass is skipped when no operator laid out with this row's height could stretch (no
  element outside nested rows whose entry in ziamath's operator dictionary, in any form, or
  whose own attributes say ``stretchy``): then the height it computes is read by no one. When
  it runs, its copies are built directly rather than through an XML round trip, and the cells
  of a table that cannot stretch (the numbers of a ``bmatrix``) are laid out once, not twice.
* ``parse_style`` deep-copies the parent's style (``dataclasses.asdict``) into a ``ChainMap``
  for every node only to read a few flat fields from it; it reads them directly here.
* ``Mnode.size_px`` rebuilds a table of named sizes on every call; it is a pure function of
  the size string and the font size, so it is memoised.
* ziafont writes a glyph's path number by number through ``fmt``; here one ``%`` template per
  glyph formats all of them and one regular expression strips the zeros, and the result is
  remembered by position (the same digit often sits at the same place in many formulas).

:func:`install` patches ziamath in place once per process. tests/unit/render checks that the
SVG of every formula is the same with and without it, and bench/typeset.py measures it.
"""

from __future__ import annotations

import re
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


def _stretchy(element: ET.Element) -> bool:
    """Whether ``element`` could become a stretchy operator (conservative: whatever its tag, its
    ``stretchy`` attribute is set or its text is an operator that can stretch)."""
    if element.get("stretchy", "false") != "false":
        return True
    text = element.text.strip() if element.text else ""
    return bool(text) and _may_stretch(text)


# elements ziamath always lays out as an ``Mrow``, which hands its children a row height of
# its own: a stretchy operator inside one never reads the enclosing row's height
_OWN_ROW_TAGS = frozenset({"mrow", "mtd"})


def _may_stretch_in(element: ET.Element) -> bool:
    """Whether ``element`` or a descendant that would be laid out with the enclosing row's
    height could become a stretchy operator."""
    if element.tag in _OWN_ROW_TAGS:
        return False
    return _stretchy(element) or any(_may_stretch_in(child) for child in element)


def _never_stretches(element: ET.Element) -> bool:
    """Whether no element anywhere under ``element`` could become a stretchy operator."""
    return not any(_stretchy(descendant) for descendant in element.iter())


def _row_may_stretch(line: list[ET.Element]) -> bool:
    """Whether an operator laid out as part of the row ``line`` could read the row's height."""
    return any(_may_stretch_in(child) for child in line)


# a number ``f"{v:.3f}"`` wrote, as ziafont's ``fmt`` strips it: trailing zeros of the
# fraction, then the point if nothing is left of it (every number in a path is followed by a
# space, and ``.3f`` always writes three decimals, so only fractions are touched)
_TRAILING_ZEROS = re.compile(r"\.?0+ ")
_PRECISION = 3  # ziafont's default ``config.precision``, the only one the fast writer knows

# a glyph's path plan: a ``%`` template of its path data and the font-unit coordinates it
# formats, x and y apart
_Plan = tuple[str, tuple[float, ...], tuple[float, ...]]
_PATHS: dict[tuple[Any, ...], str] = {}   # path data by (glyph, x0, y0, scale factor)
PATH_CACHE_SIZE = 50_000


def _path_plan(glyph: Any) -> _Plan | None:
    """The template of ``glyph``'s path data as ziafont's ``SimpleGlyph.svgpath`` writes it (a
    ``Z`` before every move but the first and at the end); ``None`` if an operator is not one
    of ziafont's four plain kinds. Kept on the glyph (ziafont never changes a glyph's
    operators)."""
    from ziafont.svgpath import Cubic, Lineto, Moveto, Quad

    plan: _Plan | None = getattr(glyph, "_examgen_path_plan", None)
    if plan is not None:
        return plan
    pieces: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for i, operator in enumerate(glyph.operators):
        kind = type(operator)
        if kind is Moveto or kind is Lineto:
            points = [operator.p]
        elif kind is Quad:
            points = [operator.p1, operator.p2]
        elif kind is Cubic:
            points = [operator.p1, operator.p2, operator.p3]
        else:
            return None
        if kind is Moveto and i:
            pieces.append("Z ")
        pieces.append("MLQC"[(Moveto, Lineto, Quad, Cubic).index(kind)] + " "
                      + "%.3f %.3f " * len(points))
        xs += (point.x for point in points)
        ys += (point.y for point in points)
    plan = ("".join(pieces) + "Z " if pieces else "", tuple(xs), tuple(ys))
    glyph._examgen_path_plan = plan
    return plan


def _path_data(glyph: Any, plan: _Plan, x0: float, y0: float, scale_factor: float) -> str:
    """``glyph``'s path data placed at (x0, y0), with the float operations of ziafont's path
    operators (``x0 + x * scale``, ``y0 - y * scale``) and the strings of its ``fmt``.
    Remembered by position: a number or letter sits at the same place in many formulas. A zero
    position is keyed by its repr, as 0.0 and -0.0 (equal keys) can give different signs."""
    key = (glyph, x0 if x0 else repr(x0), y0 if y0 else repr(y0), scale_factor)
    data = _PATHS.get(key)
    if data is None:
        template, xs, ys = plan
        scale = glyph.funits_to_points(1, scale_factor)
        values: list[float] = [0.0] * (2 * len(xs))
        values[0::2] = [x0 + x * scale for x in xs]
        values[1::2] = [y0 - y * scale for y in ys]
        data = _TRAILING_ZEROS.sub(" ", template % tuple(values))
        if len(_PATHS) >= PATH_CACHE_SIZE:
            _PATHS.clear()
        _PATHS[key] = data
    return data


# what an XML round trip keeps as it is: names without namespaces, and text of characters
# XML can carry other than a carriage return (which parsers turn into a line feed)
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.-]*")
_UNSAFE_TEXT = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _plain_text(text: object) -> bool:
    return text is None or (isinstance(text, str) and not _UNSAFE_TEXT.search(text))


def _plain_copy(element: ET.Element, root: bool = True) -> ET.Element | None:
    """The element ``ET.fromstring(ET.tostring(element))`` gives, built directly; ``None``
    where the round trip might change something or fail (namespaces, ``xml*`` attributes,
    odd names or characters, text after the root)."""
    tag, text, tail = element.tag, element.text, element.tail
    if not (isinstance(tag, str) and _PLAIN_NAME.fullmatch(tag) and _plain_text(text)
            and (tail is None if root else _plain_text(tail))):
        return None
    for key, value in element.attrib.items():
        if not (isinstance(key, str) and _PLAIN_NAME.fullmatch(key)
                and not key.lower().startswith("xml") and isinstance(value, str)
                and _plain_text(value)):
            return None
    copy = ET.Element(tag, dict(element.attrib))
    copy.text = text or None   # an empty text is written as nothing and read back as None
    if not root:
        copy.tail = tail or None
    for child in element:
        child_copy = _plain_copy(child, root=False)
        if child_copy is None:
            return None
        copy.append(child_copy)
    return copy


def _round_trip(element: ET.Element) -> ET.Element:
    """ziamath's way of copying an element for a throw-away layout."""
    return ET.fromstring(ET.tostring(element))


def _parse_style(element: ET.Element, parent_style: Any = None) -> Any:
    """ziamath's ``parse_style`` for a node with a parent, without its ``ChainMap`` over a deep
    copy of the parent's style: every field of the parent is present, so an attribute of the
    element wins and the parent's field is the fallback (ziamath's defaults are never reached,
    and ``displaystyle`` is always taken from there rather than from ``display``). Inline CSS
    (a ``style`` attribute, rare) and the root (no parent) go to ziamath's own."""
    attrib = element.attrib
    if parent_style is None or "style" in attrib:
        return _ORIGINALS["parse_style"](element, parent_style)
    from ziamath.config import config
    from ziamath.styles import MathStyle, parse_variant

    return MathStyle(
        mathcolor=attrib.get("mathcolor", parent_style.mathcolor),
        mathbackground=attrib.get("mathbackground", parent_style.mathbackground),
        mathsize=attrib.get("mathsize", parent_style.mathsize),
        scriptlevel=int(attrib.get("scriptlevel", parent_style.scriptlevel)),
        mathvariant=parse_variant(attrib.get("mathvariant", config.math.variant),
                                  parent_style.mathvariant),
        displaystyle=attrib.get("displaystyle", parent_style.displaystyle) in ("true", True))


def _escape_finder() -> re.Pattern[str] | None:
    """A pattern for what ziamath's ``escapes.regex`` replaces, without its ~2,000 alternatives
    (one per escape) tried at every position: any ``&name;`` token, or one of the few escapes
    that are not entities. Where an entity escape matches, the token is exactly that escape;
    a token that is none is left as it is, and no escape could have started inside it (a name
    holds no character an escape starts with). ``None`` if an escape is not of that shape."""
    from ziamath import escapes

    others = [key for key in escapes.ESCAPES if not key.startswith("&")]
    starts = "".join(sorted({key[0] for key in others}))
    entity = f"&[^;&{re.escape(starts)}]+;"
    if any(not re.fullmatch(entity, key) for key in escapes.ESCAPES if key.startswith("&")):
        return None
    # ziamath matches every key literally (``re.escape``), so do the others here
    return re.compile("|".join([entity, *map(re.escape, others)]))


def _unescaper(finder: re.Pattern[str]) -> Any:
    """ziamath's ``escapes.unescape`` with ``finder`` for its escape pattern."""
    from ziamath.escapes import ESCAPES

    def unescape(xmlstr: str) -> str:
        xml = finder.sub(lambda match: ESCAPES.get(match[0], match[0]), xmlstr)
        # the rest as ziamath does it: hyphens in numbers and operators become minus signs
        xml = re.sub(r"<mn.*>\s*-", "<mn>−", xml)
        return re.sub(r"<mo.*>\s*-\s*</mo>", "<mo> − </mo>", xml)

    return unescape


def _targets() -> dict[str, tuple[Any, str]]:
    """What :func:`install` replaces: name -> (owner, attribute)."""
    from ziafont.glyph import SimpleGlyph
    from ziamath import zmath
    from ziamath.nodes import mfrac, mnode, mtable
    from ziamath.nodes.mrow import Mrow

    return {"height": (Mrow, "_get_height_nostretch"),
            "fromelement": (mnode.Mnode, "fromelement"), "size_px": (mnode.Mnode, "size_px"),
            "svgpath": (SimpleGlyph, "svgpath"), "parse_style": (mnode, "parse_style"),
            "frac_parse_style": (mfrac, "parse_style"), "unescape": (zmath, "unescape"),
            "namedtuple": (mtable, "namedtuple")}


def install() -> None:
    """Patch ziamath (idempotent)."""
    if _ORIGINALS:
        return
    targets = _targets()
    _ORIGINALS.update({name: vars(owner)[attribute]
                       for name, (owner, attribute) in targets.items()})
    replacements = _replacements()
    for name, (owner, attribute) in targets.items():
        setattr(owner, attribute, replacements[name])


def _replacements() -> dict[str, Any]:
    """What :func:`install` puts in place of ``_ORIGINALS``, by the same names."""
    finder = _escape_finder()
    return {"height": _height_nostretch(),
            "fromelement": classmethod(_fromelement(_ORIGINALS["fromelement"].__func__)),
            "size_px": _memo_size_px(_ORIGINALS["size_px"]),
            "svgpath": _fast_svgpath(_ORIGINALS["svgpath"]),
            "parse_style": _parse_style, "frac_parse_style": _parse_style,
            "unescape": _unescaper(finder) if finder else _ORIGINALS["unescape"],
            # Mtable makes the same two-field class for its cells on every table
            "namedtuple": cache(_ORIGINALS["namedtuple"])}


def _height_nostretch() -> Any:
    """ziamath's ``Mrow._get_height_nostretch``, skipped when no operator will read its
    result, copying the children without an XML round trip, and keeping the cells of a
    table laid out here for the real layout (see :func:`_fromelement`)."""
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.nodetools import elementtext

    def height_nostretch(self: Any, line: list[ET.Element], **kwargs: Any) -> tuple[float, float]:
        ymax: float = -9999
        ymin: float = 9999   # what ziamath returns for an empty row
        if not _row_may_stretch(line):
            return ymin, ymax
        kwargs["nostretch"] = True
        for child in line:
            if child.tag == "mo" and elementtext(child) == "":
                continue
            copy = _plain_copy(child)
            node = Mnode.fromelement(copy if copy is not None else _round_trip(child),
                                     parent=self, **kwargs)
            ymax = max(ymax, node.bbox.ymax)
            ymin = min(ymin, node.bbox.ymin)
            if copy is not None and child.tag == "mtable" and _never_stretches(child):
                _keep_cells(self, child, node)
        return ymin, ymax

    return height_nostretch


def _keep_cells(row: Any, table: ET.Element, node: Any) -> None:
    """Remember, on ``row``, the cells of ``table`` (which cannot stretch) as laid out in
    ``node`` by the throw-away pass, for :func:`_fromelement`."""
    cells = [cell for table_row in table for cell in table_row]
    if len(cells) == len(node.nodes):
        cached = row.__dict__.setdefault("_examgen_cells", {})
        cached.update(zip(cells, node.nodes, strict=True))


def _fromelement(original: Any) -> Any:
    """ziamath's ``Mnode.fromelement`` (``original``), returning a table cell already laid out
    by the throw-away pass of the row holding the table. That is the same node: nothing in the
    table can stretch (so neither ``nostretch`` nor the row's height changes it), the copy it
    was made from equals the cell, and a cell is laid out before its table holds any node and
    with the same parents' font, size, style and element."""

    def fromelement(cls: Any, element: ET.Element, parent: Any, **kwargs: Any) -> Any:
        cells = getattr(getattr(parent, "parent", None), "_examgen_cells", None)
        if cells is not None:
            node = cells.pop(element, None)
            if node is not None:
                return node
        return original(cls, element, parent, **kwargs)

    return fromelement


def _memo_size_px(original: Any) -> Any:
    """ziamath's ``Mnode.size_px`` (``original``), memoised by size and font size."""
    sizes: dict[tuple[str, float], float] = {}

    def size_px(self: Any, size: str, fontsize: float | None = None) -> float:
        if fontsize is None:
            fontsize = self.glyphsize
        key = (size, fontsize)
        value = sizes.get(key)
        if value is None:
            value = sizes[key] = original(self, size, fontsize)
        return value

    return size_px


def _fast_svgpath(original: Any) -> Any:
    """ziafont's ``SimpleGlyph.svgpath`` (``original``) with one template per glyph (see
    :func:`_path_plan`), at the precision the plans are made for."""
    from ziafont.config import config as font_config

    def svgpath(self: Any, x0: float = 0, y0: float = 0, scale_factor: float = 1) -> Any:
        plan = _path_plan(self) if font_config.precision == _PRECISION else None
        if plan is None:
            return original(self, x0, y0, scale_factor)
        if not plan[0]:
            return None
        return ET.Element("path", attrib={"d": _path_data(self, plan, x0, y0, scale_factor)})

    return svgpath


def uninstall() -> None:
    """Restore ziamath as it was (tests compare both)."""
    if not _ORIGINALS:
        return
    for name, (owner, attribute) in _targets().items():
        setattr(owner, attribute, _ORIGINALS.pop(name))
