"""Exam copies -> Typst source (exam, answer key) from ``templates/copy.typ.j2``.

Jinja2 runs sandboxed with StrictUndefined; its autoescape is on, with a ``finalize`` that
escapes every value a template prints for Typst markup (:func:`examgen.render.typmarkup.escape`)
unless a filter or a macro made it (a :class:`~examgen.render.typmarkup.Typ` or Jinja's
``Markup``, both passed through), so no HTML escaping happens and no value is printed raw.
The page style and macros live in ``templates/preamble.typ``, which each document imports.

:func:`render_document` puts each question's body in a file of its own (named by its
content) that the document includes: Typst reuses the layout of a file it laid out for an
earlier document of the process (the same short-answer question in every student's copy, a
choice question two students drew with the same options), where the same text inside each
document's own source is laid out afresh every time. On bench/generate.py's copies the
compiler does about 15 % less per copy (valgrind, 12 copies in one process: 97 M of some
640 M instructions), and the same PDF bytes. :func:`render_source` gives the same document as
one source, bodies in place.

The template makes an equal body once per process (:class:`QuestionBody`, all that the body's
macro reads, with the document's kind and language as the key): on 30 of bench/generate.py's
copies, 155 M instead of 165 M instructions per copy to assemble it and write its two sources
(valgrind), the same sources.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from examgen.model import ExamCopy, ExamHeader, ExamSpec, QuestionType, Text, Variant, VariantPart
from examgen.render.labels import LABELS, SPELLINGS_SHOWN, tr
from examgen.render.linefit import (
    BI_ROOM_EM,
    OPTION_ROOM_EM,
    SMALL_ROOM_EM,
    TEXT_ROOM_EM,
    fits,
    room_em,
)
from examgen.render.typmarkup import Typ, escape, inline, math, rich, words
from examgen.resources import templates_dir

TEMPLATES_DIR = templates_dir()
PREAMBLE = "preamble.typ"
Kind = Literal["exam", "key"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)(mm|cm|pt|in|em)")


def _num(x: float) -> str:
    return f"{x:g}"


def _pts(x: float, lang: str) -> str:
    if lang == "en":
        return f"{x:g} pt" if x == 1 else f"{x:g} pts"
    return f"{x:g}점"


def _minutes(x: int, lang: str) -> str:
    return f"{x} min" if lang == "en" else f"{x}분"


def _form(code: str, lang: str) -> str:
    return f"Form {code}" if lang == "en" else f"{code}형"


def _string(text: str) -> Typ:
    """The inside of a Typst string literal."""
    return Typ(text.replace("\\", "\\\\").replace('"', '\\"'))


def _typ_length(length: str) -> Typ:
    m = _LENGTH.fullmatch(length)
    if m is None:   # the spec loader validated it; never print anything else as code
        raise ValueError(f"not a length: {length!r}")
    return Typ(length)


def readable_spellings(synonyms: Any) -> tuple[list[str], list[str]]:
    """A concept's spellings worth showing a reader, those with Hangul and the others; LaTeX
    spellings (``h \\times d_v``) only help match typed answers and are left out."""
    usable = [s for s in synonyms if "\\" not in s]
    return ([s for s in usable if _HANGUL.search(s)],
            [s for s in usable if not _HANGUL.search(s)])


def _spellings(synonyms: Any, lang: str) -> list[str]:
    """A few spellings of a rubric concept, in the key's language first, ending in "…" when
    there are more."""
    korean, other = readable_spellings(synonyms)
    if lang == "en":
        shown = other[:SPELLINGS_SHOWN] or korean[:SPELLINGS_SHOWN]
    else:
        shown = korean[:SPELLINGS_SHOWN] + other[:SPELLINGS_SHOWN]
    return shown + (["…"] if len(shown) < len(korean) + len(other) else [])


def _one_line(text: Text | str, before: list[str], room: float,
              after: list[str] | None = None) -> bool:
    """Whether ``text`` (each language alone, as the templates print a text whose languages
    differ on lines of their own or not at all), with ``before`` and ``after`` on its line,
    surely fits in ``room`` ems."""
    said = [text] if isinstance(text, str) else [text.ko, *([text.en] if text.en else [])]
    return all(fits([*before, t, *(after or [])], room) for t in said)


def _finalize(value: Any) -> Any:
    return value if hasattr(value, "__html__") else escape(value)


@lru_cache(maxsize=4)
def environment(templates_dir: str = str(TEMPLATES_DIR)) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(templates_dir), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True, finalize=_finalize)
    env.filters.update({
        "tr": tr, "pts": _pts, "num": _num, "minutes": _minutes, "form": _form,
        "spellings": _spellings, "string": _string, "typ_length": _typ_length,
        "rich": lambda text, steps=False, room=0.0: rich(text, steps, room), "inline": inline,
        "math": math,
        "one_line": _one_line, "parenthesized": lambda text: f" ({text})", "words": words,
    })
    env.globals.update({"option_room": OPTION_ROOM_EM, "small_room": SMALL_ROOM_EM,
                        "text_room": TEXT_ROOM_EM, "bi_room": BI_ROOM_EM, "room": room_em})
    return env


NEGATIVE_NOTE = Text("객관식 문제를 틀리면 그 문제 배점의 {pct}%를 감점한다 (예: {pts}점 문제는 −{cost}점). "
                     "답하지 않은 문제는 감점하지 않는다.",
                     "A wrong answer to a choice question costs {pct}% of its points (a {pts}-point "
                     "question: −{cost}). Unanswered questions cost nothing.")


def _negative_note(header: ExamHeader | ExamSpec, copy: ExamCopy) -> Text | None:
    if header.negative <= 0:
        return None
    choice = [q.points for q in copy.questions
              if q.variant.type.value in ("single_choice", "multiple_choice")]
    pts = choice[0] if choice else 1.0
    fill = {"pct": f"{header.negative * 100:g}", "pts": f"{pts:g}",
            "cost": f"{pts * header.negative:g}"}
    return Text(NEGATIVE_NOTE.ko.format(**fill), (NEGATIVE_NOTE.en or "").format(**fill))


@dataclass(frozen=True)
class TypstDocument:
    """A document's source and the files it includes: (path in the compile root, text)."""
    source: str
    files: tuple[tuple[str, str], ...] = ()


