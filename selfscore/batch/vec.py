"""The vector kernel of the batch engine: exact indicator scores on scaled integers.

Every quantity is an integer.  A row is five numbers:

- ``W``: the weight, scaled by ``10**weight_scale`` (one scale for the batch);
- ``A`` and ``T``: the actual and target values, as integers at a scale common to
  the row (only their ratio matters, so the scale itself is not needed);
- ``mask``: the comparator as a 3-bit mask of the orderings of ``A`` against ``T``
  that meet the target (bit 0: ``A < T``, bit 1: ``A == T``, bit 2: ``A > T``), so
  ``>=`` is ``0b110`` and ``<`` is ``0b001``;
- ``partial``: a qualitative 部分达成, scored by the rule's ``partial_share``.

The scalar completion rate (``_completion.py``) reduces to: met when the ordering's
bit is set; otherwise rate ``N / D`` with ``N = min(A, T)`` and ``D = max(A, T, 1)``.
(Met rows score the full weight whatever the rate, and a not-met row's rate is
``A/T`` for a floor, ``T/A`` for a ceiling and ``min/max`` for ``==``, which are
all ``min/max`` because the row is not met; a zero target scores 0 unless met.)

Rules then need one comparison by cross-multiplication (floor or threshold), and
at most one multiply-then-divide with explicit half-up or truncating rounding.
The same code runs on ``int64`` arrays (the fast path) and on ``object`` arrays of
Python ints (the exact wide path for rows whose intermediates would not fit);
:func:`bounds` says which rows fit, from the rule's constants, before computing.

Scores come back as integers at ``out_scale`` decimal places, with a branch code
per row that fixes the exponent of the Decimal the scalar engine would return.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np

from selfscore.core.rules import AllOrNothing, FixedDeduction, IndicatorRule, Proportional, StepDeduction

__all__ = [
    "BRANCH_DIFF",
    "BRANCH_FULL",
    "BRANCH_ROUNDED",
    "BRANCH_ZERO",
    "LIMIT",
    "MASKS",
    "Bounds",
    "RuleConstants",
    "bounds",
    "kernel",
    "kernel_int64",
    "rule_constants",
]

#: Every intermediate of the int64 path stays at or below this (half of int64's range).
LIMIT: Final[int] = 2**62

#: Comparator -> mask of the orderings of actual against target that meet it.
MASKS: Final[dict[str, int]] = {">=": 0b110, ">": 0b100, "<=": 0b011, "<": 0b001, "==": 0b010}

# How the scalar engine builds each score (decides the Decimal's exponent):
BRANCH_FULL: Final = 0  # the weight as given
BRANCH_ZERO: Final = 1  # Decimal(0)
BRANCH_ROUNDED: Final = 2  # a rounded quotient, exponent -places
BRANCH_DIFF: Final = 3  # weight minus a deduction, exponent min(weight's, deduction's)


def _scaled(value: Decimal) -> tuple[int, int]:
    """(n, s) with value == n / 10**s, s >= 0, trailing zeros removed."""
    sign, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int) and not sign
    n = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        return n * 10**exponent, 0
    return n, -exponent


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent


@attrs.frozen
class RuleConstants:
    """A rule's parameters as integers (each ``(n, s)`` means ``n / 10**s``)."""

    kind: str
    places: int
    half_up: bool
    floor: tuple[int, int] = (0, 0)
    threshold: tuple[int, int] = (0, 0)
    points: tuple[int, int] = (0, 0)
    points_exponent: int = 0
    step: tuple[int, int] = (1, 0)
    share: tuple[int, int] | None = None

    def diff_exponent(self) -> int:
        """Exponent of the deduction a DIFF branch subtracts from the weight."""
        return self.points_exponent if self.kind == "fixed_deduction" else -self.places

    def min_out_scale(self, weight_scale: int) -> int:
        """The least output scale that holds every score of this rule exactly."""
        scale = max(weight_scale, self.places)
        if self.kind == "fixed_deduction":
            scale = max(scale, self.points[1])
        return scale


def rule_constants(rule: IndicatorRule) -> RuleConstants:
    share = None if rule.partial_share is None else _scaled(rule.partial_share)
    common: dict[str, Any] = {"places": rule.rounding.places, "half_up": rule.rounding.mode == "half_up", "share": share}
    if isinstance(rule, Proportional):
        return RuleConstants("proportional", floor=_scaled(rule.floor), **common)
    if isinstance(rule, AllOrNothing):
        return RuleConstants("all_or_nothing", **common)
    if isinstance(rule, FixedDeduction):
        return RuleConstants("fixed_deduction", threshold=_scaled(rule.threshold), points=_scaled(rule.points),
                             points_exponent=_exponent(rule.points), **common)
    if isinstance(rule, StepDeduction):
        return RuleConstants("step_deduction", points=_scaled(rule.points), step=_scaled(rule.step), **common)
    raise TypeError(f"not an indicator rule: {rule!r}")


