"""Sharing an item's points over its indicators (docs/domain.md §5).

元岗 2023: 20 points over 6 output indicators are 3.34, 3.33, 3.33, 3.33, 3.33,
3.34: the equal share truncated to 0.01, and the spare cents handed out one by one
to the ends of the list (first, last, second, second-to-last, ...).  Some project forms
instead round each equal share to whole points (:func:`integer_split`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final, Literal

from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import Rounding, div_round, exact_sum, fmt, to_decimal

__all__ = ["LEFTOVER_ORDERS", "check_weights", "integer_split", "partial_weights_problem", "split_points", "weights_problem"]

Leftover = Literal["ends", "first", "last"]
LEFTOVER_ORDERS: Final[tuple[str, ...]] = ("ends", "first", "last")


def _order(n: int, leftover: str) -> list[int]:
    if leftover == "first":
        return list(range(n))
    if leftover == "last":
        return list(range(n - 1, -1, -1))
    order: list[int] = []
    lo, hi = 0, n - 1
    while lo <= hi:
        order.append(lo)
        if hi != lo:
            order.append(hi)
        lo, hi = lo + 1, hi - 1
    return order


def split_points(
    total: Decimal | int | str, n: int, *, places: int = 2, leftover: Leftover = "ends"
) -> tuple[Decimal, ...]:
    """Split ``total`` into ``n`` shares of ``places`` decimals that sum exactly to ``total``.

    Each share is the equal share truncated to ``places``; the units left over go
    one each to the positions ``leftover`` names: ``"ends"`` (first, last, second,
    second-to-last, ...), ``"first"`` or ``"last"``.  No two shares differ by more
    than one unit of the last place.
    """
    amount = to_decimal(total, what="total")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"'n' must be an int >= 1, not {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"'n' must be an int >= 1: {n!r}")
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"'places' must be an int from 0 to 12, not {type(places).__name__}: {places!r}")
    if not 0 <= places <= 12:
        raise ValueError(f"'places' must be an int from 0 to 12: {places!r}")
    if leftover not in LEFTOVER_ORDERS:
        raise ValueError(f"'leftover' must be one of {list(LEFTOVER_ORDERS)}: {leftover!r}")
    if amount < 0:
        raise ValueError(f"分值为负数 ('total' must be >= 0): {fmt(amount)}")
    units = amount.scaleb(places)
    if units != units.to_integral_value():
        raise ValueError(f"分值 {fmt(amount)} 的小数位多于 {places} 位 ('total' has more than {places} decimal places)")
    whole = int(units)
    base, spare = divmod(whole, n)
    shares = [base] * n
    for i in _order(n, leftover)[:spare]:
        shares[i] += 1
    return tuple(Decimal(s).scaleb(-places) for s in shares)


def weights_problem(total: Decimal, points: Decimal, name: str | None = None) -> str | None:
    """The one "weights do not add up" check: ``None`` when the typed weights' sum ``total``
    equals the ``points`` they share, else the problem in the one wording every path
    (case, sheet, verify, project, batch) reports.  ``name`` is the item's name, if known."""
    if total == points:
        return None
    whose = f"“{name}”" if name else ""
    return f"{whose}各指标分值之和 {fmt(total)} 不等于该项分值 {fmt(points)} (weights do not add up to the item's points)"


def partial_weights_problem(missing: str = "") -> str:
    """The one wording for weights typed for some of an item's indicators only; ``missing`` names
    the indicators (or cells) left blank, when known."""
    return "部分指标填写了分值、部分没有 (weights typed for some indicators only)" + (f"；未填: {missing}" if missing else "")


def check_weights(weights: Sequence[Decimal | int | str], total: Decimal | int | str, *,
                  name: str | None = None) -> tuple[Decimal, ...]:
    """Accept explicit weights typed by an officer, checking they sum exactly to ``total``
    (the item's points; ``name`` is the item's name, for the message of :func:`weights_problem`)."""
    amount = to_decimal(total, what="该项分值 (total)")
    values = tuple(to_decimal(w, what=f"第{i + 1}个分值 (weight {i + 1})") for i, w in enumerate(weights))
    for i, w in enumerate(values):
        if w < 0:
            raise ValueError(f"第{i + 1}个分值为负数 (weight must be >= 0): {fmt(w)}")
    problem = weights_problem(exact_sum(values), amount, name)
    if problem is not None:
        raise SelfScoreError(problem)
    return values


def integer_split(points: Mapping[str, Decimal], levels: Sequence[str]) -> tuple[Decimal | None, ...]:
    """Each indicator's weight from its level's points shared equally, each share half-up to whole points
    (Hubei forms: "分值按三级指标个数平均确定，四舍五入保留整数", docs/project-rules.md §3); None for a
    level without declared points.

    Unlike :func:`split_points` the shares need not add up to the level's points (3 indicators of 40
    points get 13 each, 39 in all): that is what the forms do.
    """
    counts = Counter(levels)
    return tuple(div_round(points[level], Decimal(counts[level]), Rounding(0, "half_up")) if level in points else None
                 for level in levels)