BLOCK_HEAD = '#import "/preamble.typ": *\n'


@dataclass(frozen=True)
class QuestionBody:
    """All that a question's body prints (``question_body`` in templates/_macros.typ.j2 reads
    nothing else but the document's language): the variant's printed fields and, in an exam,
    the room left for working under each part (a Typst length or None). Equal bodies print the
    same text in documents of the same kind and language, whoever's copy they are in."""
    type: QuestionType
    prompt: Text
    parts: tuple[VariantPart, ...]
    solution: Text | None
    explanation: Text | None
    work: tuple[str | None, ...]


BODY_CACHE_SIZE = 2048   # question bodies kept per process (a few MB)
_bodies: OrderedDict[tuple[Any, ...], tuple[str, str]] = OrderedDict()   # least recent first
_bodies_lock = threading.Lock()


def _block_file(text: str) -> tuple[str, str]:
    """A question body's file: its path in the compile root (named by its content) and text."""
    content = BLOCK_HEAD + text
    return f"/blocks/{hashlib.sha256(content.encode()).hexdigest()[:32]}.typ", content


def render_document(kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec,
                    templates_dir: str = str(TEMPLATES_DIR),
                    work_space: Any = None) -> TypstDocument:
    """One copy's exam or answer key (``spec``: an exam spec, or just an
    :class:`~examgen.model.ExamHeader`) as a source that includes a file per question body;
    ``work_space(section index, question type)`` gives the room to leave for working (a Typst
    length such as ``"3cm"``, or None)."""
    files: dict[str, str] = {}

    def include(name: str, text: str) -> Typ:
        files[name] = text
        return Typ(f'#include "{name}"')

    source = _render(kind, copy, spec, templates_dir, work_space, include)
    return TypstDocument(source, tuple(files.items()))


def render_source(kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec,
                  templates_dir: str = str(TEMPLATES_DIR),
                  work_space: Any = None) -> str:
    """The Typst source of one copy's exam or answer key, as :func:`render_document` gives
    it but with every question body in place: one self-contained text."""
    return _render(kind, copy, spec, templates_dir, work_space,
                   lambda name, text: Typ(text[len(BLOCK_HEAD):]))


def _render(kind: Kind, copy: ExamCopy, spec: ExamHeader | ExamSpec, templates_dir: str,
            work_space: Any, place: Callable[[str, str], Typ]) -> str:
    """The document's source; ``place(file name, file text)`` prints a question's body."""
    lang = spec.language
    langs: list[str] = ["ko", "en"] if lang == "both" else [lang]
    ui = LABELS["en" if lang == "en" else "ko"]
    env = environment(templates_dir)
    template = env.get_template("copy.typ.j2")
    # the macros the document imports: a template edited on disk is a new object, so its
    # bodies are made afresh
    macros = env.get_template("_macros.typ.j2")
    work_for = _work_for(work_space)

    def shared(question_body: Callable[[QuestionBody, str], str], variant: Variant,
               section: int) -> Typ:
        """A question's body, made by the template's ``question_body`` macro unless an equal
        body was made for a document of the same kind and language in this process."""
        work = work_for(section, variant.type.value)
        body = QuestionBody(variant.type, variant.prompt, variant.parts, variant.solution,
                            variant.explanation,
                            tuple(work(p.kind.value) if kind == "exam" else None
                                  for p in variant.parts))
        key = (macros, lang, kind, body)
        with _bodies_lock:
            made = _bodies.get(key)
            if made is not None:
                _bodies.move_to_end(key)
        if made is None:
            made = _block_file(str(question_body(body, kind)))
            with _bodies_lock:
                _bodies[key] = made
                while len(_bodies) > BODY_CACHE_SIZE:
                    _bodies.popitem(last=False)
        return place(*made)

    return template.render(
        kind=kind, copy=copy, spec=spec, lang=langs[0], langs=langs,
        doc_lang="en" if lang == "en" else "ko", ui=ui, labels=LABELS, footer=_footer(copy, langs),
        negative_note=_negative_note(spec, copy), shared=shared)


def _footer(copy: ExamCopy, langs: list[str]) -> str:
    """Who the pages belong to, in each language of the exam: the student id (a practice
    sheet: the nickname) and the form."""
    def said(text: Callable[[str], str]) -> str:   # "학번 (Student ID)" when bilingual
        first, *other = [text(x) for x in langs]
        return f"{first} ({other[0]})" if other else first

    if copy.student is not None and copy.student.student_id:
        footer = f"{said(lambda x: LABELS[x]['student_id'])} {copy.student.student_id}"
    elif copy.student is not None:
        footer = f"{said(lambda x: LABELS[x]['name'])} {copy.student.name}"
    else:
        footer = ""
    if copy.form:
        footer += (" · " if footer else "") + said(lambda x: _form(copy.form or "", x))
    return footer


def _work_for(work_space: Any) -> Any:
    """For a question (section index, its type): room to leave for working by part kind (the
    part's own kind first, then the question's type), as a Typst length or None."""
    def for_question(section: int, qtype: str) -> Any:
        def for_part(kind: str) -> Any:
            if work_space is None:
                return None
            return work_space(section, kind) or work_space(section, qtype)
        return for_part
    return for_question