@attrs.frozen
class Bounds:
    """A row fits the int64 path when ``W <= w_max``, ``D <= d_max`` and ``W * D <= wd_max``.

    ``D = max(A, T, 1)``.  A negative bound means no row fits.
    """

    w_max: int
    d_max: int
    wd_max: int

    def fits(self, w: int, d: int) -> bool:
        return 0 <= w <= self.w_max and 1 <= d <= self.d_max and w * d <= self.wd_max


def bounds(c: RuleConstants, weight_scale: int, out_scale: int, limit: int = LIMIT) -> Bounds:
    """The largest ``W``, ``D`` and ``W * D`` for which every intermediate of :func:`kernel` is <= ``limit``.

    Derived term by term from the kernel below (each line names the intermediate it bounds).
    """
    p, ws, so = c.places, weight_scale, out_scale
    assert so >= c.min_out_scale(ws)
    w_max = limit // 10 ** (so - ws)  # Ws = W * 10**(so - ws)
    d_max = limit
    wd_max = limit
    if c.share is not None:  # partial rows: W * share, rounded at p, compared with Ws
        sh, shs = c.share
        e = p - ws - shs
        if sh:
            w_max = min(w_max, limit // (sh * 10 ** max(e, 0)))
        if 10 ** max(-e, 0) > limit:
            w_max = -1
        w_max = min(w_max, (limit - 10 ** (so - p)) // 10 ** (so - ws))  # q*10**(so-p) <= Ws + 10**(so-p)
    if c.kind == "proportional":
        fn, fs = c.floor
        if fn:
            d_max = min(d_max, limit // 10**fs)  # N * 10**fs and fn * D
        wd_max = min(wd_max, limit // 10 ** max(p - ws, 0))  # num = W * N * 10**(p - ws)
        d_max = min(d_max, limit // 10 ** max(ws - p, 0))  # den = D * 10**(ws - p)
        w_max = min(w_max, (limit - 10 ** (so - p)) // 10 ** (so - ws))  # q*10**(so-p) <= Ws + 10**(so-p)
    elif c.kind == "fixed_deduction":
        _tn, ts = c.threshold
        d_max = min(d_max, limit // 10**ts)  # N * 10**ts and tn * D (tn <= 10**ts)
        pn, ps = c.points
        if pn * 10 ** (so - ps) > limit:  # the deduction at the output scale
            w_max = -1
    elif c.kind == "step_deduction":
        pn, ps = c.points
        sn, ss = c.step
        k = ss - ps + p
        if pn:
            d_max = min(d_max, limit // (pn * 10 ** max(k, 0)))  # num = pn * (D - N) * 10**k
        d_max = min(d_max, limit // (sn * 10 ** max(-k, 0)))  # den = sn * D * 10**-k
        q_max = pn * 10**k // sn + 1 if k >= 0 else pn // (sn * 10**-k) + 1  # deduction <= points / step, + 1
        if q_max * 10 ** (so - p) > limit:
            w_max = -1
    if d_max < 1:
        w_max = -1
    return Bounds(w_max=w_max, d_max=d_max, wd_max=wd_max)


def _round_div(num: Any, den: Any, half_up: bool) -> Any:
    """``num / den`` rounded to an integer, num >= 0 and den > 0: truncated, or half-up."""
    q = num // den
    if half_up:
        r = num - q * den
        q = q + (r >= den - r)
    return q


def _pow(k: int, like: np.ndarray) -> Any:
    """10**k as a scalar of the array's kind (a Python int for object arrays)."""
    return 10**k if like.dtype == object else np.int64(10**k)


def _half_up_in_place(num: np.ndarray, den: np.ndarray, q: np.ndarray, tmp: np.ndarray) -> None:
    """``q += (remainder >= den - remainder)``: half-up for num, den >= 0 (``num`` is overwritten)."""
    np.multiply(q, den, out=tmp)
    np.subtract(num, tmp, out=num)  # remainder
    np.subtract(den, num, out=tmp)
    np.add(q, np.greater_equal(num, tmp), out=q, casting="unsafe")


def kernel_int64(
    c: RuleConstants,
    W: np.ndarray,
    A: np.ndarray,
    T: np.ndarray,
    mask: np.ndarray,
    weight_scale: int,
    out_scale: int,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`kernel` for int64 rows within :func:`bounds` (no partial rows), tuned for speed.

    The same arithmetic as :func:`kernel`, with the intermediates written in place and
    selections done by arithmetic on 0/1 arrays instead of masked assignment (which is
    several times slower on unpredictable masks).  Property tests hold it equal to
    :func:`kernel` on Python integers.
    """
    p, ws, so = c.places, weight_scale, out_scale
    i64 = np.int64
    # met: the bit of ``mask`` for the ordering of A against T
    order = np.greater(A, T).view(np.uint8)
    np.add(order, np.uint8(1), out=order)
    np.subtract(order, np.less(A, T).view(np.uint8), out=order)
    np.right_shift(mask, order, out=order)
    np.bitwise_and(order, np.uint8(1), out=order)
    met = order.view(bool)
    Ws = W * i64(10 ** (so - ws)) if so != ws else W
    branch = np.empty(len(W), dtype=np.int8)
    if c.kind == "all_or_nothing":
        score = Ws * met
        np.subtract(np.uint8(1), order, out=branch.view(np.uint8))  # FULL 0, ZERO 1
        return score, branch
    N = np.minimum(A, T)
    D = np.maximum(A, T)
    np.maximum(D, i64(1), out=D)
    tmp = np.empty_like(D)
    if c.kind == "proportional":
        fn, fs = c.floor
        below = None
        if fn:
            np.multiply(N, i64(10**fs), out=tmp)
            below = np.less(tmp, D * i64(fn))
        np.multiply(N, W, out=N)  # num
        if p > ws:
            np.multiply(N, i64(10 ** (p - ws)), out=N)
        if ws > p:
            np.multiply(D, i64(10 ** (ws - p)), out=D)  # den
        q = np.floor_divide(N, D)
        if c.half_up:
            _half_up_in_place(N, D, q, tmp)
        if so != p:
            np.multiply(q, i64(10 ** (so - p)), out=q)
        full = np.greater_equal(q, Ws)  # min(w, rounded) keeps w
        if below is not None:
            np.logical_and(full, ~below, out=full)
            np.logical_or(full, met, out=full)
            zero = np.logical_and(below, ~met)
        else:
            np.logical_or(full, met, out=full)
            zero = None
        # score = q + (Ws - q) * full, then 0 where zero
        np.subtract(Ws, q, out=tmp)
        np.multiply(tmp, full, out=tmp, casting="unsafe")
        np.add(q, tmp, out=q)
        b = branch.view(np.uint8)
        np.multiply(np.logical_not(full).view(np.uint8), np.uint8(2), out=b)  # ROUNDED 2 / FULL 0
        if zero is not None:
            np.multiply(q, np.logical_not(zero), out=q, casting="unsafe")
            np.subtract(b, zero.view(np.uint8), out=b)  # ZERO 1
        return q, branch
    if c.kind == "fixed_deduction":
        tn, ts = c.threshold
        np.multiply(N, i64(10**ts), out=N)
        np.multiply(D, i64(tn), out=D)
        keep = np.greater_equal(N, D)
        np.logical_or(keep, met, out=keep)
        pn, ps = c.points
        return _keep_or_deducted(Ws, Ws - i64(pn * 10 ** (so - ps)), keep, tmp, branch)
    if c.kind == "step_deduction":
        pn, ps = c.points
        sn, ss = c.step
        k = ss - ps + p
        np.subtract(D, N, out=N)  # D - N
        np.multiply(N, i64(pn * 10 ** max(k, 0)), out=N)
        np.multiply(D, i64(sn * 10 ** max(-k, 0)), out=D)
        q = np.floor_divide(N, D)
        if c.half_up:
            _half_up_in_place(N, D, q, tmp)
        if so != p:
            np.multiply(q, i64(10 ** (so - p)), out=q)
        return _keep_or_deducted(Ws, np.subtract(Ws, q, out=q), met, tmp, branch)
    raise AssertionError(c.kind)  # pragma: no cover


def kernel(
    c: RuleConstants,
    W: np.ndarray,
    A: np.ndarray,
    T: np.ndarray,
    mask: np.ndarray,
    partial: np.ndarray | None,
    weight_scale: int,
    out_scale: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (integers at ``out_scale``) and branch codes for rows all scored by one rule.

    ``W``, ``A``, ``T`` are int64 (every row within :func:`bounds`) or object arrays of
    Python ints; ``mask`` is uint8; ``partial`` is bool or None (no partial rows).
    """
    p, ws, so = c.places, weight_scale, out_scale
    obj = W.dtype == object
    # completion: met from the ordering, else the rate N / D (see the module docstring)
    order = (A > T).view(np.uint8) + np.uint8(1) - (A < T).view(np.uint8)  # 0: A < T, 1: ==, 2: A > T
    met = ((mask >> order) & np.uint8(1)).view(bool)
    N = np.minimum(A, T)
    D = np.maximum(np.maximum(A, T), 1)
    Ws = W * _pow(so - ws, W) if so != ws else W
    branch = np.full(W.shape, BRANCH_FULL, dtype=np.int8)
    if c.kind == "all_or_nothing":
        score = np.where(met, Ws, 0)
        branch[~met] = BRANCH_ZERO
    elif c.kind == "proportional":
        num = W * N
        if p > ws:
            num = num * _pow(p - ws, W)
        den = D * _pow(ws - p, W) if ws > p else D
        q = _round_div(num, den, c.half_up)
        qs = q * _pow(so - p, W) if so != p else q
        capped = qs >= Ws  # min(w, rounded) keeps w
        fn, fs = c.floor
        below = (N * _pow(fs, W) < D * fn) if fn else None
        score = np.where(met | capped, Ws, qs)
        branch[~capped] = BRANCH_ROUNDED
        if below is not None:
            below &= ~met
            score[below] = 0
            branch[below] = BRANCH_ZERO
        branch[met] = BRANCH_FULL
    elif c.kind == "fixed_deduction":
        tn, ts = c.threshold
        keep = met | (N * _pow(ts, W) >= D * tn)
        pn, ps = c.points
        diff = Ws - pn * 10 ** (so - ps)
        score = np.where(keep, Ws, np.maximum(diff, 0))
        branch[~keep] = BRANCH_DIFF
        branch[~keep & (diff <= 0)] = BRANCH_ZERO
    elif c.kind == "step_deduction":
        pn, ps = c.points
        sn, ss = c.step
        k = ss - ps + p
        num = (D - N) * pn
        if k > 0:
            num = num * _pow(k, W)
        den = D * sn
        if k < 0:
            den = den * _pow(-k, W)
        q = _round_div(num, den, c.half_up)
        diff = Ws - (q * _pow(so - p, W) if so != p else q)
        score = np.where(met, Ws, np.maximum(diff, 0))
        branch[~met] = BRANCH_DIFF
        branch[~met & (diff <= 0)] = BRANCH_ZERO
    else:  # pragma: no cover - rule_constants only builds the kinds above
        raise AssertionError(c.kind)
    if partial is not None and partial.any():
        if c.share is None:  # pragma: no cover - the caller reports these rows as errors first
            raise ValueError("partial rows need the rule's partial_share")
        rows = np.flatnonzero(partial)
        sh, shs = c.share
        w = W[rows]
        e = p - ws - shs
        pnum = w * sh * (10 ** max(e, 0) if obj else np.int64(10 ** max(e, 0)))
        pq = _round_div(pnum, 10 ** max(-e, 0) if obj else np.int64(10 ** max(-e, 0)), c.half_up)
        pqs = pq * (10 ** (so - p) if obj else np.int64(10 ** (so - p)))
        wsr = Ws[rows]
        full = pqs >= wsr
        score[rows] = np.where(full, wsr, pqs)
        branch[rows] = np.where(full, BRANCH_FULL, BRANCH_ROUNDED)
    if obj and score.dtype != object:
        score = score.astype(object)
    return score, branch


def _keep_or_deducted(Ws: np.ndarray, diff: np.ndarray, keep: np.ndarray, tmp: np.ndarray,
                      branch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``keep ? Ws : max(diff, 0)`` in place in ``diff``, and the branch taken per row
    (FULL 0 when kept, DIFF 3 when the difference is positive, ZERO 1 otherwise)."""
    pos = np.greater(diff, 0)
    np.multiply(diff, pos, out=diff, casting="unsafe")  # max(diff, 0)
    np.subtract(Ws, diff, out=tmp)
    np.multiply(tmp, keep, out=tmp, casting="unsafe")
    np.add(diff, tmp, out=diff)
    b = branch.view(np.uint8)
    np.multiply(pos.view(np.uint8), np.uint8(2), out=b)
    np.add(b, np.uint8(1), out=b)
    np.multiply(b, np.logical_not(keep).view(np.uint8), out=b)
    return diff, branch
