"""Indicator scoring rules (docs/domain.md §4, §6, §7 and §10)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from selfscore import (
    AllOrNothing,
    Completion,
    FixedDeduction,
    IndicatorRule,
    Proportional,
    Rounding,
    SelfScoreError,
    StepDeduction,
    apply_rule,
    completion,
    parse_actual,
    parse_target,
    split_points,
)


def rate(r: F, *, qualitative: bool = False) -> Completion:
    """A completion at rate ``r`` (met when ``r`` is 1), with a one-line trace."""
    return Completion("达成" if r == 1 else "未达成", r, r, qualitative, ("completion line",))


PARTLY = Completion("部分达成", None, None, True, ("部分达成 line",))


# --- golden: 元岗 2023 自评报告 ----------------------------------------------------------


YUANGANG = Proportional(floor="0.6", rounding=Rounding(places=1))


def test_yuangang_tax_indicator_scores_3_9() -> None:
    done = completion(parse_target("500 万元"), parse_actual("493.3 万元"))
    scored = apply_rule(YUANGANG, D(4), done)
    # 4 × 493.3 / 500 = 3.9464 -> 3.9 (one decimal, half-up)
    assert scored.score == D("3.9")
    text = "\n".join(scored.trace)
    assert "4 × 98.66% = 3.9464 → 3.9" in text
    assert "四舍五入, 1位小数" in text
    assert scored.trace[0] == done.trace[0]  # the completion's line comes first


def test_yuangang_tax_indicator_truncate_variant_agrees() -> None:
    done = completion(parse_target("500 万元"), parse_actual("493.3 万元"))
    rule = Proportional(floor="0.6", rounding=Rounding(places=1, mode="truncate"))
    scored = apply_rule(rule, D(4), done)
    assert scored.score == D("3.9")
    assert "4 × 98.66% = 3.9464 → 3.9（截尾, 1位小数）" in scored.trace[-1]


def test_yuangang_tax_indicator_at_two_places_contradicts_the_report() -> None:
    # what a 2-place spec would print: 3.95 (half-up) or 3.94 (truncate), not the report's 3.9
    done = completion(parse_target("500 万元"), parse_actual("493.3 万元"))
    assert apply_rule(Proportional(rounding=Rounding(2)), D(4), done).score == D("3.95")
    assert apply_rule(Proportional(rounding=Rounding(2, "truncate")), D(4), done).score == D("3.94")


def test_yuangang_totals() -> None:
    # 产出: six met indicators at 3.34/3.33/3.33/3.33/3.33/3.34 -> 20
    outputs = [apply_rule(YUANGANG, w, rate(F(1))).score for w in split_points(20, 6)]
    assert outputs == [D("3.34"), D("3.33"), D("3.33"), D("3.33"), D("3.33"), D("3.34")]
    assert sum(outputs) == 20
    # 效益: four met at 4 and the tax indicator at 3.9 -> 19.9; 履职效能 39.9
    tax = completion(parse_target("500 万元"), parse_actual("493.3 万元"))
    benefits = [apply_rule(YUANGANG, w, rate(F(1))).score for w in split_points(20, 5)[:4]]
    benefits.append(apply_rule(YUANGANG, D(4), tax).score)
    assert sum(benefits) == D("19.9")
    assert sum(outputs) + sum(benefits) == D("39.9")


# --- Proportional -----------------------------------------------------------------------


def test_met_indicator_keeps_its_unrounded_weight() -> None:
    # 元岗 prints 3.34 for a met indicator although partial scores are rounded to 0.1
    scored = apply_rule(YUANGANG, D("3.34"), rate(F(1)))
    assert scored.score == D("3.34")
    assert "达成，得满分 3.34" in scored.trace


@pytest.mark.parametrize(
    ("weight", "r", "rounding", "expected"),
    [
        ("10", F(2, 3), Rounding(2), "6.67"),
        ("10", F(2, 3), Rounding(2, "truncate"), "6.66"),
        ("3", F(2, 3), Rounding(2), "2.00"),
        ("0.25", F(1, 2), Rounding(2), "0.13"),  # 0.125 half-up, where round() gives 0.12
        ("0.25", F(1, 2), Rounding(2, "truncate"), "0.12"),
        ("20", F(19, 20), Rounding(1), "19.0"),
        ("3.33", F(9, 10), Rounding(2), "3.00"),  # 2.997
        ("3.33", F(9, 10), Rounding(1), "3.0"),
        ("3.34", F(3, 4), Rounding(2), "2.51"),  # 2.505
        ("3.34", F(3, 4), Rounding(2, "truncate"), "2.50"),
        ("4", F(0), Rounding(1), "0"),
    ],
)
def test_proportional(weight: str, r: F, rounding: Rounding, expected: str) -> None:
    assert apply_rule(Proportional(rounding=rounding), D(weight), rate(r)).score == D(expected)


def test_proportional_score_never_exceeds_the_weight() -> None:
    # 3.36 × 99.9% = 3.35664, rounded to one place would be 3.4 > 3.36
    assert apply_rule(YUANGANG, D("3.36"), rate(F(999, 1000))).score == D("3.36")


def test_proportional_floor() -> None:
    # 60% floor: 59% scores 0, exactly 60% is scored (the floor itself is not "below")
    below = apply_rule(YUANGANG, D(4), rate(F(59, 100)))
    assert below.score == 0
    assert "低于 60%" in below.trace[-1]
    assert apply_rule(YUANGANG, D(4), rate(F(60, 100))).score == D("2.4")
    assert apply_rule(YUANGANG, D(4), rate(F(61, 100))).score == D("2.4")  # 2.44


def test_proportional_trace_shows_inexact_quotient() -> None:
    scored = apply_rule(Proportional(), D(10), rate(F(2, 3)))
    assert "10 × 66.67% = ≈6.666667 → 6.67（四舍五入, 2位小数）" in scored.trace[-1]


def test_weight_as_text_and_zero_weight() -> None:
    assert apply_rule(Proportional(), "3.34", rate(F(1))).score == D("3.34")  # type: ignore[arg-type]
    assert apply_rule(Proportional(), D(0), rate(F(1, 2))).score == 0


def test_trace_starts_with_the_completion() -> None:
    scored = apply_rule(Proportional(), D(10), rate(F(1, 2)))
    assert scored.trace[0] == "completion line"
    assert len(scored.trace) == 2


# --- AllOrNothing -----------------------------------------------------------------------


def test_all_or_nothing() -> None:
    rule = AllOrNothing()
    assert apply_rule(rule, D("3.33"), rate(F(1))).score == D("3.33")
    missed = apply_rule(rule, D("3.33"), rate(F(99, 100)))
    assert missed.score == 0
    assert "全有或全无" in missed.trace[-1]
    assert apply_rule(rule, D("3.33"), rate(F(0))).score == 0


# --- FixedDeduction (金花 2024 自评表说明) -----------------------------------------------------


JINHUA = FixedDeduction(threshold="0.9", points="1")


@pytest.mark.parametrize(
    ("weight", "r", "expected"),
    [
        ("2", F(8, 10), "1"),  # 补助发放率不达90%，扣1分
        ("5", F(85, 100), "4"),
        ("5", F(899, 1000), "4"),
        ("5", F(9, 10), "5"),  # exactly 90% is not "below 90%"
        ("5", F(95, 100), "5"),
        ("5", F(1), "5"),
        ("0.5", F(1, 2), "0"),  # a deduction never goes below 0
        ("1", F(0), "0"),
    ],
)
def test_fixed_deduction(weight: str, r: F, expected: str) -> None:
    assert apply_rule(JINHUA, D(weight), rate(r)).score == D(expected)


def test_fixed_deduction_trace() -> None:
    scored = apply_rule(JINHUA, D(2), rate(F(8, 10)))
    assert "扣 1 分" in scored.trace[-1]
    assert "80%" in scored.trace[-1] and "90%" in scored.trace[-1]
    assert "不扣分" in apply_rule(JINHUA, D(2), rate(F(95, 100))).trace[-1]


def test_jinhua_output_item() -> None:
    # 金花 2024: 产出 20 points, one 1-point deduction -> 19 (the per-indicator split is not
    # published; any split gives the same item total while the weight is at least 1)
    weights = split_points(20, 16)
    scores = [apply_rule(JINHUA, w, rate(F(1))).score for w in weights[1:]]
    scores.append(apply_rule(JINHUA, weights[0], rate(F(85, 100))).score)
    assert sum(scores) == 19


# --- StepDeduction (金花 2024 部门预算资金支出率) ------------------------------------------------


STEP = StepDeduction(step="0.01", points="0.1")


def test_jinhua_execution_rate() -> None:
    # 10 points, average execution 95%: 0.1 point per percentage point short -> 9.5
    done = completion(parse_target("100%"), parse_actual("95%"))
    assert done.rate == F(19, 20)
    scored = apply_rule(STEP, D(10), done)
    assert scored.score == D("9.5")
    assert "= 9.5" in scored.trace[-1]
    # the equivalent reading, 10 × rate
    assert apply_rule(Proportional(rounding=Rounding(1)), D(10), done).score == D("9.5")


@pytest.mark.parametrize(
    ("r", "rounding", "expected"),
    [
        (F(1), Rounding(2), "10"),
        (F(99, 100), Rounding(2), "9.9"),
        (F(955, 1000), Rounding(2), "9.55"),  # 4.5 points short -> 0.45
        (F(9555, 10000), Rounding(2), "9.56"),  # the score 9.555 rounded half-up (not 10 − round(0.445))
        (F(9555, 10000), Rounding(2, "truncate"), "9.55"),  # the score 9.555 truncated (not 10 − 0.44)
        (F(1, 2), Rounding(2), "5"),
        (F(0), Rounding(2), "0"),
    ],
)
def test_step_deduction(r: F, rounding: Rounding, expected: str) -> None:
    rule = StepDeduction(step="0.01", points="0.1", rounding=rounding)
    assert apply_rule(rule, D(10), rate(r)).score == D(expected)


def test_step_deduction_never_below_zero() -> None:
    assert apply_rule(STEP, D(5), rate(F(0))).score == 0  # a 10-point deduction on 5 points
    big = StepDeduction(step="0.05", points="1")
    assert apply_rule(big, D(4), rate(F(1, 2))).score == 0  # 10 steps short × 1 point


# --- partial_share for qualitative 部分达成 ------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "weight", "expected"),
    [
        (Proportional(partial_share="0.6"), "4", "2.4"),
        (Proportional(partial_share="0.8"), "3.33", "2.66"),  # 2.664
        (Proportional(partial_share="0.5", rounding=Rounding(1)), "3.33", "1.7"),  # 1.665
        (AllOrNothing(partial_share="0.5"), "3.33", "1.67"),  # 1.665 half-up
        (AllOrNothing(partial_share="0.5", rounding=Rounding(2, "truncate")), "3.33", "1.66"),
        (FixedDeduction(threshold="0.9", points="1", partial_share="0.5"), "3", "1.5"),
        (StepDeduction(step="0.01", points="0.1", partial_share="0.5"), "10", "5"),
        (AllOrNothing(partial_share="1"), "4", "4"),
        (AllOrNothing(partial_share="0"), "4", "0"),
    ],
)
def test_partial_share(rule: IndicatorRule, weight: str, expected: str) -> None:
    assert apply_rule(rule, D(weight), PARTLY).score == D(expected)


def test_partial_share_trace() -> None:
    scored = apply_rule(AllOrNothing(partial_share="0.5"), D("3.33"), PARTLY)
    assert scored.trace == ("部分达成 line", "部分达成：3.33 × 0.5 = 1.665 → 1.67（四舍五入, 2位小数）")


@pytest.mark.parametrize(
    "rule", [Proportional(), AllOrNothing(), FixedDeduction(threshold="0.9", points="1"), STEP]
)
def test_missing_partial_share_is_an_error(rule: IndicatorRule) -> None:
    with pytest.raises(SelfScoreError, match="partial_share"):
        apply_rule(rule, D(4), PARTLY)


def test_qualitative_judgement_to_score() -> None:
    target = parse_target("按时完成任务")
    actual = parse_actual("基本完成")
    rule = Proportional(partial_share="0.6", rounding=Rounding(1))
    assert apply_rule(rule, D("3.34"), completion(target, actual)).score == D("2.0")  # 2.004
    assert apply_rule(rule, D("3.34"), completion(target, actual, judgement="达成")).score == D("3.34")
    assert apply_rule(rule, D("3.34"), completion(target, actual, judgement="未达成")).score == 0


# --- parameter validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Proportional(floor="1.5"),
        lambda: Proportional(floor="-0.1"),
        lambda: Proportional(partial_share="1.5"),
        lambda: AllOrNothing(partial_share="-0.1"),
        lambda: FixedDeduction(threshold="2", points="1"),
        lambda: FixedDeduction(threshold="0.9", points="-1"),
        lambda: StepDeduction(step="0", points="0.1"),
        lambda: StepDeduction(step="-0.01", points="0.1"),
        lambda: StepDeduction(step="0.01", points="-0.1"),
        lambda: Proportional(floor="abc"),
    ],
)
def test_invalid_rule_parameters(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_negative_weight_is_an_error() -> None:
    with pytest.raises(ValueError, match="weight"):
        apply_rule(Proportional(), D(-1), rate(F(1)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Proportional(floor=0.6),
        lambda: Proportional(partial_share=0.5),
        lambda: AllOrNothing(partial_share=0.5),
        lambda: FixedDeduction(threshold=0.9, points="1"),
        lambda: FixedDeduction(threshold="0.9", points=1.0),
        lambda: StepDeduction(step=0.01, points="0.1"),
        lambda: StepDeduction(step="0.01", points=0.1),
        lambda: Proportional(rounding=Rounding(places=1.0)),  # type: ignore[arg-type]
    ],
)
def test_float_rule_parameters_are_type_errors(make: object) -> None:
    with pytest.raises(TypeError, match="float"):
        make()  # type: ignore[operator]


def test_float_weight_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        apply_rule(Proportional(), 4.0, rate(F(1)))  # type: ignore[arg-type]


def test_rule_parameters_are_exact_decimals() -> None:
    rule = StepDeduction(step="0.01", points="0.1")
    assert rule.step == D("0.01") and type(rule.step) is D
    assert rule.points == D("0.1")
    assert Proportional(floor="0.6").floor == D("0.6")
    assert [r.kind for r in (Proportional(), AllOrNothing(), JINHUA, STEP)] == [
        "proportional",
        "all_or_nothing",
        "fixed_deduction",
        "step_deduction",
    ]


# --- exactness beyond the 28-digit default decimal context --------------------------------


def test_proportional_is_exact_with_long_numbers() -> None:
    # rate = (5·10^29 − 1) / (10^30 − 1), just under 1/2: 2·(5·10^29 − 1) = 10^30 − 2 < 10^30 − 1.
    # Rounded to 28 digits the numerator would become 5·10^29 and the rate exactly 1/2,
    # which half-up would score 1.
    done = completion(parse_target("9" * 30), parse_actual("4" + "9" * 29))
    assert done.rate == F(5 * 10**29 - 1, 10**30 - 1)
    assert apply_rule(Proportional(rounding=Rounding(0)), D(1), done).score == 0


def test_step_deduction_is_exact_with_long_numbers() -> None:
    # rate = (5·10^29 − 1) / (10^30 − 1), just under 1/2, so the exact score 1 − (1 − rate) is
    # just under 1/2 and rounds half-up to 0; rounded to 28 digits it would be 1/2 and round to 1
    done = completion(parse_target("9" * 30), parse_actual("4" + "9" * 29))
    rule = StepDeduction(step="1", points="1", rounding=Rounding(0))
    assert apply_rule(rule, D(1), done).score == 0


def test_partial_share_is_exact_with_long_weights() -> None:
    weight = D("1" * 29 + ".5")  # 30 significant digits
    scored = apply_rule(AllOrNothing(partial_share="0.5", rounding=Rounding(2)), weight, PARTLY)
    assert scored.score == D("5" * 28 + ".75")  # 11.5 / 2 = 5.75, so 29 ones .5 / 2 = 28 fives .75


def test_products_beyond_sixty_digits_stay_exact() -> None:
    # 1 × 4999…9 / 9999…9 (70 digits) is just under one half: 0 at 0 places, never a rounded 1
    from selfscore import completion, parse_actual, parse_target

    done = completion(parse_target("9" * 70), parse_actual("4" + "9" * 69))
    assert apply_rule(Proportional(floor="0", rounding=Rounding(0)), D(1), done).score == D(0)


def test_rule_parameter_messages_are_chinese_first() -> None:
    with pytest.raises(ValueError) as floor:
        Proportional(floor="1.5")
    assert str(floor.value) == "参数 floor 应在 0 与 1 之间 ('floor' must be between 0 and 1): 1.5"
    with pytest.raises(ValueError) as step:
        StepDeduction(step="0", points="0.1")
    assert str(step.value) == "参数 step 应大于 0 ('step' must be > 0): 0"
    with pytest.raises(ValueError) as share:
        AllOrNothing(partial_share="2")
    assert str(share.value) == "部分达成得分比例应在 0 与 1 之间 ('partial_share' must be between 0 and 1): '2'"
