"""Property tests (Hypothesis) for the exact core, using the public strategies in selfscore.testing.

Expected values are computed independently with ``fractions.Fraction`` and a
hand-written half-up rounding, never with selfscore's own arithmetic.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from selfscore import (
    AllOrNothing,
    Completion,
    FixedDeduction,
    IndicatorRule,
    Proportional,
    Rounding,
    SelfScoreError,
    StepDeduction,
    Target,
    apply_rule,
    check_weights,
    completion,
    div_round,
    fmt,
    format_target,
    parse_actual,
    parse_target,
    split_points,
    to_decimal,
)
from selfscore.testing import (
    UNITS,
    completions,
    decimals,
    quantitative_targets,
    roundings,
    rules,
    target_texts,
    targets,
    weights,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_fraction(x: Fraction, places: int, mode: str) -> Fraction:
    """Independent reference rounding: half away from zero, or toward zero."""
    scaled = abs(x) * 10**places
    whole = math.floor(scaled + Fraction(1, 2)) if mode == "half_up" else math.floor(scaled)
    return Fraction(whole if x >= 0 else -whole, 10**places)


def test_reference_rounding_itself() -> None:
    # the oracle must be right before it judges anything
    assert round_fraction(Fraction(1, 8), 2, "half_up") == Fraction(13, 100)
    assert round_fraction(Fraction(-1, 8), 2, "half_up") == Fraction(-13, 100)
    assert round_fraction(Fraction(-1, 8), 2, "truncate") == Fraction(-12, 100)
    assert round_fraction(Fraction(19732, 5000), 1, "half_up") == Fraction(39, 10)


# --- split_points -----------------------------------------------------------------------


@PROPERTY
@given(
    places=st.integers(0, 4),
    data=st.data(),
    n=st.integers(1, 40),
    leftover=st.sampled_from(["ends", "first", "last"]),
)
def test_split_sums_exactly_and_shares_differ_by_at_most_one_unit(
    places: int, data: st.DataObject, n: int, leftover: str
) -> None:
    total = data.draw(decimals(places=places, max_value=1000))
    shares = split_points(total, n, places=places, leftover=leftover)  # type: ignore[arg-type]
    unit = Fraction(1, 10**places)
    assert len(shares) == n
    assert sum(shares, Decimal(0)) == total
    assert max(shares) - min(shares) <= Decimal(unit.numerator) / Decimal(unit.denominator)
    for share in shares:
        assert share >= 0
        assert Fraction(share) / unit == int(Fraction(share) / unit)  # a whole number of units
    # the shares are the truncated equal share, or one unit more
    base = math.floor(Fraction(total) / n / unit) * unit
    assert {Fraction(s) for s in shares} <= {base, base + unit}
    # an officer typing these weights passes the sum check
    assert check_weights(shares, total) == shares


@PROPERTY
@given(total=decimals(places=2, max_value=100), n=st.integers(1, 30))
def test_split_ends_is_symmetric_for_even_spare(total: Decimal, n: int) -> None:
    # the ends order hands cents out in mirror pairs, so with an even spare count the
    # split reads the same backwards (元岗: 3.34, 3.33, 3.33, 3.33, 3.33, 3.34)
    spare = int(total * 100) % n
    assume(spare % 2 == 0)
    shares = split_points(total, n)
    assert shares == shares[::-1]


# --- rounding ---------------------------------------------------------------------------


@PROPERTY
@given(x=decimals(places=6, min_value=-1000, max_value=1000), rounding=roundings(max_places=5))
def test_rounding_is_idempotent_and_close(x: Decimal, rounding: Rounding) -> None:
    once = rounding.apply(x)
    assert rounding.apply(once) == once
    step = Fraction(1, 10**rounding.places)
    error = Fraction(x) - Fraction(once)
    if rounding.mode == "truncate":
        assert abs(Fraction(once)) <= abs(Fraction(x))
        assert abs(error) < step
    else:
        assert abs(error) <= step / 2
    assert once == once.quantize(Decimal(1).scaleb(-rounding.places))


@PROPERTY
@given(k=st.integers(-1_000_000, 1_000_000), places=st.integers(0, 6), den=st.integers(1, 50))
def test_ties_round_half_away_from_zero(k: int, places: int, den: int) -> None:
    # x = (k + 1/2) units of 10**-places, exactly halfway between k and k + 1 units
    x = Decimal(2 * k + 1).scaleb(-places) / 2
    assert Fraction(x) == (k + Fraction(1, 2)) / 10**places
    up = Rounding(places, "half_up").apply(x)
    down = Rounding(places, "truncate").apply(x)
    assert Fraction(up) == Fraction(k + 1 if k >= 0 else k, 10**places)
    assert Fraction(down) == Fraction(k if k >= 0 else k + 1, 10**places)
    # the same tie reached by a division: (x * den) / den
    assert div_round(x * den, Decimal(den), Rounding(places, "half_up")) == up


@PROPERTY
@given(
    num=decimals(places=4, min_value=-100_000, max_value=100_000),
    den=decimals(places=3, min_value=-1000, max_value=1000),
    rounding=roundings(max_places=6),
)
def test_div_round_equals_fraction_reference(num: Decimal, den: Decimal, rounding: Rounding) -> None:
    assume(den != 0)
    expected = round_fraction(Fraction(num) / Fraction(den), rounding.places, rounding.mode)
    assert Fraction(div_round(num, den, rounding)) == expected


# --- rules: bounds and monotonicity -----------------------------------------------------


@PROPERTY
@given(rule=rules(), weight=weights(), done=completions())
def test_score_between_zero_and_weight(rule: IndicatorRule, weight: Decimal, done: Completion) -> None:
    if done.rate is None and rule.partial_share is None:
        with pytest.raises(SelfScoreError):
            apply_rule(rule, weight, done)
        return
    score = apply_rule(rule, weight, done).score
    assert 0 <= score <= weight
    if done.met:
        assert score == weight
    if done.rate == 0 and not isinstance(rule, (FixedDeduction, StepDeduction)):
        assert score == 0


@PROPERTY
@given(rule=rules(), weight=weights(), value=decimals(places=2, min_value="0.01", max_value=10_000),
       comparator=st.sampled_from([">", "<"]), unit=st.sampled_from(["%", "万元", "次", ""]))
def test_a_score_shown_at_rate_100_percent_is_the_weight(
    rule: IndicatorRule, weight: Decimal, value: Decimal, comparator: str, unit: str
) -> None:
    """A strict target met only at equality (超过90%, actual 90%) is 未达成 at a rate of 100%: a rule
    that scores by rate gives the weight as given, whatever its digits; all-or-nothing gives 0."""
    done = completion(parse_target(f"{comparator}{fmt(value)}{unit}"), parse_actual(f"{fmt(value)}{unit}"))
    assert (done.outcome, done.rate, done.uncapped) == ("未达成", 1, 1)
    score = apply_rule(rule, weight, done).score
    if rule.scores_by_rate:
        assert score.as_tuple() == weight.as_tuple()
    else:
        assert score == 0


def _actual(value: Decimal, unit: str) -> Target:
    return parse_actual(f"{fmt(value)}{unit}")


@PROPERTY
@given(
    rule=rules(),
    weight=weights(),
    target=quantitative_targets(comparators=(">=", ">", "<=", "<"), max_value=10_000),
    a=decimals(places=2, max_value=20_000),
    b=decimals(places=2, max_value=20_000),
)
def test_score_never_decreases_as_the_actual_improves(
    rule: IndicatorRule, weight: Decimal, target: Target, a: Decimal, b: Decimal
) -> None:
    worse, better = (a, b) if a <= b else (b, a)
    if target.lower_is_better:
        worse, better = better, worse
    score_worse = apply_rule(rule, weight, completion(target, _actual(worse, target.unit))).score
    score_better = apply_rule(rule, weight, completion(target, _actual(better, target.unit))).score
    assert score_worse <= score_better


@PROPERTY
@given(
    rule=rules(),
    weight=weights(),
    target=decimals(places=1, max_value=100),
    a=decimals(places=1, max_value=200),
    b=decimals(places=1, max_value=200),
    unit=st.sampled_from(["%", "万元", "小时", "次"]),
)
def test_bare_cost_target_is_monotonic_downwards(
    rule: IndicatorRule, weight: Decimal, target: Decimal, a: Decimal, b: Decimal, unit: str
) -> None:
    # 成本指标 typed as a bare number, read with lower_is_better=True: less is better
    t = parse_target(f"{fmt(target)}{unit}", lower_is_better=True)
    assert t.lower_is_better
    low, high = min(a, b), max(a, b)
    score_low = apply_rule(rule, weight, completion(t, _actual(low, unit))).score
    score_high = apply_rule(rule, weight, completion(t, _actual(high, unit))).score
    assert score_high <= score_low


@PROPERTY
@given(weight=weights(), a=decimals(places=2, max_value=100), rule=rules())
def test_zero_target_scores_full_only_at_zero(weight: Decimal, a: Decimal, rule: IndicatorRule) -> None:
    done = completion(parse_target("0次"), _actual(a, "次"))
    assert done.met == (a == 0)
    assert done.rate == (1 if a == 0 else 0)
    if a == 0:
        assert apply_rule(rule, weight, done).score == weight


# --- the scalar result against an independent Fraction computation ------------------------


@PROPERTY
@given(
    weight=weights(),
    target=decimals(places=2, min_value="0.01", max_value=10_000),
    actual=decimals(places=2, max_value=20_000),
    floor=decimals(places=2, max_value=1),
    rounding=roundings(max_places=4),
    lower=st.booleans(),
)
# exactly at the floor: 4 × 60% is scored, not zeroed
@example(Decimal(4), Decimal(100), Decimal(60), Decimal("0.6"), Rounding(1), False)
# a tie: 0.25 × 1/2 = 0.125 -> 0.13
@example(Decimal("0.25"), Decimal(2), Decimal(1), Decimal(0), Rounding(2), False)
# 元岗: 4 × 493.3 / 500 -> 3.9
@example(Decimal(4), Decimal(500), Decimal("493.3"), Decimal("0.6"), Rounding(1), False)
# a ceiling missed: 2 / 3 of 3.34 at one place
@example(Decimal("3.34"), Decimal(2), Decimal(3), Decimal(0), Rounding(1, "truncate"), True)
def test_proportional_equals_fraction_reference(
    weight: Decimal, target: Decimal, actual: Decimal, floor: Decimal, rounding: Rounding, lower: bool
) -> None:
    w, t, a = Fraction(weight), Fraction(target), Fraction(actual)
    # independent reading of docs/domain.md §3
    if lower:
        met = a <= t
        rate = Fraction(1) if met else t / a
    else:
        met = a >= t
        rate = Fraction(1) if met else a / t
    if met:
        expected = w
    elif rate < Fraction(floor):
        expected = Fraction(0)
    else:
        expected = min(w, round_fraction(w * rate, rounding.places, rounding.mode))

    text = f"≤{fmt(target)}万元" if lower else f"≥{fmt(target)}万元"
    done = completion(parse_target(text), parse_actual(f"{fmt(actual)}万元"))
    score = apply_rule(Proportional(floor=floor, rounding=rounding), weight, done).score
    assert Fraction(score) == expected


@PROPERTY
@given(
    weight=weights(),
    basis_points=st.integers(0, 10_000),
    step=decimals(places=3, min_value="0.001", max_value="0.2"),
    points=decimals(places=2, max_value=5),
    rounding=roundings(max_places=3),
)
def test_step_deduction_equals_fraction_reference(
    weight: Decimal, basis_points: int, step: Decimal, points: Decimal, rounding: Rounding
) -> None:
    rate = Fraction(basis_points, 10_000)
    done = completion(parse_target("100%"), parse_actual(f"{fmt(Decimal(basis_points).scaleb(-2))}%"))
    assert done.rate == rate
    w = Fraction(weight)
    if rate == 1:
        expected = w
    else:
        # the declared rounding applies to the score: the exact score from the unrounded rate, rounded once
        exact = w - Fraction(points) * (1 - rate) / Fraction(step)
        expected = Fraction(0) if exact <= 0 else min(w, round_fraction(exact, rounding.places, rounding.mode))
    rule = StepDeduction(step=step, points=points, rounding=rounding)
    assert Fraction(apply_rule(rule, weight, done).score) == expected


@PROPERTY
@given(weight=weights(), permille=st.integers(0, 1000), threshold=decimals(max_value=1))
def test_fixed_deduction_and_all_or_nothing_reference(weight: Decimal, permille: int, threshold: Decimal) -> None:
    rate = Fraction(permille, 1000)
    done = completion(parse_target("100%"), parse_actual(f"{fmt(Decimal(permille).scaleb(-1))}%"))
    assert done.rate == rate
    w = Fraction(weight)
    fixed = FixedDeduction(threshold=threshold, points=1)
    expected_fixed = w if rate >= Fraction(threshold) else max(Fraction(0), w - 1)
    assert Fraction(apply_rule(fixed, weight, done).score) == expected_fixed
    expected_all = w if rate == 1 else Fraction(0)
    assert Fraction(apply_rule(AllOrNothing(), weight, done).score) == expected_all


# --- target texts -----------------------------------------------------------------------


@PROPERTY
@given(target=targets())
def test_parse_target_round_trips_format_target(target: Target) -> None:
    text = format_target(target)
    parsed = parse_target(text)
    assert parsed.kind == target.kind
    assert parsed.comparator == target.comparator
    assert parsed.value == target.value
    assert parsed.unit == target.unit
    assert parsed.level == target.level
    # the declared direction never overrides a written comparator
    assert parse_target(text, lower_is_better=True).comparator == target.comparator
    assert format_target(parsed) == text


@PROPERTY
@given(text=target_texts(qualitative=False))
def test_full_width_canonical_text_reads_the_same(text: str) -> None:
    # officers' tables mix full-width digits, ％ and ＞ with ASCII ones
    wide = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.%><="})
    a, b = parse_target(text), parse_target(wide)
    assert (a.comparator, a.value, a.unit) == (b.comparator, b.value, b.unit)


@PROPERTY
@given(value=decimals(places=3, max_value=1_000_000), unit=st.sampled_from(UNITS))
def test_bare_number_direction_follows_the_declaration(value: Decimal, unit: str) -> None:
    text = f"{fmt(value)}{unit}"
    if value == 0:
        assert parse_target(text).comparator == "<="  # zero targets are lower-is-better
    else:
        assert parse_target(text).comparator == ">="
        assert parse_target(text, lower_is_better=True).comparator == "<="
    assert parse_target(text).value == value
    assert parse_actual(text).comparator == "=="


@PROPERTY
@given(value=decimals(places=4, min_value=-1_000_000, max_value=1_000_000))
def test_to_decimal_and_fmt_round_trip(value: Decimal) -> None:
    assert to_decimal(str(value)) == value
    assert to_decimal(fmt(value)) == value
    assert Decimal(fmt(value)) == value
