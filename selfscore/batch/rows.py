"""Batch scoring: many indicators at once, exactly, with numpy.

The batch engine gives, for every row, the identical Decimal (value and exponent)
that the scalar engine gives::

    done = completion(parse_target(target, lower_is_better=...), parse_actual(actual), judgement=...)
    apply_rule(rule, weight, done).score

It works in three steps:

1. :func:`indicator_rows` reduces each row to integers (scalar parsing, cached;
   see :mod:`selfscore.batch.parse`): the weight at one scale for the batch, the
   actual and target at a scale common to the row, a comparator mask and a
   部分达成 flag.
2. :func:`score_rows` runs the vector kernel (:mod:`selfscore.batch.vec`) on int64
   arrays.  Before computing, each rule's bounds say which rows keep every
   intermediate within 2**62; rows that do not fit run through the same kernel on
   Python integers (object arrays), which is exact at any size.
3. :meth:`RowScores.decimals` turns the integers into Decimals, at the output edge.

Scores stay integers (at :attr:`RowScores.scale` decimal places) for sums per
item, part and department (:mod:`selfscore.batch.dept`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.parse import Reducer, exact_decimal, scaled
from selfscore.batch.vec import (
    LIMIT,
    MASKS,
)
from selfscore.core.completion import direct_units

__all__ = [
    "Rows",
    "distinct_codes",
    "exact_decimal",
    "indicator_rows",
    "paused_gc",
    "reduce_columns",
    "weight_array",
    "weights_column",
]

# Wide enough for any integer the object path produces (Decimal(int) is exact; scaleb must not round).


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector over a bulk loop (it makes no cycles; the collector
    would rescan every object alive, again and again, as millions are allocated)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@attrs.frozen(eq=False)
class Rows:
    """Numeric columns for the vector step, one row per indicator.

    ``weight`` holds integers at ``weight_scale`` decimal places; ``weight_exp`` each
    weight's own Decimal exponent (the scalar engine returns the weight as given).
    ``actual``/``target`` are integers at a scale common to their row.  ``mask`` is the
    comparator (see :data:`selfscore.batch.vec.MASKS`), ``partial`` marks 部分达成.
    Integer columns are int64; a row with a value beyond int64 holds a placeholder
    there and its exact values in ``big`` (row -> ``(W, A, T)``), and is scored on the
    exact wide path.  ``errors`` maps a row number to the scalar engine's message for a row that
    could not be reduced (its numeric columns hold a placeholder).  ``shown`` holds
    the completion rate a report shows for rows reduced through the scalar
    ``completion`` (qualitative rows and the like); :meth:`shown_rate` gives any row's.
    ``negative_zero`` lists rows whose weight is ``-0`` (kept so that a full mark is
    the weight as given, sign and all).
    """

    weight: np.ndarray
    weight_scale: int
    weight_exp: np.ndarray
    actual: np.ndarray
    target: np.ndarray
    mask: np.ndarray
    partial: np.ndarray
    errors: dict[int, str] = attrs.field(factory=dict)
    shown: dict[int, Fraction | str] = attrs.field(factory=dict)
    negative_zero: frozenset[int] = frozenset()
    big: dict[int, tuple[int, int, int]] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.weight)

    def exact(self, i: int) -> tuple[int, int, int]:
        """Row ``i``'s exact ``(W, A, T)``."""
        found = self.big.get(i)
        return found if found is not None else (int(self.weight[i]), int(self.actual[i]), int(self.target[i]))

    def shown_rate(self, i: int) -> Fraction | str:
        """The completion rate the scalar engine reports for row ``i`` (uncapped when defined).

        A Fraction, or the outcome text (部分达成) when there is no rate.
        """
        if i in self.shown:
            return self.shown[i]
        _w, a, t = self.exact(i)
        m = int(self.mask[i])
        order = 1 + (a > t) - (a < t)
        met = (m >> order) & 1
        if t == 0:
            return Fraction(met)
        if m & 1 and not m & 4:  # a ceiling: target / actual
            return Fraction(1) if a == 0 else Fraction(t, a)
        if m == MASKS["=="] and a > t:
            return Fraction(t, a)
        return Fraction(a, t)

    def take(self, index: np.ndarray) -> Rows:
        """The rows at ``index`` (in that order), errors and shown rates renumbered."""
        where = {int(old): new for new, old in enumerate(index.tolist())}
        return Rows(self.weight[index], self.weight_scale, self.weight_exp[index], self.actual[index],
                    self.target[index], self.mask[index], self.partial[index],
                    {where[i]: m for i, m in self.errors.items() if i in where},
                    {where[i]: r for i, r in self.shown.items() if i in where},
                    frozenset(where[i] for i in self.negative_zero if i in where),
                    {where[i]: v for i, v in self.big.items() if i in where})


