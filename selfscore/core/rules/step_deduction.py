"""step_deduction: ``points`` deducted per ``step`` of rate short of 100% (docs/domain.md §4, §7)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding, fmt, fmt_percent, mul, show_quotient, sub
from selfscore.core.rules.base import (
    BRANCH_FULL,
    BRANCH_ROUNDED,
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
    rounded_score,
    scaled,
    share_param,
)
from selfscore.core.rules.registry import register

__all__ = ["StepDeduction", "StepDeductionVector"]


@register
@attrs.frozen
class StepDeduction(IndicatorRule):
    """Deduct ``points`` for each ``step`` of rate short of 100%; not below 0.

    ``StepDeduction(step="0.01", points="0.1")`` is "0.1 point per percentage point
    short": a 95% execution rate on 10 points scores 9.5.  The declared rounding applies
    to the score (docs/domain.md §6, §13 D3): the exact score ``weight − points × (1 − rate) / step`` is
    rounded once (liwan-2024, average 93.45%: 10 − 0.1 × 6.55 = 9.345 → 9.35 half-up),
    never the deduction (which would round the score half-down, or, with truncation,
    every unmet indicator's deduction up).
    """

    kind: ClassVar[str] = "step_deduction"
    params: ClassVar[tuple[str, ...]] = ("step", "points")

    step: Decimal = attrs.field(converter=decimal_param, validator=positive)
    points: Decimal = attrs.field(converter=decimal_param, validator=non_negative)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        # the exact score weight − points × short / step, as one fraction, rounded once (docs/domain.md §6)
        short = 1 - rate
        den = mul(self.step, Decimal(short.denominator))
        num = sub(mul(weight, den), mul(self.points, Decimal(short.numerator)))
        line = (f"差 {fmt_percent(short)}，每 {fmt_percent(Fraction(self.step))} 扣 {fmt(self.points)} 分："
                f"{fmt(weight)} − {fmt(self.points)} × {fmt_percent(short)} ÷ {fmt_percent(Fraction(self.step))}"
                f" = {show_quotient(num, den)}")
        if num <= 0:
            return Scored(Decimal(0), (f"{line} → 0（不低于 0）",))
        return rounded_score(weight, num, den, self.rounding, line)

    def vector(self) -> StepDeductionVector:
        return StepDeductionVector(points=scaled(self.points), step=scaled(self.step), **self._common())


@attrs.frozen
class StepDeductionVector(VectorRule):
    """score = round((W·sn·D·10**(ps−g) − pn·(D−N)·10**(ss+ws−g)) · 10**k / (sn·D·10**(ws+ps−g−p+k)))."""

    points: tuple[int, int] = (0, 0)
    step: tuple[int, int] = (1, 0)

    def _terms(self, weight_scale: int) -> tuple[int, int, int]:
        """Constants of the exact score at ``places``: ``(X·W·D − Y·(D − N)) / (Z·D)``, as (X, Y, Z)."""
        p, ws = self.places, weight_scale
        pn, ps = self.points
        sn, ss = self.step
        g = min(ps, ss + ws)  # common power of ten of the two terms
        k = p - (ws + ps - g)  # score * 10**p = num * 10**k / (sn * D)
        return sn * 10 ** (ps - g + max(k, 0)), pn * 10 ** (ss + ws - g + max(k, 0)), sn * 10 ** max(-k, 0)

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        x, y, z = self._terms(weight_scale)
        if max(x, y, z) > limit:
            return Bounds(w_max=-1, d_max=1, wd_max=0)
        d_max = min(limit // y if y else limit, limit // z)  # Y * (D - N) and Z * D
        w_max = (limit - 10 ** (out_scale - self.places)) // 10 ** (out_scale - weight_scale)  # q*10**(so-p) <= Ws + 1 step
        return Bounds(w_max=w_max, d_max=d_max, wd_max=limit // x)  # X * W * D

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        x, y, z = self._terms(weight_scale)
        num = W * D * x - (D - N) * y
        positive = num > 0
        q = round_div(xp.where(positive, num, 0), D * z, self.half_up)
        p, so = self.places, out_scale
        qs = q * 10 ** (so - p) if so != p else q
        capped = qs >= Ws  # min(w, rounded) keeps w
        score = xp.where(positive, xp.where(capped, Ws, qs), 0)
        branch = xp.where(positive, xp.where(capped, BRANCH_FULL, BRANCH_ROUNDED), BRANCH_ZERO)
        return score, branch
