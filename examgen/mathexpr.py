"""Safe parsing of math expressions into sympy, through a whitelisted grammar.

Nothing here calls ``eval``, ``sympify`` or ``parse_expr``: text is tokenised and parsed by a
small recursive-descent parser, and sympy objects are built directly from the parse. Only
numbers, identifiers (letters, digits, underscores), + - * / ^ ** · × ÷, parentheses and the
functions in ``FUNCTIONS`` are accepted; anything else is an :class:`ExpressionError` with the
position of the offending character.

Grammar:  expr   := term (('+'|'-') term)*
          term   := unary (('*'|'/'|implicit) unary)*
          unary  := ('+'|'-') unary | power
          power  := atom (('^'|'**') unary)?
          atom   := number | name | name '(' expr ')' | '(' expr ')' | '√' atom
"""

from __future__ import annotations

import cmath
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import sympy

MAX_LENGTH = 500
MAX_DEPTH = 60
MAX_EXPONENT = 64
MAX_DIGITS = 300        # digits of any number, written or computed
MAX_VALUE = 1e300            # a constant function call ("exp(800)") beyond this is refused
MAX_LITERAL_EXPONENT = 300   # "1e300" is the largest scientific literal read: sympy turns "1e99999999"
                             # into an exact 10**99999999 before anything else can look at it

FUNCTIONS = {
    "sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "ln": sympy.log,
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh,
    "abs": sympy.Abs,
    "sigma": lambda x: _sympy_sigma(x), "sigmoid": lambda x: _sympy_sigma(x),
}
CONSTANTS = {"pi": sympy.pi, "π": sympy.pi}
GREEK = {"λ": "lambda", "α": "alpha", "β": "beta", "ε": "epsilon", "η": "eta", "θ": "theta",
         "σ": "sigma", "τ": "tau"}
_OPS = {"·": "*", "×": "*", "∗": "*", "÷": "/", "−": "-", "–": "-", "**": "^"}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>\*\*|[-+*/^()·×∗÷−–√,]))",
    re.UNICODE,
)


class ExpressionError(ValueError):
    """Text that is not an accepted expression; ``position`` is a 0-based character index."""

    def __init__(self, message: str, position: int, text: str):
        self.position = position
        self.text = text
        super().__init__(f"{message} at position {position + 1}")

    def pointer(self) -> str:
        """The text with a caret under the offending character."""
        return f"{self.text}\n{' ' * self.position}^"


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str
    pos: int


def _tokenize(text: str, pattern: re.Pattern[str] | None = None,
              ops: dict[str, str] | None = None) -> list[_Tok]:
    """``text`` as tokens of ``pattern`` (default: the answer grammar's), operators spelled
    through ``ops`` (default: the answer grammar's aliases)."""
    pattern = _TOKEN if pattern is None else pattern
    ops = _OPS if ops is None else ops
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        m = pattern.match(text, i)
        if not m or m.end() == i:
            raise ExpressionError(f"unexpected character {text[i]!r}", i, text)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        start = m.start(kind)
        if kind == "op":
            value = ops.get(value, value)
        toks.append(_Tok(kind, value, start))
        i = m.end()
    return toks


_T = TypeVar("_T")


class _Cursor:
    """A position in ``text``'s tokens, shared by both grammars' parsers."""

    def __init__(self, text: str, toks: list[_Tok]):
        self.text = text
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def error(self, msg: str, tok: _Tok | None = None) -> ExpressionError:
        return ExpressionError(msg, tok.pos if tok else len(self.text), self.text)

    def take(self, value: str) -> bool:
        t = self.peek()
        if t is not None and t.kind == "op" and t.value == value:
            self.i += 1
            return True
        return False

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("expression nested too deeply", self.peek())

    def whole(self, parse: Callable[[], _T]) -> _T:
        """``parse()`` of every token: none is an error, and so is one left over."""
        if not self.toks:
            raise self.error("empty expression")
        result = parse()
        t = self.peek()
        if t is not None:
            raise self.error(f"unexpected {t.value!r}", t)
        return result


