"""Completion rates (完成率), exact.

Higher-is-better: actual / target.  Lower-is-better: target / actual (met when the
actual is at or under the ceiling).  Zero target: 100% when the actual is 0, else 0%.
The rate used for scoring is capped at 100%; the uncapped rate is kept for the
report.  Qualitative targets are 达成 / 部分达成 / 未达成.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

import attrs

from selfscore.core.errors import TargetError
from selfscore.core.numbers import fmt, fmt_percent
from selfscore.core.targets import Target, units_compatible

__all__ = ["OUTCOMES", "Completion", "Outcome", "bare_against_percent", "completion", "direct_units", "read_judgement"]

#: An indicator's outcome: fully met, partly met (scored by the rule's ``partial_share``) or not met.
Outcome = Literal["达成", "部分达成", "未达成"]
OUTCOMES: Final[tuple[str, ...]] = ("达成", "部分达成", "未达成")

_JUDGEMENTS: Final[dict[str, Outcome]] = {
    "达成": "达成",
    "met": "达成",
    "部分达成": "部分达成",
    "partly": "部分达成",
    "未达成": "未达成",
    "not_met": "未达成",
}

# What officers write as an actual for a qualitative target.
_MET_WORDS: Final[frozenset[str]] = frozenset(
    {
        "达标", "已达标", "完成", "已完成", "全部完成", "按时完成", "按期完成", "按要求完成", "完成任务",
        "达成", "已达成", "及时", "合规", "符合", "符合要求", "符合标准", "是", "已落实", "落实",
        "合格", "满意", "有效", "实现", "已实现", "提升", "有所提升", "明显提升", "100%完成",
    }
)
_PARTLY_WORDS: Final[frozenset[str]] = frozenset(
    {"部分达成", "部分完成", "基本完成", "基本达成", "基本达标", "部分达标", "基本实现", "部分实现"}
)
_NOT_MET_WORDS: Final[frozenset[str]] = frozenset(
    {
        "未达成", "未完成", "未达标", "不达标", "否", "不合格", "不合规", "不及时", "未落实", "未实现",
        "不符合", "不满意", "未提升",
    }
)

# Ordered grade scales, lowest first; a grade target (称职或以上, 良好以上, 良) is met
# by an actual grade on the same scale that is at least as high.
_SCALES: Final[tuple[tuple[tuple[str, ...], ...], ...]] = (
    (("不称职",), ("基本称职",), ("称职",), ("优秀",)),
    (("差", "较差"), ("中", "一般", "中等"), ("良", "良好"), ("优", "优秀")),
    (("不合格",), ("合格",), ("良好", "良"), ("优秀", "优")),
)
_AT_LEAST: Final[tuple[str, ...]] = ("或以上", "及以上", "以上")


@attrs.frozen
class Completion:
    """How far an indicator's actual reached its target.

    ``rate`` is capped at 1 and drives scoring; it is ``None`` only for a
    qualitative 部分达成, which a rule scores by its declared share.  ``uncapped``
    is the exact rate before the cap (``None`` where undefined, e.g. a ceiling
    target with an actual of 0).  ``trace`` explains the step in Chinese.
    """

    outcome: Outcome
    rate: Fraction | None
    uncapped: Fraction | None
    qualitative: bool
    trace: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.outcome == "达成"


def read_judgement(text: str) -> Outcome:
    """An officer's explicit judgement: 达成 / 部分达成 / 未达成 (or met / partly / not_met)."""
    outcome = _JUDGEMENTS.get(text.strip())
    if outcome is None:
        raise TargetError(
            f"判断结果只能是 达成、部分达成 或 未达成 (judgement must be met, partly or not_met): “{text}”",
            text,
        )
    return outcome


def _grade(level: str) -> list[tuple[int, int, bool]]:
    """(scale index, rank, at_least) of a grade text such as 称职或以上 or 良好, on every
    scale that has it (良好 is on both 差/中/良/优 and 不合格/合格/良好/优秀)."""
    at_least = False
    core = level
    for word in _AT_LEAST:
        if core.endswith(word):
            core, at_least = core[: -len(word)], True
            break
    return [
        (s, rank, at_least)
        for s, scale in enumerate(_SCALES)
        for rank, names in enumerate(scale)
        if core in names
    ]


