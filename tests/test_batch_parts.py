"""The batch engine's parts, each held to its reference.

- the kernel on int64 rows within the bounds equals the kernel run on Python integers;
- the template cache of the parsing edge reads every simple text as the scalar parser does;
- weights are read once per distinct value, values that print differently kept apart;
- exact numbers from values: floats only through the round-trip check.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_batch import rules

import selfscore as s
from selfscore.batch.parse import Reducer, _simple, exact_decimal, scaled
from selfscore.batch.vec import MASKS, bounds, kernel, rule_constants
from selfscore.batch.weights import value_codes

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rules, st.integers(0, 3), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**7), st.integers(0, 10**7),
                                                    st.sampled_from(sorted(MASKS.values()))), min_size=1, max_size=40))
def test_int64_kernel_equals_the_kernel_on_python_ints(rule: s.IndicatorRule, ws: int, rows: list[tuple[int, int, int, int]]) -> None:
    c = rule_constants(rule)
    so = c.min_out_scale(ws) + (1 if rows[0][0] % 3 == 0 else 0)
    b = bounds(c, ws, so)
    rows = [r for r in rows if b.fits(r[0], max(r[1], r[2], 1))]
    if not rows:
        return
    W, A, T = (np.array([r[k] for r in rows], dtype=np.int64) for k in range(3))
    M = np.array([r[3] for r in rows], dtype=np.uint8)
    fast_s, fast_b = kernel(c, W, A, T, M, None, ws, so)
    assert fast_s.dtype == np.int64
    slow_s, slow_b = kernel(c, W.astype(object), A.astype(object), T.astype(object), M, None, ws, so)
    assert fast_s.tolist() == slow_s.tolist()
    assert fast_b.tolist() == slow_b.tolist()


PREFIXES = ["", "≥", "≤", ">", "<", "=", "不低于", "不超过", "不得超过", "超过", "不足", "达到", "约", "现场办事满意率≥",
            "保洁面积", "控制在", "至少", "≥ ", "满意度", "－", "-", "≧", "(", "第", " ≥ ", "\u3000≥", "不 低于"]
SUFFIXES = ["", "%", "次", "万元", "万平方米", "个小时", "人次", "以上", "以下", "或以上", "%以上", "次以内", "天内", "个工作日",
            "人", "桶", "。", "以外", "％", "万", "亿元", "(次)", "次/年", "元/人", "分钟以内", "之内", "万人", " 万元", " % ", "次 以上"]


@SETTINGS
@given(st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES), st.integers(0, 10**9), st.integers(0, 4),
       st.sampled_from([None, True, False]), st.booleans())
def test_template_cache_reads_as_the_scalar_parser(prefix: str, suffix: str, n: int, places: int,
                                                   lower: bool | None, actual: bool) -> None:
    digits = str(n).rjust(places + 1, "0")
    number = digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}"
    text = f"{prefix}{number}{suffix}"
    red = Reducer()
    # warm the template with another number of the same shape, so this text is read through it
    red._read(f"{prefix}{'7' if n else '0'}{suffix}", lower, actual)
    got = red._read(text, lower, actual)
    try:
        t = s.parse_actual(text) if actual else s.parse_target(text, lower_is_better=lower)
    except s.SelfScoreError as exc:
        assert got == ("e", str(exc))
        return
    if t.kind == "qualitative":
        assert got[0] == "t"
        return
    assert t.value is not None
    assert got == ("n", t.comparator, *scaled(t.value), t.unit), (text, got, t)
    assert _simple(text) is not None or got is not None


@given(st.text(min_size=0, max_size=12))
@example("ERR:502").via("found by this test: a spreadsheet error value is not the number 502")
@example("Err:502 ")
@example("#N/A")
def test_template_cache_on_any_text(text: str) -> None:
    red = Reducer()
    for warm in ("1", "0"):
        if (m := _simple(text)) is not None:
            red._read(f"{m[0]}{warm}{m[3]}", None, False)
    got = red._read(text, None, False)
    try:
        t = s.parse_target(text)
    except s.SelfScoreError as exc:
        assert got == ("e", str(exc))
        return
    except TypeError:
        return
    if t.kind == "qualitative":
        assert got[0] == "t"
    else:
        assert t.value is not None
        assert got == ("n", t.comparator, *scaled(t.value), t.unit)


def test_weight_codes_keep_equal_values_that_print_differently() -> None:
    values, codes = value_codes([Decimal("4"), Decimal("4.00"), None, Decimal("4"), 1, 1.0, "4", None])
    assert [str(v) for v in values] == ["4", "4.00", "None", "1", "1.0", "4"]
    assert codes.tolist() == [0, 1, 2, 0, 3, 4, 5, 2]


def test_exact_decimal() -> None:
    assert exact_decimal(3.34) == Decimal("3.34") and exact_decimal(20.0).as_tuple() == Decimal("20.0").as_tuple()
    assert exact_decimal(np.int64(7)) == 7 and exact_decimal("3.34") == Decimal("3.34")
    for bad in (0.1 + 0.2, float("nan"), float("inf"), True, np.float32(3.34)):
        with pytest.raises((TypeError, ValueError)):
            exact_decimal(bad)
