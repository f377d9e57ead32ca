"""Completion rates (完成率), exact (docs/domain.md §3)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from selfscore import OUTCOMES, Completion, TargetError, completion, parse_actual, parse_target, read_judgement


def done(target: str, actual: str, **kwargs: object) -> Completion:
    lower = kwargs.pop("lower_is_better", None)
    return completion(parse_target(target, lower_is_better=lower), parse_actual(actual), **kwargs)  # type: ignore[arg-type]


# --- higher is better -------------------------------------------------------------------


def test_yuangang_tax_rate() -> None:
    # 元岗 2023 代征出租屋综合税: target 500万元, actual 493.3万元 -> 98.66%
    c = done("500 万元", "493.3 万元")
    assert c.outcome == "未达成"
    assert not c.met
    assert c.rate == F(4933, 5000)
    assert c.uncapped == F(4933, 5000)
    assert c.qualitative is False
    assert any("493.3" in line and "500" in line and "98.66%" in line for line in c.trace)


@pytest.mark.parametrize(
    ("target", "actual", "outcome", "rate", "uncapped"),
    [
        ("≥95%", "94%", "未达成", F(94, 95), F(94, 95)),
        ("≥95%", "95%", "达成", F(1), F(1)),
        ("≥95%", "≥ 95%", "达成", F(1), F(1)),
        ("≥280人", "300人", "达成", F(1), F(15, 14)),  # over-achievement kept uncapped
        ("9000人次", "8100人次", "未达成", F(9, 10), F(9, 10)),
        ("9000人次", "9000人次", "达成", F(1), F(1)),
        ("258256.8 万平方米", "保洁面积258256.8万平方米", "达成", F(1), F(1)),  # 元岗
        ("100%完成", "100%完成", "达成", F(1), F(1)),  # 元岗
        ("4 次", "4 次", "达成", F(1), F(1)),  # 元岗
        ("4 次", "3 次", "未达成", F(3, 4), F(3, 4)),
        ("上门服务满意率（90%）", "上门服务满意率（90%）", "达成", F(1), F(1)),  # 元岗
        ("≥ 95%", "≥ 95%", "达成", F(1), F(1)),  # 元岗 居家养老服务总体满意度
        ("≥80%", "80%", "达成", F(1), F(1)),  # 金花 2024: 参与率达到80%
        ("≥10", "12次", "达成", F(1), F(6, 5)),  # a bare number matches any unit
        ("≥3场", "0场", "未达成", F(0), F(0)),
        ("≥0次", "0次", "达成", F(1), None),  # an explicit zero floor: no ratio
    ],
)
def test_higher_is_better(target: str, actual: str, outcome: str, rate: F, uncapped: F | None) -> None:
    c = done(target, actual)
    assert (c.outcome, c.rate, c.uncapped) == (outcome, rate, uncapped)
    assert c.met == (outcome == "达成")
    assert c.qualitative is False


def test_over_achievement_is_capped_and_said_so() -> None:
    c = done("≥280人", "300人")
    assert c.rate == 1
    assert c.uncapped == F(300, 280)
    assert any("封顶" in line for line in c.trace)


# --- lower is better --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "lower", "outcome", "rate", "uncapped"),
    [
        ("≤2个小时", "3小时", None, "未达成", F(2, 3), F(2, 3)),
        ("≤2个小时", "2小时", None, "达成", F(1), F(1)),
        ("≤2个小时", "1.5个小时", None, "达成", F(1), F(4, 3)),
        ("≤2个小时", "0小时", None, "达成", F(1), None),  # target / 0 is undefined
        ("控制在5%以内", "8%", None, "未达成", F(5, 8), F(5, 8)),
        ("5%以下", "4%", None, "达成", F(1), F(5, 4)),
        ("100万元", "80万元", True, "达成", F(1), F(5, 4)),  # 成本指标: a ceiling
        ("100万元", "125万元", True, "未达成", F(4, 5), F(4, 5)),
        ("100万元", "125万元", None, "达成", F(1), F(5, 4)),  # the same text as a floor
    ],
)
def test_lower_is_better(
    target: str, actual: str, lower: bool | None, outcome: str, rate: F, uncapped: F | None
) -> None:
    c = done(target, actual, lower_is_better=lower)
    assert (c.outcome, c.rate, c.uncapped) == (outcome, rate, uncapped)


def test_lower_is_better_trace_says_target_over_actual() -> None:
    c = done("≤2个小时", "3小时")
    assert any("66.67%" in line and "越低越好" in line for line in c.trace)


# --- zero targets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "outcome", "rate"),
    [
        ("0次", "0次", "达成", F(1)),
        ("0次", "1次", "未达成", F(0)),
        ("0次", "3次", "未达成", F(0)),
        ("0%", "0.5%", "未达成", F(0)),
        ("存在合同执行违约的项目数占总项目数的比例0%。", "0%", "达成", F(1)),
        ("存在合同执行违约的项目数占总项目数的比例0%。", "2%", "未达成", F(0)),
        ("安全事故发生数0次", "0", "达成", F(1)),
    ],
)
def test_zero_target(target: str, actual: str, outcome: str, rate: F) -> None:
    c = done(target, actual)
    assert (c.outcome, c.rate) == (outcome, rate)
    assert c.uncapped == rate


# --- strict comparators -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        ("超过10次", "10次", False),
        ("超过10次", "11次", True),
        ("超过10次", "超过10次", True),  # the actual says it is above 10
        ("超过10次", "≥10次", False),  # it may be exactly 10
        ("＞８５％", "85%", False),
        ("＞８５％", "超过85%", True),  # 金花 2024 居民对民生服务的满意度超过85%
        ("＞８５％", "85.1%", True),
        ("不满10人", "10人", False),
        ("不满10人", "9人", True),
        ("<5%", "5%", False),
        ("<5%", "4.99%", True),
        ("<5%", "<5%", True),
        ("≥10次", "超过10次", True),
        ("10次以外", "10次", False),
        ("10次以外", "11次", True),
    ],
)
def test_strict_comparators(target: str, actual: str, met: bool) -> None:
    c = done(target, actual)
    assert c.met is met
    assert c.outcome == ("达成" if met else "未达成")


def test_exact_target_deviation_either_way_lowers_the_rate() -> None:
    assert done("=100%", "100%").met
    c = done("=100%", "110%")
    assert c.outcome == "未达成"
    assert c.rate == F(100, 110)
    c = done("=100%", "90%")
    assert c.rate == F(9, 10)


# --- unit mismatch ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "units"),
    [
        ("500 万元", "4933000元", ("万元", "元")),
        ("≥95%", "4 次", ("%", "次")),
        ("≥150人次", "150人", ("人次", "人")),
        ("≤2个小时", "2天", ("小时", "天")),
    ],
)
def test_unit_mismatch_is_an_error(target: str, actual: str, units: tuple[str, str]) -> None:
    with pytest.raises(TargetError) as info:
        done(target, actual)
    message = str(info.value)
    for unit in units:
        assert unit in message
    assert target in message and actual in message


# --- quantitative target, worded actual -------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "outcome", "rate"),
    [
        ("100%", "达标", "达成", F(1)),
        ("100%", "已完成", "达成", F(1)),
        ("100%", "未完成", "未达成", F(0)),
        ("≥95%", "不达标", "未达成", F(0)),
    ],
)
def test_quantitative_target_with_a_word_actual(target: str, actual: str, outcome: str, rate: F) -> None:
    c = done(target, actual)
    assert (c.outcome, c.rate, c.qualitative) == (outcome, rate, False)


def test_quantitative_target_with_an_unclear_word_is_an_error() -> None:
    with pytest.raises(TargetError, match="按要求落实"):
        done("≥95%", "按要求落实环卫各项工作，完成任务指标。")


def test_quantitative_target_does_not_take_a_judgement() -> None:
    with pytest.raises(TargetError, match="500 万元"):
        done("500 万元", "493.3 万元", judgement="达成")


# --- qualitative targets ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "outcome", "rate"),
    [
        ("达标", "达标", "达成", F(1)),  # 元岗 时效指标
        ("控制在标准内", "控制在标准内", "达成", F(1)),  # 元岗 虫蚊媒密度
        ("日产日清", "100%完成", "达成", F(1)),  # 元岗 垃圾清运率
        ("日产日清", "95%", "未达成", F(19, 20)),
        ("按时完成任务", "按时完成", "达成", F(1)),
        ("按时完成任务", "未完成", "未达成", F(0)),
        ("按时完成任务", "否", "未达成", F(0)),
        ("达标", "不达标", "未达成", F(0)),
        ("合规", "合规", "达成", F(1)),
        ("提升", "明显提升", "达成", F(1)),
    ],
)
def test_qualitative(target: str, actual: str, outcome: str, rate: F) -> None:
    c = done(target, actual)
    assert (c.outcome, c.rate, c.uncapped, c.qualitative) == (outcome, rate, rate, True)


@pytest.mark.parametrize("actual", ["基本完成", "部分完成", "基本达标", "部分达成"])
def test_qualitative_partly(actual: str) -> None:
    c = done("按时完成任务", actual)
    assert c.outcome == "部分达成"
    assert c.rate is None and c.uncapped is None
    assert not c.met


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        ("称职或以上", "优秀", True),  # 金花 2023 目标评审意见: 在编人员年度考核情况
        ("称职或以上", "称职", True),  # 以上 includes the level itself
        ("称职或以上", "基本称职", False),
        ("称职或以上", "不称职", False),
        ("良好以上", "优", True),  # 凤阳 2023 目标表: 居家养老综合服务平台评估等级
        ("良好以上", "优秀", True),
        ("良好以上", "良好", True),
        ("良好以上", "良", True),
        ("良好以上", "中", False),
        ("良好以上", "一般", False),
        ("良好以上", "较差", False),
        ("良好以上", "合格", False),  # 不合格 < 合格 < 良好 < 优秀
        ("良好以上", "不合格", False),
        ("良或以上", "良好", True),  # 凤阳 2023 目标表: 社工服务站评估等级
        ("良或以上", "中等", False),
        ("良或以上", "合格", False),
        ("良及以上", "优", True),  # 凤阳 2023 目标表: 垃圾分类工作考核评级
        ("良及以上", "差", False),
        ("合格及以上", "合格", True),
        ("合格及以上", "良好", True),
        ("合格及以上", "不合格", False),
        ("良", "优", True),  # a plain grade is reached by a higher one
        ("优秀", "良好", False),
    ],
)
def test_graded_levels(target: str, actual: str, met: bool) -> None:
    c = done(target, actual)
    assert c.qualitative
    assert c.outcome == ("达成" if met else "未达成")
    assert c.rate == (1 if met else 0)


def test_unclear_qualitative_actual_asks_for_a_judgement() -> None:
    # 元岗 可持续发展 宜居环境: the actual is a sentence, not a verdict
    target = "打造“更干净、更整洁、更平安、更有序”城区宜居环境，持续性发挥效能。"
    actual = "按要求落实环卫各项工作，完成任务指标。"
    with pytest.raises(TargetError) as info:
        done(target, actual)
    message = str(info.value)
    assert actual in message
    assert target in message
    assert "judgement" in message


@pytest.mark.parametrize(
    ("judgement", "outcome", "rate"),
    [
        ("达成", "达成", F(1)),
        ("met", "达成", F(1)),
        ("部分达成", "部分达成", None),
        ("partly", "部分达成", None),
        ("未达成", "未达成", F(0)),
        ("not_met", "未达成", F(0)),
        (" 达成 ", "达成", F(1)),
    ],
)
def test_judgement(judgement: str, outcome: str, rate: F | None) -> None:
    target = "打造“更干净、更整洁、更平安、更有序”城区宜居环境，持续性发挥效能。"
    c = done(target, "按要求落实环卫各项工作，完成任务指标。", judgement=judgement)
    assert (c.outcome, c.rate, c.uncapped, c.qualitative) == (outcome, rate, rate, True)
    assert any(outcome in line for line in c.trace)


def test_judgement_overrides_the_actual_text() -> None:
    assert done("达标", "达标", judgement="未达成").outcome == "未达成"
    assert done("达标", "不达标", judgement="达成").outcome == "达成"


@pytest.mark.parametrize("judgement", ["yes", "基本达成", "", "达标"])
def test_bad_judgement(judgement: str) -> None:
    with pytest.raises(TargetError, match="judgement"):
        done("达标", "达标", judgement=judgement)
    with pytest.raises(TargetError):
        read_judgement(judgement)


def test_read_judgement_and_outcomes() -> None:
    assert OUTCOMES == ("达成", "部分达成", "未达成")
    assert read_judgement("partly") == "部分达成"
    assert read_judgement("未达成") == "未达成"


def test_grade_target_is_not_met_by_a_generic_word_from_another_scale() -> None:
    # 合格 is not a grade on the 称职 scale: the officer must judge, not the word list
    with pytest.raises(TargetError, match="judgement"):
        completion(parse_target("称职或以上"), parse_actual("合格"))
    assert completion(parse_target("称职或以上"), parse_actual("未达标")).outcome == "未达成"
