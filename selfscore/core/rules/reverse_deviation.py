"""reverse_deviation: the national module's 反向 (lower-is-better) score, by deviation (docs/project-rules.md §2).

actual ≤ target → full weight; target < actual < 2 × target →
(1 − (actual − target) / target) × weight, rounded once; actual ≥ 2 × target → 0.
For a lower-is-better indicator the completion rate is target / actual, so with
``rate = n / d`` the score is weight × (2 − 1 / rate) = weight × (2n − d) / n, and 0
when rate ≤ 1/2.  (Source: fasp2 ``pmkpi`` scoring SQL; printed county forms use the
ratio form weight × target / actual instead, which is :class:`Proportional`.)
"""

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
    round_div,
    rounded_score,
    share_param,
)
from selfscore.core.rules.registry import register

__all__ = ["ReverseDeviation", "ReverseDeviationVector"]


@register
@attrs.frozen
class ReverseDeviation(IndicatorRule):
    """(1 − deviation) × weight for a ceiling exceeded; 0 at twice the ceiling or more."""

    kind: ClassVar[str] = "reverse_deviation"
    params: ClassVar[tuple[str, ...]] = ()

    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        if rate <= Fraction(1, 2):
            return Scored(Decimal(0), (f"完成率 {fmt_percent(rate)}：实际达到目标的 2 倍或以上，偏离度 ≥ 100% → 0",))
        deviation = 1 / rate - 1
        num = mul(weight, Decimal(2 * rate.numerator - rate.denominator))
        den = Decimal(rate.numerator)
        line = (f"偏离度 = (实际 − 目标) ÷ 目标 = {fmt_percent(deviation)}；{fmt(weight)} × (1 − {fmt_percent(deviation)}) = "
                f"{show_quotient(num, den)}")
        return rounded_score(weight, num, den, self.rounding, line)

    def vector(self) -> ReverseDeviationVector:
        return ReverseDeviationVector(**self._common())


@attrs.frozen
class ReverseDeviationVector(VectorRule):
    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        p, ws, so = self.places, weight_scale, out_scale
        wd_max = limit // 10 ** max(p - ws, 0)  # num = W * (2N - D) * 10**(p - ws) <= W * D * ...
        d_max = min(limit // 2, limit // 10 ** max(ws - p, 0))  # 2N and den = N * 10**(ws - p)
        w_max = (limit - 10 ** (so - p)) // 10 ** (so - ws)
        return Bounds(w_max=w_max, d_max=d_max, wd_max=wd_max)

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        p, ws, so = self.places, weight_scale, out_scale
        zero = 2 * N <= D
        num = W * xp.where(zero, 0, 2 * N - D)
        if p > ws:
            num = num * 10 ** (p - ws)
        safe = xp.where(N > 0, N, 1)
        den = safe * 10 ** (ws - p) if ws > p else safe
        q = round_div(num, den, self.half_up)
        qs = q * 10 ** (so - p) if so != p else q
        capped = qs >= Ws
        score = xp.where(zero, 0, xp.where(capped, Ws, qs))
        branch = xp.where(zero, BRANCH_ZERO, xp.where(capped, BRANCH_FULL, BRANCH_ROUNDED))
        return score, branch
