"""Exam spec + bank + roster -> the copies to print (per student or per form) and the manifest.

Pure: no files are read or written here. Question selection is made once per exam (seeded by
the exam seed), so every copy has equivalent questions; each copy then gets its own variants
(seeded by exam seed, copy and question id) and, when asked, its own question and option order.
Questions are only reordered among positions with the same part structure, so one submission
header (``student_id,Q1,Q2,Q3a,Q3b,...``) fits every copy.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from examgen.bank import Bank
from examgen.errors import SpecError, UsageError, did_you_mean
from examgen.model import (
    Assembly,
    ExamCopy,
    ExamQuestion,
    ExamSection,
    ExamSpec,
    Pick,
    Student,
    Template,
    Text,
    Variant,
    VariantPart,
)
from examgen.rng import derive_seed, make_rng
from examgen.variants import make_variant

Selected = tuple[tuple[Text, tuple[tuple[Template, float | None], ...]], ...]


def select_questions(spec: ExamSpec, bank: Bank) -> Selected:
    """The templates of each section (with point overrides); the same for every copy."""
    problems: list[str] = []
    used: set[str] = {p.id for s in spec.sections for p in s.picks if p.id}
    out = []
    for si, section in enumerate(spec.sections):
        chosen: list[tuple[Template, float | None]] = []
        for pi, pick in enumerate(section.picks):
            if pick.id is not None:
                if pick.id not in bank:
                    problems.append(f"{spec.path}:{pick.line}: no question with id "
                                    f"'{pick.id}' in the bank"
                                    + did_you_mean(pick.id, [t.id for t in bank.templates]))
                    continue
                chosen.append((bank.get(pick.id), pick.points))
                continue
            if pick.topic is not None and pick.topic not in bank.topics:
                problems.append(f"{spec.path}:{pick.line}: no topic '{pick.topic}' in the bank; "
                                f"topics are {', '.join(bank.topics)}"
                                + did_you_mean(pick.topic, bank.topics))
                continue
            pool = [t for t in bank.templates if _matches(t, pick) and t.id not in used]
            if len(pool) < pick.count:
                names = ", ".join(t.id for t in pool) or "none"
                problems.append(f"{spec.path}:{pick.line}: asks for {pick.count} question(s) "
                                f"with {pick.describe()} but the bank has {len(pool)} left "
                                f"({names}); lower count or widen the filter")
                continue
            rng = make_rng(derive_seed(spec.seed, "select", si, pi))
            for k in sorted(rng.choice(len(pool), size=pick.count, replace=False).tolist()):
                used.add(pool[k].id)
                chosen.append((pool[k], pick.points))
        out.append((section.title, tuple(chosen)))
    if problems:
        raise SpecError("\n".join(problems))
    return tuple(out)


def _matches(t: Template, pick: Pick) -> bool:
    return ((pick.topic is None or t.topic == pick.topic)
            and all(tag in t.tags for tag in pick.tags)
            and (pick.difficulty is None or t.difficulty is pick.difficulty)
            and (pick.type is None or t.type is pick.type))


def _scaled(v: Variant, points: float | None) -> Variant:
    """The variant with its parts' points scaled to a new total."""
    if points is None or abs(points - v.points) < 1e-12:
        return v
    factor = points / v.points
    parts = tuple(replace(p, points=round(p.points * factor, 6)) for p in v.parts)
    return replace(v, parts=parts)


def _signature(v: Variant) -> tuple[str, ...]:
    return tuple(p.label for p in v.parts)


def _order(n_items: Sequence[tuple[str, ...]], rng: np.random.Generator) -> list[int]:
    """A permutation that only swaps positions with equal signatures."""
    order = list(range(len(n_items)))
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, sig in enumerate(n_items):
        groups.setdefault(sig, []).append(i)
    for positions in groups.values():
        perm = rng.permutation(len(positions))
        for dst, src in zip(positions, perm, strict=True):
            order[dst] = positions[int(src)]
    return order


