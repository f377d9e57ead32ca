"""all_or_nothing: full weight when met, else 0 (docs/domain.md §4)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

import attrs

from selfscore.core.numbers import Rounding
from selfscore.core.rules.base import BRANCH_ZERO, Array, IndicatorRule, Scored, VectorRule, share_param
from selfscore.core.rules.registry import register

__all__ = ["AllOrNothing", "AllOrNothingVector"]


@register
@attrs.frozen
class AllOrNothing(IndicatorRule):
    """Full weight when met, else 0."""

    kind: ClassVar[str] = "all_or_nothing"
    params: ClassVar[tuple[str, ...]] = ()
    scores_by_rate: ClassVar[bool] = False

    partial_share: Decimal | None = attrs.field(default=None, converter=share_param)
    rounding: Rounding = Rounding(places=2)

    def unmet(self, weight: Decimal, rate: Fraction) -> Scored:
        return Scored(Decimal(0), ("未达成，全有或全无规则 → 0",))

    def vector(self) -> AllOrNothingVector:
        return AllOrNothingVector(**self._common())


@attrs.frozen
class AllOrNothingVector(VectorRule):
    def score(self, xp: Any, W: Array, Ws: Array, N: Array, D: Array,
              weight_scale: int, out_scale: int) -> tuple[Array, Array]:
        return xp.zeros_like(Ws), xp.full(Ws.shape, BRANCH_ZERO)
