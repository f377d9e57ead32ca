"""integer_split: a level's points shared equally over its indicators, each share rounded half-up
to whole points (Hubei forms: "分值按三级指标个数平均确定，四舍五入保留整数", docs/project-rules.md §3).

Unlike :func:`selfscore.core.split.split_points` the shares need not add up to the level's
points (3 indicators of 40 points get 13 each, 39 in all): that is what the forms do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

from selfscore.core.numbers import Rounding, div_round

__all__ = ["integer_split"]


def integer_split(points: Mapping[str, Decimal], levels: Sequence[str]) -> tuple[Decimal | None, ...]:
    """Each indicator's weight from its level's points; None for a level without declared points."""
    counts = Counter(levels)
    return tuple(div_round(points[level], Decimal(counts[level]), Rounding(0, "half_up")) if level in points else None
                 for level in levels)