def weights_column(values: Sequence[object]) -> tuple[list[int], int, list[int], dict[int, str], list[int]]:
    """Weights as integers at one scale, each weight's Decimal exponent, per-row errors, and the
    rows whose weight is a negative zero (``-0.0``: a full mark is then ``Decimal('-0.0')``).

    A row whose weight is not an exact non-negative number gets weight 0 and an error.
    Weights repeat (a split gives a handful of values), so each distinct value is read once.
    """
    with paused_gc():
        index: dict[object, int] = {}
        if set(map(type, values)) <= {str}:
            index, codes = distinct_codes(values)
            distinct: list[object] = list(index)
        else:
            keys = [(Decimal, str(v)) if type(v) is Decimal else (type(v), v) for v in values]
            try:
                codes = [index.setdefault(k, len(index)) for k in keys]
                first: dict[int, object] = {}
                for v, c in zip(values, codes, strict=True):
                    first.setdefault(c, v)
                distinct = [first[c] for c in range(len(index))]
            except TypeError:  # unhashable values: one "distinct" value per row
                codes = list(range(len(values)))
                distinct = list(values)
        read: list[tuple[int, int, int, bool] | str] = []
        for v in distinct:
            try:
                d = v if type(v) is Decimal else exact_decimal(v, what="weight")
                if not d.is_finite():
                    raise ValueError(f"weight must be a finite number: {v!r}")
                if d < 0:
                    raise ValueError(f"'weight' must be >= 0: {d}")
                n, s = scaled(d)
                e = d.as_tuple().exponent
                assert isinstance(e, int)
                read.append((n, s, e, d.is_signed()))
            except (TypeError, ValueError) as exc:
                read.append(str(exc))
        ok = [(0, 0, 0, False) if isinstance(r, str) else r for r in read]
        used = set(codes)
        scale = max((ok[c][1] for c in used), default=0)
        W_u = [r[0] * 10 ** (scale - r[1]) for r in ok]
        errors: dict[int, str] = {}
        if any(isinstance(r, str) for r in read):
            for i, c in enumerate(codes):
                message = read[c]
                if isinstance(message, str):
                    errors[i] = message
        negative_zero = [i for i, c in enumerate(codes) if ok[c][3]] if any(r[3] for r in ok) else []
        code_arr = np.asarray(codes, dtype=np.int64)
        W: list[int]
        try:
            W = np.asarray(W_u, dtype=np.int64)[code_arr].tolist()
        except OverflowError:
            W = [W_u[c] for c in codes]
        exps: list[int] = np.asarray([r[2] for r in ok], dtype=np.int64)[code_arr].tolist() if ok else []
    return W, scale, exps, errors, negative_zero


