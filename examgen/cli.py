"""The ``examgen`` command line: parses arguments, calls the core, and turns an
:class:`~examgen.errors.ExamgenError` into ``Error: ...`` and its exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from examgen import __version__
from examgen.errors import BankError, ExamgenError
from examgen.io import safe_file_name
from examgen.model import Variant


def _bank(args: argparse.Namespace) -> Any:
    from examgen.bank import load_bank

    return load_bank(args.bank)


def cmd_bank_list(args: argparse.Namespace) -> int:
    from examgen.bank import template_summary

    bank = _bank(args)
    rows = [dict(template_summary(t)) for t in bank.templates]
    if args.json:
        computed = [r for r in rows if r["computed"] or r["type"] == "symbolic"]
        summary = {
            "templates": len(rows),
            "numeric_templates": len(computed),
            "concept_questions": len(rows) - len(computed),
            "families": sorted({r["family"] for r in rows if r["family"]}),
            "topics": list(bank.topics),
        }
        print(json.dumps({"summary": summary, "questions": rows}, ensure_ascii=False, indent=2))
        return 0
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        kind = r["family"] or ""
        print(f"{r['id']:<{width}}  {r['topic']:<17} {r['type']:<15} {r['difficulty']:<6} "
              f"{r['points']:>4g}  {kind}")
    n_num = sum(1 for r in rows if r["computed"] or r["type"] == "symbolic")
    print(f"\n{len(rows)} questions: {n_num} numeric/symbolic templates, "
          f"{len(rows) - n_num} concept questions, {len(bank.topics)} topics")
    return 0


def format_variant(v: Variant, lang: str) -> str:
    """A variant as terminal text: prompt, parts with answers, options, misconceptions,
    solution (math stays in LaTeX)."""
    lines = [f"[{v.template_id}] {v.topic} · {v.type.value} · {v.difficulty.value} · "
             f"{v.points:g}점 · seed {v.seed}", "", v.prompt.get(lang), ""]
    for p in v.parts:
        head = f"({p.label}) " if p.label else ""
        if p.prompt is not None:
            lines.append(f"{head}{p.prompt.get(lang)}  [{p.points:g}]")
        for o in p.options:
            mark = "*" if o.correct else " "
            why = f"   ← {o.misconception}" if o.misconception else ""
            lines.append(f"  {mark} {o.key}. {o.text.get(lang)}{why}")
        answer = "정답" if lang == "ko" else "Answer"
        if p.references:
            lines.append(f"{head}{answer}: {p.references[0].get(lang)}")
            concepts = "; ".join(f"{c.concept} ({c.weight:g}): {' | '.join(c.synonyms)}"
                                 for c in p.rubric)
            lines.append(f"    rubric: {concepts}")
        else:
            tol = f"  (tolerance {p.tolerance.describe(lang)})" if p.tolerance else ""
            lines.append(f"{head}{answer}: {p.display}{tol}")
        for m in p.misconceptions:
            lines.append(f"    misconception {m.id}: {m.display} — {m.description.get(lang)}")
        lines.append("")
    if v.solution is not None:
        lines += ["풀이:" if lang == "ko" else "Solution:", v.solution.get(lang), ""]
    if v.explanation is not None:
        lines += ["해설:" if lang == "ko" else "Explanation:", v.explanation.get(lang)]
    return "\n".join(lines).rstrip() + "\n"


def cmd_bank_show(args: argparse.Namespace) -> int:
    from examgen.manifest import variant_to_dict
    from examgen.variants import make_variant

    bank = _bank(args)
    v = make_variant(bank.get(args.id), args.seed)
    if args.json:
        print(json.dumps(variant_to_dict(v), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_variant(v, args.lang))
    return 0


def cmd_bank_check(args: argparse.Namespace) -> int:
    from examgen.bank import GLOSSARY_FILE, check_rendering, load_glossary
    from examgen.errors import GlossaryError

    try:
        bank = _bank(args)
    except BankError as e:
        print(e, file=sys.stderr)
        print(f"bank check: {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    problems: list[object] = list(check_rendering(bank))
    glossary = Path(bank.root) / GLOSSARY_FILE
    terms = 0
    if glossary.exists():
        try:
            terms = len(load_glossary(glossary).terms)
        except GlossaryError as e:
            problems += str(e).splitlines()
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"bank check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"bank check: {len(bank)} questions in {len(bank.topics)} topics"
          + (f", glossary of {terms} terms" if terms else "") + ", no problems")
    return 0


def cmd_bank_stress(args: argparse.Namespace) -> int:
    import time

    from examgen.bank import stress_template

    bank = _bank(args)
    templates = [bank.get(i) for i in args.ids] if args.ids else list(bank.templates)
    start = time.perf_counter()
    results = [stress_template(t, args.n) for t in templates]
    elapsed = time.perf_counter() - start
    bad = [r for r in results if not r.ok]
    if args.json:
        print(json.dumps([{"id": r.template_id, "draws": r.draws, "distinct": r.distinct,
                           "issues": dict(r.issues), "examples": r.examples}
                          for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            status = "ok " if r.ok else "BAD"
            print(f"{status} {r.template_id:<44} {r.distinct:>5} distinct / {r.draws}")
            for kind, count in sorted(r.issues.items()):
                print(f"      {kind}: {count} (e.g. {r.examples[kind][:160]})")
    draws = sum(r.draws for r in results)
    print(f"bank stress: {len(results)} templates, {draws} variants in {elapsed:.1f} s "
          f"({1000 * elapsed / max(draws, 1):.2f} ms each); {len(bad)} with problems",
          file=sys.stderr)
    return 1 if bad else 0


def cmd_bank_families(args: argparse.Namespace) -> int:
    from examgen.families import REGISTRY

    for name in sorted(REGISTRY):
        f = REGISTRY[name]
        defaults = ", ".join(f"{k}={v}" for k, v in f.defaults.items())
        print(f"{name}: {f.summary}")
        print(f"    inputs:  {' '.join(f.inputs)}" + (f"   (defaults: {defaults})" if defaults else ""))
        print(f"    outputs: {', '.join(f'{k} ({v})' for k, v in f.outputs.items())}")
        for m in f.misconceptions:
            print(f"    misconception {m.id} [changes {', '.join(m.affects)}]: {m.description.en}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from examgen.bank import load_bank
    from examgen.io import DEFAULT_ROSTER, load_roster, load_spec
    from examgen.jobs import generate, progress_bar

    spec = load_spec(args.spec)
    if args.seed is not None:
        from dataclasses import replace

        spec = replace(spec, seed=args.seed)
    bank = load_bank(args.bank)
    roster = args.roster if args.roster is not None else DEFAULT_ROSTER
    students = load_roster(roster)
    # the spec's name is text from a file: "..", "a/b" or 300 characters never leave output/
    out = args.out if args.out is not None else Path("output") / safe_file_name(spec.name)
    res = generate(spec, bank, students, out, workers=args.workers, only=args.student,
                   roster=str(roster), progress=progress_bar(), combined=args.combined)
    if args.student:
        print(f"regenerated the exam and answer key of {res.copies} student(s) in "
              f"{res.out_dir}/ in {res.seconds:.1f} s; manifest.json and the other copies "
              "are unchanged")
        return 0
    per_copy = res.seconds / max(res.copies, 1)
    what = "form(s)" if spec.mode == "forms" else "exam(s)"
    print(f"generated {res.copies} {what} with answer key(s) for {len(students)} students in "
          f"{res.out_dir}/ ({min(res.exam_pages)}-{max(res.exam_pages)} exam pages, "
          f"{min(res.key_pages)}-{max(res.key_pages)} key pages) in {res.seconds:.1f} s "
          f"({per_copy:.2f} s per copy, {res.workers} worker(s)); "
          f"submissions use {res.out_dir}/answers_template.csv")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from examgen.jobs import grade_files

    run = grade_files(args.responses, manifest=args.manifest, key=args.key, out=args.out,
                      id_column=args.id_column, overrides=args.overrides, pdf=not args.no_pdf,
                      sheet=args.sheet, feedback=args.feedback, bank=args.bank)
    b = run.batch
    review = sum(a.needs_review for s in b.students for a in s.answers)
    errors = sum(a.outcome.value == "format_error" for s in b.students for a in s.answers)
    mean = (sum(s.total / s.max_total for s in b.students if s.max_total) / len(b.students) * 100
            if b.students else 0.0)
    for notice in b.notices:
        print(f"note: {notice}")
    flagged = sum(bool(s.flags) for s in b.students)
    print(f"graded {len(b.students)} submission(s) ({len(b.rejected)} rejected row(s), "
          f"{len(b.absent)} absent, {flagged} flagged, {errors} unreadable answer(s), "
          f"{review} answer(s) to review); mean {mean:.1f}%")
    if args.feedback:
        print(f"feedback: {len(b.students)} page(s) in {run.out_dir / 'feedback'}")
    print(f"report: {run.out_dir / 'report.html'}" + ("" if args.no_pdf else
          f" and {run.out_dir / 'report.pdf'}") + f"; grades: {run.out_dir / 'grades.csv'}")
    if b.groups:
        flagged = sum(g.needs_review for g in b.groups)
        print(f"short answers: {len(b.groups)} answer group(s), {flagged} to review in "
              f"{run.out_dir / 'review.html'}"
              + (f"; calibrated on your grades: {', '.join(q for q, _ in b.calibrated)}"
                 if b.calibrated else "")
              + (f"; {len(b.suspicions)} possible collusion pair(s) in the report"
                 if b.suspicions else ""))
    return 0


def cmd_practice(args: argparse.Namespace) -> int:
    from examgen.practice import serve

    serve(args.host, args.port, args.db, bank=args.bank, roster=args.roster)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="examgen", description=__doc__)
    parser.add_argument("--version", action="version", version=f"examgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    bank = sub.add_parser("bank", help="inspect and check the question bank")
    bank_sub = bank.add_subparsers(dest="bank_command", required=True)

    def with_bank(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--bank", type=Path, default=None,
                       help="question bank folder (default: the bundled question_bank/)")
        return p

    p = with_bank(bank_sub.add_parser("list", help="list every question"))
    p.add_argument("--json", action="store_true", help="machine-readable output with counts")
    p.set_defaults(func=cmd_bank_list)

    p = with_bank(bank_sub.add_parser("show", help="draw and show one variant of a question"))
    p.add_argument("id")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--lang", choices=("ko", "en"), default="ko")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bank_show)

    p = bank_sub.add_parser("families", help="list the kernel families templates can use")
    p.set_defaults(func=cmd_bank_families)

    p = with_bank(bank_sub.add_parser("check", help="validate every bank file"))
    p.set_defaults(func=cmd_bank_check)

    p = with_bank(sub.add_parser("generate", help="build per-student (or per-form) exam and "
                                 "answer-key PDFs, manifest.json and answers_template.csv"))
    p.add_argument("spec", nargs="?", type=Path, default=None,
                   help="exam spec YAML (default: the bundled examples/midterm.yaml)")
    p.add_argument("--roster", type=Path, default=None,
                   help="roster CSV with student_id or 학번 (and name or 이름) (default: "
                        "examples/roster.csv)")
    p.add_argument("--out", type=Path, default=None, help="output folder "
                   "(default: output/<exam name>/)")
    p.add_argument("--seed", type=_seed, default=None, help="override the spec's seed")
    p.add_argument("--workers", type=_positive, default=None,
                   help="rendering processes (default: the number of cores)")
    p.add_argument("--student", action="append", default=None, metavar="ID",
                   help="regenerate only this student's exam and key (repeatable) in an "
                        "output folder a full run wrote; identical to the full run's copy, "
                        "manifest.json and the other copies are left as they are")
    p.add_argument("--combined", action="store_true",
                   help="also write combined-exams.pdf, every exam in roster order (each padded "
                        "to an even page count for duplex printing)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("grade", help="grade a CSV of responses against a manifest or a key")
    p.add_argument("--bank", type=Path, default=None,
                   help="the question bank the exam was made from, whose glossary short answers "
                        "are read with (default: the bundled question_bank/)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--manifest", type=Path, help="manifest.json written by examgen generate")
    src.add_argument("--key", type=Path, help="KEY.csv (question_id,type,answer,points,...) or "
                     "KEY.yaml for exams made elsewhere")
    p.add_argument("--responses", type=Path, required=True,
                   help="responses CSV or .xlsx (wide: student_id + a column per question, "
                        "named Q1, 1번, 문항 1, a Google Forms question text, 8(a), ...; or "
                        "long: student_id,question_id,answer)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: next to the responses file)")
    p.add_argument("--id-column", default=None, help="the student id column when it is not "
                   "student_id (e.g. 학번)")
    p.add_argument("--overrides", type=Path, default=None,
                   help="overrides.csv (student_id,question_id,points,comment): manual grades")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.add_argument("--feedback", action="store_true", help="also write feedback/<student_id>"
                   ".html: each student's answers, points, key, misconception and worked "
                   "solutions, to hand back")
    p.add_argument("--sheet", default=None, help="the sheet of an .xlsx responses workbook "
                   "(default: its first sheet)")
    p.set_defaults(func=cmd_grade)

    p = with_bank(sub.add_parser("practice", help="start the student practice web app "
                                 "(randomized problems with instant feedback)"))
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 "
                        "for a classroom network)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    p.add_argument("--db", type=Path, default=Path("output") / "practice.sqlite3",
                   help="SQLite database of attempts (default output/practice.sqlite3; created "
                        "when missing; a database examgen did not create is refused)")
    p.add_argument("--roster", type=Path, default=None,
                   help="CSV with columns student_id,pin: only these students may sign in, each "
                        "with their PIN")
    p.set_defaults(func=cmd_practice)

    p = with_bank(bank_sub.add_parser("stress", help="draw many variants and report "
                                      "degenerate ones"))
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--n", type=_positive, default=1000, help="variants per question")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bank_stress)
    return parser


def _whole(text: str, what: str = "") -> int:
    """``text`` as a non-negative whole number; otherwise the message argparse prints after
    "argument --option:", naming ``what`` when given."""
    subject = f"{what} " if what else ""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{subject}must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{subject}must not be negative, got {value}")
    return value


def _seed(text: str) -> int:
    return _whole(text, "seed")


def _positive(text: str) -> int:
    value = _whole(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _port(text: str) -> int:
    value = _whole(text, "port")
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ExamgenError as e:
        print(f"Error: {e.format_message()}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:  # `examgen bank list | head`
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
