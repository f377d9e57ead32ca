"""Indicator weights of a batch: typed weights read once per distinct value, split points from core's split.

Rows are in scoring order (grouped by department and item).  Typed weights (a 分值
column) are read once per distinct value and spread to the rows by code; points
are split by :func:`selfscore.core.split.split_points` itself, once per distinct
number of indicators in a group; typed weights that do not add up get
:func:`selfscore.core.split.check_weights`'s own message.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from selfscore.batch.parse import exact_decimal, scaled
from selfscore.batch.rows import weights_column
from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import fmt
from selfscore.core.spec import Item
from selfscore.core.split import check_weights, partial_weights_problem, split_points

__all__ = ["Groups", "ItemWeights", "item_weights", "value_codes"]


def value_codes(values: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """A column's distinct values and every row's index into them (int64, or a coded column's own int32).

    Values that compare equal but print differently (``Decimal('4')`` and ``Decimal('4.00')``,
    ``1`` and ``1.0``) stay apart, so each keeps its own exponent.
    """
    codes_attr = getattr(values, "codes", None)
    if codes_attr is not None and all(v is None or type(v) is str for v in values.values):  # type: ignore[attr-defined]
        own = np.asarray(codes_attr)
        return list(values.values), own if own.dtype in (np.int32, np.int64) else own.astype(np.int64)  # type: ignore[attr-defined]
    index: dict[Any, int] = {}
    first: list[Any] = []
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        key = (type(v), str(v)) if isinstance(v, Decimal) else (type(v), v)
        try:
            c = index.get(key)
        except TypeError:  # unhashable: a value of its own
            c, key = None, (type(v), id(v))
        if c is None:
            c = index[key] = len(first)
            first.append(v)
        codes[i] = c
    return first, codes


@attrs.frozen(eq=False)
class Groups:
    """The (department, item) groups of the rows in scoring order."""

    starts: np.ndarray  # first row of each group
    sizes: np.ndarray
    dept: np.ndarray  # each group's department
    item: np.ndarray  # each group's item index
    of_row: np.ndarray  # each row's group
    pos: np.ndarray  # each row's position within its group

    @classmethod
    def of(cls, key: np.ndarray, row_dept: np.ndarray, row_item: np.ndarray) -> Groups:
        n = len(key)
        starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1)) if n else np.zeros(0, dtype=np.int64)
        sizes = np.diff(np.append(starts, n))
        of_row = np.repeat(np.arange(len(starts)), sizes)
        return cls(starts, sizes, row_dept[starts], row_item[starts], of_row, np.arange(n) - starts[of_row])


@attrs.frozen(eq=False)
class ItemWeights:
    """Every row's weight at ``scale`` decimal places, with its Decimal exponent, and the problems found.

    ``values`` is int64, or an object array when a weight does not fit.  ``problems``
    holds ``(row, message)`` for a row's own weight and ``(-1 - group, message)`` for a
    group's weights as a whole.
    """

    values: np.ndarray
    scale: int
    exp: np.ndarray
    negative_zero: frozenset[int]
    problems: list[tuple[int, str]]
    sums: np.ndarray | None  # per group, when any weight is typed


def _typed(values: list[Any], codes: np.ndarray) -> tuple[np.ndarray, list[int], int, np.ndarray, dict[int, str], np.ndarray]:
    """Per distinct value: typed?, weight at one scale, the scale, exponent, error, negative zero."""
    k = len(values)
    has = np.array([v is not None for v in values], dtype=bool).reshape(k)
    present = np.flatnonzero(has & np.isin(np.arange(k), codes)).tolist()
    W, scale, exps, errors, negz = weights_column([values[c] for c in present])
    w_of: list[int] = [0] * k
    e_of = np.zeros(k, dtype=np.int32)
    neg = np.zeros(k, dtype=bool)
    for j, c in enumerate(present):
        w_of[c] = W[j]
        e_of[c] = exps[j]
    neg[[present[j] for j in negz]] = True
    return has, w_of, scale, e_of, {present[j]: m for j, m in errors.items()}, neg


def _column(w_of: list[int], codes: np.ndarray, factor: int) -> np.ndarray:
    """``w_of[code] * factor`` per row, int64 when every value fits."""
    scaled_values = [w * factor for w in w_of]
    if max(scaled_values, default=0) < 2**62:
        table: np.ndarray = np.asarray(scaled_values, dtype=np.int64).reshape(len(w_of))
    else:
        table = np.array([*scaled_values, None], dtype=object)[:-1]
    column: np.ndarray = table[codes] if len(w_of) else np.zeros(len(codes), dtype=np.int64)
    return column


def _split_shares(it: Item, places: int, g: Groups, rows_k: np.ndarray) -> np.ndarray:
    """Each row's share of the item's points, in units of ``10**-places``, from :func:`split_points`."""
    assert it.points is not None and it.split is not None
    nn = g.sizes[g.of_row[rows_k]]
    pos = g.pos[rows_k]
    share = np.zeros(len(rows_k), dtype=np.int64)
    for n in np.unique(nn).tolist():
        parts = split_points(it.points, n, places=places, leftover=it.split.leftover)  # type: ignore[arg-type]
        units = np.array([int(p.scaleb(places)) for p in parts], dtype=np.int64)
        sel = nn == n
        share[sel] = units[pos[sel]]
    return share


def item_weights(items: Sequence[Item], weight_col: Sequence[Any], src: np.ndarray, row_item: np.ndarray,
                 g: Groups, names: Sequence[str] = ()) -> ItemWeights:
    """Every scoring row's weight: typed (every row of its group, adding up to the points) or split."""
    n = len(src)
    values, codes_all = value_codes(weight_col)
    codes = codes_all[src] if n else np.zeros(0, dtype=np.int64)
    has, w_of, tscale, e_of, errors, neg = _typed(values, codes)
    typed = has[codes] if len(values) else np.zeros(n, dtype=bool)
    problems: list[tuple[int, str]] = []
    if errors:
        bad = np.zeros(len(values), dtype=bool)
        bad[list(errors)] = True
        problems.extend((r, f"weight: {errors[int(codes[r])]}") for r in np.flatnonzero(bad[codes]).tolist())
    places = [it.split.places if it.split is not None else 2 for it in items]
    ws = max([tscale, *places])
    W = _column(w_of, codes, 10 ** (ws - tscale))
    W[~typed] = 0
    exp = np.where(typed, e_of[codes] if len(values) else 0, 0).astype(np.int32)
    for k, it in enumerate(items):
        rows_k = np.flatnonzero((row_item == k) & ~typed)
        if not len(rows_k):
            continue
        assert it.points is not None
        if scaled(it.points)[1] > places[k]:  # split_points refuses it; say which item and why
            for grp in np.unique(g.of_row[rows_k]).tolist():
                problems.append((-1 - grp, f"二级指标 {it.name}: 分值 {fmt(it.points)} 的小数位多于 {places[k]} 位"))
            continue
        if int(it.points.scaleb(ws)) >= 2**62:  # pragma: no cover - points of 10**16 and more
            raise ValueError(f"item {it.key}: points too large to split: {it.points}")
        W[rows_k] = _split_shares(it, places[k], g, rows_k) * 10 ** (ws - places[k])
        exp[rows_k] = -places[k]
    sums = _group_sums(W, typed, g) if typed.any() else None
    if sums is not None:
        problems.extend(_check_groups(items, weight_col, src, typed, sums, ws, g, names))
    negative_zero = frozenset(np.flatnonzero(neg[codes] & typed).tolist()) if neg.any() else frozenset()
    return ItemWeights(W, ws, exp, negative_zero, problems, sums)


def _group_sums(W: np.ndarray, typed: np.ndarray, g: Groups) -> np.ndarray:
    if W.dtype != object and int(W.max(initial=0)) > 2**62 // max(int(g.sizes.max(initial=1)), 1):
        W = W.astype(object)
    sums: np.ndarray = np.add.reduceat(W, g.starts) if len(W) else np.zeros(0, dtype=np.int64)
    return sums


def _check_groups(items: Sequence[Item], weight_col: Sequence[Any], src: np.ndarray, typed: np.ndarray,
                  sums: np.ndarray, ws: int, g: Groups, names: Sequence[str]) -> list[tuple[int, str]]:
    """Groups typed in part, or whose typed weights do not add up (with core's own message)."""
    out: list[tuple[int, str]] = []
    n_typed = np.add.reduceat(typed.astype(np.int64), g.starts)
    want = [int(it.points.scaleb(ws)) if it.points is not None else 0 for it in items]
    off = (n_typed > 0) & (n_typed < g.sizes)
    whole = np.flatnonzero((n_typed > 0) & ~off)
    if len(whole):  # fully typed groups whose weights do not add up to the item's points
        expected = np.array(want, dtype=object)[g.item[whole]]
        whole = whole[np.asarray(sums[whole], dtype=object) != expected]
    for grp in sorted(np.flatnonzero(off).tolist() + whole.tolist()):
        item = items[int(g.item[grp])]
        assert item.points is not None
        rows = range(int(g.starts[grp]), int(g.starts[grp] + g.sizes[grp]))
        if off[grp]:  # the engine's wording
            missing = "、".join(str(names[int(src[r])]) for r in rows if not typed[r]) if len(names) else ""
            out.append((-1 - grp, f"二级指标 {item.name}: {partial_weights_problem(missing)}"))
            continue
        try:
            check_weights([exact_decimal(weight_col[int(src[r])], what="weight") for r in rows], item.points,
                          name=item.name)  # the engine's decision and wording (core.split.weights_problem)
        except (SelfScoreError, TypeError, ValueError) as exc:
            out.append((-1 - grp, f"二级指标 {item.name}: {exc}"))
    return out
