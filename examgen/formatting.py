"""Numbers, vectors and matrices as plain text and as LaTeX. Pure functions."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np


def _clean(x: float, decimals: int | None) -> str:
    x = float(x)
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("∞" if x > 0 else "−∞")
    if decimals is None:
        s = np.format_float_positional(round(x, 10), trim="-")
    else:  # half up, on the number as written (0.0625 -> 0.063; 2.675 -> 2.68), as by hand
        s = str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    return s


def fmt_num(x: Any, decimals: int | None = None) -> str:
    """A number as text: fixed ``decimals`` places, or its shortest exact form when None.
    Integral values of integer type print without a decimal point."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)) and decimals is None:
        return f"{int(x)}"
    return _clean(float(x), decimals)


def fmt_sig(x: Any, sigfigs: int = 4) -> str:
    """A number with ``sigfigs`` significant figures in positional notation (1000, 3.162)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return _clean(x, None)
    decimals = max(0, sigfigs - 1 - math.floor(math.log10(abs(x))))
    return _clean(round(x, decimals), decimals)


def fmt_sci(x: float, sigfigs: int = 3) -> str:
    """Scientific notation in LaTeX, e.g. 1.23 \\times 10^{-5}."""
    x = float(x)
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    mant = x / 10**exp
    if round(abs(mant), sigfigs - 1) >= 10:
        mant, exp = mant / 10, exp + 1
    return f"{mant:.{sigfigs - 1}f} \\times 10^{{{exp}}}"


def fmt_vec(v: Any, decimals: int | None = None) -> str:
    """A row vector as plain text: ``[0.6, 0.5, 0.85]``."""
    return "[" + ", ".join(fmt_num(x, decimals) for x in np.ravel(np.asarray(v))) + "]"


def fmt_value(v: Any, decimals: int | None = None) -> str:
    """A scalar, vector or matrix as plain text (matrices row by row: ``[[1, 2], [3, 4]]``)."""
    a = np.asarray(v)
    if a.ndim == 0:
        return fmt_num(v if not isinstance(v, np.ndarray) else a.item(), decimals)
    if a.ndim == 1:
        return fmt_vec(a, decimals)
    return "[" + ", ".join(fmt_vec(row, decimals) for row in a) + "]"


def latex_vec(v: Any, decimals: int | None = None) -> str:
    """A row vector as a bracketed LaTeX matrix."""
    cells = " & ".join(fmt_num(x, decimals) for x in np.ravel(np.asarray(v)))
    return f"\\begin{{bmatrix}} {cells} \\end{{bmatrix}}"


def latex_colvec(v: Any, decimals: int | None = None) -> str:
    cells = " \\\\ ".join(fmt_num(x, decimals) for x in np.ravel(np.asarray(v)))
    return f"\\begin{{bmatrix}} {cells} \\end{{bmatrix}}"


def latex_mat(m: Any, decimals: int | None = None) -> str:
    a = np.atleast_2d(np.asarray(m))
    rows = " \\\\ ".join(" & ".join(fmt_num(x, decimals) for x in row) for row in a)
    return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"


def latex_value(v: Any, decimals: int | None = None) -> str:
    """Scalar, row vector or matrix in LaTeX."""
    a = np.asarray(v)
    if a.ndim == 0:
        return fmt_num(v if not isinstance(v, np.ndarray) else a.item(), decimals)
    return latex_vec(a, decimals) if a.ndim == 1 else latex_mat(a, decimals)


def round_value(v: Any, decimals: int) -> Any:
    """A value rounded for comparison: float, or nested tuples of floats (hashable)."""
    a = np.round(np.asarray(v, dtype=np.float64), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    if a.ndim == 0:
        return float(a)
    if a.ndim == 1:
        return tuple(a.tolist())
    return tuple(tuple(row) for row in a.tolist())