class _Parser(_Cursor):
    def __init__(self, text: str, allowed: frozenset[str] | None):
        super().__init__(text, _tokenize(text))
        self.allowed = allowed

    def parse(self) -> sympy.Expr:
        return self.whole(self.expr)

    def expr(self) -> sympy.Expr:
        self.nest()
        e = self.term()
        while True:
            if self.take("+"):
                e = e + self.term()
            elif self.take("-"):
                e = e - self.term()
            else:
                break
        self.depth -= 1
        return e

    def starts_atom(self, t: _Tok | None) -> bool:
        return t is not None and (t.kind in ("num", "name") or t.value in ("(", "√"))

    def term(self) -> sympy.Expr:
        e = self.unary()
        while True:
            if self.take("*"):
                e = e * self.unary()
            elif self.take("/"):
                e = e / self.unary()
            elif self.starts_atom(self.peek()):
                e = e * self.unary()  # implicit multiplication: 2h, h d_v, 2(x+1)
            else:
                break
        return e

    def unary(self) -> sympy.Expr:
        self.nest()
        if self.take("-"):
            e = -self.unary()
        elif self.take("+"):
            e = self.unary()
        else:
            e = self.power()
        self.depth -= 1
        return e

    def power(self) -> sympy.Expr:
        base = self.atom()
        t = self.peek()
        if self.take("^"):
            exponent = self.unary()
            try:
                self.check_power(base, exponent, t)
            except ExpressionError:
                raise
            except (ArithmeticError, ValueError, TypeError):  # the size check itself overflowed
                raise self.error(f"number with more than {MAX_DIGITS} digits", t) from None
            return sympy.Pow(base, exponent)
        return base

    def number(self, t: _Tok) -> sympy.Expr:
        """A numeric literal, refused before sympy sees it when it has too many digits or a
        scientific exponent beyond :data:`MAX_LITERAL_EXPONENT`."""
        mantissa, _, exponent = t.value.lower().partition("e")
        if len(mantissa.replace(".", "").lstrip("0")) > MAX_DIGITS:
            raise self.error(f"number with more than {MAX_DIGITS} digits", t)
        if not exponent:
            return sympy.Rational(t.value)
        if len(exponent.lstrip("+-").lstrip("0")) > 4 or abs(int(exponent)) > MAX_LITERAL_EXPONENT:
            raise self.error(f"exponent of a number beyond ±{MAX_LITERAL_EXPONENT}", t)
        return sympy.Float(t.value)

    def check_power(self, base: sympy.Expr, exponent: sympy.Expr, t: _Tok | None) -> None:
        """Refuse a power whose exponent or result is too large before sympy computes it."""
        if exponent.is_number and abs(approx(exponent)) > MAX_EXPONENT:
            raise self.error(f"exponent larger than {MAX_EXPONENT}", t)
        if base.is_number and exponent.is_number and base != 0:
            size = abs(approx(base))
            digits = abs(approx(exponent)) * abs(math.log10(size)) if size else 0.0
            if digits > MAX_DIGITS:
                raise self.error(f"number with more than {MAX_DIGITS} digits", t)

    def check_value(self, name: str, arg: sympy.Expr, t: _Tok) -> None:
        """Refuse a function of a constant whose value overflows a float ("exp(exp(exp(10)))"):
        sympy would compute it exactly, without bound."""
        try:
            x = approx(arg)
            value = abs(_CHECK[name](x)) if name in _CHECK else abs(x)
        except (ArithmeticError, ValueError):
            value = math.inf
        if not math.isfinite(value) or value > MAX_VALUE:
            raise self.error(f"the value of {name}(…) is not a finite number (too large)", t)

    def atom(self) -> sympy.Expr:
        t = self.peek()
        if t is None:
            raise self.error("expression ends too early")
        if t.kind == "num":
            self.i += 1
            return self.number(t)
        if t.kind == "op" and t.value == "(":
            self.i += 1
            return self.closed(self.expr())
        if t.kind == "op" and t.value == "√":
            self.i += 1
            return sympy.sqrt(self.atom())
        if t.kind == "name":
            self.i += 1
            return self.name(t)
        raise self.error(f"unexpected {t.value!r}", t)

    def closed(self, e: sympy.Expr) -> sympy.Expr:
        """``e``, read after a '(' that must close now."""
        if not self.take(")"):
            raise self.error("missing ')'", self.peek())
        return e

    def name(self, t: _Tok) -> sympy.Expr:
        """The name token ``t`` (taken): a function call, a constant or an allowed variable."""
        name = unicodedata.normalize("NFKC", t.value)
        name = GREEK.get(name, name)
        if name in FUNCTIONS and self.take("("):
            arg = self.closed(self.expr())
            if arg.is_number:
                self.check_value(name, arg, t)
            return FUNCTIONS[name](arg)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if self.allowed is not None and name not in self.allowed:
            hint = ", ".join(sorted(self.allowed)) or "none"
            raise self.error(f"unknown name {name!r} (allowed: {hint})", t)
        return sympy.Symbol(name, real=True)


