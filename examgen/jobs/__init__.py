"""The jobs the command line runs, with their process plumbing: ``generate`` (:mod:`.generate`)
and ``grade`` (:mod:`.grade`); output folders written all-or-nothing (:mod:`.staging`); the
garbage collector tuned and worker processes (:mod:`.pools`)."""

from examgen.jobs.export import (
    ExportRun,
    choose_templates,
    default_out,
    run_export,
    write_gradebook,
)
from examgen.jobs.generate import GenerateResult, generate, progress_bar
from examgen.jobs.grade import GradeRun, grade_files, load_key, write_outputs

__all__ = ["ExportRun", "GenerateResult", "GradeRun", "choose_templates", "default_out",
           "generate", "grade_files", "load_key", "progress_bar", "run_export",
           "write_gradebook", "write_outputs"]
