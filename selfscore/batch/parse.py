"""The scalar edge of the batch engine: input values and texts to integer columns.

Parsing stays scalar (the vector step only sees numbers), but it must not dominate,
so every text goes through caches that are exact by construction:

- a cache of the scalar parser's result by exact text (targets repeat: ``≥95%``, ``达标``);
- a *template* cache for simple texts ``PREFIX NUMBER SUFFIX`` (``493.3 万元`` is not
  simple because of the space; ``493.3万元``, ``≥95%``, ``保洁面积258256.8万平方米`` are).
  The scalar parser's reading of such a text does not depend on the number except
  through "is it zero" (see :func:`_simple`), so it is parsed once per
  ``(PREFIX, SUFFIX, zero)`` with a stand-in number and the row's number is put back.

Numbers given as values (weights, or actuals read from spreadsheet cells) are taken
from ``str``, ``Decimal``, ``int`` (including numpy integers) or ``float`` only when
the float is an exact short decimal (see :func:`exact_decimal`).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import numpy as np

from selfscore.batch.vec import MASKS
from selfscore.core.completion import Completion, completion, direct_units
from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import MAX_DIGITS, to_decimal
from selfscore.core.targets import Target, parse_actual, parse_target
from selfscore.core.validate import error_literal

__all__ = ["Reducer", "exact_decimal", "reduce_completion", "scaled"]

#: A float is taken only when it is one of these many significant digits or fewer
#: (DBL_DIG): then the decimal it was typed as is the one its shortest repr shows.
FLOAT_DIGITS: Final[int] = 15


def exact_decimal(value: object, *, what: str = "value") -> Decimal:
    """An exact Decimal from ``str``, ``Decimal``, ``int`` (numpy ints too) or a short-decimal ``float``.

    A float is accepted only through a round trip: its shortest repr read as a
    Decimal must have at most 15 significant digits (so every decimal of that
    length maps to a distinct double and back).  ``0.1 + 0.2`` is refused; ``3.34``
    and ``20.0`` (a spreadsheet cell) are read as ``Decimal('3.34')`` and ``Decimal('20.0')``.
    """
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise TypeError(f"{what} must be a number, not bool: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be a finite number: {value!r}")
        text = repr(float(value))
        result = Decimal(text)
        if len(result.normalize().as_tuple().digits) > FLOAT_DIGITS or float(text) != value:
            raise ValueError(
                f"{what} {value!r} is a binary float that is not an exact short decimal; pass it as text"
            )
        return result
    if isinstance(value, numbers.Integral) and not isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, np.floating):  # pragma: no cover - np.float64 is a float; float32 etc. land here
        return exact_decimal(float(value), what=what)
    return to_decimal(value, what=what)


def scaled(value: Decimal) -> tuple[int, int]:
    """``(n, s)`` with ``value == n / 10**s`` and ``s >= 0`` as small as possible."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    n = int("".join(map(str, digits)) or "0")
    if sign:
        n = -n
    if exponent >= 0:
        return n * 10**exponent, 0
    s = -exponent
    while s and n % 10 == 0:
        n //= 10
        s -= 1
    return n, s


# --- texts -----------------------------------------------------------------

# PREFIX NUMBER SUFFIX where neither side holds anything the scalar parser treats
# specially: no (Unicode) digit or '.', no whitespace, comma, bracket, minus sign,
# ≧ ≦ or NUL.  Together with the text being NFKC-normal (so ``_normalise`` leaves it
# unchanged) the parser sees exactly one number token, and its reading depends on
# the number only through ``value == 0``.
_BAD: Final = r"\d.,\s()\[\]【】\-−≧≦\x00"
_SIMPLE: Final = re.compile(rf"([^{_BAD}]*)([0-9]+)(?:\.([0-9]+))?([^{_BAD}]*)")


_WHITESPACE: Final = re.compile(r"\s+")

# The common simple texts (``≥95%``, ``101.65%``, ``33.19万元``, ``保洁面积258256.8万平方米``), recognised in one
# step: prefix and suffix only of comparator signs, ``%`` and CJK unified ideographs.  None of these is in
# ``_BAD``, so ``_SIMPLE`` matches such a text with the same groups; none has a case or is whitespace, and
# every spreadsheet error value starts with ``#`` or ``E`` (``ERR:502``), so such a text is never one
# (``error_literal`` need not be asked; tests/test_batch_reduce.py checks these claims on every character).
_FAST_CHARS: Final = "<>=≥≤%\u4e00-\u9fff"
_FAST: Final = re.compile(rf"([{_FAST_CHARS}]*)([0-9]+)(?:\.([0-9]+))?([{_FAST_CHARS}]*)")