_COMPLEX_FUNCS: dict[Any, Callable[[complex], Any]] = {
    sympy.exp: cmath.exp, sympy.log: cmath.log, sympy.sin: cmath.sin, sympy.cos: cmath.cos,
    sympy.tan: cmath.tan, sympy.tanh: cmath.tanh, sympy.Abs: abs,
}


def _sigma(x: complex) -> complex:
    # sigma(-1000) is about 0: computed the way that cannot overflow
    return 1 / (1 + cmath.exp(-x)) if x.real >= 0 else cmath.exp(x) / (1 + cmath.exp(x))


def _sympy_sigma(x: sympy.Expr) -> sympy.Expr:
    """The logistic sigmoid of ``x``; of a constant below -700 written e^x/(1+e^x), equal but
    with no e^-x that overflows a float when evaluated (sigma(-1000) is about 0, a finite
    number); every other argument keeps the plain form."""
    if x.is_number and approx(x).real < -700:
        return sympy.exp(x) / (1 + sympy.exp(x))
    return 1 / (1 + sympy.exp(-x))


_CHECK = {"exp": cmath.exp, "sigma": _sigma, "sigmoid": _sigma, "sin": cmath.sin,
          "cos": cmath.cos, "tan": cmath.tan, "tanh": cmath.tanh}


def approx(e: sympy.Basic) -> complex:
    """The value of a constant sympy tree in complex floating point. sympy's ``evalf`` is not
    used: nested exponentials ("exp(exp(exp(10)))") make it run for minutes, floats overflow at
    once (``OverflowError``)."""
    if e.is_Rational:
        return complex(int(e.p) / int(e.q))  # type: ignore[attr-defined]
    if e.is_Float:
        return complex(float(e))  # type: ignore[arg-type]
    if e is sympy.pi:
        return complex(math.pi)
    if e is sympy.E:
        return complex(math.e)
    if e is sympy.I:
        return 1j
    args = [approx(a) for a in e.args]
    if e.is_Add:
        return sum(args, 0j)
    if e.is_Mul:
        return math.prod(args, start=1 + 0j)
    if e.is_Pow:
        return complex(args[0] ** args[1])
    fn = _COMPLEX_FUNCS.get(type(e))
    if fn is None or len(args) != 1:
        raise ValueError(f"cannot evaluate {type(e).__name__}")
    return complex(fn(args[0]))


