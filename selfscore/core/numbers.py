"""Exact numbers: Decimals from text, one-step rounding, and printing.

Nothing here ever touches a binary float.  Division is done on integers so that
"multiply first, divide once, round once" is exact for any inputs.
"""

from __future__ import annotations

import decimal
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

import attrs

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "ROUNDING_MODES",
    "Rounding",
    "check_magnitude",
    "div_round",
    "exact_sum",
    "fmt",
    "fmt_percent",
    "fraction_to_decimal",
    "mul",
    "normalized",
    "normalized_or_none",
    "show_quotient",
    "sub",
    "to_decimal",
]

RoundingMode = Literal["half_up", "truncate"]

#: Rounding modes by name, with the Chinese label used in traces.
ROUNDING_MODES: Final[dict[str, str]] = {
    "half_up": "四舍五入",
    "truncate": "截尾",
}

# Unbounded precision: products, sums and differences are exact whatever their size
# (Inexact is trapped as a guard); division is done on integers by div_round.
_CTX = decimal.Context(prec=decimal.MAX_PREC, rounding=decimal.ROUND_HALF_UP,
                       traps=[decimal.InvalidOperation, decimal.Inexact])


#: Bounds on a number read from input, checked before any arithmetic (:func:`check_magnitude`).
#: A real 自评表 or budget holds at most ~15 significant digits (亿元 amounts to the 分 are 13)
#: and exponents within 10^±12; 100 digits and 10^±100 are far above that (and cover the
#: 70-digit values the exactness tests use), while every exact product and quotient of a few
#: such numbers stays a few hundred digits: no huge integers, no slow division, no int-to-text limit.
MAX_DIGITS: Final = 100
MAX_EXPONENT: Final = 100
_MAX_TEXT: Final = 4 * MAX_DIGITS  # longer number texts are refused before Decimal() reads them


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 24 else f"{text[:16]}…（共 {len(text)} 个字符）"


def _kind(value: object) -> str:
    """What a non-number is, in the words of a case file (a TOML date, array or table)."""
    import datetime

    if isinstance(value, (datetime.date, datetime.time)):
        return "日期或时间 (a date/time)"
    if isinstance(value, (list, tuple)):
        return "数组 (an array)"
    if isinstance(value, dict):
        return "表 (a table)"
    return type(value).__name__


def check_magnitude(value: Decimal, *, what: str = "数值") -> Decimal:
    """``value`` itself when its size is one an input may have: finite, at most :data:`MAX_DIGITS`
    significant digits, exponent within ±:data:`MAX_EXPONENT`; ``ValueError`` (in Chinese) otherwise.

    Every reader of numbers from files (TOML, sheets, batch tables, target texts) calls this
    before any arithmetic, so ``1E+999999999`` or a 5,000-digit value never reaches it.
    """
    if not value.is_finite():
        raise ValueError(f"{what}不是有限数值 (not a finite number): {_shown(value)}")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) > MAX_DIGITS or abs(exponent) > MAX_EXPONENT or abs(value.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"{what}超出可处理的范围 (number out of range): {_shown(value)}；"
                         f"最多 {MAX_DIGITS} 位有效数字，数量级在 10^-{MAX_EXPONENT} 到 10^{MAX_EXPONENT} 之间")
    return value


def to_decimal(value: object, *, what: str = "value") -> Decimal:
    """Return ``value`` as an exact Decimal.

    Accepts ``Decimal``, ``int`` and numeric text (full-width digits, spaces and
    thousands separators allowed).  A ``float`` is refused with ``TypeError``:
    ``Decimal(3.34)`` is 3.33999..., so floats must be passed as text.  Text is input:
    its size is bounded (:func:`check_magnitude`) before it is read.
    """
    if isinstance(value, bool):
        raise TypeError(f"{what} 应为数值，不能是逻辑值 (must be a number, not a boolean): {str(value).lower()}")
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be a Decimal, int or numeric text, not float: {value!r} "
            f"(pass it as text, e.g. '{value!r}', to keep it exact)"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace(" ", "").replace(",", "")
        if len(text) > _MAX_TEXT:
            raise ValueError(f"{what} 数值过长 (number too long): {_shown(value)}；最多 {MAX_DIGITS} 位有效数字")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(f"{what} 不是数值 (not a number): “{_shown(value)}”") from None
        if result.is_finite():
            check_magnitude(result, what=f"{what} ")
    else:
        raise TypeError(f"{what} 应为数值 (must be a number)，实际为{_kind(value)}: {_shown(value)}".strip())
    if not result.is_finite():
        raise ValueError(f"{what} 不是有限数值 (not a finite number): {_shown(value)}")
    return result


def _validate_places(_inst: object, _attr: object, places: int) -> None:
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"'places' must be an int from 0 to 12, not {type(places).__name__}: {places!r}")
    if not 0 <= places <= 12:
        raise ValueError(f"'places' must be an int from 0 to 12: {places!r}")


