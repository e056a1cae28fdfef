"""Bank text -> the HTML an LMS shows: paragraphs, line breaks, `code`, and ``$...$`` math.

Math goes through a :class:`MathRenderer`: :class:`TexMath` writes ``\\( ... \\)`` (and
``\\[ ... \\]``) for the LMS's MathJax filter; :class:`SvgMath` typesets the formula to an SVG
file (through :func:`formula_svg`, the project's ziamath path) and writes an ``<img>`` whose
source the format decides (Moodle: ``@@PLUGINFILE@@/name``; a package: a file in it). The
layout rules are the bank's (docs/bank-format.md): a blank line starts a paragraph; a single line
break is a space, except in worked solutions, where each line is a step.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from examgen.model import Text

_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_CODE = re.compile(r"`([^`]+)`")

LANGS = ("ko", "en", "both")


@dataclass(frozen=True)
class MathFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class Html:
    """HTML text and the files its images use."""

    html: str
    files: tuple[MathFile, ...] = ()


def join(*parts: Html) -> Html:
    """Several HTML texts one after the other, with all their files."""
    return Html("".join(p.html for p in parts), tuple(f for p in parts for f in p.files))


class MathRenderer:
    """Formula -> HTML; ``files`` collects the files written so far (none for TeX)."""

    def __init__(self) -> None:
        self.files: dict[str, MathFile] = {}

    def __call__(self, tex: str, display: bool = False) -> str:
        raise NotImplementedError


class TexMath(MathRenderer):
    def __call__(self, tex: str, display: bool = False) -> str:
        body = html.escape(tex, quote=False)
        return f"\\[{body}\\]" if display else f"\\({body}\\)"


def formula_svg(tex: str, display: bool = False) -> tuple[str, float, float, float]:
    """The one way an export typesets a formula: (SVG text, width, height, depth below the
    baseline in em). Today the project's ziamath path (examgen.render.mathsvg)."""
    from examgen.render import typeset

    image = typeset(tex, display=display)
    return image.svg, image.width_em, image.height_em, image.baseline_em


class SvgMath(MathRenderer):
    """Formulas as SVG files named by their content; ``src`` maps a file name to the image
    source the format uses."""

    def __init__(self, src: Callable[[str], str]):
        super().__init__()
        self.src = src

    def __call__(self, tex: str, display: bool = False) -> str:
        svg, width, height, depth = formula_svg(tex, display)
        data = svg.encode("utf-8")
        name = f"math-{hashlib.sha256(data).hexdigest()[:16]}.svg"
        self.files.setdefault(name, MathFile(name, data))
        style = (f"width:{width:.3f}em;height:{height:.3f}em;vertical-align:-{depth:.3f}em"
                 + (";display:block;margin:0.5em auto" if display else ""))
        return (f'<img src="{html.escape(self.src(name))}" alt="{html.escape(tex)}" '
                f'style="{style}">')


@dataclass
class Writer:
    """Turns bank texts into HTML in one language (``ko``, ``en`` or ``both``: Korean, then
    English) with one math renderer."""

    lang: str
    math: MathRenderer = field(default_factory=TexMath)

    def inline(self, text: str) -> str:
        out: list[str] = []
        pos = 0
        for m in _MATH.finditer(text):
            out.append(_plain(text[pos:m.start()]))
            out.append(self.math(" ".join(m.group(1).split())))
            pos = m.end()
        out.append(_plain(text[pos:]))
        return "".join(out)

    def block(self, text: str, steps: bool = False) -> str:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
        out = []
        for para in paragraphs:
            lines = [line.strip() for line in para.splitlines() if line.strip()]
            body = "<br>".join(self.inline(x) for x in lines) if steps \
                else self.inline(" ".join(lines))
            out.append(f"<p>{body}</p>")
        return "".join(out)

    def text(self, t: Text | None, steps: bool = False, inline: bool = False) -> Html:
        """``t`` in this writer's language(s), with the files of the formulas it uses."""
        if t is None:
            return Html("")
        one = (lambda s: self.inline(s)) if inline else (lambda s: self.block(s, steps))
        if self.lang == "both" and t.en:
            tag = "span" if inline else "div"
            body = (f'<{tag} lang="ko">{one(t.ko)}</{tag}>'
                    + (" / " if inline else "") + f'<{tag} lang="en">{one(t.en)}</{tag}>')
        else:
            body = one(t.get(self.lang))
        return self.html(body)

    def html(self, body: str) -> Html:
        """``body`` with every file it uses (formulas typeset for it or earlier for another
        text)."""
        return Html(body, tuple(f for n, f in sorted(self.math.files.items()) if n in body))

    def plain(self, t: Text | None) -> str:
        """``t`` as plain text (math left as TeX source), for places that take no HTML."""
        if t is None:
            return ""
        def strip(s: str) -> str:
            return _MATH.sub(lambda m: " ".join(m.group(1).split()), s).replace("\\$", "$")
        if self.lang == "both" and t.en:
            return f"{strip(t.ko)} / {strip(t.en)}"
        return strip(t.get(self.lang))


def _plain(text: str) -> str:
    out, pos = [], 0
    for m in _CODE.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        out.append(f"<code>{html.escape(m.group(1), quote=False)}</code>")
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out).replace("\\$", "$")
