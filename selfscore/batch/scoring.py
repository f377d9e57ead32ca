"""The vector step of the batch engine: scores of :class:`~selfscore.batch.rows.Rows` under their rules.

Before computing, each rule's bounds say which rows keep every intermediate within
2**62; rows that do not fit (and rows with values beyond int64) run through the same
kernel on Python integers (object arrays), which is exact at any size.  Scores stay
integers at :attr:`RowScores.scale` decimal places, with a branch code per row that
fixes the exponent of the Decimal the scalar engine returns (:meth:`RowScores.decimals`).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

import attrs
import numpy as np

from selfscore.batch.rows import Rows, indicator_rows
from selfscore.batch.vec import (
    BRANCH_DIFF,
    BRANCH_FULL,
    BRANCH_ROUNDED,
    Bounds,
    RuleConstants,
    bounds,
    kernel,
    rule_constants,
)
from selfscore.core.errors import SelfScoreError
from selfscore.core.rules import IndicatorRule

__all__ = ["RowScores", "score_indicators", "score_rows"]

# Wide enough for any integer the object path produces (Decimal(int) is exact; scaleb must not round).
_WIDE: Final = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.InvalidOperation])
_PARTIAL_MESSAGE: Final = "评分规则未规定“部分达成”的得分比例 (the rule declares no partial_share for 部分达成)"


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
        rounded_exp = np.array([-c.places for c in self.constants] or [0], dtype=np.int32)
        diff_exp = np.array([c.diff_exponent() for c in self.constants] or [0], dtype=np.int32)
        branch, weight_exp = self.branch, self.weight_exp.astype(np.int32, copy=False)
        e = np.where(branch == BRANCH_ROUNDED, rounded_exp[self.rule], np.int32(0))
        e = np.where(branch == BRANCH_FULL, weight_exp, e)
        diff = branch == BRANCH_DIFF
        if diff.any():
            e = np.where(diff, np.minimum(weight_exp, diff_exp[self.rule]), e)
        return e.astype(np.int32, copy=False)

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
    errors, partial = _partial_errors(rows, constants, codes)
    branch = np.zeros(n, dtype=np.int8)
    wide = np.zeros(n, dtype=bool)
    values: np.ndarray = np.zeros(n, dtype=np.int64)
    big_rows = np.fromiter(sorted(rows.big), dtype=np.int64, count=len(rows.big))
    for r, idx in _selections(codes, len(constants)):
        s, br, slow = _score_rule(constants[r], rows, idx, partial if partial.any() else None, big_rows, ws, scale)
        if idx is None:
            values, branch = s, br
        else:
            if s.dtype == object and values.dtype != object:
                values = values.astype(object)
            values[idx] = s
            branch[idx] = br
        wide[slow] = True
    if errors:
        values = values.copy()
        values[list(errors)] = 0
    return RowScores(values=values, scale=scale, branch=branch, rule=codes, constants=constants,
                     weight_exp=rows.weight_exp, wide=wide, errors=errors, negative_zero=rows.negative_zero)


def _partial_errors(rows: Rows, constants: tuple[RuleConstants, ...],
                    codes: np.ndarray) -> tuple[dict[int, str], np.ndarray]:
    """Rows' errors, with 部分达成 rows under a rule without a partial share added; the partial rows to score."""
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
    return errors, partial


def _selections(codes: np.ndarray, k: int) -> list[tuple[int, np.ndarray | slice | None]]:
    """Each rule's rows: all (one rule), a slice (rows sorted by rule: views, no copies), or an index."""
    if k == 1:
        return [(0, None)]
    n = len(codes)
    if n < 2 or bool(np.all(codes[1:] >= codes[:-1])):
        cuts = np.searchsorted(codes, np.arange(k + 1)).tolist()
        return [(r, slice(cuts[r], cuts[r + 1])) for r in range(k) if cuts[r] < cuts[r + 1]]
    found = [(r, np.flatnonzero(codes == r)) for r in range(k)]
    return [(r, idx) for r, idx in found if len(idx)]


def _score_rule(c: RuleConstants, rows: Rows, idx: np.ndarray | slice | None, partial: np.ndarray | None,
                big_rows: np.ndarray, ws: int, scale: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores and branches of one rule's rows, and the (global) rows that took the exact wide path."""
    W, A, T, M, P = rows.weight, rows.actual, rows.target, rows.mask, partial
    if idx is not None:
        W, A, T, M = W[idx], A[idx], T[idx], M[idx]
        P = P[idx] if P is not None else None
    fits = _fits(W, A, T, bounds(c, ws, scale))
    if len(big_rows):  # rows with values beyond int64 always take the wide path
        local = _local(big_rows, idx, len(rows))
        if len(local):
            fits = np.ones(len(W), dtype=bool) if fits is None else fits.copy()
            fits[local] = False
    if fits is None:
        s, br = kernel(c, W, A, T, M, P, ws, scale)
        return s, br, np.zeros(0, dtype=np.int64)
    fast, slow = np.flatnonzero(fits), np.flatnonzero(~fits)
    s = np.zeros(len(W), dtype=np.int64)
    br = np.zeros(len(W), dtype=np.int8)
    if len(fast):
        s[fast], br[fast] = kernel(c, W[fast], A[fast], T[fast], M[fast], None if P is None else P[fast], ws, scale)
    global_slow = _global(slow, idx)
    exact = [rows.exact(i) for i in global_slow.tolist()]
    Wo, Ao, To = (np.array([e[k] for e in exact], dtype=object) for k in range(3))
    ss, sb = kernel(c, Wo, Ao, To, M[slow], None if P is None else P[slow], ws, scale)
    br[slow] = sb
    if all(-(2**63) <= v < 2**63 for v in ss.tolist()):
        s[slow] = ss.astype(np.int64)
    else:
        s = s.astype(object)
        s[slow] = ss
    return s, br, global_slow


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