def _fast_simple(text: str) -> tuple[str, str, str | None, str] | None:
    """:func:`_simple` of a text of the common shape (``_FAST``, NFKC-normal), else None (ask :func:`_simple`)."""
    m = _FAST.fullmatch(text)
    if m is None or not (text.isascii() or unicodedata.is_normalized("NFKC", text)):
        return None
    return m.groups()  # type: ignore[return-value]


def _simple(text: str) -> tuple[str, str, str | None, str] | None:
    """``(prefix, whole, fraction or None, suffix)`` of a simple text, else None.

    Whitespace is dropped first: for an NFKC-normal text the parser's ``_normalise``
    is NFKC (no change) and then removes all whitespace, so the text and its
    whitespace-free form read alike (``500 万元`` as ``500万元``).
    """
    found = _fast_simple(text)
    if found is not None:
        return found
    if error_literal(text) is not None:  # ``Err:502`` is a spreadsheet error, not the number 502: the parser says so
        return None
    m = _SIMPLE.fullmatch(text)
    if m is None:
        if _WHITESPACE.search(text) is None:
            return None
        if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
            return None
        text = _WHITESPACE.sub("", text)
        m = _SIMPLE.fullmatch(text)
        if m is None:
            return None
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        return None
    return m.groups()  # type: ignore[return-value]


# A reading of a text, as the reducer needs it:
#   ("n", comparator, n, s, unit)   a number n / 10**s
#   ("t", Target)                   anything else (qualitative) as the scalar parser read it
#   ("e", message)                  the scalar parser's error
Reading = tuple[Any, ...]


def _number_reading(t: Target) -> Reading:
    assert t.value is not None
    n, s = scaled(t.value)
    return ("n", t.comparator, n, s, t.unit)


