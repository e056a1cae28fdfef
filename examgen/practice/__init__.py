"""The student practice web app (``examgen practice``): unlimited randomized problems with
instant feedback from the grader, progress in SQLite, practice-sheet PDFs.

:func:`create_app` builds the Flask app without starting a server (tests use its test client);
:func:`serve` runs it with waitress; :func:`preview_pdf` prints one variant of one question
(``examgen bank preview``).
"""

from examgen.practice.app import create_app
from examgen.practice.preview import preview_pdf
from examgen.practice.server import serve

__all__ = ["create_app", "preview_pdf", "serve"]
