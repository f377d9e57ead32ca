"""A rule kind defined outside selfscore, to show that a new kind is one module.

``floor_or_nothing``: full weight when the rate reaches ``floor``, else 0 — the
scalar form, its spec parameter and validation, and the vector form with its int64
bounds, side by side, registered with one decorator.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding, fmt, fmt_percent
from selfscore.core.rules import IndicatorRule, Scored, VectorRule, register
from selfscore.core.rules.base import (
    BRANCH_FULL,
    BRANCH_ZERO,
    Array,
    Bounds,
    decimal_param,
    scaled,
    share_param,
    unit_interval,
)


@register
@attrs.frozen
class FloorOrNothing(IndicatorRule):
    kind: ClassVar[str] = "floor_or_nothing"
    params: ClassVar[tuple[str, ...]] = ("floor",)

    floor: Decimal = attrs.field(converter=decimal_param, validator=unit_interval)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        if rate >= Fraction(self.floor):
            return Scored(weight, (f"完成率 {fmt_percent(rate)} 不低于 {fmt_percent(Fraction(self.floor))} → {fmt(weight)}",))
        return Scored(Decimal(0), (f"完成率 {fmt_percent(rate)} 低于 {fmt_percent(Fraction(self.floor))} → 0",))

    def vector(self) -> FloorOrNothingVector:
        return FloorOrNothingVector(floor=scaled(self.floor), **self._common())


@attrs.frozen
class FloorOrNothingVector(VectorRule):
    floor: tuple[int, int] = (0, 0)

    def bounds(self, weight_scale: int, out_scale: int, limit: int) -> Bounds:
        return Bounds(w_max=limit, d_max=limit // 10 ** self.floor[1], wd_max=limit)  # N * 10**fs and fn * D

    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        fn, fs = self.floor
        keep = N * 10**fs >= D * fn
        return xp.where(keep, Ws, 0), xp.where(keep, BRANCH_FULL, BRANCH_ZERO)
