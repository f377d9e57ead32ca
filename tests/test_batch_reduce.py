"""The reduction's fast paths held to the slow ones they stand beside.

- ``_fast_simple`` (the common text shapes, one regular expression) recognises only texts that
  ``_simple`` reads the same way, and never a spreadsheet error value;
- ``Reducer.readings`` (a bulk of distinct texts) reads each text as ``Reducer._read``;
- ``reduce_table`` on coded columns (plain-number rows combined from their codes) gives what
  ``reduce_columns`` gives on the same rows as lists, which the differential tests hold to the
  scalar engine.
"""

from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal

import numpy as np
from batch_support import random_row
from hypothesis import given
from hypothesis import strategies as st

import selfscore as s
from selfscore.batch.assemble import Cohort, _patterns, decimal_at
from selfscore.batch.dept import _combos, _directed, _item_major, reduce_table
from selfscore.batch.parse import _BAD, _FAST_CHARS, _SIMPLE, Reducer, _fast_simple
from selfscore.batch.rows import reduce_columns
from selfscore.batch.table import CodedColumn, IndicatorTable
from selfscore.core.validate import _ERROR_LITERALS, error_literal


def _fast_alphabet() -> list[str]:
    return [chr(c) for c in range(0x110000) if re.fullmatch(f"[{_FAST_CHARS}]", chr(c))]


def test_fast_shapes_are_simple_texts_and_never_spreadsheet_errors() -> None:
    alphabet = _fast_alphabet()
    assert len(alphabet) == 6 + (0x9FFF - 0x4E00 + 1)
    not_simple = re.compile(f"[{_BAD}]")
    for c in alphabet:  # what the comment at _FAST claims of every character it lets through
        assert not not_simple.match(c) and not c.isspace() and c.upper() == c, c
    assert all(e.startswith(("#", "E")) for e in _ERROR_LITERALS)


_SOME = "≥≤<>=%万元次个小时达标率０１＃#Ee.．" + "0123456789" * 3 + " \u3000"


@given(st.text(alphabet=_SOME, max_size=12))
def test_fast_simple_is_simple(text: str) -> None:
    found = _fast_simple(text)
    if found is not None:
        m = _SIMPLE.fullmatch(text)
        assert m is not None and m.groups() == found
        assert error_literal(text) is None and unicodedata.is_normalized("NFKC", text)


TEXTS = ["≥95%", "95%", "101.650%", "0%", "0.00万元", "258256.8万平方米", "保洁面积258256.8万平方米", "≥ 95%",
         "500 万元", "ERR:502", "Err:502 ", "#N/A", "达标", "", "≥", "1-2次", "≥5次以下", "１００％", "95％", "≥95%以上",
         "1" * 101 + "%", "0." + "0" * 120, "12月", "2023年12月", "＞95%", ">95%", "≥≤5%", Decimal("95.0"), 95, None]


def test_readings_read_each_text_as_read() -> None:
    rng = random.Random(7)
    texts = TEXTS + [row[k] for row in (random_row(rng) for _ in range(3000)) for k in (0, 1)]
    for actual in (False, True):
        for lower in ((None, True, False) if not actual else (None,)):
            warm = Reducer()
            warm.readings(texts[::3], lower, actual)  # templates known for some shapes, not for others
            got = warm.readings(texts, lower, actual)
            assert got == [Reducer()._read(t, lower, actual) for t in texts]  # type: ignore[arg-type]


def _coded(values: list[object], rng: random.Random) -> CodedColumn:
    """The column as a CodedColumn whose values are shuffled, repeat, and include ones no row uses."""
    distinct = list(dict.fromkeys(values))
    extra = ["未使用", "≥1", distinct[0]]
    pool = distinct + extra
    rng.shuffle(pool)
    at = {v: pool.index(v) for v in distinct}
    return CodedColumn(pool, np.array([at[v] for v in values], dtype=np.int64))


def _as_lists(found: tuple) -> tuple:  # type: ignore[type-arg]
    A, T, M, P, errors, shown, big = found
    return A.tolist(), T.tolist(), M.tolist(), P.tolist(), errors, shown, big


