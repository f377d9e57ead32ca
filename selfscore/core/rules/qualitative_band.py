"""qualitative_band: a 定性 indicator's score, typed by the officer, must lie in its outcome's band.

National module (docs/project-rules.md §2): 达成 [80 %, 100 %], 部分达成 [60 %, 80 %), 未达成 [0, 60 %)
of the weight; printed forms elsewhere use 100–80 / 80–50 / 50–0.  The bands are ranges
to validate, not fixed shares.  Without a typed score a spec declares the share used for
each outcome (inside its band) or refuses and asks.  This is not a rate rule (the score
comes from the officer, not from a completion rate), so it is not in :data:`RULES`; the
project scorer applies it to 定性 rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import fmt, mul
from selfscore.core.rules.base import Scored

__all__ = ["Band", "band_score"]


@attrs.frozen
class Band:
    """The score must lie in [low, high) × weight (``high`` included when ``closed``)."""

    outcome: str
    low: Decimal
    high: Decimal
    closed: bool

    def contains(self, share: Fraction) -> bool:
        above = share >= Fraction(self.low)
        below = share <= Fraction(self.high) if self.closed else share < Fraction(self.high)
        return above and below

    @property
    def label(self) -> str:
        low, high = (f"{fmt(v * 100)}%" for v in (self.low, self.high))
        return f"[{low}, {high}{']' if self.closed else ')'}"


def band_score(band: Band, weight: Decimal, typed: Decimal | None, untyped: Mapping[str, Decimal] | None,
               source: str, untyped_source: str) -> Scored:
    """Check a typed score against ``band``, or use the declared share for an untyped one (None: refuse)."""
    low, high = mul(weight, band.low), mul(weight, band.high)
    shown = f"{band.outcome} 区间 {band.label} × 分值 {fmt(weight)} = [{fmt(low)}, {fmt(high)}{']' if band.closed else ')'}"
    if typed is not None:
        share = Fraction(typed) / Fraction(weight) if weight else Fraction(0)
        if typed < 0 or not band.contains(share):
            raise SelfScoreError(f"定性指标得分 {fmt(typed)} 不在“{band.outcome}”的得分区间内 (qualitative score outside its band)："
                                 f"{shown}（{source}）")
        return Scored(typed, (f"定性指标：填报得分 {fmt(typed)}，在 {shown} 内",))
    if untyped is None:
        raise SelfScoreError(f"定性指标未填写得分 (qualitative score missing)：请在 {shown} 内填写得分（{untyped_source}）")
    share_d = untyped[band.outcome]
    score = mul(weight, share_d)
    line = f"定性指标：未填写得分，按评分规范取 {fmt(weight)} × {fmt(share_d)} = {fmt(score)}（{shown}；{untyped_source}）"
    return Scored(score, (line,))
