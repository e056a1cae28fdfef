"""The same copies printed by examgen (Typst) and by Auto Multiple Choice (LaTeX), on this machine.

Issue 13 sets examgen's target against AMC (≈ 140 ms per copy with its key, measured once on
this machine class); the machines vary by more than 2x from day to day, so this bench measures
both tools in one run. The copies of bench/exam-4page.yaml are written as an AMC source, one
``\\onecopy`` per student with that student's own questions, numbers, choices (the correct one
marked) and worked solution (``\\explain``, printed in AMC's corrected copy, as in our key);
Korean is set by XeLaTeX with kotex in the same NanumGothic, formulas are the bank's own LaTeX.
AMC runs as its users run it: one ``auto-multiple-choice prepare --mode s`` for all copies
(subject, corrected copies and layout), LaTeX being single-threaded. examgen runs ``generate``
(pool of 2 workers, manifest and answer key included) and one at a time in one process.

Prints wall and CPU time per copy of each, the pages each printed, and the ratio.

AMC's prepare runs LaTeX three times over all copies (subject, corrected copies, and the
catalog it uses to read scans); all three are what its users wait for, and all three are
counted. Measured on 2026-12-02, 200 copies, twice: AMC 443-480 ms wall per copy (pdfLaTeX
454-480, XeLaTeX 443-445), examgen 161-189 ms (ratio 0.36-0.42). On 2026-12-03, twice, with
question bodies in include files: AMC 236-293 ms (pdfLaTeX 261-354), examgen 70-84 ms (ratio
0.29-0.30; CPU 0.51-0.53). Later that day, the machine twice as slow for both: AMC 541 ms
(pdfLaTeX 561), examgen 155 ms (ratio 0.29; CPU 0.51): the ratio holds where the times do not.
After the work taken off beside the compiler (bench/generate.py's docstring), slower still: AMC
594 ms (pdfLaTeX 606), examgen 148 ms (ratio 0.25; CPU 0.48). The next day, as slow: AMC 601
ms (pdfLaTeX 680), examgen 160 ms (ratio 0.27; CPU 0.48). Later, as a fast phase ended: AMC
445 ms (pdfLaTeX 571), examgen 126 ms (ratio 0.28; CPU 0.51).
Needs Debian's auto-multiple-choice, texlive-xetex and texlive-lang-korean (not part of the
set-up: several hundred MB that only this comparison uses).

    .venv/bin/python bench/amc_compare.py [--students 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.generate import children_cpu, one_at_a_time, roster, timed_generate  # noqa: E402
from examgen.assemble import assemble  # noqa: E402
from examgen.bank import load_bank  # noqa: E402
from examgen.io import load_spec  # noqa: E402
from examgen.model import (  # noqa: E402
    ExamCopy,
    ExamQuestion,
    QuestionType,
    Text,
    VariantPart,
)
from examgen.render import CopyRenderer  # noqa: E402
from examgen.render.typmarkup import pieces  # noqa: E402

NEEDS = "apt-get install auto-multiple-choice texlive-xetex texlive-lang-korean"
_SPECIAL = {c: "\\" + c for c in "#$%&_{}"} | {
    "\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}",
    ">": r"\textgreater{}"}
CHOICE = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}


def _plain(text: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def latex(text: Text | str | None) -> str:
    """Bank text (Korean with ``$...$`` LaTeX math and `` `code` ``, split as the printer splits
    it) as LaTeX; paragraphs kept, and each line of a paragraph (a solution's steps) a line."""
    if text is None:
        return ""
    raw = text.ko if isinstance(text, Text) else text
    paragraphs = []
    for para in re.split(r"\n\s*\n", raw.strip()):
        lines = ["".join(_LATEX[kind](src) for kind, src in pieces(line))
                 for line in para.splitlines() if line.strip()]
        paragraphs.append(" \\\\\n".join(lines))
    return "\n\n".join(paragraphs)


_LATEX = {"text": _plain, "code": lambda s: "\\texttt{" + _plain(s) + "}",
          "math": lambda s: "$" + " ".join(s.split()) + "$"}


PREAMBLE = {   # Korean in NanumGothic (XeLaTeX: the system font; pdfLaTeX: ko.TeX's Type 1 Nanum)
    "xelatex": "\\usepackage{fontspec}\n\\usepackage{kotex}\n\\setmainhangulfont{NanumGothic}\n"
               "\\setsanshangulfont{NanumGothic}\n",
    "pdflatex": "\\usepackage{kotex}\n\\usepackage{dhucs-nanumfont}\n"
                "\\SetHangulFonts{nanumgt}{nanumgt}{nanumgt}\n\\renewcommand{\\rmdefault}{nanumgt}\n",
}


def amc_source(copies: list[ExamCopy], title: str, engine: str) -> str:
    body = []
    for copy in copies:
        body.append("\\onecopy{1}{\n\\noindent{\\Large\\bfseries " + _plain(title) + "}\\hfill "
                    "학번 " + _plain(copy.student.student_id if copy.student else copy.copy_id)
                    + "\\\\[2mm]\n\\namefield{\\fbox{\\begin{minipage}{.5\\linewidth}이름:"
                    "\\vspace*{8mm}\\end{minipage}}}\\par\\bigskip\n")
        for section in copy.sections:
            body.append(f"\\section*{{{_plain(section.title.ko)}}}\n")
            for q in section.questions:
                body.append(_question(q))
        body.append("}\n")
    return ("\\documentclass[a4paper,10pt]{article}\n" + PREAMBLE[engine]
            + "\\usepackage{amsmath,amssymb,bm}\n\\usepackage[margin=17mm]{geometry}\n"
            "\\usepackage[box,completemulti]{automultiplechoice}\n\\begin{document}\n"
            + "".join(body) + "\\end{document}\n")


def _display(p: VariantPart) -> str:
    """A part's answer as the key prints it: a short answer's model text, else a formula."""
    return latex(p.display) if p.kind == QuestionType.SHORT_ANSWER else "$" + p.display + "$"


def _question(q: ExamQuestion) -> str:
    """One AMC question per part (AMC's unit of answer); a multi-part question's stem first."""
    v = q.variant
    out = []
    single = len(v.parts) == 1
    if not single:
        out.append(f"\\noindent\\textbf{{{q.number}.}} {latex(v.prompt)}\\par\n")
    for k, p in enumerate(v.parts):
        text = latex(v.prompt) if single else f"({_plain(p.label)}) {latex(p.prompt)}"
        if p.kind in CHOICE:
            marks = "".join(("\\correctchoice{" if o.correct else "\\wrongchoice{")
                            + latex(o.text) + "}\n" for o in p.options)
            answer = "\\begin{choices}\n" + marks + "\\end{choices}\n"
        else:
            lines = 3 if p.kind in (QuestionType.SHORT_ANSWER, QuestionType.MATRIX) else 1
            answer = (f"\\AMCOpen{{lines={lines}}}{{\\wrongchoice[0]{{0}}\\scoring{{0}}"
                      "\\correctchoice[1]{1}\\scoring{1}}\n"
                      + (f"\\explain{{답: {_display(p)}}}\n" if p.display else ""))
        last = k == len(v.parts) - 1
        explain = "\n\n".join(latex(t) for t in (v.solution, v.explanation) if t) if last else ""
        env = "questionmult" if p.kind == QuestionType.MULTIPLE_CHOICE else "question"
        out.append(f"\\begin{{{env}}}{{{q.number}{p.label}-{v.template_id}}}\n{text}\n"
                   + answer + (f"\\explain{{{explain}}}\n" if explain else "")
                   + f"\\end{{{env}}}\n")
    return "".join(out)


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))   # type: ignore[union-attr]


