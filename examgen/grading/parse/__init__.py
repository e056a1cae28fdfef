"""Student answer text → a value record or a :class:`FormatError` (the parse phase of grading).

One module per job: :mod:`.lexer` (normalisation, edges, tokens: shared by all),
:mod:`.numbers`, :mod:`.arrays`, :mod:`.choices`, :mod:`.expressions`; records in :mod:`.records`.

Students type answers on paper, in Google Forms or in Excel, and the text arrives here exactly as
exported: full-width digits, Korean words around the number ("약 0.73입니다"), units ("512차원"),
decimal commas, ①②, 가나다. Every ``parse_*`` function is pure, never raises on any input
string, and returns either a record (:class:`Number`, :class:`Vector`, :class:`Matrix`,
:class:`Choices`, :class:`Expression`) whose ``notes`` say what was interpreted, or a
:class:`FormatError` that says what is wrong and points at the offending character. Invalid is
not wrong: a format error is reported as such, never graded as a wrong value.

Nothing is evaluated: arithmetic in answers ("√2/2", "3/4", "1.5×10^-3") goes through the
whitelisted parser in :mod:`examgen.mathexpr` and is computed by a small float walker over the
resulting sympy tree, so no student text reaches ``eval`` or sympy's own parser.

Text is normalised first (NFKC, full-width → ASCII, Unicode minus and dashes → '-', superscripts
→ '^'), keeping for each normalised character the index of the character the student typed, so
every :attr:`FormatError.position` is an index into the original text.
"""

from examgen.grading.parse.arrays import parse_matrix, parse_vector
from examgen.grading.parse.choices import parse_choices
from examgen.grading.parse.expressions import parse_expression_answer
from examgen.grading.parse.lexer import is_blank, normalize_text
from examgen.grading.parse.numbers import parse_number
from examgen.grading.parse.records import (
    MAX_ANSWER_LENGTH,
    Choices,
    Expression,
    FormatError,
    Matrix,
    Number,
    Vector,
)

__all__ = [
    "MAX_ANSWER_LENGTH", "Choices", "Expression", "FormatError", "Matrix", "Number", "Vector",
    "is_blank", "normalize_text", "parse_choices", "parse_expression_answer", "parse_matrix",
    "parse_number", "parse_vector",
]