def _validate_mode(_inst: object, _attr: object, mode: str) -> None:
    if mode not in ROUNDING_MODES:
        raise ValueError(f"'mode' must be one of {sorted(ROUNDING_MODES)}: {mode!r}")


@attrs.frozen
class Rounding:
    """A named rounding step: how many decimal places, and how."""

    places: int = attrs.field(default=2, validator=_validate_places)
    mode: RoundingMode = attrs.field(default="half_up", validator=_validate_mode)

    @property
    def label(self) -> str:
        """Chinese description for traces, e.g. ``四舍五入, 1位小数``."""
        return f"{ROUNDING_MODES[self.mode]}, {self.places}位小数"

    def apply(self, value: Decimal) -> Decimal:
        """Round an exact Decimal once."""
        return div_round(value, Decimal(1), self)


def _as_ratio(value: Decimal) -> tuple[int, int]:
    """Return integers (n, e) with value == n * 10**e."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    n = int("".join(map(str, digits)) or "0")
    return (-n if sign else n), exponent


def div_round(num: Decimal, den: Decimal, rounding: Rounding) -> Decimal:
    """Exactly ``round(num / den)`` at ``rounding``: one division, one rounding.

    Works on integers, so there is no intermediate precision loss; half-up rounds
    halves away from zero (as Excel's ROUND does).
    """
    num, den = to_decimal(num, what="numerator"), to_decimal(den, what="denominator")
    if den == 0:
        raise ZeroDivisionError("division by zero")
    n, ne = _as_ratio(num)
    d, de = _as_ratio(den)
    # num/den * 10**places == n * 10**(ne - de + places) / d
    shift = ne - de + rounding.places
    if shift >= 0:
        n *= 10**shift
    else:
        d *= 10 ** (-shift)
    negative = (n < 0) != (d < 0)
    n, d = abs(n), abs(d)
    q, r = divmod(n, d)
    if rounding.mode == "half_up" and 2 * r >= d:
        q += 1
    if negative:
        q = -q
    return Decimal(q).scaleb(-rounding.places, _CTX)


def fmt(value: Decimal) -> str:
    """Print a Decimal as a report does (Excel's General format): no trailing zeros.

    ``20.00`` prints ``20``, ``3.90`` prints ``3.9``, ``3.34`` prints ``3.34``.
    """
    if value == 0:
        return "0"
    text = format(value.normalize(_CTX), "f")
    return text


def normalized(value: Decimal) -> Decimal:
    """The Decimal as :func:`fmt` prints it, equal in value: no trailing zeros, never in exponent form.

    ``Decimal("20.00")`` -> ``Decimal("20")``, ``Decimal("3.90")`` -> ``Decimal("3.9")``.  Result
    objects hold their numbers this way, so a library user sees what every output prints.
    """
    if value.is_zero():
        return Decimal(0)
    n = value.normalize(_CTX)
    exponent = n.as_tuple().exponent
    return n.quantize(Decimal(1), context=_CTX) if isinstance(exponent, int) and exponent > 0 else n


def normalized_or_none(value: Decimal | None) -> Decimal | None:
    """:func:`normalized`, passing None through (a score not computed)."""
    return None if value is None else normalized(value)


def show_quotient(num: Decimal, den: Decimal, *, places: int = 6) -> str:
    """The exact value of ``num / den`` for a trace, or ``≈`` and ``places`` digits."""
    rounded = div_round(num, den, Rounding(places=12, mode="truncate"))
    if mul(rounded, den) == num:
        return fmt(rounded)
    return "≈" + fmt(div_round(num, den, Rounding(places=places, mode="half_up")))


def mul(*values: Decimal) -> Decimal:
    """Exact product, whatever the number of digits."""
    result = Decimal(1)
    for v in values:
        result = _CTX.multiply(result, v)
    return result


def fmt_percent(rate: Fraction, *, places: int = 2) -> str:
    """A rate as a percentage, half-up at ``places``: ``Fraction(4933, 5000)`` -> ``98.66%``."""
    value = div_round(mul(Decimal(rate.numerator), Decimal(100)), Decimal(rate.denominator), Rounding(places=places))
    return f"{fmt(value)}%"


def fraction_to_decimal(rate: Fraction, rounding: Rounding) -> Decimal:
    """A Fraction rounded once to a Decimal at ``rounding``."""
    return div_round(Decimal(rate.numerator), Decimal(rate.denominator), rounding)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Exact sum (never rounded by the 28-digit default context)."""
    result = Decimal(0)
    for v in values:
        result = _CTX.add(result, v)
    return result


def sub(a: Decimal, b: Decimal) -> Decimal:
    """Exact difference ``a - b``."""
    return _CTX.subtract(a, b)
