"""proportional: weight × rate, rounded once; 0 below ``floor`` (docs/domain.md §4)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding, fmt, fmt_percent, mul, show_quotient
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
    round_div,
    rounded_score,
    scaled,
    share_param,
    unit_interval,
)
from selfscore.core.rules.registry import register

__all__ = ["Proportional", "ProportionalVector"]


@register
@attrs.frozen
class Proportional(IndicatorRule):
    """weight × rate, rounded once at ``rounding``; 0 when the rate is below ``floor``.

    A met indicator keeps its full weight unrounded (元岗 2023 prints 3.34 for a
    met indicator and 3.9 for 4 × 493.3 / 500).
    """

    kind: ClassVar[str] = "proportional"
    params: ClassVar[tuple[str, ...]] = ("floor",)

    floor: Decimal = attrs.field(default=Decimal(0), converter=decimal_param, validator=unit_interval)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        if rate < Fraction(self.floor):
            return Scored(Decimal(0), (f"完成率 {fmt_percent(rate)} 低于 {fmt_percent(Fraction(self.floor))} → 0",))
        num = mul(weight, Decimal(rate.numerator))
        den = Decimal(rate.denominator)
        line = f"{fmt(weight)} × {fmt_percent(rate)} = {show_quotient(num, den)}"
        return rounded_score(weight, num, den, self.rounding, line)

    def vector(self) -> ProportionalVector:
        return ProportionalVector(floor=scaled(self.floor), **self._common())


@attrs.frozen
class ProportionalVector(VectorRule):
    floor: tuple[int, int] = (0, 0)

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        p, ws, so = self.places, weight_scale, out_scale
        fn, fs = self.floor
        d_max = limit // 10**fs if fn else limit  # N * 10**fs and fn * D
        wd_max = limit // 10 ** max(p - ws, 0)  # num = W * N * 10**(p - ws)
        d_max = min(d_max, limit // 10 ** max(ws - p, 0))  # den = D * 10**(ws - p)
        w_max = (limit - 10 ** (so - p)) // 10 ** (so - ws)  # q*10**(so-p) <= Ws + 10**(so-p)
        return Bounds(w_max=w_max, d_max=d_max, wd_max=wd_max)

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        p, ws, so = self.places, weight_scale, out_scale
        num = W * N
        if p > ws:
            num = num * 10 ** (p - ws)
        den = D * 10 ** (ws - p) if ws > p else D
        q = round_div(num, den, self.half_up)
        qs = q * 10 ** (so - p) if so != p else q
        capped = qs >= Ws  # min(w, rounded) keeps w
        score = xp.where(capped, Ws, qs)
        branch = xp.where(capped, BRANCH_FULL, BRANCH_ROUNDED)
        fn, fs = self.floor
        if fn:
            below = N * 10**fs < D * fn
            score = xp.where(below, 0, score)
            branch = xp.where(below, BRANCH_ZERO, branch)
        return score, branch
