"""The batch engine against the scalar engine, row by row (Hypothesis property tests).

Every strategy aims at a place where an exact engine and a plausible one part:
exact halves at the rounding step, the floor/threshold rate +-1 unit, the 100% cap
+-1 unit, zero targets and actuals, strict and non-strict comparators, ceilings
(lower-is-better), rounding places 0..4 in both modes, and the int64 range bound
+-1 (rows just inside go the int64 path, rows just outside the exact wide path).
Equality is of Decimals *and* their exponents (``3.90`` is not ``3.9``).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from batch_support import Row, batch, number, same, scalar
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import selfscore as s
from selfscore.batch.rows import indicator_rows
from selfscore.batch.scoring import score_indicators, score_rows
from selfscore.batch.vec import bounds, rule_constants

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

places = st.integers(0, 4)
modes = st.sampled_from(["half_up", "truncate"])
roundings = st.builds(s.Rounding, places=places, mode=modes)
shares = st.sampled_from([None, "0.5", "0.25", "0.75", "0.8", "0.6", "0.125", "0.333", "1", "0"])
unit_rates = st.sampled_from(["0", "0.6", "0.5", "0.85", "0.9", "0.95", "1", "0.333", "0.6667", "0.05"])
rules = st.one_of(
    st.builds(s.Proportional, floor=unit_rates, rounding=roundings, partial_share=shares),
    st.builds(s.AllOrNothing, partial_share=shares, rounding=roundings),
    st.builds(s.FixedDeduction, threshold=unit_rates, points=st.sampled_from(["1", "0.5", "2", "0", "5", "1.25", "0.05"]),
              partial_share=shares, rounding=roundings),
    st.builds(s.StepDeduction, step=st.sampled_from(["0.01", "0.1", "0.05", "0.001", "1", "0.0025"]),
              points=st.sampled_from(["0.1", "1", "0.25", "0", "0.5", "0.05"]), partial_share=shares, rounding=roundings),
)
weights = st.one_of(
    st.sampled_from(["3.34", "3.33", "4", "20", "2.5", "10", "0", "1.25", "6.67", "3.335", "0.01"]),
    st.builds(number, st.integers(0, 10**5), st.integers(0, 4)),
    st.sampled_from([Decimal("4.00"), Decimal("3.340"), Decimal("1E+1"), Decimal("0.0")]),
)
target_cmps = st.sampled_from(["", "≥", "＞", "≤", "<", "=", "不低于", "不超过", "超过", "不足", "以上", "以下"])
actual_cmps = st.sampled_from(["", "", "≥", ">", "<", "≤"])
units = st.sampled_from(["", "%", "次", "万元", "个小时"])


def _text(cmp: str, value: str, unit: str) -> str:
    if cmp in ("以上", "以下"):
        return f"{value}{unit}{cmp}"
    return f"{cmp}{value}{unit}"


def check(rule: s.IndicatorRule, rows: list[Row]) -> None:
    got = batch(rule, rows)
    for row, g in zip(rows, got, strict=True):
        want = scalar(rule, row)
        assert same(want, g), (rule, row, want, g)
        if isinstance(want, str):
            assert want == g


@st.composite
def quantitative_rows(draw: st.DrawFn, a_is: str = "any") -> Row:
    """A numeric row; ``a_is`` aims the actual: "cap" (target +-1 unit), "zero", or anywhere."""
    p = draw(st.integers(0, 3))
    t = draw(st.one_of(st.just(0), st.integers(1, 10**6)))
    if a_is == "cap":
        a = max(0, t + draw(st.integers(-1, 1)))
    elif a_is == "zero":
        a = 0
    else:
        a = draw(st.integers(0, 2 * t + 3))
    unit = draw(units)
    target = _text(draw(target_cmps), number(t, p), unit)
    actual = _text(draw(actual_cmps), number(a, p), unit)
    return target, actual, draw(weights), None, draw(st.sampled_from([None, True, False]))


# --- properties ----------------------------------------------------------------


@SETTINGS
@given(rules, st.lists(quantitative_rows(), min_size=1, max_size=12))
def test_random_rows(rule: s.IndicatorRule, rows: list[Row]) -> None:
    check(rule, rows)


@SETTINGS
@given(rules, st.lists(st.one_of(quantitative_rows("cap"), quantitative_rows("zero")), min_size=1, max_size=12))
def test_cap_and_zero(rule: s.IndicatorRule, rows: list[Row]) -> None:
    """Actual at the target +-1 unit (the 100% cap, strict comparators), and zero actuals/targets."""
    check(rule, rows)


@st.composite
def halves(draw: st.DrawFn) -> tuple[s.IndicatorRule, list[Row]]:
    """Rows whose exact score (or deduction) lies exactly halfway between two steps."""
    p = draw(places)
    rounding = s.Rounding(places=p, mode=draw(modes))
    ws = draw(st.integers(0, 3))
    W = draw(st.integers(1, 2 * 10**4).filter(lambda w: w % 10 != 0))
    weight = number(W, ws)
    m = draw(st.integers(1, 7))
    kind = draw(st.sampled_from(["proportional", "step"]))
    if kind == "proportional":
        rule: s.IndicatorRule = s.Proportional(floor="0", rounding=rounding)
        # w * a / t == (2k + 1) / (2 * 10**p):  t = 2 W 10**p m,  a = (2k + 1) 10**ws m
        den = 2 * W * 10**p
        k_max = (den - 10**ws) // (2 * 10**ws)
        assume(k_max >= 0)
        k = draw(st.integers(0, k_max))
        t, a = den * m, (2 * k + 1) * 10**ws * m
    else:
        pts = draw(st.sampled_from([("1", 1, 0), ("0.1", 1, 1), ("0.25", 25, 2), ("2", 2, 0)]))
        stp = draw(st.sampled_from([("0.01", 1, 2), ("0.1", 1, 1), ("0.05", 5, 2), ("1", 1, 0)]))
        rule = s.StepDeduction(step=stp[0], points=pts[0], rounding=rounding)
        # 1 - a/t == (2k + 1) step / (2 points 10**p) == X / Y
        X_unit, Y = stp[1] * 10 ** pts[2], 2 * pts[1] * 10 ** stp[2] * 10**p
        k_max = (Y // X_unit - 1) // 2
        assume(k_max >= 0)
        k = draw(st.integers(0, k_max))
        X = (2 * k + 1) * X_unit
        t, a = Y * m, (Y - X) * m
    sp = draw(st.integers(0, 2))
    return rule, [(number(t, sp), number(a, sp), weight, None, None)]


@SETTINGS
@given(halves())
def test_exact_halves(case: tuple[s.IndicatorRule, list[Row]]) -> None:
    rule, rows = case
    check(rule, rows)


@SETTINGS
@given(places, modes, st.integers(1, 10**4), st.sampled_from(["0.5", "0.25", "0.75", "0.125"]), st.booleans())
def test_partial_share_halves(p: int, mode: str, W: int, share: str, proportional: bool) -> None:
    rounding = s.Rounding(places=p, mode=mode)  # type: ignore[arg-type]
    rule: s.IndicatorRule = (s.Proportional(floor="0.6", rounding=rounding, partial_share=share) if proportional
                             else s.AllOrNothing(partial_share=share, rounding=rounding))
    rows: list[Row] = [("达标", "部分完成", number(W, p), None, None), ("良好以上", "x", number(W, p), "部分达成", None)]
    check(rule, rows)


@st.composite
def thresholds(draw: st.DrawFn) -> tuple[s.IndicatorRule, list[Row]]:
    """Rates at a proportional floor or a fixed-deduction threshold, +-1 unit, both directions."""
    fn, fs = draw(st.sampled_from([(6, 1), (9, 1), (85, 2), (95, 2), (1, 0), (333, 3), (5, 1)]))
    F = number(fn, fs)
    rounding = s.Rounding(places=draw(places), mode=draw(modes))
    rule: s.IndicatorRule = draw(st.sampled_from([
        s.Proportional(floor=F, rounding=rounding),
        s.FixedDeduction(threshold=F, points=draw(st.sampled_from(["1", "0.5", "5"])), rounding=rounding),
    ]))
    rows: list[Row] = []
    for _ in range(draw(st.integers(1, 6))):
        m = draw(st.integers(1, 10**4))
        delta = draw(st.integers(-1, 1))
        sp = draw(st.integers(0, 2))
        if draw(st.booleans()):  # higher is better: a / t vs F, t = 10**fs m
            t, a, cmp = 10**fs * m, fn * m + delta, draw(st.sampled_from(["", "≥", ">"]))
        else:  # lower is better: t / a vs F, a = 10**fs m
            t, a, cmp = fn * m + delta, 10**fs * m, draw(st.sampled_from(["≤", "<"]))
        assume(t >= 0 and a >= 0)
        rows.append((f"{cmp}{number(t, sp)}次", f"{number(a, sp)}次", draw(weights), None, None))
    return rule, rows


@SETTINGS
@given(thresholds())
def test_floor_and_threshold_plus_minus_one(case: tuple[s.IndicatorRule, list[Row]]) -> None:
    rule, rows = case
    check(rule, rows)


@st.composite
def near_bounds(draw: st.DrawFn) -> tuple[s.IndicatorRule, list[Row]]:
    """Rows at the int64 path's bounds +-1: W*D at wd_max, D at d_max, W at w_max, values at 2**63."""
    rule = draw(rules)
    ws = draw(st.integers(0, 3))
    c = rule_constants(rule)
    so = c.min_out_scale(ws)
    b = bounds(c, ws, so)
    assume(b.w_max > 10)
    which = draw(st.sampled_from(["wd", "d", "w", "int64"]))
    delta = draw(st.integers(-1, 1))
    if which == "wd":
        W = draw(st.integers(1, min(b.w_max, 10**7)))
        D = b.wd_max // W + delta
    elif which == "d":
        W = draw(st.integers(1, 10**5))
        D = b.d_max + delta
    elif which == "w":
        W = b.w_max + delta
        D = draw(st.integers(1, 10**6))
    else:
        W = draw(st.integers(1, 10**5))
        D = 2**63 - 1 + delta
    # keep the scalar engine within its 60-digit products (see test_beyond_60_digit_products_stay_exact)
    assume(W > 0 and D > 0 and W * D < 10**50 and W < 10**20)
    assume(W % 10 != 0 or ws == 0)
    a = draw(st.one_of(st.just(D), st.integers(0, D), st.just(D * 6 // 10), st.just(D - 1)))
    lower = draw(st.booleans())
    if lower:
        target, actual = f"≤{a}", f"{D}"
    else:
        target, actual = f"{D}", f"{a}"
    return rule, [(target, actual, number(W, ws), None, None)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(near_bounds())
def test_int64_bounds_plus_minus_one(case: tuple[s.IndicatorRule, list[Row]]) -> None:
    rule, rows = case
    check(rule, rows)
    r = indicator_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows])
    scores = score_rows(r, rule)
    c = rule_constants(rule)
    b = bounds(c, r.weight_scale, scores.scale)
    W, A, T = r.exact(0)
    assert bool(scores.wide[0]) == (not b.fits(W, max(A, T, 1)) or max(W, A, T) >= 2**63)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 4)), min_size=1, max_size=20), rules)
