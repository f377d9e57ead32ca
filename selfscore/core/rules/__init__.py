"""Indicator scoring rules (docs/domain.md §4), one module per rule kind, found through a registry.

A rule turns an indicator's weight and its :class:`~selfscore.Completion` into a
score and a trace a person can check with a calculator.  Every rule keeps
``0 <= score <= weight`` and never scores more achievement lower.

- :class:`Proportional` (``proportional.py``): weight × rate, rounded once; 0 below ``floor``.
- :class:`AllOrNothing` (``all_or_nothing.py``): full weight when met, else 0.
- :class:`FixedDeduction` (``fixed_deduction.py``): full weight unless the rate is below
  ``threshold``, then ``points`` are deducted.
- :class:`StepDeduction` (``step_deduction.py``): ``points`` deducted per ``step`` of rate
  short of 100%.

Each rule also says how a qualitative 部分达成 scores: weight × ``partial_share``.

**One file per rule kind.**  A kind's module holds, side by side: its attrs class
(a subclass of :class:`IndicatorRule`), its spec parameters (``params``) and their
validation (converters and validators), the scalar score (``unmet``: Decimal and
trace) and the vector form (``vector()``: a :class:`VectorRule` with its int64
``bounds`` next to its ``score``).  The spec loader (:mod:`selfscore.core.spec`),
the scalar engine (:func:`apply_rule`) and the batch kernel (``selfscore.batch.vec``)
find rules only through :data:`RULES` and the rule objects, so a new kind is one new
module whose class is decorated with :func:`register` (for a bundled kind, plus
one import line at the end of this file).

**No numpy in core.**  A vector form is written against an array-namespace argument
``xp`` that ``selfscore.batch`` passes in (numpy); its arithmetic mixes arrays only
with Python ints, so the same text runs on ``int64`` arrays (the fast path, within
the rule's bounds) and on ``object`` arrays of Python ints (the exact wide path).
Core modules never import numpy (``tests/test_layers.py`` holds this).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from selfscore.core.completion import Completion
from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import fmt, mul, to_decimal
from selfscore.core.rules.base import Bounds, IndicatorRule, Scored, VectorRule
from selfscore.core.rules.registry import RULES, register, rule_kind

__all__ = [
    "RULES",
    "AllOrNothing",
    "Bounds",
    "FixedDeduction",
    "IndicatorRule",
    "Proportional",
    "ReverseDeviation",
    "Scored",
    "StepDeduction",
    "VectorRule",
    "apply_rule",
    "register",
    "rule_kind",
]

def _check_weight(weight: object) -> Decimal:
    w = to_decimal(weight, what="weight")
    if w < 0:
        raise ValueError(f"分值不能为负数 ('weight' must be >= 0): {w}")
    return w


def _partial(rule: IndicatorRule, weight: Decimal) -> Scored:
    if rule.partial_share is None:
        raise SelfScoreError(
            "评分规则未规定“部分达成”的得分比例 (the rule declares no partial_share for 部分达成)"
        )
    raw = mul(weight, rule.partial_share)
    rounded = rule.rounding.apply(raw)
    line = f"部分达成：{fmt(weight)} × {fmt(rule.partial_share)} = {fmt(raw)} → {fmt(rounded)}（{rule.rounding.label}）"
    if rounded > weight:
        return Scored(weight, (f"{line}，超过权重 {fmt(weight)}，取 {fmt(weight)}",))
    return Scored(weight if rounded == weight else rounded, (line,))


def _score(rule: IndicatorRule, w: Decimal, done: Completion) -> Scored:
    if done.rate is None:
        return attrs.evolve(_partial(rule, w), rate=Fraction(rule.partial_share))  # type: ignore[arg-type]
    if done.met:
        return Scored(w, (f"达成，得满分 {fmt(w)}",), done.rate)
    if done.rate == 1 and rule.scores_by_rate:
        # a strict target met only at equality (超过90%, actual 90%): 未达成, at a rate of 100%
        return Scored(w, (f"未达成（严格目标，等于目标值不算达成），完成率 100%，按完成率计分得满分 {fmt(w)}",), done.rate)
    return attrs.evolve(rule.unmet(w, done.rate), rate=done.rate)


def apply_rule(rule: IndicatorRule, weight: Decimal, done: Completion) -> Scored:
    """Score one indicator of ``weight`` with ``rule``; the trace starts with the completion's.

    Common to every rule: a met indicator scores its full weight as given; one at a
    rate of exactly 100% that is not met (a strict target met only at equality) scores
    the full weight too under a rule that scores by rate (``scores_by_rate``) and the
    rule's own score otherwise; 部分达成 scores weight × ``partial_share``, rounded
    once, not above the weight.  ``Scored.rate`` is the rate applied.
    """
    w = _check_weight(weight)
    scored = _score(rule, w, done)
    if not 0 <= scored.score <= w:  # pragma: no cover - guarded by construction and property tests
        raise AssertionError(f"score {scored.score} outside 0..{w}")
    return Scored(scored.score, done.trace + scored.trace, scored.rate)


# The bundled kinds, one line each (each module registers its class with @register).
from selfscore.core.rules.all_or_nothing import AllOrNothing  # noqa: E402
from selfscore.core.rules.fixed_deduction import FixedDeduction  # noqa: E402
from selfscore.core.rules.proportional import Proportional  # noqa: E402
from selfscore.core.rules.reverse_deviation import ReverseDeviation  # noqa: E402
from selfscore.core.rules.step_deduction import StepDeduction  # noqa: E402
