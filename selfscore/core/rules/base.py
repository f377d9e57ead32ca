"""What every rule kind shares: the base class, parameter checks, and the integer tools
its vector form is written with.

A rule kind subclasses :class:`IndicatorRule` (an attrs frozen class) and declares:

- ``kind``: its name in a spec's ``rule.kind``; ``params``: the spec parameters it
  takes besides ``kind``, ``source``, ``rounding`` and ``partial_share`` (each a
  decimal >= 0 in the spec; the class's converters and validators check the rest);
- :meth:`IndicatorRule.unmet`: the scalar score (Decimal + trace) of a quantitative
  indicator that did not meet its target, at a rate below 100%;
- :meth:`IndicatorRule.vector`: its vector form, a :class:`VectorRule`.

Met indicators, a rate of exactly 100% and 部分达成 are scored the same way for every
kind (:func:`selfscore.core.rules.apply_rule` and ``selfscore.batch.vec``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Final, TypeAlias

import attrs

from selfscore.core.numbers import Rounding, div_round, fmt, to_decimal

__all__ = [
    "BRANCH_DIFF",
    "BRANCH_FULL",
    "BRANCH_ROUNDED",
    "BRANCH_ZERO",
    "LIMIT",
    "Array",
    "Bounds",
    "IndicatorRule",
    "Scored",
    "VectorRule",
    "decimal_param",
    "exponent",
    "non_negative",
    "positive",
    "round_div",
    "rounded_score",
    "scaled",
    "share_param",
    "unit_interval",
]

#: An array of the namespace the batch engine passes in (numpy ``int64`` or ``object``
#: arrays of Python ints).  Core never imports numpy, so it is typed loosely here.
Array: TypeAlias = Any

#: Every intermediate of the int64 path stays at or below this (half of int64's range).
LIMIT: Final[int] = 2**62

# How the scalar engine builds each score (decides the Decimal's exponent):
BRANCH_FULL: Final = 0  # the weight as given
BRANCH_ZERO: Final = 1  # Decimal(0)
BRANCH_ROUNDED: Final = 2  # a rounded quotient, exponent -places
BRANCH_DIFF: Final = 3  # weight minus a deduction, exponent min(weight's, VectorRule.diff_exponent())


@attrs.frozen
class Scored:
    """A score with the trace of how it was reached."""

    score: Decimal
    trace: tuple[str, ...]
    #: The rate the rule applied: the completion's (capped) rate, or for 部分达成 the declared share.
    rate: Fraction | None = None


def rounded_score(weight: Decimal, num: Decimal, den: Decimal, rounding: Rounding, line: str) -> Scored:
    """``num / den`` (> 0) rounded once, not above ``weight``; ``line`` shows the exact quotient.

    The trace shows the rounding as done, then the cap when the rounded value is
    above the weight (a weight with more decimals than the rounding keeps).
    """
    rounded = div_round(num, den, rounding)
    line = f"{line} → {fmt(rounded)}（{rounding.label}）"
    if rounded > weight:
        return Scored(weight, (f"{line}，超过权重 {fmt(weight)}，取 {fmt(weight)}",))
    return Scored(weight if rounded == weight else rounded, (line,))  # min(weight, rounded) keeps the weight


# --- parameter checks (converters and validators for the attrs classes) -----------------

def decimal_param(value: object) -> Decimal:
    return to_decimal(value, what="rule parameter")


def share_param(value: object) -> Decimal | None:
    if value is None:
        return None
    share = decimal_param(value)
    if not 0 <= share <= 1:
        raise ValueError(f"部分达成得分比例应在 0 与 1 之间 ('partial_share' must be between 0 and 1): {value!r}")
    return share


def unit_interval(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"参数 {attr.name} 应在 0 与 1 之间 ('{attr.name}' must be between 0 and 1): {value}")


def positive(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value <= 0:
        raise ValueError(f"参数 {attr.name} 应大于 0 ('{attr.name}' must be > 0): {value}")


def non_negative(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise ValueError(f"参数 {attr.name} 不能为负数 ('{attr.name}' must be >= 0): {value}")


# --- integer tools for vector forms -------------------------------------------------------

def scaled(value: Decimal) -> tuple[int, int]:
    """(n, s) with value == n / 10**s, s >= 0, trailing zeros removed."""
    sign, digits, exp = value.normalize().as_tuple()
    assert isinstance(exp, int) and not sign
    n = int("".join(map(str, digits)) or "0")
    if exp >= 0:
        return n * 10**exp, 0
    return n, -exp


def exponent(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    assert isinstance(exp, int)
    return exp


def round_div(num: Array, den: Array, half_up: bool) -> Array:
    """``num / den`` rounded to an integer, num >= 0 and den > 0: truncated, or half-up."""
    q = num // den
    if half_up:
        r = num - q * den
        q = q + (r >= den - r)
    return q


@attrs.frozen
class Bounds:
    """A row fits the int64 path when ``W <= w_max``, ``D <= d_max`` and ``W * D <= wd_max``.

    ``D = max(A, T, 1)``.  A negative bound means no row fits.
    """

    w_max: int
    d_max: int
    wd_max: int

    def fits(self, w: int, d: int) -> bool:
        return 0 <= w <= self.w_max and 1 <= d <= self.d_max and w * d <= self.wd_max

    def meet(self, other: Bounds) -> Bounds:
        """The rows that fit both."""
        w_max = min(self.w_max, other.w_max)
        d_max = min(self.d_max, other.d_max)
        return Bounds(w_max=-1 if d_max < 1 else w_max, d_max=d_max, wd_max=min(self.wd_max, other.wd_max))


@attrs.frozen
class VectorRule:
    """A rule's vector form: its parameters as integers and its arithmetic on arrays.

    ``score`` receives, for rows all scored by this rule, the scaled weight ``W`` (at
    ``ws`` places) and ``Ws`` (at the output scale ``so``), and the rate ``N / D``
    (``N = min(A, T)``, ``D = max(A, T, 1)``), and returns the scores of rows that did
    not meet their target (integers at ``so`` places) with a branch code per row; the
    kernel then gives met rows, rows at a rate of exactly 100% when ``by_rate``, and
    部分达成 rows their common scores.
    ``xp`` is the array namespace (numpy, passed in by ``selfscore.batch``); arrays are
    ``int64`` within :meth:`bounds` or ``object`` arrays of Python ints, and the code
    mixes them only with Python ints, so one text serves both.
    """

    places: int
    half_up: bool
    share: tuple[int, int] | None
    by_rate: bool

    def min_out_scale(self, weight_scale: int) -> int:
        """The least output scale that holds every score of this rule exactly."""
        return max(weight_scale, self.places)

    def diff_exponent(self) -> int:
        """Exponent of the deduction a DIFF branch subtracts from the weight."""
        return -self.places

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        """The largest ``W``, ``D`` and ``W * D`` keeping every intermediate of :meth:`score` <= ``limit``."""
        return Bounds(w_max=limit, d_max=limit, wd_max=limit)

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:  # pragma: no cover - abstract
        raise NotImplementedError


class IndicatorRule:
    """Base of every rule kind (see the module docstring); subclasses are attrs frozen classes."""

    kind: ClassVar[str] = ""
    params: ClassVar[tuple[str, ...]] = ()
    #: True when a rate of exactly 100% scores the full weight, met or not (the rule scores
    #: by rate); False when only a met target does (all-or-nothing scores by outcome).  A
    #: strict target met only at equality (超过90%, actual 90%) is 未达成 at a rate of 100%.
    scores_by_rate: ClassVar[bool] = True
    rounding: Rounding
    partial_share: Decimal | None

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:  # pragma: no cover - abstract
        """The score of an indicator that did not meet its target, at ``rate`` < 1."""
        raise NotImplementedError

    def vector(self) -> VectorRule:  # pragma: no cover - abstract
        raise NotImplementedError

    def _common(self) -> dict[str, Any]:
        """The :class:`VectorRule` fields every kind has."""
        share = None if self.partial_share is None else scaled(self.partial_share)
        return {"places": self.rounding.places, "half_up": self.rounding.mode == "half_up", "share": share,
                "by_rate": self.scores_by_rate}
