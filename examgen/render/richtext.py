"""Bank text -> safe HTML: paragraphs, line breaks, and ``$...$`` math as SVG images.

Layout rule (see docs/bank-format.md): a blank line starts a paragraph; inside a paragraph a
single line break is a space, except in worked solutions (``steps=True``), where each line is
a step of its own. Text is HTML-escaped; only the math images are markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from examgen.render.mathsvg import typeset

_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_CODE = re.compile(r"`([^`]+)`")


def _plain(text: str) -> str:
    """Escaped text with `code` spans."""
    out, pos = [], 0
    for m in _CODE.finditer(text):
        out.append(str(escape(text[pos:m.start()])))
        out.append(f"<code>{escape(m.group(1))}</code>")
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return "".join(out).replace("\\$", "$")


def inline(text: str) -> Markup:
    """One run of text with inline math and `code`."""
    out: list[str] = []
    pos = 0
    for m in _MATH.finditer(text):
        out.append(_plain(text[pos:m.start()]))
        tex = " ".join(m.group(1).split())
        out.append(str(typeset(tex).img(alt=tex)))
        pos = m.end()
    out.append(_plain(text[pos:]))
    return Markup("".join(out))


def rich(text: str, steps: bool = False) -> Markup:
    """Paragraphs of text with math; ``steps`` keeps single line breaks."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = []
    for para in paragraphs:
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        body = Markup("<br>").join(inline(x) for x in lines) if steps else inline(" ".join(lines))
        html.append(f"<p>{body}</p>")
    return Markup("".join(html))


def formulas(text: str) -> list[str]:
    """Every formula in ``text`` (used by checks)."""
    return [" ".join(m.group(1).split()) for m in _MATH.finditer(text)]
