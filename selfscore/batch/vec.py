"""The vector kernel of the batch engine: exact indicator scores on scaled integers.

Every quantity is an integer.  A row is five numbers:

- ``W``: the weight, scaled by ``10**weight_scale`` (one scale for the batch);
- ``A`` and ``T``: the actual and target values, as integers at a scale common to
  the row (only their ratio matters, so the scale itself is not needed);
- ``mask``: the comparator as a 3-bit mask of the orderings of ``A`` against ``T``
  that meet the target (bit 0: ``A < T``, bit 1: ``A == T``, bit 2: ``A > T``), so
  ``>=`` is ``0b110`` and ``<`` is ``0b001``;
- ``partial``: a qualitative 部分达成, scored by the rule's ``partial_share``.

The scalar completion rate (``core/completion.py``) reduces to: met when the ordering's
bit is set; otherwise rate ``N / D`` with ``N = min(A, T)`` and ``D = max(A, T, 1)``.
(Met rows score the full weight whatever the rate, and a not-met row's rate is
``A/T`` for a floor, ``T/A`` for a ceiling and ``min/max`` for ``==``, which are
all ``min/max`` because the row is not met; a zero target scores 0 unless met.)

This module holds only the plumbing every rule shares: met rows, rows at a rate of
exactly 100% (full weight under a rule that scores by rate), 部分达成 rows and the
branch codes.  Each rule's own arithmetic and int64 bounds come from its rule
module (``selfscore/core/rules/<kind>.py``, its :class:`~selfscore.core.rules.VectorRule`),
which is called with numpy as its array namespace.  The same code runs on ``int64``
arrays (the fast path) and on ``object`` arrays of Python ints (the exact wide path
for rows whose intermediates would not fit); :func:`bounds` says which rows fit,
before computing.

Scores come back as integers at ``out_scale`` decimal places, with a branch code
per row that fixes the exponent of the Decimal the scalar engine would return.

(A hand-tuned in-place int64 copy of the kernel, ``kernel_int64``, was measured and
removed: it saved well under 10 % of end-to-end batch time; see
``benchmarks/bench_batch.py``.)
"""

from __future__ import annotations

from typing import Final

import numpy as np

from selfscore.core.rules import IndicatorRule
from selfscore.core.rules.base import (
    BRANCH_DIFF,
    BRANCH_FULL,
    BRANCH_ROUNDED,
    BRANCH_ZERO,
    LIMIT,
    Bounds,
    VectorRule,
    round_div,
)

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
    "rule_constants",
]

#: Comparator -> mask of the orderings of actual against target that meet it.
MASKS: Final[dict[str, int]] = {">=": 0b110, ">": 0b100, "<=": 0b011, "<": 0b001, "==": 0b010}

#: A rule's vector form (its parameters as integers; see :class:`selfscore.core.rules.VectorRule`).
RuleConstants = VectorRule


def rule_constants(rule: IndicatorRule) -> VectorRule:
    """The vector form of ``rule``, from its rule module."""
    if not isinstance(rule, IndicatorRule):
        raise TypeError(f"not an indicator rule: {rule!r}")
    return rule.vector()


def bounds(c: VectorRule, weight_scale: int, out_scale: int, limit: int = LIMIT) -> Bounds:
    """The largest ``W``, ``D`` and ``W * D`` for which every intermediate of :func:`kernel` is <= ``limit``.

    The plumbing's own intermediates (the weight at the output scale, 部分达成 rows) here;
    the rule's from its :meth:`~selfscore.core.rules.VectorRule.bounds`.
    """
    p, ws, so = c.places, weight_scale, out_scale
    assert so >= c.min_out_scale(ws)
    w_max = limit // 10 ** (so - ws)  # Ws = W * 10**(so - ws)
    if c.share is not None:  # partial rows: W * share, rounded at p, compared with Ws
        sh, shs = c.share
        e = p - ws - shs
        if sh:
            w_max = min(w_max, limit // (sh * 10 ** max(e, 0)))
        if 10 ** max(-e, 0) > limit:
            w_max = -1
        w_max = min(w_max, (limit - 10 ** (so - p)) // 10 ** (so - ws))  # q*10**(so-p) <= Ws + 10**(so-p)
    return Bounds(w_max=w_max, d_max=limit, wd_max=limit).meet(c.bounds(ws, so, limit))


def _partial_rows(c: VectorRule, W: np.ndarray, Ws: np.ndarray, partial: np.ndarray, score: np.ndarray,
                  branch: np.ndarray, ws: int, so: int) -> None:
    """Score 部分达成 rows in place: weight × share, rounded at the rule's places, not above the weight."""
    if c.share is None:  # pragma: no cover - the caller reports these rows as errors first
        raise ValueError("partial rows need the rule's partial_share")
    rows = np.flatnonzero(partial)
    sh, shs = c.share
    p = c.places
    e = p - ws - shs
    pq = round_div(W[rows] * (sh * 10 ** max(e, 0)), 10 ** max(-e, 0), c.half_up)
    pqs = pq * 10 ** (so - p)
    wsr = Ws[rows]
    full = pqs >= wsr
    score[rows] = np.where(full, wsr, pqs)
    branch[rows] = np.where(full, BRANCH_FULL, BRANCH_ROUNDED)


def kernel(
    c: VectorRule,
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
    ws, so = weight_scale, out_scale
    obj = W.dtype == object
    # completion: met from the ordering, else the rate N / D (see the module docstring)
    order = (A > T).view(np.uint8) + np.uint8(1) - (A < T).view(np.uint8)  # 0: A < T, 1: ==, 2: A > T
    met = ((mask >> order) & np.uint8(1)).view(bool)
    N = np.minimum(A, T)
    D = np.maximum(np.maximum(A, T), 1)
    Ws = W * 10 ** (so - ws) if so != ws else W
    score, branch = c.score(np, W, Ws, N, D, ws, so)
    full = met | (N == D) if c.by_rate else met  # N == D: a rate of exactly 100% (strict target at equality)
    score = np.where(full, Ws, score)
    branch = np.where(full, BRANCH_FULL, branch).astype(np.int8)
    if partial is not None and partial.any():
        _partial_rows(c, W, Ws, partial, score, branch, ws, so)
    if obj and score.dtype != object:
        score = score.astype(object)
    return score, branch