def parse_expression(text: str, variables: frozenset[str] | None = None) -> sympy.Expr:
    """Parse ``text`` into a sympy expression; ``variables`` (when given) are the only names
    allowed besides functions and constants."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH, text)
    try:
        return _Parser(text, variables).parse()
    except ExpressionError:
        raise
    except (ArithmeticError, RecursionError, ValueError, TypeError, MemoryError):
        # the checks above bound what sympy computes; anything that still escapes is refused
        raise ExpressionError("expression too large to compute", 0, text) from None


def equivalent(a: sympy.Expr, b: sympy.Expr, *, samples: int = 5) -> bool:
    """True when ``a`` and ``b`` are mathematically equal: ``simplify(a - b) == 0`` confirmed by
    numeric spot checks at fixed positive points."""
    diff = sympy.simplify(a - b)
    if diff != 0:
        return False
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    for k in range(samples):
        point = {s: sympy.Rational(3 + 2 * k + j, 7 + k) for j, s in enumerate(symbols)}
        va, vb = complex(a.subs(point).evalf()), complex(b.subs(point).evalf())
        if abs(va - vb) > 1e-9 * max(1.0, abs(va)):
            return False
    return True


def canonical(expr: sympy.Expr) -> str:
    """A stable string form (sympy's ``sstr`` with sorted terms)."""
    return sympy.sstr(sympy.simplify(expr), order="lex")


# -- numeric expressions over a template's parameters -------------------------------------------
#
# The bank's ``quantities:`` and expression misconceptions are written in this language and
# evaluated with numpy, never with ``eval``: the text is parsed once into a tree of closures over
# whitelisted operations. Grammar (no implicit multiplication; ``@`` is a matrix product):
#     expr    := term (('+'|'-') term)*
#     term    := unary (('*'|'/'|'@'|'%') unary)*
#     unary   := ('+'|'-') unary | power
#     power   := postfix (('^'|'**') unary)?
#     postfix := atom ('[' expr ']')*
#     atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'

MAX_ELEMENTS = 10_000   # no intermediate array larger than this
MAX_INT = 10**30        # whole-number results stay exact below this

_NUMERIC_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op>\*\*|[-+*/^()\[\],@%]))")


def _softmax(x: Any) -> Any:
    import numpy as np

    a = np.asarray(x, dtype=np.float64)
    e = np.exp(a - a.max())
    return e / e.sum()


def _sigmoid(x: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _numeric_functions() -> dict[str, tuple[Callable[..., Any], int, str]]:
    import numpy as np

    def norm(x: Any) -> float:
        return float(np.linalg.norm(np.asarray(x, dtype=np.float64)))

    def total(x: Any) -> Any:
        s = np.sum(x)
        return s.item() if isinstance(s, np.generic) else s

    return {  # name: (function, number of arguments, what it does)
        "exp": (np.exp, 1, "e to the x, elementwise"),
        "log": (np.log, 1, "natural logarithm, elementwise"),
        "ln": (np.log, 1, "natural logarithm, elementwise"),
        "log10": (np.log10, 1, "base-10 logarithm, elementwise"),
        "sqrt": (np.sqrt, 1, "square root, elementwise"),
        "sin": (np.sin, 1, "sine (radians), elementwise"),
        "cos": (np.cos, 1, "cosine (radians), elementwise"),
        "tan": (np.tan, 1, "tangent (radians), elementwise"),
        "tanh": (np.tanh, 1, "hyperbolic tangent, elementwise"),
        "sigmoid": (_sigmoid, 1, "logistic sigmoid 1/(1+e^-x), elementwise"),
        "abs": (np.abs, 1, "absolute value, elementwise"),
        "softmax": (_softmax, 1, "softmax of a vector"),
        "sum": (total, 1, "sum of all elements"),
        "mean": (lambda x: float(np.mean(x)), 1, "mean of all elements"),
        "max": (lambda x: np.max(x).item(), 1, "largest element"),
        "min": (lambda x: np.min(x).item(), 1, "smallest element"),
        "argmax": (lambda x: int(np.argmax(x)), 1, "index of the largest element (from 0)"),
        "norm": (norm, 1, "L2 norm of all elements"),
        "len": (lambda x: int(np.shape(x)[0]) if np.ndim(x) else 1, 1, "length (rows)"),
        "transpose": (np.transpose, 1, "matrix transpose"),
        "floor": (np.floor, 1, "round down, elementwise"),
        "ceil": (np.ceil, 1, "round up, elementwise"),
        "dot": (lambda a, b: np.dot(a, b), 2, "dot product of two vectors"),
        "outer": (lambda a, b: np.outer(a, b), 2, "outer product of two vectors"),
        "maximum": (np.maximum, 2, "elementwise larger of two"),
        "minimum": (np.minimum, 2, "elementwise smaller of two"),
    }


NUMERIC_FUNCTIONS = _numeric_functions()
NUMERIC_CONSTANTS = {"pi": math.pi}  # a parameter of the same name wins
NUMERIC_OPERATORS = "+ - * / % ^ (or **) @ (matrix product), x[i] indexing from 0, parentheses"

# A compiled expression: its value (a number or a numpy array) over the names it reads
Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]
Binary = Callable[[Any, Any], Any]