def indicator_rows(
    targets: Sequence[str],
    actuals: Sequence[str],
    weights: Sequence[object],
    *,
    judgements: Sequence[str | None] | None = None,
    lower_is_better: Sequence[bool | None] | None = None,
    reducer: Reducer | None = None,
) -> Rows:
    """Reduce indicator texts and weights to :class:`Rows` (the scalar edge; cached)."""
    n = len(targets)
    if len(actuals) != n or len(weights) != n:
        raise ValueError(f"columns differ in length: {n} targets, {len(actuals)} actuals, {len(weights)} weights")
    for name, col in (("judgements", judgements), ("lower_is_better", lower_is_better)):
        if col is not None and len(col) != n:
            raise ValueError(f"{name} has {len(col)} rows, not {n}")
    W, ws, wexp, weight_errors, negative_zero = weights_column(weights)
    A, T, M, P, errors, shown, big_at = reduce_columns(
        targets, actuals, judgements if judgements is not None else [None] * n,
        lower_is_better if lower_is_better is not None else [None] * n, reducer=reducer)
    for i, message in weight_errors.items():  # the scalar engine reads the texts before the weight
        errors.setdefault(i, message)
    W_col, big = weight_array(W, A, T, big_at)
    return Rows(W_col, ws, np.asarray(wexp, dtype=np.int32), A, T, M, P, errors, shown, frozenset(negative_zero), big)


def weight_array(W: list[int], A: np.ndarray, T: np.ndarray,
                 big_at: dict[int, tuple[int, int]]) -> tuple[np.ndarray, dict[int, tuple[int, int, int]]]:
    """The weight column as int64 and the side table of rows with any value beyond int64 (exact)."""
    try:
        W_col = np.array(W, dtype=np.int64)
        big_w: list[int] = []
    except OverflowError:
        big_w = [i for i, w in enumerate(W) if w >= 2**63]
        W_col = np.array([0 if w >= 2**63 else w for w in W], dtype=np.int64)
    big = {i: (W[i], a, t) for i, (a, t) in big_at.items()}
    for i in big_w:
        a, t = big_at.get(i, (int(A[i]), int(T[i])))
        big[i] = (W[i], a, t)
    return W_col, big


_CMP_CODES: Final = {">=": 0, ">": 1, "<=": 2, "<": 3, "==": 4}
_MASK_OF_CODE: Final = np.array([MASKS[c] for c in _CMP_CODES], dtype=np.uint8)
_POW10: Final = np.array([10**k for k in range(19)], dtype=np.int64)


