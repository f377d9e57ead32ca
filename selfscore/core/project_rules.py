"""The project table's own scoring rules (docs/project-rules.md; PROJECT-RULES §2 in the issue).

- :func:`deviation_score`: 反向 in the deviation form of the national module:
  actual ≤ target → full; target < actual < 2 × target → (1 − (actual − target) / target)
  × weight, rounded once; actual ≥ 2 × target → 0.
- :func:`band_score`: 定性: the officer's typed score must lie in the band of the chosen
  outcome (national: 达成 [80 %, 100 %], 部分达成 [60 %, 80 %), 未达成 [0, 60 %) of the
  weight); without a typed score the spec's declared share is used, or it refuses.
- :func:`integer_split`: a level's points shared equally over its indicators, each
  share rounded half-up to whole points (Hubei: "分值按三级指标个数平均确定，四舍五入保留整数").

These are written as the registry's rule files will hold them: pure, exact, explained.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import Rounding, div_round, fmt, mul, sub
from selfscore.core.project import ProjectRules
from selfscore.core.rules import Scored

__all__ = ["band_score", "deviation_score", "integer_split"]


def deviation_score(weight: Decimal, target: Decimal, actual: Decimal, rounding: Rounding, unit: str = "") -> Scored:
    """反向 (deviation form): full at or under the target, 0 at twice the target, linear between."""
    if actual <= target:
        return Scored(weight, (f"反向指标：实际 {fmt(actual)}{unit} ≤ 目标 {fmt(target)}{unit}，达成，得满分 {fmt(weight)}",))
    if actual >= 2 * target:
        return Scored(Decimal(0), (f"反向指标：实际 {fmt(actual)}{unit} ≥ 目标的 2 倍 {fmt(2 * target)}{unit}，得 0 分",))
    num = mul(weight, sub(2 * target, actual))
    score = div_round(num, target, rounding)
    return Scored(score, (f"反向指标（偏离度）：(1 − ({fmt(actual)} − {fmt(target)}) ÷ {fmt(target)}) × {fmt(weight)} = "
                          f"{fmt(num)} ÷ {fmt(target)} → {fmt(score)}（{rounding.label}）",))


def band_score(rules: ProjectRules, weight: Decimal, outcome: str, typed: Decimal | None) -> Scored:
    """定性: check a typed score against its band, or use the spec's declared share."""
    band = rules.band(outcome)
    low, high = mul(weight, band.low), mul(weight, band.high)
    shown = f"{outcome} 区间 {band.label} × 分值 {fmt(weight)} = [{fmt(low)}, {fmt(high)}{']' if band.closed else ')'}"
    if typed is not None:
        share = Fraction(typed) / Fraction(weight) if weight else Fraction(0)
        if typed < 0 or not band.contains(share):
            raise SelfScoreError(f"定性指标得分 {fmt(typed)} 不在“{outcome}”的得分区间内 (qualitative score outside its band)："
                                 f"{shown}（{rules.bands_source}）")
        return Scored(typed, (f"定性指标：填报得分 {fmt(typed)}，在 {shown} 内",))
    if rules.untyped is None:
        raise SelfScoreError(f"定性指标未填写得分 (qualitative score missing)：请在 {shown} 内填写得分"
                             f"（{rules.untyped_source}）")
    share_d = rules.untyped[outcome]
    score = mul(weight, share_d)
    return Scored(score, (f"定性指标：未填写得分，按评分规范取 {fmt(weight)} × {fmt(share_d)} = {fmt(score)}（{shown}；"
                          f"{rules.untyped_source}）",))


def integer_split(points: Mapping[str, Decimal], levels: Sequence[str]) -> tuple[Decimal | None, ...]:
    """Each indicator's weight: its level's points ÷ the level's indicator count, half-up to whole points.

    The shares need not add up to the level's points (3 indicators of 40 points get 13 each);
    an indicator of a level without declared points gets None.
    """
    counts = Counter(levels)
    shares: list[Decimal | None] = []
    for level in levels:
        if level not in points:
            shares.append(None)
            continue
        shares.append(div_round(points[level], Decimal(counts[level]), Rounding(0, "half_up")))
    return tuple(shares)