def test_float_weights_round_trip(ws: list[tuple[int, int]], rule: s.IndicatorRule) -> None:
    """Weights given as floats are read as the short decimal they were typed as."""
    floats = [float(number(n, p)) for n, p in ws]
    rows: list[Row] = [("≥95%", "93.7%", f, None, None) for f in floats]
    check(rule, rows)


# --- examples -------------------------------------------------------------------


def test_yuangang_benefit() -> None:
    """元岗 2023: 4 × 493.3 / 500 = 3.9464 -> 3.9 (one decimal, half-up or truncated)."""
    for mode in ("half_up", "truncate"):
        rule = s.Proportional(floor="0.6", rounding=s.Rounding(places=1, mode=mode))  # type: ignore[arg-type]
        got = score_indicators(["500 万元", "100%", "≥ 95%"], ["493.3 万元", "100%", "≥ 95%"], ["4", "4", "4"], rule)
        assert [str(g) for g in got] == ["3.9", "4", "4"]


def test_exponents_match_the_scalar_engine() -> None:
    """The Decimal's exponent follows the scalar engine's branch: 4.00 stays 4.00, 0 is Decimal(0).

    ``>10次`` with 10次 is a strict target met only at equality: a rate of 100%, so the weight as given.
    """
    rule = s.StepDeduction(step="0.01", points="0.1", rounding=s.Rounding(2))
    rows: list[Row] = [("100%", "95%", Decimal("10"), None, None), (">10次", "10次", "3", None, None),
                       ("100%", "100%", Decimal("4.00"), None, None), ("100%", "0%", "1", None, None)]
    got = batch(rule, rows)
    assert [str(g) for g in got] == ["9.50", "3", "4.00", "0"]
    check(rule, rows)