def reduce_columns(
    targets: Sequence[str],
    actuals: Sequence[str],
    judgements: Sequence[str | None],
    lower_is_better: Sequence[bool | None],
    *,
    reducer: Reducer | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, str], dict[int, Fraction | str],
           dict[int, tuple[int, int]]]:
    """Columns ``A, T`` (int64), ``mask, partial``; per-row errors, shown rates, and rows beyond int64.

    Each distinct text is read once (:meth:`Reducer._read`); numeric rows are then
    combined in numpy exactly as :meth:`Reducer.row` combines one (unit check, common
    scale, an actual's strict comparator meeting a strict target); every other row
    (qualitative, judgements, errors, values near int64) goes through
    :meth:`Reducer.row` itself.  Rows whose ``A`` or ``T`` do not fit int64 hold
    ``(0, 1)`` and are listed with their exact values in the last dict.

    Targets and actuals are texts; numbers (Decimal, int, a float that is an exact short
    decimal) are read as the plain decimal text they stand for (``95`` as ``"95"``).
    """
    red = reducer or Reducer()
    n = len(targets)
    value_errors: dict[int, str] = {}
    targets = _texts(targets, "target", value_errors)
    actuals = _texts(actuals, "actual", value_errors)
    with paused_gc():
        numeric, A, T, M = _numeric_rows(red, targets, actuals, judgements, lower_is_better)
        if progress is not None:
            progress(n // 2)
        P = np.zeros(n, dtype=bool)
        errors, shown, big = _other_rows(red, np.flatnonzero(~numeric).tolist(), targets, actuals, judgements,
                                         lower_is_better, A, T, M, P)
        if progress is not None:
            progress(n)
    errors.update(value_errors)
    return A, T, M, P, errors, shown, big


def _numeric_rows(red: Reducer, targets: Sequence[str], actuals: Sequence[str], judgements: Sequence[str | None],
                  lower_is_better: Sequence[bool | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which rows are plain numbers (each distinct text read once), and their ``A, T, mask`` combined in numpy
    exactly as :meth:`Reducer.row` combines one (other rows hold ``A = 0, T = 1``)."""
    n = len(targets)
    lowered = set(map(type, lower_is_better)) != {type(None)} and n > 0
    t_index, t_codes = distinct_codes(list(zip(targets, lower_is_better, strict=True)) if lowered else targets)
    a_index, a_codes = distinct_codes(actuals)
    unjudged = None
    if set(map(type, judgements)) != {type(None)} and n:
        unjudged = np.fromiter((j is None for j in judgements), dtype=bool, count=n)
    return numeric_codes(red, list(t_index), lowered, np.asarray(t_codes, dtype=np.int64), list(a_index),
                         np.asarray(a_codes, dtype=np.int64), unjudged)


def numeric_codes(red: Reducer, t_keys: list[Any], lowered: bool, tc: np.ndarray, a_keys: list[Any], ac: np.ndarray,
                  unjudged: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_numeric_rows` of rows given as codes: row ``i``'s target is ``t_keys[tc[i]]`` (a ``(text, lower)``
    pair when ``lowered``, else a text), its actual ``a_keys[ac[i]]``; ``unjudged`` (if given) marks the rows
    without a judgement.  Only the keys some row uses are read (``None`` stands for an unused one)."""
    t_val, t_cls, t_classes = _reading_table(_target_readings(red, t_keys, lowered))
    a_val, a_cls, a_classes = _reading_table(red.readings(a_keys, None, True))
    ok, pow_t, pow_a, mask = _class_pairs(t_classes, a_classes)
    cls = t_cls[tc] * len(a_classes) + a_cls[ac]
    numeric = ok[cls]
    if unjudged is not None:
        numeric &= unjudged
    T, A = t_val[tc], a_val[ac]
    kt, ka = pow_t[cls], pow_a[cls]
    numeric &= (T <= (LIMIT // pow_t)[cls]) & (A <= (LIMIT // pow_a)[cls])
    T = np.where(numeric, T * kt, 1)
    A = np.where(numeric, A * ka, 0)
    M = mask[cls]
    M[~numeric] = MASKS[">"]
    return numeric, A, T, M


def _class_pairs(t_classes: list[Any], a_classes: list[Any]) -> tuple[np.ndarray, ...]:
    """For each (target class, actual class) pair (flattened, see :func:`_reading_table`): whether such rows are
    plain numbers, the powers of ten that bring target and actual to their common scale, and the comparator mask
    (exactly as :meth:`Reducer.row` combines one row)."""
    units: dict[str, int] = {}
    t_cmp, t_sc = (np.array([c[k] if c else 0 for c in t_classes], dtype=np.int64) for k in range(2))
    a_cmp, a_sc = (np.array([c[k] if c else 0 for c in a_classes], dtype=np.int64) for k in range(2))
    t_unit = np.array([units.setdefault(c[2], len(units)) if c else -1 for c in t_classes], dtype=np.int64)
    a_unit = np.array([units.setdefault(c[2], len(units)) if c else -1 for c in a_classes], dtype=np.int64)
    compat = np.array([[direct_units(u, v) for v in units] for u in units] + [[False] * len(units)],
                      dtype=bool).reshape(len(units) + 1, len(units))
    is_t = np.array([c is not None for c in t_classes], dtype=bool)[:, None]
    is_a = np.array([c is not None for c in a_classes], dtype=bool)[None, :]
    ok = is_t & is_a & compat[t_unit[:, None], a_unit[None, :]] if len(units) else is_t & is_a
    st, sa = t_sc[:, None], a_sc[None, :]
    s = np.maximum(st, sa)
    kt, ka = s - st, s - sa
    ok &= (kt < 19) & (ka < 19)
    pow_t, pow_a = _POW10[np.minimum(kt, 18)], _POW10[np.minimum(ka, 18)]
    code = t_cmp[:, None]
    fold = ((code == 1) | (code == 3)) & (a_cmp[None, :] == code)  # an actual "> 95%" meets a target "> 95%"
    mask = _MASK_OF_CODE[code - fold]
    return ok.reshape(-1), pow_t.reshape(-1), pow_a.reshape(-1), mask.reshape(-1)


def _target_readings(red: Reducer, keys: list[Any], lowered: bool) -> list[Any]:
    """:meth:`Reducer.readings` of target keys (``(text, lower)`` pairs when ``lowered``)."""
    if not lowered:
        return red.readings(keys, None, False)
    by_lower: dict[Any, list[int]] = {}
    for j, k in enumerate(keys):
        if k is not None:
            by_lower.setdefault(k[1], []).append(j)
    out: list[Any] = [None] * len(keys)
    for lower, js in by_lower.items():
        for j, r in zip(js, red.readings([keys[j][0] for j in js], lower, False), strict=True):
            out[j] = r
    return out


def _other_rows(red: Reducer, rows: list[int], targets: Sequence[str], actuals: Sequence[str],
                judgements: Sequence[str | None], lower_is_better: Sequence[bool | None], A: np.ndarray, T: np.ndarray,
                M: np.ndarray, P: np.ndarray) -> tuple[dict[int, str], dict[int, Fraction | str], dict[int, tuple[int, int]]]:
    """Every other row through :meth:`Reducer.row` (cached): into ``A, T, M, P`` in place; errors, shown rates
    and rows beyond int64 returned."""
    errors: dict[int, str] = {}
    shown: dict[int, Fraction | str] = {}
    big: dict[int, tuple[int, int]] = {}
    row = red.row
    for i in rows:
        r = row(targets[i], actuals[i], judgements[i], lower_is_better[i])
        if isinstance(r, str):
            errors[i] = r
            continue
        a, t = int(r[0]), int(r[1])
        if a < 2**63 and t < 2**63:
            A[i], T[i] = a, t
        else:
            big[i] = (a, t)
        M[i] = r[2]
        P[i] = r[3]
        if len(r) == 5:
            shown[i] = r[4]
    return errors, shown, big


def distinct_codes(values: Sequence[Any]) -> tuple[dict[Any, int], list[int]]:
    """Each distinct value's first-seen index, and every value's index (C-level loops)."""
    index = {k: i for i, k in enumerate(dict.fromkeys(values))}
    return index, list(map(index.__getitem__, values))


def _reading_table(readings: list[Any]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Per distinct text: its number (a plain number within LIMIT; else 0) and its class, and the classes: ``None``
    (class 0: not such a number), then each ``(comparator code, scale, unit)`` found.  A ``None`` reading is no
    number."""
    keys = [(_CMP_CODES[r[1]], r[3], r[4]) if r is not None and r[0] == "n" and -LIMIT <= r[2] <= LIMIT and r[3] < 19
            else None for r in readings]
    classes: dict[Any, int] = {None: 0}
    setdefault = classes.setdefault
    cls = np.array([setdefault(k, len(classes)) for k in keys], dtype=np.int64)
    val = np.array([0 if k is None else r[2] for k, r in zip(keys, readings, strict=True)], dtype=np.int64)
    return val, cls, list(classes)


def _texts(values: Sequence[object], what: str, errors: dict[int, str]) -> Sequence[str]:
    """The column as texts: numbers written out exactly (``Decimal('95.0')`` -> ``"95.0"``)."""
    if set(map(type, values)) <= {str}:
        return values  # type: ignore[return-value]
    out: list[str] = []
    for i, v in enumerate(values):
        if isinstance(v, str):
            out.append(v)
            continue
        try:
            out.append(format(exact_decimal(v, what=what), "f"))
        except (TypeError, ValueError) as exc:
            errors.setdefault(i, str(exc))
            out.append("")
    return out
