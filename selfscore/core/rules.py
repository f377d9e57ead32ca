"""Indicator scoring rules (docs/domain.md §4).

A rule turns an indicator's weight and its :class:`~selfscore.Completion` into a
score and a trace a person can check with a calculator.  Every rule keeps
``0 <= score <= weight`` and never scores more achievement lower.

- :class:`Proportional`: weight × rate, rounded once; 0 below ``floor``.
- :class:`AllOrNothing`: full weight when met, else 0.
- :class:`FixedDeduction`: full weight unless the rate is below ``threshold``,
  then ``points`` are deducted.
- :class:`StepDeduction`: ``points`` deducted per ``step`` of rate short of 100%.

Each rule also says how a qualitative 部分达成 scores: weight × ``partial_share``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

import attrs

from selfscore.core.completion import Completion
from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import Rounding, div_round, fmt, fmt_percent, mul, show_quotient, sub, to_decimal

__all__ = [
    "AllOrNothing",
    "FixedDeduction",
    "IndicatorRule",
    "Proportional",
    "Scored",
    "StepDeduction",
    "apply_rule",
]


def _decimal(value: object) -> Decimal:
    return to_decimal(value, what="rule parameter")


def _share(value: object) -> Decimal | None:
    if value is None:
        return None
    share = _decimal(value)
    if not 0 <= share <= 1:
        raise ValueError(f"'partial_share' must be between 0 and 1: {value!r}")
    return share


def _unit_interval(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"'{attr.name}' must be between 0 and 1: {value}")


def _positive(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value <= 0:
        raise ValueError(f"'{attr.name}' must be > 0: {value}")


def _non_negative(_inst: object, attr: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise ValueError(f"'{attr.name}' must be >= 0: {value}")


@attrs.frozen
class Proportional:
    """weight × rate, rounded once at ``rounding``; 0 when the rate is below ``floor``.

    A met indicator keeps its full weight unrounded (元岗 2023 prints 3.34 for a
    met indicator and 3.9 for 4 × 493.3 / 500).
    """

    floor: Decimal = attrs.field(default=Decimal(0), converter=_decimal, validator=_unit_interval)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=_share)
    name = "proportional"


@attrs.frozen
class AllOrNothing:
    """Full weight when met, else 0."""

    partial_share: Decimal | None = attrs.field(default=None, converter=_share)
    rounding: Rounding = Rounding(places=2)
    name = "all_or_nothing"


@attrs.frozen
class FixedDeduction:
    """Full weight unless the rate is below ``threshold``; then deduct ``points`` (not below 0).

    金花 2024: "补助发放率不达90%，扣1分" is ``FixedDeduction(threshold="0.9", points="1")``.
    """

    threshold: Decimal = attrs.field(converter=_decimal, validator=_unit_interval)
    points: Decimal = attrs.field(converter=_decimal, validator=_non_negative)
    partial_share: Decimal | None = attrs.field(default=None, converter=_share)
    rounding: Rounding = Rounding(places=2)
    name = "fixed_deduction"


@attrs.frozen
class StepDeduction:
    """Deduct ``points`` for each ``step`` of rate short of 100%, rounded once; not below 0.

    ``StepDeduction(step="0.01", points="0.1")`` is "0.1 point per percentage point
    short": a 95% execution rate on 10 points scores 9.5.
    """

    step: Decimal = attrs.field(converter=_decimal, validator=_positive)
    points: Decimal = attrs.field(converter=_decimal, validator=_non_negative)
    rounding: Rounding = Rounding(places=2)
    partial_share: Decimal | None = attrs.field(default=None, converter=_share)
    name = "step_deduction"


IndicatorRule: TypeAlias = Proportional | AllOrNothing | FixedDeduction | StepDeduction


@attrs.frozen
class Scored:
    """A score with the trace of how it was reached."""

    score: Decimal
    trace: tuple[str, ...]


def _check_weight(weight: object) -> Decimal:
    w = to_decimal(weight, what="weight")
    if w < 0:
        raise ValueError(f"'weight' must be >= 0: {w}")
    return w


def _partial(rule: IndicatorRule, weight: Decimal) -> Scored:
    if rule.partial_share is None:
        raise SelfScoreError(
            "评分规则未规定“部分达成”的得分比例 (the rule declares no partial_share for 部分达成)"
        )
    raw = mul(weight, rule.partial_share)
    score = min(weight, rule.rounding.apply(raw))
    return Scored(
        score,
        (f"部分达成：{fmt(weight)} × {fmt(rule.partial_share)} = {fmt(raw)} → {fmt(score)}（{rule.rounding.label}）",),
    )


def apply_rule(rule: IndicatorRule, weight: Decimal, done: Completion) -> Scored:
    """Score one indicator of ``weight`` with ``rule``; the trace starts with the completion's."""
    w = _check_weight(weight)
    scored = _apply(rule, w, done)
    if not 0 <= scored.score <= w:  # pragma: no cover - guarded by construction and property tests
        raise AssertionError(f"score {scored.score} outside 0..{w}")
    return Scored(scored.score, done.trace + scored.trace)


def _apply(rule: IndicatorRule, w: Decimal, done: Completion) -> Scored:
    if done.rate is None:
        return _partial(rule, w)
    rate = done.rate
    if done.met:
        return Scored(w, (f"达成，得满分 {fmt(w)}",))
    if isinstance(rule, AllOrNothing):
        return Scored(Decimal(0), ("未达成，全有或全无规则 → 0",))
    if isinstance(rule, Proportional):
        if rate < Fraction(rule.floor):
            return Scored(Decimal(0), (f"完成率 {fmt_percent(rate)} 低于 {fmt_percent(Fraction(rule.floor))} → 0",))
        num = mul(w, Decimal(rate.numerator))
        den = Decimal(rate.denominator)
        score = min(w, div_round(num, den, rule.rounding))
        exact = show_quotient(num, den)
        return Scored(
            score,
            (f"{fmt(w)} × {fmt_percent(rate)} = {exact} → {fmt(score)}（{rule.rounding.label}）",),
        )
    if isinstance(rule, FixedDeduction):
        if rate >= Fraction(rule.threshold):
            return Scored(w, (f"完成率 {fmt_percent(rate)} 不低于 {fmt_percent(Fraction(rule.threshold))}，不扣分",))
        score = max(Decimal(0), sub(w, rule.points))
        return Scored(
            score,
            (f"完成率 {fmt_percent(rate)} 低于 {fmt_percent(Fraction(rule.threshold))}，扣 {fmt(rule.points)} 分："
             f"{fmt(w)} − {fmt(rule.points)} → {fmt(score)}",),
        )
    # StepDeduction: deduction = points × (1 − rate) / step, rounded once
    short = 1 - rate
    num = mul(rule.points, Decimal(short.numerator))
    den = mul(rule.step, Decimal(short.denominator))
    deduction = div_round(num, den, rule.rounding)
    score = max(Decimal(0), sub(w, deduction))
    return Scored(
        score,
        (f"差 {fmt_percent(short)}，每 {fmt_percent(Fraction(rule.step))} 扣 {fmt(rule.points)} 分："
         f"扣 {show_quotient(num, den)} → {fmt(deduction)}（{rule.rounding.label}），{fmt(w)} − {fmt(deduction)} = {fmt(score)}",),
    )