def _qualitative_outcome(target: Target, actual: Target) -> Outcome | None:
    assert target.level is not None
    word = (actual.level or "").strip()
    if word and word == target.level:
        return "达成"
    grades = _grade(target.level)
    for s, wanted_rank, _at_least in grades:
        for rank, names in enumerate(_SCALES[s]):
            if word in names:
                return "达成" if rank >= wanted_rank else "未达成"
    if grades and word not in _NOT_MET_WORDS:
        # 称职或以上 vs 合格: a grade target is judged on its own scale, not by a generic word
        return None
    if word in _MET_WORDS:
        return "达成"
    if word in _PARTLY_WORDS:
        return "部分达成"
    if word in _NOT_MET_WORDS:
        return "未达成"
    return None


def _meets(comparator: str, target: Decimal, actual: Decimal, actual_comparator: str | None) -> bool:
    if comparator == ">=":
        return actual >= target
    if comparator == ">":
        return actual > target or (actual_comparator == ">" and actual >= target)
    if comparator == "<=":
        return actual <= target
    if comparator == "<":
        return actual < target or (actual_comparator == "<" and actual <= target)
    return actual == target


def completion(target: Target, actual: Target, *, judgement: str | None = None) -> Completion:
    """The completion of ``actual`` against ``target``.

    For an ``==`` target the rate is the smaller of actual/target and target/actual,
    so missing it either way lowers the rate.  A strict target (``>``, ``<``) met only
    at equality is 未达成 (民法典 第1259条: 超过/不满 exclude the number) with a rate of
    100%: rules that score by rate then give the full weight as given, whatever its digits,
    and :class:`~selfscore.AllOrNothing` gives 0 (:func:`selfscore.apply_rule`; inferred).

    The direction of a bare-number target (a ceiling for 成本指标) is decided before
    this, when the target is parsed (:mod:`selfscore.core.directions`).

    ``judgement`` (达成 / 部分达成 / 未达成) is the officer's decision for a
    qualitative target whose actual text does not say it plainly.
    """
    if judgement is not None:
        if target.kind != "qualitative":
            raise TargetError(
                f"定量目标“{target.text}”按实现值计算完成率，不需要填写判断结果 (judgement is only for "
                "qualitative targets)",
                target.text,
            )
        outcome = read_judgement(judgement)
        return _qualitative(outcome, f"定性指标：按填报的判断结果“{outcome}”")
    if target.kind == "qualitative":
        if actual.kind == "quantitative" and actual.unit == "%":
            assert actual.value is not None
            rate = Fraction(actual.value) / 100
            capped = min(rate, Fraction(1))
            reached: Outcome = "达成" if rate >= 1 else "未达成"
            return Completion(
                reached, capped, rate, True, (f"定性指标：实现值以百分比填报 {fmt(actual.value)}%，完成率 {fmt_percent(rate)}",)
            )
        found = _qualitative_outcome(target, actual) if actual.kind == "qualitative" else None
        if found is None:
            raise TargetError(
                f"无法判断定性指标是否达成 (cannot judge a qualitative target): 目标“{target.text}”，"
                f"实现值“{actual.text}”；请在“判断结果”列填写 达成、部分达成 或 未达成（案例文件中写 judgement）",
                actual.text,
            )
        return _qualitative(found, f"定性指标：目标“{target.level}”，实现值“{actual.level}” → {found}")
    if actual.kind == "qualitative":
        word = (actual.level or "").strip()
        if word in _MET_WORDS or word in _NOT_MET_WORDS:
            outcome = "达成" if word in _MET_WORDS else "未达成"
            rate = Fraction(1) if outcome == "达成" else Fraction(0)
            return Completion(outcome, rate, rate, False, (f"实现值“{word}” → {outcome}，完成率 {fmt_percent(rate)}",))
        raise TargetError(
            f"定量目标“{target.text}”的实现值“{actual.text}”不是数值，无法计算完成率 "
            "(quantitative target needs a numeric actual)",
            actual.text,
        )
    return _quantitative(target, actual)


