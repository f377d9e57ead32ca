"""fixed_deduction: full weight unless the rate is below ``threshold``; then deduct ``points`` (docs/domain.md §4)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding, fmt, fmt_percent, sub
from selfscore.core.rules.base import (
    BRANCH_DIFF,
    BRANCH_FULL,
    BRANCH_ZERO,
    Array,
    Bounds,
    IndicatorRule,
    Scored,
    VectorRule,
    decimal_param,
    exponent,
    non_negative,
    scaled,
    share_param,
    unit_interval,
)
from selfscore.core.rules.registry import register

__all__ = ["FixedDeduction", "FixedDeductionVector"]


@register
@attrs.frozen
class FixedDeduction(IndicatorRule):
    """Full weight unless the rate is below ``threshold``; then deduct ``points`` (not below 0).

    金花 2024: "补助发放率不达90%，扣1分" is ``FixedDeduction(threshold="0.9", points="1")``.
    """

    kind: ClassVar[str] = "fixed_deduction"
    params: ClassVar[tuple[str, ...]] = ("threshold", "points")

    threshold: Decimal = attrs.field(converter=decimal_param, validator=unit_interval)
    points: Decimal = attrs.field(converter=decimal_param, validator=non_negative)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)
    rounding: Rounding = Rounding(places=2)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        threshold = fmt_percent(Fraction(self.threshold))
        if rate >= Fraction(self.threshold):
            return Scored(weight, (f"完成率 {fmt_percent(rate)} 不低于 {threshold}，不扣分",))
        left = sub(weight, self.points)
        score = max(Decimal(0), left)
        line = f"完成率 {fmt_percent(rate)} 低于 {threshold}，扣 {fmt(self.points)} 分：{fmt(weight)} − {fmt(self.points)} = {fmt(left)}"
        return Scored(score, (line + (" → 0（不低于 0）" if left < 0 else ""),))

    def vector(self) -> FixedDeductionVector:
        return FixedDeductionVector(threshold=scaled(self.threshold), points=scaled(self.points),
                                    points_exponent=exponent(self.points), **self._common())


@attrs.frozen
class FixedDeductionVector(VectorRule):
    threshold: tuple[int, int] = (0, 0)
    points: tuple[int, int] = (0, 0)
    points_exponent: int = 0

    def min_out_scale(self, weight_scale: int) -> int:
        return max(weight_scale, self.places, self.points[1])

    def diff_exponent(self) -> int:
        return self.points_exponent

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        _tn, ts = self.threshold
        pn, ps = self.points
        w_max = -1 if pn * 10 ** (out_scale - ps) > limit else limit  # the deduction at the output scale
        return Bounds(w_max=w_max, d_max=limit // 10**ts, wd_max=limit)  # N * 10**ts and tn * D (tn <= 10**ts)

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        tn, ts = self.threshold
        pn, ps = self.points
        keep = N * 10**ts >= D * tn
        diff = Ws - pn * 10 ** (out_scale - ps)
        positive = diff > 0
        score = xp.where(keep, Ws, xp.where(positive, diff, 0))
        branch = xp.where(keep, BRANCH_FULL, xp.where(positive, BRANCH_DIFF, BRANCH_ZERO))
        return score, branch