def test_reduce_table_on_codes_equals_reduce_columns() -> None:
    rng = random.Random(11)
    rows = [random_row(rng) for _ in range(4000)]
    rows += [("≥" + "9" * 19 + "%", "9" * 20 + "%", 1, None, None), ("≥95%", 95, 1, None, None),
             ("≥95%", Decimal("0.1"), 1, "达成", True)]
    cols = [[r[k] for r in rows] for k in (0, 1, 3, 4)]
    n = len(rows)
    for lowered in (True, False):
        lists = cols if lowered else [*cols[:3], [None] * n]
        table = IndicatorTable(department=np.zeros(n, dtype=np.int64), group=["产出指标"] * n, name=["x"] * n,
                               target=_coded(lists[0], rng), actual=_coded(lists[1], rng), weight=[1] * n,
                               judgement=_coded(lists[2], rng), lower_is_better=_coded(lists[3], rng))
        want = reduce_columns(*lists)
        assert _as_lists(reduce_table(table)) == _as_lists(want)
        assert _as_lists(reduce_table(table, reducer=Reducer())) == _as_lists(want)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 4)), min_size=1, max_size=40),
       st.booleans())
def test_combos_are_np_unique_of_the_combined_key(rows: list[tuple[int, int, int]], wide: bool) -> None:
    codes = [np.array([r[k] for r in rows], dtype=np.int64) for k in range(3)]
    sizes = [4, 3, 5] if not wide else [2**21, 2**21, 2**21]  # wide: the key must be renumbered on the way
    combos, inverse = _combos(codes, sizes)
    want, want_inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    assert combos.tolist() == want.tolist()
    assert inverse.tolist() == want_inverse.reshape(-1).tolist()


def test_directed_reads_each_rows_direction() -> None:
    spec = s.load_spec("tianhe-2023")
    groups = ["产出指标", "效益指标", "产出指标", "产出指标"]
    categories = ["成本指标", "社会效益", "数量指标", "成本指标"]
    declared = [None, None, None, False]
    n = len(groups)
    table = IndicatorTable(department=np.zeros(n, dtype=np.int64), group=groups, name=["x"] * n, target=["1"] * n,
                           actual=["1"] * n, weight=[1] * n, judgement=[None] * n, lower_is_better=declared,
                           category=categories)
    got = list(_directed(spec, table).lower_is_better)
    assert got == [spec.lower_is_better(group=g, category=c, declared=d)
                   for g, c, d in zip(groups, categories, declared, strict=True)]
    assert got[0] is True and got[3] is False


@given(st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=30))
def test_patterns_are_np_unique_of_the_rows(rows: list[list[bool]]) -> None:
    has = np.array(rows, dtype=bool)
    patterns, pattern_of = _patterns(has)
    want, want_inverse = np.unique(has, axis=0, return_inverse=True)
    assert patterns.tolist() == want.tolist() and pattern_of == want_inverse.reshape(-1).tolist()


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-2, 0)), min_size=1, max_size=30))
def test_cohort_shown_pairs_are_np_unique_of_the_pairs(pairs: list[tuple[int, int]]) -> None:
    v = np.array([p[0] for p in pairs], dtype=np.int64)
    e = np.array([p[1] for p in pairs], dtype=np.int64)
    cohort = Cohort(None, None, np.arange(len(v)), 2, (), (), (v, e), None, ("x",), Decimal(0))  # type: ignore[arg-type]
    shown, inverse = cohort.shown()
    want, want_inverse = np.unique(np.stack([v, e], axis=1), axis=0, return_inverse=True)
    assert [(d.as_tuple(), d) for d in shown] == [(decimal_at(n, 2, x).as_tuple(), decimal_at(n, 2, x))
                                                  for n, x in want.tolist()]
    assert inverse.tolist() == want_inverse.reshape(-1).tolist()


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4)), min_size=0, max_size=40))
def test_item_major_is_a_stable_sort_by_item_then_department(rows: list[tuple[int, int]]) -> None:
    row_item = np.array([r[0] for r in rows], dtype=np.int64)
    dept_of = np.array([r[1] for r in rows], dtype=np.int64)
    src = np.arange(len(rows), dtype=np.int64)
    got = _item_major(src, row_item, dept_of, 5)
    order = np.argsort(row_item * 5 + dept_of, kind="stable")
    assert [a.tolist() for a in got] == [src[order].tolist(), row_item[order].tolist(), dept_of[order].tolist(),
                                         (row_item * 5 + dept_of)[order].tolist()]