def make_copy(spec: ExamSpec, selected: Selected, copy_key: str, copy_id: str,
              student: Student | None, form: str | None) -> ExamCopy:
    """One copy: its variants, question order and labels."""
    number = 0
    sections = []
    for si, (title, chosen) in enumerate(selected):
        drawn = []
        for template, points in chosen:
            seed = derive_seed(spec.seed, copy_key, template.id)
            variant = make_variant(template, seed, shuffle_choices=spec.shuffle_choices)
            drawn.append((template.id, seed, _scaled(variant, points)))
        if spec.shuffle_questions:
            rng = make_rng(derive_seed(spec.seed, copy_key, "order", si))
            drawn = [drawn[i] for i in _order([_signature(d[2]) for d in drawn], rng)]
        qs = []
        for tid, seed, variant in drawn:
            number += 1
            qs.append(ExamQuestion(number, f"Q{number}", tid, seed, variant))
        sections.append(ExamSection(title, tuple(qs)))
    return ExamCopy(copy_id, student, form, tuple(sections))


def form_codes(n: int) -> list[str]:
    return list(string.ascii_uppercase[:n])


@dataclass(frozen=True)
class AssemblyPlan:
    """Everything needed to build the copies, without building them: :meth:`copies` makes
    them one at a time (each seeded by its own id, so a copy is the same whether it is built
    alone, lazily or among all of them) and :meth:`assembly` all at once. A generate run
    streams the copies, so its memory does not grow with the roster."""

    spec: ExamSpec
    students: tuple[Student, ...]
    selected: Selected
    form_of: tuple[tuple[str, str], ...]  # (student_id, form) in forms mode

    @property
    def forms_mode(self) -> bool:
        return self.spec.mode == "forms"

    def __len__(self) -> int:
        """The number of copies."""
        return self.spec.forms if self.forms_mode else len(self.students)

    def copies(self) -> Iterator[ExamCopy]:
        """Every copy, built when it is asked for (students or forms in order)."""
        if self.forms_mode:
            for code in form_codes(self.spec.forms):
                yield make_copy(self.spec, self.selected, f"form:{code}", f"form-{code}", None,
                                code)
            return
        for s in self.students:
            yield self.student_copy(s)

    def copy_ids(self) -> Iterator[str]:
        """The ids of :meth:`copies`, in the same order, without building them."""
        if self.forms_mode:
            yield from (f"form-{c}" for c in form_codes(self.spec.forms))
        else:
            yield from (s.student_id for s in self.students)

    def student_copy(self, s: Student) -> ExamCopy:
        return make_copy(self.spec, self.selected, f"student:{s.student_id}", s.student_id, s,
                         None)

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """The submission columns (the same for every copy; the first one is built to tell)."""
        first = next(self.copies(), None)
        return first.columns if first is not None else ()

    def assembly(self) -> Assembly:
        """Every copy, built now."""
        return Assembly(self.spec, self.students, tuple(self.copies()), self.form_of)


def plan_assembly(spec: ExamSpec, bank: Bank, students: Sequence[Student]) -> AssemblyPlan:
    """The questions chosen (once per exam) and the copies to build: one per student, or one
    per form in forms mode."""
    selected = select_questions(spec, bank)
    form_of: tuple[tuple[str, str], ...] = ()
    if spec.mode == "forms":
        codes = form_codes(spec.forms)
        form_of = tuple((s.student_id, codes[i % len(codes)]) for i, s in enumerate(students))
    return AssemblyPlan(spec, tuple(students), selected, form_of)


def assemble(spec: ExamSpec, bank: Bank, students: Sequence[Student]) -> Assembly:
    """Build every copy: one per student, or one per form in forms mode."""
    return plan_assembly(spec, bank, students).assembly()


def student_copies(asm: Assembly | AssemblyPlan, student_ids: Sequence[str],
                   roster: str) -> tuple[ExamCopy, ...]:
    """The copies of these students (in roster order), to regenerate them alone; each is
    identical to the full run's because every copy is seeded by its own id (from a plan,
    only these copies are built)."""
    if asm.spec.mode == "forms":
        raise UsageError(f"--student only applies to per-student exams; {asm.spec.path} uses "
                         "mode: forms, whose copies are shared: run examgen generate without "
                         "--student")
    unknown = sorted(set(student_ids) - {s.student_id for s in asm.students})
    if unknown:
        raise SpecError(f"student id(s) not in the roster {roster}: {', '.join(unknown)}")
    wanted = set(student_ids)
    if isinstance(asm, AssemblyPlan):
        return tuple(asm.student_copy(s) for s in asm.students if s.student_id in wanted)
    return tuple(c for c in asm.copies if c.copy_id in wanted)


def part_of(q: ExamQuestion, column: str) -> VariantPart:
    """The variant part a submission column answers."""
    return q.variant.parts[q.columns.index(column)]