def test_errors_are_the_scalar_engines() -> None:
    rule = s.Proportional(floor="0.6", rounding=s.Rounding(1))
    rows: list[Row] = [("≥95%", "3次", "4", None, None), ("达标", "部分完成", "4", None, None), ("", "1", "4", None, None),
                       ("≥5次以下", "1次", "4", None, None), ("100%", "90%", "-1", None, None), ("100%", "90%", 0.1 + 0.2, None, None),
                       ("≥95%", "96%", "4", "达成", None), ("达标", "也许", "4", None, None)]
    got = batch(rule, rows)
    assert all(isinstance(g, str) for g in got)
    with pytest.raises(s.SelfScoreError, match="row 1"):
        score_indicators(["≥95%"], ["3次"], ["4"], rule)


@SETTINGS
@given(rules, st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.integers(0, 10**6), st.integers(0, 3),
                                 st.sampled_from(["int", "decimal", "float"])), min_size=1, max_size=10))
def test_numbers_as_values(rule: s.IndicatorRule, values: list[tuple[int, int, int, int, str]]) -> None:
    """Targets and actuals given as numbers read as the plain decimal text they stand for."""
    def as_value(n: int, p: int, kind: str) -> object:
        text = number(n, p)
        return int(n) if kind == "int" else Decimal(text) if kind == "decimal" else float(text)

    targets = [as_value(t, tp, kind) for t, tp, _a, _ap, kind in values]
    actuals = [as_value(a, ap, kind) for _t, _tp, a, ap, kind in values]
    got = score_rows(indicator_rows(targets, actuals, ["4"] * len(values)), rule).decimals()  # type: ignore[arg-type]
    for t, a, g in zip(targets, actuals, got, strict=True):
        text_t = format(Decimal(repr(t)) if isinstance(t, float) else Decimal(t), "f")  # type: ignore[arg-type]
        text_a = format(Decimal(repr(a)) if isinstance(a, float) else Decimal(a), "f")  # type: ignore[arg-type]
        want = scalar(rule, (text_t, text_a, "4", None, None))
        assert same(want, g), (t, a, want, g)


