"""Exports to learning management systems: Moodle XML, IMS QTI 2.1 packages, Canvas classic
quizzes (QTI 1.2), the validator of their import rules, and gradebook import files.

Pipeline layer: takes templates (and drawn variants) and grades, returns bytes and notes; the
files are written by :mod:`examgen.jobs.export`.
"""

from examgen.export.canvas import write_canvas
from examgen.export.check import CheckError, CheckReport, check_bytes, check_file
from examgen.export.gradebook import LMS_FILES, Contact, gradebook_csv
from examgen.export.items import ExportItem, draw_items, unique_templates, variant_seed
from examgen.export.moodle import write_moodle
from examgen.export.numbers import ExportError
from examgen.export.options import Settings
from examgen.export.qti21 import write_qti21

FORMATS = {"moodle": write_moodle, "canvas": write_canvas, "qti21": write_qti21}
SUFFIX = {"moodle": ".xml", "canvas": ".zip", "qti21": ".zip"}

__all__ = ["FORMATS", "LMS_FILES", "SUFFIX", "CheckError", "CheckReport", "Contact",
           "ExportError", "ExportItem", "Settings", "check_bytes", "check_file", "draw_items",
           "gradebook_csv", "unique_templates", "variant_seed", "write_canvas", "write_moodle", "write_qti21"]
