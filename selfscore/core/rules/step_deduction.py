"""step_deduction: ``points`` deducted per ``step`` of rate short of 100% (DOMAIN §3, §6)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding, div_round, fmt, fmt_percent, mul, show_quotient, sub
from selfscore.core.rules.base import (
    BRANCH_DIFF,
    BRANCH_ZERO,
    Array,
    Bounds,
    IndicatorRule,
    Scored,
    VectorRule,
    decimal_param,
    non_negative,
    positive,
    round_div,
    scaled,
    share_param,
)
from selfscore.core.rules.registry import register

__all__ = ["StepDeduction", "StepDeductionVector"]


@register
@attrs.frozen
class StepDeduction(IndicatorRule):
    """Deduct ``points`` for each ``step`` of rate short of 100%, rounded once; not below 0.

    ``StepDeduction(step="0.01", points="0.1")`` is "0.1 point per percentage point
    short": a 95% execution rate on 10 points scores 9.5.
    """

    kind: ClassVar[str] = "step_deduction"
    params: ClassVar[tuple[str, ...]] = ("step", "points")

    step: Decimal = attrs.field(converter=decimal_param, validator=positive)
    points: Decimal = attrs.field(converter=decimal_param, validator=non_negative)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        short = 1 - rate
        num = mul(self.points, Decimal(short.numerator))
        den = mul(self.step, Decimal(short.denominator))
        deduction = div_round(num, den, self.rounding)
        score = max(Decimal(0), sub(weight, deduction))
        return Scored(score, (
            f"差 {fmt_percent(short)}，每 {fmt_percent(Fraction(self.step))} 扣 {fmt(self.points)} 分："
            f"扣 {show_quotient(num, den)} → {fmt(deduction)}（{self.rounding.label}），"
            f"{fmt(weight)} − {fmt(deduction)} = {fmt(score)}",))

    def vector(self) -> StepDeductionVector:
        return StepDeductionVector(points=scaled(self.points), step=scaled(self.step), **self._common())


@attrs.frozen
class StepDeductionVector(VectorRule):
    points: tuple[int, int] = (0, 0)
    step: tuple[int, int] = (1, 0)

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        p, so = self.places, out_scale
        pn, ps = self.points
        sn, ss = self.step
        k = ss - ps + p
        d_max = limit // (pn * 10 ** max(k, 0)) if pn else limit  # num = pn * (D - N) * 10**k
        d_max = min(d_max, limit // (sn * 10 ** max(-k, 0)))  # den = sn * D * 10**-k
        q_max = pn * 10**k // sn + 1 if k >= 0 else pn // (sn * 10**-k) + 1  # deduction <= points / step, + 1
        w_max = -1 if q_max * 10 ** (so - p) > limit else limit
        return Bounds(w_max=w_max, d_max=d_max, wd_max=limit)

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        p, so = self.places, out_scale
        pn, ps = self.points
        sn, ss = self.step
        k = ss - ps + p
        num = (D - N) * pn
        if k > 0:
            num = num * 10**k
        den = D * sn
        if k < 0:
            den = den * 10**-k
        q = round_div(num, den, self.half_up)
        diff = Ws - (q * 10 ** (so - p) if so != p else q)
        positive = diff > 0
        return xp.where(positive, diff, 0), xp.where(positive, BRANCH_DIFF, BRANCH_ZERO)