def test_many_rules_in_one_batch() -> None:
    rule_list = [s.Proportional(floor="0.6", rounding=s.Rounding(1)), s.FixedDeduction(threshold="0.9", points="1"),
                 s.StepDeduction(step="0.01", points="0.1", rounding=s.Rounding(3, "truncate"))]
    rows: list[Row] = [("≥95%", f"{p}%", w, None, None) for p in (50, 59.9, 60, 89.9, 90, 94.5, 95, 99) for w in ("3.34", "4")]
    r = indicator_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows])
    codes = np.arange(len(rows)) % 3
    got = score_rows(r, rule_list, codes).decimals()
    for i, row in enumerate(rows):
        assert same(scalar(rule_list[codes[i]], row), got[i])


def test_int64_overflow_values_take_the_wide_path() -> None:
    rule = s.Proportional(floor="0", rounding=s.Rounding(4))
    big = str(2**64 + 3)
    rows: list[Row] = [(big, str(2**63 + 1), "3.33", None, None), ("100", "99", "3.33", None, None)]
    r = indicator_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows])
    assert r.target.dtype == np.int64 and list(r.big) == [0]
    scores = score_rows(r, rule)
    assert scores.wide.tolist() == [True, False]
    check(rule, rows)


def test_beyond_28_digit_products() -> None:
    """Products past the default 28-digit Decimal context: 1 × (5·10**29 − 1)/(10**30 − 1) < 0.5 rounds to 0.

    (The scalar core rounded these products until 69de27d; both engines agree now.)
    """
    rule = s.Proportional(floor="0", rounding=s.Rounding(0))
    rows: list[Row] = [("9" * 30, "4" + "9" * 29, "1", None, None)]
    assert score_indicators([rows[0][0]], [rows[0][1]], ["1"], rule) == [Decimal(0)]
    check(rule, rows)
    step = s.StepDeduction(step="1", points="1", rounding=s.Rounding(0))
    rows = [("9" * 30, "5" + "0" * 29, "1", None, None)]
    assert score_indicators([rows[0][0]], [rows[0][1]], ["1"], step) == [Decimal(1)]
    check(step, rows)


def test_beyond_60_digit_products_stay_exact() -> None:
    """Past 60 significant digits the scalar core raises decimal.Inexact; the wide path is exact at any size."""
    rule = s.Proportional(floor="0", rounding=s.Rounding(0))
    assert score_indicators(["9" * 70], ["4" + "9" * 69], ["1"], rule) == [Decimal(0)]
    assert score_indicators(["9" * 70], ["5" + "0" * 69], ["1"], rule) == [Decimal(1)]


def test_bare_number_against_a_percent_target_is_refused_as_the_engine_does() -> None:
    """Issue 9 item 6 on the batch path: the fast numeric path and the reducer send the pair to
    core.completion, which refuses it (0 is 0 in any unit)."""
    targets = ["≥90%", "≥90%", "≥90%", "≥90%", "90%"]
    actuals = ["0.95", "0", "95%", "≥1", "95"]
    rows = indicator_rows(targets, actuals, ["10"] * 5)
    scores = score_rows(rows, [s.Proportional()], np.zeros(5, dtype=np.int16))
    got = scores.decimals()
    assert [s.fmt(d) if d is not None else None for d in got] == [None, "0", "10", None, None]
    for i in (0, 3, 4):
        with pytest.raises(s.SelfScoreError) as exc:
            s.completion(s.parse_target(targets[i]), s.parse_actual(actuals[i]))
        assert scores.errors[i] == str(exc.value)
    assert scores.errors[0].startswith("实现值“0.95”没有百分号，而目标值“≥90%”是百分数")
