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
import decimal
import gc
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.parse import Reducer, exact_decimal, scaled
from selfscore.batch.vec import (
    BRANCH_DIFF,
    BRANCH_FULL,
    BRANCH_ROUNDED,
    LIMIT,
    MASKS,
    Bounds,
    RuleConstants,
    bounds,
    kernel,
    rule_constants,
)
from selfscore.core.errors import SelfScoreError
from selfscore.core.rules import IndicatorRule
from selfscore.core.targets import units_compatible

__all__ = [
    "RowScores",
    "Rows",
    "distinct_codes",
    "exact_decimal",
    "indicator_rows",
    "int64_columns",
    "paused_gc",
    "reduce_columns",
    "score_indicators",
    "score_rows",
    "weight_array",
    "weights_column",
]

# Wide enough for any integer the object path produces (Decimal(int) is exact; scaleb must not round).
_WIDE: Final = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.InvalidOperation])
_PARTIAL_MESSAGE: Final = "评分规则未规定“部分达成”的得分比例 (the rule declares no partial_share for 部分达成)"
_PLACEHOLDER: Final = (0, 1, MASKS[">"], False)


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

    @classmethod
    def from_columns(cls, weight: Sequence[int], weight_scale: int, weight_exp: Sequence[int],
                     actual: Sequence[int], target: Sequence[int], mask: Sequence[int],
                     partial: Sequence[bool], errors: dict[int, str] | None = None) -> Rows:
        """Rows from already-reduced integer columns (validated: non-negative, known masks)."""
        cols = [list(c) for c in (weight, actual, target)]
        for name, col in zip(("weight", "actual", "target"), cols, strict=True):
            if any(v < 0 for v in col):
                raise ValueError(f"{name} column holds negative values")
        m = np.asarray(mask, dtype=np.uint8)
        if len(m) and not np.isin(m, list(MASKS.values())).all():
            raise ValueError("mask column holds unknown comparator masks")
        (W, A, T), big = int64_columns(*cols)
        return cls(W, weight_scale, np.asarray(weight_exp, dtype=np.int32), A, T, m,
                   np.asarray(partial, dtype=bool), dict(errors or {}), big=big)


