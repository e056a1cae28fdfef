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
from examgen.errors import BankError, ExamgenError, UsageError
from examgen.io import safe_file_name
from examgen.model import Variant
from examgen.processes import sweep_dead_temp_dirs


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
    solution, with the math made readable (``τ/‖g‖``, ``[[1, 2], [3, 4]]``)."""
    from examgen.latextext import readable

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
            lines.append(f"{head}{answer}: ${p.display}${tol}")
        for m in p.misconceptions:
            lines.append(f"    misconception {m.id}: ${m.display}$ — {m.description.get(lang)}")
        lines.append("")
    if v.solution is not None:
        lines += ["풀이:" if lang == "ko" else "Solution:", v.solution.get(lang), ""]
    if v.explanation is not None:
        lines += ["해설:" if lang == "ko" else "Explanation:", v.explanation.get(lang)]
    return readable("\n".join(lines)).rstrip() + "\n"


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


def cmd_bank_preview(args: argparse.Namespace) -> int:
    from examgen.io import atomic_write_bytes
    from examgen.practice import preview_pdf

    bank = _bank(args)
    template = bank.get(args.id)
    out = args.out or Path("output") / f"preview-{args.id}-{args.seed}.pdf"
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"--out must name a .pdf file, got {out}")
    data = preview_pdf(template, args.seed, args.lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, data)   # never a half-written PDF under the asked name
    print(f"wrote {out} ({args.id}, seed {args.seed}, {args.lang}: question, then answer key)")
    return 0


def cmd_bank_check(args: argparse.Namespace) -> int:
    from examgen.bank import GLOSSARY_FILE, check_rendering, load_glossary
    from examgen.errors import GlossaryError
    from examgen.render import bank_math_problems
    from examgen.variants import make_variant

    try:
        bank = _bank(args)
    except BankError as e:
        print(e, file=sys.stderr)
        print(f"bank check: {len(e.problems)} problem(s)", file=sys.stderr)
        return 1
    problems: list[object] = list(check_rendering(bank))
    problems += bank_math_problems(bank.templates, make_variant)  # every formula prints
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
                           "issues": dict(r.issues), "examples": r.examples,
                           "draws_per_variant": round(r.rates.draws_per_variant, 4),
                           "rejected": dict(r.rates.rejected)}
                          for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            status = "ok " if r.ok else "BAD"
            rates = f"  {r.rates.summary()}" if r.rates.draws > r.rates.variants else ""
            print(f"{status} {r.template_id:<44} {r.distinct:>5} distinct / {r.draws}{rates}")
            for kind, count in sorted(r.issues.items()):
                print(f"      {kind}: {count} (e.g. {r.examples[kind][:160]})")
    draws = sum(r.draws for r in results)
    print(f"bank stress: {len(results)} templates, {draws} variants in {elapsed:.1f} s "
          f"({1000 * elapsed / max(draws, 1):.2f} ms each); {len(bad)} with problems",
          file=sys.stderr)
    return 1 if bad else 0


def cmd_bank_families(args: argparse.Namespace) -> int:
    from examgen.families import REGISTRY
    from examgen.mathexpr import NUMERIC_CONSTANTS, NUMERIC_FUNCTIONS, NUMERIC_OPERATORS

    for name in sorted(REGISTRY):
        f = REGISTRY[name]
        defaults = ", ".join(f"{k}={v}" for k, v in f.defaults.items())
        print(f"{name}: {f.summary}")
        print(f"    inputs:  {' '.join(f.inputs)}" + (f"   (defaults: {defaults})" if defaults else ""))
        print(f"    outputs: {', '.join(f'{k} ({v})' for k, v in f.outputs.items())}")
        for m in f.misconceptions:
            print(f"    misconception {m.id} [changes {', '.join(m.affects)}]: {m.description.en}")
    print("\nquantities (expressions written in a template, see docs/bank-format.md):")
    print(f"    operators: {NUMERIC_OPERATORS}; constants: {', '.join(NUMERIC_CONSTANTS)}")
    for name, (_, arity, what) in sorted(NUMERIC_FUNCTIONS.items()):
        params = "x" if arity == 1 else "a, b"
        print(f"    {name}({params}): {what}")
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
    if args.lms is not None:
        from examgen.jobs import write_gradebook

        book = write_gradebook(args.lms, b, run.out_dir, args.assignment or b.title,
                               args.roster)
        print(f"gradebook for {args.lms}: {book}")
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


def cmd_export(args: argparse.Namespace) -> int:
    from examgen.export import Settings, check_file
    from examgen.jobs import choose_templates, default_out, run_export

    if args.check is not None:
        report = check_file(args.check)
        for p in report.problems:
            print(p, file=sys.stderr)
        verdict = "no problems" if report.ok else f"{len(report.problems)} problem(s)"
        print(f"export check: {args.check}: {report.kind}, {report.questions} question(s), "
              f"{verdict}")
        return 0 if report.ok else 1
    if args.format is None:
        raise UsageError("say what to export (examgen export moodle|canvas|qti21 [SPEC] "
                         "--variants N --out FILE) or give --check FILE")
    from examgen.bank import load_bank

    bank = load_bank(args.bank)
    spec = None
    if args.spec is not None:
        from examgen.io import load_spec

        spec = load_spec(args.spec)
    lang = args.lang or (spec.language if spec is not None else "ko")
    settings = Settings(lang=lang, math=args.math,
                        negative=spec.negative if spec is not None else 0.0,
                        partial_credit=spec.partial_credit if spec is not None else True)
    seed = args.seed if args.seed is not None else (spec.seed if spec is not None else 0)
    title = spec.title.get("en" if lang == "en" else "ko") if spec is not None \
        else "examgen question bank"
    name = spec.name if spec is not None else "bank" + (f"-{args.topic}" if args.topic else "")
    out = args.out if args.out is not None else default_out(args.format, name)
    run = run_export(args.format, choose_templates(bank, spec, args.topic),
                     variants=args.variants, seed=seed, settings=settings, title=title, out=out)
    for note in run.notes:
        print(f"note: {note}")
    print(f"exported {run.templates} template(s) x {args.variants} variant(s) = {run.variants} "
          f"question(s) to {run.out} ({args.format}, checked: no problems)")
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

    p = with_bank(bank_sub.add_parser("preview", help="write one variant of a question as a "
                                      "PDF (the question, then its answer key)"))
    p.add_argument("id")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--lang", choices=("ko", "en", "both"), default="ko")
    p.add_argument("--out", type=Path, default=None,
                   help="PDF to write (default output/preview-ID-SEED.pdf)")
    p.set_defaults(func=cmd_bank_preview)

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
    p.add_argument("--lms", choices=("canvas", "moodle"), default=None,
                   help="also write the LMS gradebook import file (canvas-gradebook.csv or "
                        "moodle-grades.csv)")
    p.add_argument("--roster", type=Path, default=None,
                   help="roster CSV with email and sis_id columns for the gradebook file")
    p.add_argument("--assignment", default=None,
                   help="the gradebook column (default: the exam title)")
    p.add_argument("--feedback", action="store_true", help="also write feedback/<student_id>"
                   ".html: each student's answers, points, key, misconception and worked "
                   "solutions, to hand back")
    p.add_argument("--sheet", default=None, help="the sheet of an .xlsx responses workbook "
                   "(default: its first sheet)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("export", help="export N variants per question to Moodle XML, a Canvas "
                       "quiz zip or a QTI 2.1 package; or --check a file")
    p.add_argument("--check", type=Path, default=None, metavar="FILE",
                   help="validate an export (Moodle XML or a QTI zip) against the import rules")
    fmt = p.add_subparsers(dest="format")
    for name, what in (("moodle", "Moodle XML (question categories per template)"),
                       ("canvas", "Canvas classic quiz, QTI 1.2 zip (a question group per "
                                  "template)"),
                       ("qti21", "IMS QTI 2.1 content package (a section per template)")):
        f = with_bank(fmt.add_parser(name, help=what))
        f.add_argument("spec", nargs="?", type=Path, default=None,
                       help="exam spec YAML: export its questions (default: the whole bank)")
        f.add_argument("--variants", type=_positive, default=10,
                       help="variants per question (default 10)")
        f.add_argument("--out", type=Path, default=None, help="output file (default: "
                       f"output/<exam name>-{name}{'.xml' if name == 'moodle' else '.zip'})")
        f.add_argument("--topic", default=None, help="only questions of this topic")
        f.add_argument("--lang", choices=("ko", "en", "both"), default=None,
                       help="language of the texts (default: the spec's, else ko)")
        f.add_argument("--math", choices=("tex", "svg"), default="tex",
                       help="math as TeX for the LMS's MathJax (default) or embedded SVG images")
        f.add_argument("--seed", type=_seed, default=None,
                       help="seed of the variants (default: the spec's, else 0)")
    p.set_defaults(func=cmd_export)

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
    sweep_dead_temp_dirs()   # Typst folders of killed runs (processes.py)
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
