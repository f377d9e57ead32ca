"""Shared helpers for the batch-engine tests: the scalar reference and row generators."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

import selfscore as s
from selfscore.core.rules import IndicatorRule

Row = tuple[str, str, object, "str | None", "bool | None"]  # target, actual, weight, judgement, lower_is_better


def scalar(rule: IndicatorRule, row: Row) -> Decimal | str:
    """The scalar engine's score for one row, or its error message."""
    target, actual, weight, judgement, lower = row
    try:
        t = s.parse_target(target, lower_is_better=lower)
        a = s.parse_actual(actual)
        done = s.completion(t, a, judgement=judgement)
        w = weight if isinstance(weight, Decimal) else s.to_decimal(weight if not isinstance(weight, float) else repr(weight))
        return s.apply_rule(rule, w, done).score
    except (s.SelfScoreError, ValueError, TypeError) as exc:
        return str(exc)


def same(a: Decimal | str | None, b: Decimal | str | None) -> bool:
    """Identical Decimals (value and exponent), or both errors."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a.as_tuple() == b.as_tuple()
    return not isinstance(a, Decimal) and not isinstance(b, Decimal)


def batch(rule: IndicatorRule, rows: Sequence[Row]) -> list[Decimal | str]:
    from selfscore.batch.rows import indicator_rows
    from selfscore.batch.scoring import score_rows

    r = indicator_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows],
                       judgements=[x[3] for x in rows], lower_is_better=[x[4] for x in rows])
    scores = score_rows(r, rule)
    out: list[Decimal | str] = []
    for i, d in enumerate(scores.decimals()):
        out.append(scores.errors[i] if d is None else d)
    return out


def number(n: int, places: int) -> str:
    """n / 10**places as plain decimal text (n >= 0)."""
    if places == 0:
        return str(n)
    digits = str(n).rjust(places + 1, "0")
    return f"{digits[:-places]}.{digits[-places:]}"


UNITS = ("", "%", "次", "万元", "人次", "个小时")
TARGET_SYMBOLS = ("", "≥", "＞", "≤", "<", "=", "不低于", "不超过", "超过", "不足", "", "≥ ")
ACTUAL_SYMBOLS = ("", "", "", "≥", ">", "<", "≤")
QUALITATIVE_TARGETS = ("达标", "完成", "称职或以上", "良好以上", "日产日清", "控制在标准内", "及时")
QUALITATIVE_ACTUALS = ("达标", "完成", "部分完成", "未完成", "基本称职", "优秀", "良", "合格", "100%完成", "是", "否", "基本达标")


def random_rule(rng: random.Random) -> IndicatorRule:
    rounding = s.Rounding(places=rng.randint(0, 4), mode=rng.choice(("half_up", "truncate")))
    share = rng.choice((None, "0.5", "0.8", "0.6", "0.75", "0.333"))
    kind = rng.randrange(4)
    if kind == 0:
        return s.Proportional(floor=rng.choice(("0", "0.6", "0.5", "0.85", "1", "0.333")), rounding=rounding, partial_share=share)
    if kind == 1:
        return s.AllOrNothing(partial_share=share, rounding=rounding)
    if kind == 2:
        return s.FixedDeduction(threshold=rng.choice(("0.9", "0.6", "1", "0", "0.95")),
                                points=rng.choice(("1", "0.5", "2", "0", "5", "1.25")), partial_share=share, rounding=rounding)
    return s.StepDeduction(step=rng.choice(("0.01", "0.1", "0.05", "0.001", "1")),
                           points=rng.choice(("0.1", "1", "0.25", "0", "0.5")), partial_share=share, rounding=rounding)


def random_row(rng: random.Random) -> Row:
    """One indicator row, mostly numeric, with boundaries, zeros, qualitative rows and errors mixed in."""
    weight: object = rng.choice(("3.34", "3.33", "4", "20", "2.5", "10", "0", "1.25", "6.67", "3.335"))
    if rng.random() < 0.05:
        weight = Decimal(rng.choice(("4.00", "3.340", "1E+1", "0.0")))
    lower = rng.choice((None, None, None, True, False))
    roll = rng.random()
    if roll < 0.08:
        judgement = None
        target = rng.choice(QUALITATIVE_TARGETS)
        actual = rng.choice(QUALITATIVE_ACTUALS)
        if rng.random() < 0.3:
            judgement = rng.choice(("达成", "部分达成", "未达成", "met", "partly"))
        return target, actual, weight, judgement, lower
    if roll < 0.10:
        return rng.choice(("", "≥", "abc", "1-2次", "≥5次以下")), rng.choice(("", "3次", "良")), weight, None, lower
    unit = rng.choice(UNITS)
    places = rng.choice((0, 0, 1, 2, 3))
    if rng.random() < 0.1:
        t = 0
    else:
        t = rng.choice((rng.randint(1, 100), rng.randint(1, 10**6), 10**places * rng.randint(1, 200)))
    shape = rng.random()
    if shape < 0.15:
        a = t
    elif shape < 0.3:
        a = max(0, t + rng.choice((-1, 1)))
    elif shape < 0.4:
        a = 0
    elif shape < 0.55:  # near a floor/threshold: 60%, 90%, 85% of the target, +-1 unit
        pct = rng.choice((60, 90, 85, 50, 95))
        a = max(0, t * pct // 100 + rng.choice((-1, 0, 1)))
    else:
        a = rng.randint(0, 2 * t + 2)
    aplaces = rng.choice((places, places, places + 1, 0))
    if aplaces > places:
        a = a * 10 ** (aplaces - places) + rng.randint(-5, 5)
        a = max(a, 0)
    space = rng.choice(("", "", "", " "))
    target = f"{rng.choice(TARGET_SYMBOLS)}{number(t, places)}{space}{unit}"
    aunit = unit if rng.random() < 0.97 else rng.choice(UNITS)
    if unit == "%" and rng.random() < 0.03:
        aunit = ""  # a bare number against a percent target: refused by core.completion unless it is 0
    actual = f"{rng.choice(ACTUAL_SYMBOLS)}{number(a, aplaces)}{space}{aunit}"
    if rng.random() < 0.03:
        target = f"现场办事满意率{target}（整改数/发现数）"
    return target, actual, weight, None, lower