def int64_columns(W: list[int], A: list[int], T: list[int]) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray],
                                                                         dict[int, tuple[int, int, int]]]:
    """int64 columns, with rows holding a value beyond int64 set aside (exactly) in a dict.

    Those rows keep the placeholder ``(0, 0, 1)`` in the columns.
    """
    out: list[np.ndarray] = []
    bad: set[int] = set()
    for col in (W, A, T):
        try:
            out.append(np.array(col, dtype=np.int64))
        except OverflowError:
            bad.update(i for i, v in enumerate(col) if not -(2**63) <= v < 2**63)
    if not bad:
        return (out[0], out[1], out[2]), {}
    big = {i: (W[i], A[i], T[i]) for i in sorted(bad)}
    cols = []
    for col, placeholder in zip((W, A, T), (0, 0, 1), strict=True):
        patched = list(col)
        for i in bad:
            patched[i] = placeholder
        cols.append(np.array(patched, dtype=np.int64))
    return (cols[0], cols[1], cols[2]), big


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
    errors: dict[int, str] = {}
    shown: dict[int, Fraction | str] = {}
    big: dict[int, tuple[int, int]] = {}
    value_errors: dict[int, str] = {}
    targets = _texts(targets, "target", value_errors)
    actuals = _texts(actuals, "actual", value_errors)
    with paused_gc():
        # 1. each distinct text once
        lowered = set(map(type, lower_is_better)) != {type(None)} and n > 0
        t_index, t_codes = distinct_codes(list(zip(targets, lower_is_better, strict=True)) if lowered else targets)
        a_index, a_codes = distinct_codes(actuals)
        t_read = ([red._read(k[0], k[1], False) for k in t_index] if lowered
                  else [red._read(k, None, False) for k in t_index])
        a_read = [red._read(k, None, True) for k in a_index]
        if progress is not None:
            progress(n // 2)
        units: dict[str, int] = {}
        t_num, t_val, t_sc, t_cmp, t_unit = _reading_table(t_read, units)
        a_num, a_val, a_sc, a_cmp, a_unit = _reading_table(a_read, units)
        compat = np.array([[units_compatible(u, v) for v in units] for u in units], dtype=bool).reshape(len(units),
                                                                                                      len(units))
        # 2. numeric rows, in numpy
        tc = np.asarray(t_codes, dtype=np.int64)
        ac = np.asarray(a_codes, dtype=np.int64)
        numeric = t_num[tc] & a_num[ac]
        if set(map(type, judgements)) != {type(None)} and n:
            numeric &= np.fromiter((j is None for j in judgements), dtype=bool, count=n)
        if len(units):
            numeric &= compat[t_unit[tc], a_unit[ac]]
        st, sa = t_sc[tc], a_sc[ac]
        s = np.maximum(st, sa)
        kt, ka = s - st, s - sa
        numeric &= (kt < 19) & (ka < 19)
        kt, ka = np.minimum(kt, 18), np.minimum(ka, 18)
        T = t_val[tc]
        A = a_val[ac]
        numeric &= (T <= LIMIT // _POW10[kt]) & (A <= LIMIT // _POW10[ka])
        T = np.where(numeric, T * _POW10[kt], 1)
        A = np.where(numeric, A * _POW10[ka], 0)
        code = t_cmp[tc]
        fold = ((code == 1) | (code == 3)) & (a_cmp[ac] == code)  # an actual "> 95%" meets a target "> 95%"
        M = _MASK_OF_CODE[code - fold]
        M[~numeric] = MASKS[">"]
        P = np.zeros(n, dtype=bool)
        # 3. every other row, one by one (cached)
        row = red.row
        for i in np.flatnonzero(~numeric).tolist():
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
        if progress is not None:
            progress(n)
    for i, message in value_errors.items():
        errors[i] = message
    return A, T, M, P, errors, shown, big


def distinct_codes(values: Sequence[Any]) -> tuple[dict[Any, int], list[int]]:
    """Each distinct value's first-seen index, and every value's index (C-level loops)."""
    index = {k: i for i, k in enumerate(dict.fromkeys(values))}
    return index, list(map(index.__getitem__, values))


def _reading_table(readings: list[Any], units: dict[str, int]) -> tuple[np.ndarray, ...]:
    """Per distinct text: numeric?, value, scale, comparator code, unit id (numbers within LIMIT only)."""
    k = len(readings)
    num = np.zeros(k, dtype=bool)
    val = np.zeros(k, dtype=np.int64)
    sc = np.zeros(k, dtype=np.int64)
    cmp = np.zeros(k, dtype=np.int64)
    unit = np.zeros(k, dtype=np.int64)
    for j, r in enumerate(readings):
        if r[0] == "n" and r[2] <= LIMIT and r[3] < 19:
            num[j] = True
            val[j] = r[2]
            sc[j] = r[3]
            cmp[j] = _CMP_CODES[r[1]]
            unit[j] = units.setdefault(r[4], len(units))
    return num, val, sc, cmp, unit


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


def _fits(W: np.ndarray, A: np.ndarray, T: np.ndarray, b: Bounds) -> np.ndarray | None:
    """Which int64 rows fit the int64 path: None when all do (checked on the maxima first)."""
    if len(W) == 0:
        return None
    w, d = int(W.max()), max(int(A.max()), int(T.max()), 1)
    if b.fits(w, d):
        return None
    if b.w_max < 0:
        return np.zeros(len(W), dtype=bool)
    D = np.maximum(np.maximum(A, T), 1)
    fits: np.ndarray = (W <= b.w_max) & (D <= b.d_max) & (W <= b.wd_max // D)
    return fits


def _local(rows: np.ndarray, idx: np.ndarray | slice | None, n: int) -> np.ndarray:
    """Positions within a rule's selection ``idx`` of the global row numbers ``rows``."""
    if idx is None:
        return rows
    if isinstance(idx, slice):
        inside: np.ndarray = rows[(rows >= idx.start) & (rows < idx.stop)] - idx.start
        return inside
    return np.flatnonzero(np.isin(idx, rows))


def _global(local: np.ndarray, idx: np.ndarray | slice | None) -> np.ndarray:
    if idx is None:
        return local
    if isinstance(idx, slice):
        shifted: np.ndarray = local + idx.start
        return shifted
    picked: np.ndarray = idx[local]
    return picked


def _kernel(c: RuleConstants, W: np.ndarray, A: np.ndarray, T: np.ndarray, M: np.ndarray,
            partial: np.ndarray | None, ws: int, so: int) -> tuple[np.ndarray, np.ndarray]:
    return kernel(c, W, A, T, M, partial, ws, so)


@attrs.frozen(eq=False)
class RowScores:
    """Scores of :class:`Rows`: integers at ``scale`` decimal places, and how each was reached.

    ``branch`` fixes each score's Decimal exponent (see :mod:`selfscore.batch.vec`);
    ``rule`` is each row's rule index; ``wide`` marks rows scored on the exact
    wide path; ``errors`` maps row numbers to messages (those rows have no score).
    """

    values: np.ndarray
    scale: int
    branch: np.ndarray
    rule: np.ndarray
    constants: tuple[RuleConstants, ...]
    weight_exp: np.ndarray
    wide: np.ndarray
    errors: dict[int, str]
    negative_zero: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.values)

    def exponents(self) -> np.ndarray:
        """Each score's Decimal exponent, as the scalar engine would build it."""
        e = np.zeros(len(self.values), dtype=np.int32)
        full = self.branch == BRANCH_FULL
        e[full] = self.weight_exp[full]
        rounded_exp = np.array([-c.places for c in self.constants], dtype=np.int32)
        diff_exp = np.array([c.diff_exponent() for c in self.constants], dtype=np.int32)
        rounded = self.branch == BRANCH_ROUNDED
        e[rounded] = rounded_exp[self.rule[rounded]]
        diff = self.branch == BRANCH_DIFF
        e[diff] = np.minimum(self.weight_exp[diff], diff_exp[self.rule[diff]])
        return e

    def decimals(self) -> list[Decimal | None]:
        """Every score as the scalar engine's Decimal (None for rows with errors)."""
        exps = self.exponents()
        k = self.scale + exps
        values = self.values
        if values.dtype != object and len(k) and k.min() >= 0 and k.max() <= 18:
            digits = (values // (np.int64(10) ** k.astype(np.int64))).tolist()
        else:
            digits = [v // 10**kk if kk >= 0 else v * 10**-kk for v, kk in zip(values.tolist(), k.tolist(), strict=True)]
        ctx = _WIDE
        out: list[Decimal | None] = [Decimal(d).scaleb(e, ctx) for d, e in zip(digits, exps.tolist(), strict=True)]
        for i in self.negative_zero:
            if self.branch[i] == BRANCH_FULL and out[i] is not None:
                out[i] = out[i].copy_negate()  # type: ignore[union-attr]
        for i in self.errors:
            out[i] = None
        return out

    def decimal(self, i: int) -> Decimal | None:
        """One row's score as a Decimal (None when the row has an error)."""
        if i in self.errors:
            return None
        e = _row_exponent(self, i)
        k = self.scale + e
        v = int(self.values[i])
        d = Decimal(v // 10**k if k >= 0 else v * 10**-k).scaleb(e, _WIDE)
        return d.copy_negate() if i in self.negative_zero and self.branch[i] == BRANCH_FULL else d


def _row_exponent(s: RowScores, i: int) -> int:
    b, r, we = int(s.branch[i]), int(s.rule[i]), int(s.weight_exp[i])
    c = s.constants[r]
    if b == BRANCH_FULL:
        return we
    if b == BRANCH_ROUNDED:
        return -c.places
    if b == BRANCH_DIFF:
        return min(we, c.diff_exponent())
    return 0


def score_rows(
    rows: Rows,
    rules: IndicatorRule | Sequence[IndicatorRule],
    rule_of_row: np.ndarray | None = None,
    *,
    out_scale: int | None = None,
) -> RowScores:
    """Score every row: one rule for all, or ``rules[rule_of_row[i]]`` for row ``i``."""
    rule_list = [rules] if not isinstance(rules, Sequence) else list(rules)
    constants = tuple(rule_constants(r) for r in rule_list)
    n = len(rows)
    codes = np.zeros(n, dtype=np.int16) if rule_of_row is None else np.asarray(rule_of_row, dtype=np.int16)
    if len(codes) != n:
        raise ValueError(f"rule_of_row has {len(codes)} rows, not {n}")
    if n and (codes.min() < 0 or codes.max() >= len(constants)):
        raise ValueError("rule_of_row refers to a rule that is not given")
    ws = rows.weight_scale
    scale = max([c.min_out_scale(ws) for c in constants] + [0]) if out_scale is None else out_scale
    if constants and scale < max(c.min_out_scale(ws) for c in constants):
        raise ValueError(f"out_scale {scale} cannot hold these scores exactly")
    errors = dict(rows.errors)
    partial = rows.partial
    if partial.any():
        for r, c in enumerate(constants):
            if c.share is None:
                for i in np.flatnonzero(partial & (codes == r)).tolist():
                    errors.setdefault(i, _PARTIAL_MESSAGE)
        if errors:
            partial = partial.copy()
            partial[list(errors)] = False
    any_partial = bool(partial.any())
    branch = np.empty(n, dtype=np.int8)
    wide = np.zeros(n, dtype=bool)
    values: np.ndarray | None = None
    single = len(constants) == 1
    contiguous = not single and (n < 2 or bool(np.all(codes[1:] >= codes[:-1])))
    cuts = np.searchsorted(codes, np.arange(len(constants) + 1)) if contiguous else None
    big_rows = np.fromiter(sorted(rows.big), dtype=np.int64, count=len(rows.big))
    for r, c in enumerate(constants):
        W, A, T, M = rows.weight, rows.actual, rows.target, rows.mask
        Pp = partial if any_partial else None
        if single:
            idx: np.ndarray | slice | None = None
        elif cuts is not None:  # rows sorted by rule: views, no copies
            idx = slice(int(cuts[r]), int(cuts[r + 1]))
            if idx.start == idx.stop:
                continue
        else:
            idx = np.flatnonzero(codes == r)
            if len(idx) == 0:
                continue
        if idx is not None:
            W, A, T, M = W[idx], A[idx], T[idx], M[idx]
            Pp = Pp[idx] if Pp is not None else None
        b = bounds(c, ws, scale)
        fits = _fits(W, A, T, b)
        if len(big_rows):  # rows with values beyond int64 always take the wide path
            local = _local(big_rows, idx, n)
            if len(local):
                fits = np.ones(len(W), dtype=bool) if fits is None else fits.copy()
                fits[local] = False
        if fits is None:
            s, br = _kernel(c, W, A, T, M, Pp, ws, scale)
        else:
            fast = np.flatnonzero(fits)
            slow = np.flatnonzero(~fits)
            s = np.zeros(len(W), dtype=np.int64)
            br = np.zeros(len(W), dtype=np.int8)
            if len(fast):
                fs, fb = _kernel(c, W[fast], A[fast], T[fast], M[fast], None if Pp is None else Pp[fast], ws, scale)
                s[fast] = fs
                br[fast] = fb
            global_slow = _global(slow, idx)
            exact = [rows.exact(i) for i in global_slow.tolist()]
            Wo, Ao, To = (np.array([e[k] for e in exact], dtype=object) for k in range(3))
            ss, sb = kernel(c, Wo, Ao, To, M[slow], None if Pp is None else Pp[slow], ws, scale)
            br[slow] = sb
            if all(-(2**63) <= v < 2**63 for v in ss.tolist()):
                s[slow] = ss.astype(np.int64)
            else:
                s = s.astype(object)
                s[slow] = ss
            wide[global_slow] = True
        if idx is None:
            values, branch = s, br
        else:
            if values is None:
                values = np.empty(n, dtype=np.int64)
            if s.dtype == object and values.dtype != object:
                values = values.astype(object)
            values[idx] = s
            branch[idx] = br
    if values is None:
        values = np.zeros(n, dtype=np.int64)
        branch[:] = 0
    if errors:
        values = values.copy()
        values[list(errors)] = 0
    return RowScores(values=values, scale=scale, branch=branch, rule=codes, constants=constants,
                     weight_exp=rows.weight_exp, wide=wide, errors=errors, negative_zero=rows.negative_zero)


def score_indicators(
    targets: Sequence[str],
    actuals: Sequence[str],
    weights: Sequence[object],
    rule: IndicatorRule,
    *,
    judgements: Sequence[str | None] | None = None,
    lower_is_better: Sequence[bool | None] | None = None,
) -> list[Decimal]:
    """Score indicators with one rule; the i-th result equals the scalar engine's for row i.

    Raises :class:`~selfscore.SelfScoreError` naming the first row that cannot be
    scored, with the scalar engine's message.
    """
    rows = indicator_rows(targets, actuals, weights, judgements=judgements, lower_is_better=lower_is_better)
    scores = score_rows(rows, rule)
    if scores.errors:
        i = min(scores.errors)
        raise SelfScoreError(f"row {i + 1}: {scores.errors[i]}")
    return scores.decimals()  # type: ignore[return-value]
