"""Helpers of the batch's table reader: keys numbered by first appearance, distinct hashes by runs, departments as columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfscore.batch.csvsource import _unique_runs
from selfscore.batch.fastunique import first_seen

_INT64 = st.integers(-(2**63), 2**63 - 1)
_RUNS = st.lists(st.tuples(st.integers(0, 49), st.integers(1, 30)), max_size=60)


def _keys(pool: list[int], runs: list[tuple[int, int]]) -> list[list[int]]:
    """The keys as runs (rows grouped by department), and one of each run (scattered)."""
    return [[pool[k % len(pool)] for k, length in runs for _ in range(length)], [pool[k % len(pool)] for k, _n in runs]]


@settings(max_examples=100, deadline=None)
@given(pool=st.lists(_INT64, min_size=1, max_size=50), runs=_RUNS)
def test_first_seen_numbers_keys_by_first_appearance(pool: list[int], runs: list[tuple[int, int]]) -> None:
    for key_list in _keys(pool, runs):
        key = np.array(key_list, dtype=np.int64)
        order = list(dict.fromkeys(key_list))
        seen, inverse = first_seen(key)
        assert seen.tolist() == order
        assert inverse.dtype == np.int64 and inverse.tolist() == [order.index(k) for k in key_list]


@settings(max_examples=100, deadline=None)
@given(pool=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=50), runs=_RUNS)
def test_unique_runs_is_numpys_unique(pool: list[int], runs: list[tuple[int, int]]) -> None:
    for key_list in _keys(pool, runs):
        h = np.array(key_list, dtype=np.uint64)
        _u, first, inverse = np.unique(h, return_index=True, return_inverse=True)
        got_first, got_inverse = _unique_runs(h)
        assert got_first.tolist() == first.tolist() and got_inverse.tolist() == inverse.reshape(-1).tolist()


def test_cells_alike_in_hash_and_first_bytes_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cell hashed alike: cells as long as each other and alike in their first eight bytes (甲乙丙, 甲乙丁)
    or in their first sixteen are still told apart, byte for byte."""
    from selfscore.batch import csvsource

    short = ["甲乙丙", "甲乙丁", "甲乙丙", "甲乙丁"]  # nine bytes each, the ninth differs
    long = ["甲乙丙丙丙丙", "甲乙丙丙丙丙", "甲乙丙丙丙丁", "甲乙丙丙丙丙"]  # eighteen, the eighteenth differs
    text = "部门,x\n" + "".join(f"{a},{b}\n" for a, b in zip(short, long, strict=True))
    for mix in (csvsource._MIX, np.uint64(0)):
        monkeypatch.setattr(csvsource, "_MIX", mix)
        found = csvsource._PlainCsv.of(text.encode(), text, "UTF-8", ",")
        assert found is not None
        for j, cells in enumerate((short, long)):
            values, codes = found.column(j)
            assert [values[c] for c in codes.tolist()] == cells and sorted(values) == sorted(set(cells))


def test_plain_csv_taken_as_utf8_checks_every_column() -> None:
    """Cut from bytes not decoded first: refused (None) when a cell of any column is not UTF-8, else the very
    cells cut from the decoded text."""
    from selfscore.batch.csvsource import _PlainCsv

    good = "部门,x,备注\n甲,1,说明\n乙,2,\n甲,1,说明\n".encode()
    for raw in (good, b"\xef\xbb\xbf" + good):
        found = _PlainCsv.of(raw, None, "", ",")
        want = _PlainCsv.of(raw, raw.decode("utf-8-sig"), "UTF-8 (BOM)" if raw[:1] == b"\xef" else "UTF-8", ",")
        assert found is not None and want is not None and found.header == want.header == ["部门", "x", "备注"]
        assert [found.column(j)[0][c] for j in range(3) for c in found.column(j)[1].tolist()] == [
            want.column(j)[0][c] for j in range(3) for c in want.column(j)[1].tolist()]
    for bad in (good.replace("说明".encode(), "说明".encode("gbk")), good.replace("部门".encode(), b"\xff"),
                good.replace(b"2", "明".encode()[:2])):
        assert _PlainCsv.of(bad, None, "", ",") is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab甲\u3000 ", max_size=12), min_size=2, max_size=2), min_size=1, max_size=8))
def test_plain_csv_columns_are_distinct_texts_each_used(rows: list[list[str]]) -> None:
    """Whatever the cells' lengths and places (the last ones end within the file's last eight bytes), each column
    is its cells' distinct texts, each held by some row."""
    from selfscore.batch.csvsource import _PlainCsv

    text = "a,b\n" + "\n".join(",".join(r) for r in rows)
    found = _PlainCsv.of(text.encode(), None, "", ",")
    assert found is not None
    for j in range(2):
        values, codes = found.column(j)
        assert [values[c] for c in codes.tolist()] == [r[j] for r in rows]
        assert len(set(values)) == len(values) and sorted(set(codes.tolist())) == list(range(len(values)))


def test_a_tables_departments_are_objects_only_where_they_hold_more(tmp_path: Path) -> None:
    """Departments with items (部门预算资金支出率) or a problem (a bad 年度) are held as objects; the others are made when
    asked for, equal to what a list of objects holds, and slices keep which is which."""
    from selfscore.batch.io import read_input
    from selfscore.batch.table import Department, Departments, department_columns, special_departments

    table = tmp_path / "t.csv"
    table.write_text("部门,年度,一级指标,三级指标,年度目标值,年度实现值,评分项\n甲,2023,产出指标,a,≥95%,96%,\n"
                     "乙,2023,产出指标,a,1,1,\n乙,2023,,,,95%,execution\n丙,二〇二三,产出指标,a,1,1,\n"
                     "丁,,产出指标,a,1,1,\n", encoding="utf-8")
    (batch,), failures = read_input(table, spec="liwan-2024")
    depts = batch.departments
    assert isinstance(depts, Departments) and not failures
    assert sorted(depts.special) == [1, 2]  # 乙's item, 丙's year
    assert depts.special[1].items and "年度" in depts.special[2].problems[0]
    assert department_columns(depts) == (["甲", "乙", "丙", "丁"], [2023, 2023, None, None], [str(table)] * 4)
    made = list(depts)
    assert made[0] == Department(name="甲", year=2023, items={}, file=str(table)) and made[1] is depts.special[1]
    assert depts == made and made == list(depts[0:4]) and depts != made[:3]
    assert depts[-1] == made[3] and department_columns(made) == department_columns(depts)
    tail = depts[2:]
    assert list(tail) == made[2:] and sorted(special_departments(tail) or {}) == [0]
    assert special_departments(made) is None
    with pytest.raises(IndexError):
        depts[4]
    with pytest.raises(ValueError):
        depts[::2]


def test_department_and_year_keys_do_not_overflow_with_narrow_codes(tmp_path: Path) -> None:
    """pyarrow's codes are int32; 50,001 departments times 50,001 years is past 2**31, and each pair stays its own
    department."""
    pytest.importorskip("pyarrow")
    from selfscore.batch.io import read_input
    from selfscore.batch.table import department_columns

    n = 50_001
    table = tmp_path / "t.csv"
    table.write_text("部门,年度,一级指标,三级指标,年度目标值,年度实现值\n"
                     + "".join(f"街道{k},{3000 + k},产出指标,a,1,1\n" for k in range(n)), encoding="utf-8")
    (batch,), failures = read_input(table, spec="tianhe-2023")
    names, years, _files = department_columns(batch.departments)
    assert not failures and len(names) == n and names[-1] == f"街道{n - 1}" and years[-1] == 3000 + n - 1
    assert batch.table.department.tolist() == list(range(n))