def _qualitative(outcome: Outcome, line: str) -> Completion:
    rate = {"达成": Fraction(1), "部分达成": None, "未达成": Fraction(0)}[outcome]
    return Completion(outcome, rate, rate, True, (line,))


def bare_against_percent(target: Target, actual: Target) -> bool:
    """An actual typed as a bare number (``0.95``) against a percentage target (``≥90%``):
    0.95 % or 95 %?  The target's unit is never borrowed silently (0 is 0 in any unit)."""
    return (target.kind == "quantitative" and actual.kind == "quantitative" and _bare_percent(target.unit, actual.unit)
            and actual.value is not None and actual.value != 0)


def _bare_percent(target_unit: str, actual_unit: str) -> bool:
    return target_unit == "%" and not actual_unit


def direct_units(target_unit: str, actual_unit: str) -> bool:
    """Whether numbers in these units compare directly, with nothing for :func:`completion` to refuse:
    compatible units (:func:`~selfscore.core.targets.units_compatible`), and not a bare number against
    a percentage (:func:`bare_against_percent`).  The batch path sends every other pair to :func:`completion`."""
    return units_compatible(target_unit, actual_unit) and not _bare_percent(target_unit, actual_unit)


def _bare_problem(target: Target, actual: Target) -> str:
    assert actual.value is not None
    typed = fmt(actual.value)
    meant = actual.value.scaleb(2) if actual.value <= 1 else actual.value
    other = f"（若确指 {typed}%，写 {typed}%）" if meant != actual.value else ""
    return (f"实现值“{actual.text}”没有百分号，而目标值“{target.text}”是百分数，无法确定其含义 (a bare number "
            f"against a percent target is ambiguous)：请写成 {fmt(meant)}%{other}；"
            f"表格中也可在设置为百分比格式的单元格中填 {fmt(meant.scaleb(-2))}")


def _quantitative(target: Target, actual: Target) -> Completion:
    assert target.value is not None and target.comparator is not None and actual.value is not None
    if bare_against_percent(target, actual):
        raise TargetError(_bare_problem(target, actual), actual.text)
    if not units_compatible(target.unit, actual.unit):
        raise TargetError(
            f"实现值单位“{actual.unit}”与目标值单位“{target.unit}”不一致 (unit mismatch): "
            f"目标“{target.text}”，实现值“{actual.text}”",
            actual.text,
        )
    t, a = target.value, actual.value
    unit = target.unit or actual.unit
    met = _meets(target.comparator, t, a, actual.comparator)
    outcome: Outcome = "达成" if met else "未达成"
    if target.lower_is_better:
        if t == 0:
            rate = Fraction(1) if met else Fraction(0)
            line = f"零目标（越低越好）：实现值 {fmt(a)}{unit}，" + ("等于 0，完成率 100%" if met else "不为 0，完成率 0%")
            return Completion(outcome, rate, rate, False, (line,))
        if a == 0:
            line = f"完成率：目标值 {fmt(t)}{unit}（上限，越低越好），实现值 0 → 达成，计分按 100%"
            return Completion(outcome, Fraction(1), None, False, (line,))
        uncapped = Fraction(t) / Fraction(a)
        line = f"完成率 = 目标值 {fmt(t)}{unit} ÷ 实现值 {fmt(a)}{unit} = {fmt_percent(uncapped)}（越低越好）"
    else:
        if t == 0:
            rate = Fraction(1) if met else Fraction(0)
            return Completion(outcome, rate, None, False, (f"目标值为 0 → 完成率 {fmt_percent(rate)}",))
        uncapped = Fraction(a) / Fraction(t)
        if target.comparator == "==" and uncapped > 1:
            uncapped = 1 / uncapped
        line = f"完成率 = 实现值 {fmt(a)}{unit} ÷ 目标值 {fmt(t)}{unit} = {fmt_percent(uncapped)}"
    rate = min(uncapped, Fraction(1))
    if uncapped > 1:
        line += "，计分按 100% 封顶"
    return Completion(outcome, rate, uncapped, False, (line,))