class Reducer:
    """Reduces (target, actual, judgement, lower_is_better) rows to integer columns.

    One instance keeps its caches across calls (a batch, or a CLI run).  Each row
    becomes ``(A, T, mask, partial)`` as :mod:`selfscore.batch.vec` defines them,
    or an error message, which is the scalar engine's own.
    """

    def __init__(self, cache_limit: int = 200_000) -> None:
        self.cache_limit = cache_limit
        self._targets: dict[tuple[str, bool | None], Reading] = {}
        self._actuals: dict[str, Reading] = {}
        self._target_templates: dict[tuple[str, str, bool, bool | None], Reading] = {}
        self._actual_templates: dict[tuple[str, str, bool], Reading] = {}
        self._units: dict[tuple[str, str], bool] = {}
        self._slow: dict[tuple[object, ...], tuple[int, int, int, bool, Fraction | str] | str] = {}

    # Readings ----------------------------------------------------------------

    def readings(self, texts: Sequence[object], lower: bool | None, actual: bool) -> list[Reading]:
        """:meth:`_read` of each text; texts of the common shape (:func:`_fast_simple`) whose template is
        known are read in this loop (a bulk of distinct texts: no per-text cache)."""
        out: list[Reading] = []
        append = out.append
        fast = _fast_simple
        templated = self._templated
        read = self._read
        for text in texts:
            found = fast(text) if type(text) is str else None
            reading = None if found is None else templated(found, lower, actual, False)
            append(read(text, lower, actual) if reading is None else reading)  # type: ignore[arg-type]
        return out

    def _templated(self, simple: tuple[str, str, str | None, str], lower: bool | None, actual: bool,
                   fill: bool) -> Reading | None:
        """The reading of a simple text through its template: ``("n", ...)`` with the text's number, or None when
        the template reads as no number (or is not known yet and ``fill`` is false, or the number is too long)."""
        prefix, whole, frac, suffix = simple
        if len(whole) + len(frac or "") > MAX_DIGITS:
            return None  # too many digits for any real table: the scalar reader refuses it (check_magnitude)
        frac = frac.rstrip("0") if frac else ""
        n = int(whole + frac) if frac else int(whole)
        zero = n == 0
        key = (prefix, suffix, zero) if actual else (prefix, suffix, zero, lower)
        templates: dict[Any, Reading] = self._actual_templates if actual else self._target_templates
        template = templates.get(key)
        if template is None:
            if not fill:
                return None
            template = templates[key] = self._parse(prefix + ("0" if zero else "1") + suffix, lower, actual)
            if template[0] == "n" and not zero:
                # the stand-in must carry no decimals of its own
                assert template[2] == 1 and template[3] == 0
        if template[0] != "n":
            return None
        return ("n", template[1], n, len(frac), template[4])

    def _read(self, text: str, lower: bool | None, actual: bool) -> Reading:
        """The reading of a target (``actual`` False) or actual text, through the caches."""
        if actual:
            found = self._actuals.get(text)
        else:
            found = self._targets.get((text, lower))
        if found is not None:
            return found
        if not isinstance(text, str):
            return ("e", f"{'actual' if actual else 'target'} text must be str, not {type(text).__name__}: {text!r}")
        simple = _simple(text)
        reading = None if simple is None else self._templated(simple, lower, actual, True)
        if reading is None:  # not simple, too long, or the shape itself is an error or no number: the parser
            reading = self._parse(text, lower, actual)
        if actual:
            if len(self._actuals) < self.cache_limit:
                self._actuals[text] = reading
        elif len(self._targets) < self.cache_limit:
            self._targets[(text, lower)] = reading
        return reading

    @staticmethod
    def _parse(text: str, lower: bool | None, actual: bool) -> Reading:
        try:
            t = parse_actual(text) if actual else parse_target(text, lower_is_better=lower)
        except SelfScoreError as exc:
            return ("e", str(exc))
        return _number_reading(t) if t.kind == "quantitative" else ("t", t)

    # Rows --------------------------------------------------------------------

    def row(self, target: str, actual: str, judgement: str | None = None,
            lower: bool | None = None) -> tuple[int, int, int, bool] | tuple[int, int, int, bool, Fraction | str] | str:
        """``(A, T, mask, partial)`` for one indicator, or the scalar engine's error message.

        Rows reduced through the scalar ``completion`` carry a fifth element: the rate a
        report shows (the uncapped rate, else the capped one, else the outcome text),
        which the numbers alone no longer tell.
        """
        if judgement is None:
            t = self._targets.get((target, lower)) or self._read(target, lower, False)
            if t[0] == "n":
                a = self._actuals.get(actual) or self._read(actual, None, True)
                if a[0] == "n":
                    units = (t[4], a[4])
                    ok = self._units.get(units)
                    if ok is None:
                        ok = self._units[units] = direct_units(*units)
                    if ok:
                        tc = t[1]
                        if tc in (">", "<") and a[1] == tc:  # an actual "> 95%" meets a target "> 95%"
                            tc = ">=" if tc == ">" else "<="
                        sa, sb = t[3], a[3]
                        if sa == sb:
                            return a[2], t[2], MASKS[tc], False
                        if sa < sb:
                            return a[2], t[2] * 10 ** (sb - sa), MASKS[tc], False
                        return a[2] * 10 ** (sa - sb), t[2], MASKS[tc], False
        return self._slow_row(target, actual, judgement, lower)

    def _slow_row(self, target: str, actual: str, judgement: str | None,
                  lower: bool | None) -> tuple[int, int, int, bool, Fraction | str] | str:
        """Any other row: the scalar ``completion`` itself, reduced to the columns."""
        key = (target, actual, judgement, lower)
        found: tuple[int, int, int, bool, Fraction | str] | str | None = self._slow.get(key)
        if found is not None:
            return found
        result: tuple[int, int, int, bool, Fraction | str] | str
        try:
            if not isinstance(target, str) or not isinstance(actual, str):
                raise TypeError(f"target and actual must be text: {target!r}, {actual!r}")
            done = completion(parse_target(target, lower_is_better=lower), parse_actual(actual), judgement=judgement)
            shown: Fraction | str = done.outcome
            if done.uncapped is not None:
                shown = done.uncapped
            elif done.rate is not None:
                shown = done.rate
            result = (*reduce_completion(done), shown)
        except (SelfScoreError, TypeError) as exc:
            result = str(exc)
        if len(self._slow) < self.cache_limit:
            self._slow[key] = result
        return result


def reduce_completion(done: Completion) -> tuple[int, int, int, bool]:
    """A scalar Completion as ``(A, T, mask, partial)`` that the kernel scores identically.

    Met: ``1 >= 1``.  Not met at rate ``p/q`` (<= 1): ``p > q``, which is not met and
    has ``min/max = p/q``.  部分达成: the partial flag.
    """
    if done.rate is None:
        return 0, 1, MASKS[">"], True
    if done.met:
        return 1, 1, MASKS[">="], False
    rate = Fraction(done.rate)
    return rate.numerator, rate.denominator, MASKS[">"], False