def run_amc(source: str, work: Path, engine: str) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of one AMC prepare run; pages of its subject and corrected copies."""
    (work / "data").mkdir(parents=True)
    (work / "exam.tex").write_text(source, encoding="utf-8")
    k0, t0 = children_cpu(), time.perf_counter()
    res = subprocess.run(
        ["auto-multiple-choice", "prepare", "--mode", "s", "--with", engine,
         "--prefix", str(work) + "/", "--data", str(work / "data"), str(work / "exam.tex"),
         "--out-sujet", "subject.pdf", "--out-corrige", "corrected.pdf",
         "--out-calage", "layout.xy"], cwd=work, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - t0, children_cpu() - k0
    if res.returncode or not (work / "corrected.pdf").exists():
        log = work / "amc-compiled.log"
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else res.stdout[-3000:]
        raise SystemExit(f"AMC failed ({res.returncode}):\n{tail}")
    return wall, cpu, pages(work / "subject.pdf"), pages(work / "corrected.pdf")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engines", nargs="+", default=["pdflatex", "xelatex"],
                    choices=["pdflatex", "xelatex"], help="the LaTeX engines AMC runs with")
    ap.add_argument("--keep", type=Path, help="keep AMC's folders here (to look at its PDFs)")
    args = ap.parse_args()
    missing = [t for t in ("auto-multiple-choice", "xelatex", "pdfinfo") if not shutil.which(t)]
    if missing:
        print(f"bench/amc_compare.py: needs {', '.join(missing)} ({NEEDS})", file=sys.stderr)
        return 2

    spec = load_spec(REPO / "bench" / "exam-4page.yaml")
    bank = load_bank()
    students = roster(args.students)
    copies = list(assemble(spec, bank, students).copies)

    with tempfile.TemporaryDirectory() as tmp:
        amc = {}
        for engine in args.engines:
            work = (args.keep or Path(tmp)) / f"amc-{engine}"
            if work.exists():
                shutil.rmtree(work)
            amc[engine] = run_amc(amc_source(copies, spec.title.ko, engine), work, engine)
        # the pool before the one-at-a-time run: forked, as `examgen generate` runs it
        res, gen_cpu = timed_generate(spec, bank, students, Path(tmp) / "out", args.workers)
        _, (one_cpu,) = one_at_a_time(copies, spec, [CopyRenderer()])

    n = len(copies)
    print(f"bench/amc_compare.py: {n} per-student copies of bench/exam-4page.yaml, exam and key")
    for engine, (wall, cpu, exam, key) in amc.items():
        print(f"  AMC 1.6 ({engine}, one prepare run): {wall / n * 1000:6.0f} ms wall per copy, "
              f"CPU {cpu / n * 1000:.0f} ms; pages: subject {exam / n:.1f}, "
              f"corrected {key / n:.1f} per copy")
    print(f"  examgen generate, {res.workers} worker(s):      {res.seconds / n * 1000:6.0f} ms wall "
          f"per copy, CPU {gen_cpu * 1000:.0f} ms; pages: exam "
          f"{sum(res.exam_pages) / n:.1f}, key {sum(res.key_pages) / n:.1f} per copy")
    print(f"  examgen one at a time, one process:  CPU {one_cpu * 1000:.0f} ms per copy")
    if amc:
        engine = min(amc, key=lambda e: amc[e][0])   # against the faster of AMC's runs
        wall, cpu = amc[engine][:2]
        print(f"  examgen / AMC ({engine}, the faster): wall {res.seconds / wall:.2f}, "
              f"CPU {gen_cpu * n / cpu:.2f} (issue 13's target: wall <= 0.50)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