class NumericExpression:
    """A parsed numeric expression: ``names`` it reads, ``evaluate(env)`` its value."""

    def __init__(self, text: str, fn: Compiled, names: frozenset[str]):
        self.text = text
        self._fn = fn
        self.names = names

    def evaluate(self, env: Env) -> Any:
        """The value over ``env`` (a mapping of names to numbers and arrays); raises
        :class:`ExpressionError` (position 0) when it cannot be computed."""
        try:
            return self._fn(env)
        except ExpressionError:
            raise
        except (ArithmeticError, ValueError, TypeError, IndexError) as e:
            raise ExpressionError(f"cannot compute {self.text!r}: {e}", 0, self.text) from e


def _check_size(value: object, text: str) -> object:
    import numpy as np

    if isinstance(value, np.ndarray) and value.size > MAX_ELEMENTS:
        raise ExpressionError(f"an intermediate array has more than {MAX_ELEMENTS} elements",
                              0, text)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ExpressionError(f"a whole number larger than {MAX_INT:.0e}", 0, text)
    return value


class _NumericParser(_Cursor):
    def __init__(self, text: str):
        super().__init__(text, _tokenize(text, _NUMERIC_TOKEN, {}))
        self.names: set[str] = set()

    def expect(self, value: str) -> None:
        if not self.take(value):
            raise self.error(f"missing {value!r}", self.peek())

    def parse(self) -> NumericExpression:
        if len(self.text) > MAX_LENGTH:
            raise ExpressionError(f"expression longer than {MAX_LENGTH} characters",
                                  MAX_LENGTH, self.text)
        fn = self.whole(self.expr)
        return NumericExpression(self.text, fn, frozenset(self.names))

    def binary(self, ops: dict[str, Binary], sub: Callable[[], Compiled]) -> Compiled:
        left = sub()
        while True:
            t = self.peek()
            if t is None or t.kind != "op" or t.value not in ops:
                return left
            self.i += 1
            right = sub()
            left = self._apply2(ops[t.value], left, right)

    def _apply2(self, op: Binary, a: Compiled, b: Compiled) -> Compiled:
        text = self.text

        def fn(env: Env) -> Any:
            return _check_size(op(a(env), b(env)), text)
        return fn

    def expr(self) -> Compiled:
        self.nest()
        import operator as o
        e = self.binary({"+": o.add, "-": o.sub}, self.term)
        self.depth -= 1
        return e

    def term(self) -> Compiled:
        import operator as o

        import numpy as np

        def div(a: Any, b: Any) -> Any:
            if np.all(np.asarray(b) == 0):
                raise ZeroDivisionError("division by zero")
            return np.true_divide(a, b) if isinstance(a, np.ndarray) or isinstance(
                b, np.ndarray) else a / b
        return self.binary({"*": o.mul, "/": div, "@": np.matmul, "%": o.mod}, self.unary)

    def unary(self) -> Compiled:
        self.nest()
        e: Compiled
        if self.take("-"):
            inner = self.unary()

            def neg(env: Env) -> Any:
                return -inner(env)
            e = neg
        elif self.take("+"):
            e = self.unary()
        else:
            e = self.power()
        self.depth -= 1
        return e

    def power(self) -> Compiled:
        base = self.postfix()
        t = self.peek()
        if not (self.take("^") or self.take("**")):
            return base
        exponent = self.unary()
        text = self.text

        def pw(env: Env) -> Any:
            import numpy as np

            b, x = base(env), exponent(env)
            if np.any(np.abs(np.asarray(x, dtype=np.float64)) > MAX_EXPONENT):
                raise ExpressionError(f"exponent larger than {MAX_EXPONENT}",
                                      t.pos if t else 0, text)
            if isinstance(b, (int, np.integer)) and isinstance(x, (int, np.integer)) and x < 0:
                return float(b) ** int(x)
            return _check_size(b ** x, text)
        return pw

    def postfix(self) -> Compiled:
        e = self.atom()
        while self.take("["):
            idx = self.expr()
            self.expect("]")
            e = self._index(e, idx)
        return e

    def _index(self, e: Compiled, idx: Compiled) -> Compiled:
        def fn(env: Env) -> Any:
            import numpy as np

            i = idx(env)
            if isinstance(i, float) and i.is_integer():
                i = int(i)
            if not isinstance(i, (int, np.integer)) or isinstance(i, bool):
                raise IndexError(f"an index must be a whole number, got {i!r}")
            v = np.asarray(e(env))[int(i)]
            return v.item() if isinstance(v, np.generic) else v
        return fn

    def atom(self) -> Compiled:
        t = self.peek()
        if t is None:
            raise self.error("expression ends too early")
        if t.kind == "num":
            self.i += 1
            value: object = float(t.value) if any(c in t.value for c in ".eE") else int(t.value)
            return lambda env: value
        if t.kind == "op" and t.value == "(":
            self.i += 1
            e = self.expr()
            self.expect(")")
            return e
        if t.kind == "name":
            self.i += 1
            if t.value in NUMERIC_FUNCTIONS and self.take("("):
                return self.call(t)
            return self.name(t)
        raise self.error(f"unexpected {t.value!r}", t)

    def call(self, t: _Tok) -> Compiled:
        """``name(args)`` of a whitelisted function; the '(' is taken."""
        fn, arity, _ = NUMERIC_FUNCTIONS[t.value]
        args = [self.expr()]
        while self.take(","):
            args.append(self.expr())
        self.expect(")")
        if len(args) != arity:
            raise self.error(f"{t.value}() takes {arity} argument"
                             f"{'s' if arity > 1 else ''}, got {len(args)}", t)
        text = self.text

        def fn_call(env: Env) -> Any:
            return _check_size(fn(*(a(env) for a in args)), text)
        return fn_call

    def name(self, t: _Tok) -> Compiled:
        """A parameter or quantity (a constant like ``pi`` when nothing has that name)."""
        name = t.value
        if name in NUMERIC_FUNCTIONS:
            raise self.error(f"{name} is a function: write {name}(...)", t)
        nxt = self.peek()
        if nxt is not None and nxt.kind == "op" and nxt.value == "(":
            raise self.error(f"unknown function {name!r}; expected one of "
                             + ", ".join(sorted(NUMERIC_FUNCTIONS)), t)
        if name not in NUMERIC_CONSTANTS:
            self.names.add(name)
        fallback = NUMERIC_CONSTANTS.get(name)
        text = self.text

        def read(env: Env) -> Any:
            try:
                return env[name]
            except KeyError:
                if fallback is not None:
                    return fallback
                raise ExpressionError(f"unknown name {name!r}", t.pos, text) from None
        return read


def parse_numeric(text: str) -> NumericExpression:
    """Parse a bank expression such as ``d_model * d_ff + d_ff`` or ``softmax(z / T)[0]``;
    raises :class:`ExpressionError` with the position of the offending character."""
    return _NumericParser(text).parse()
