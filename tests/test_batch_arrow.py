"""Columns read through Arrow hold what :class:`~selfscore.batch.csvsource.CodedSource` promises: distinct texts,
each held by some row, and every row's index into them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from selfscore.batch.arrow import _coded, csv_source, table_source

pa = pytest.importorskip("pyarrow")


def _check(values: list[str], codes: np.ndarray, want: list[str]) -> None:
    assert codes.dtype == np.int64
    assert [values[c] for c in codes.tolist()] == want
    assert len(set(values)) == len(values)  # distinct
    assert sorted(set(codes.tolist())) == list(range(len(values)))  # each held by some row


def test_dictionaries_with_unused_repeated_and_null_entries() -> None:
    chunks = [pa.DictionaryArray.from_arrays(pa.array([2, None, 2, 0], pa.int16()), pa.array(["a", "unused", "b", "a"])),
              pa.DictionaryArray.from_arrays(pa.array([3, 1], pa.int16()), pa.array(["x", "", "y", "a"]))]
    table = pa.table({"部门": pa.chunked_array(chunks), "n": pa.chunked_array([pa.array([1, None, 2]), pa.array([1, 3, 3])])})
    source = table_source(table)
    _check(*source.column(0), ["b", "", "b", "a", "a", ""])
    _check(*source.column(1), ["1", "", "2", "1", "3", "3"])
    _check(*_coded(pa.chunked_array([pa.array(["p", None, "q", "p"])]), "c"), ["p", "", "q", "p"])
    sliced = pa.DictionaryArray.from_arrays(pa.array([0, 1, 2, 1], pa.int32()), pa.array(["a", "b", "c"]))[1:3]
    _check(*_coded(sliced, "c"), ["b", "c"])


def test_a_table_in_memory_and_a_csv_file_hold_used_texts_only(tmp_path: Path) -> None:
    table = pa.table({"部门": pa.DictionaryArray.from_arrays(pa.array([1, 1, 0], pa.int32()), pa.array(["甲", "乙", "丙"])),
                      "年度目标值": ["1", None, "1"]})
    source = table_source(table)
    _check(*source.column(0), ["乙", "乙", "甲"])
    _check(*source.column(1), ["1", "", "1"])
    text = "部门,年度目标值\n" + "".join(f"部门{k % 7},{k % 3}\n" for k in range(200_000))
    found = csv_source(text.encode(), ",")
    assert found is not None and found.n == 200_000
    _check(*found.column(0), [f"部门{k % 7}" for k in range(200_000)])
    _check(*found.column(1), [str(k % 3) for k in range(200_000)])


@pytest.mark.parametrize("text,read", [
    ("部门,年度目标值\n甲,1\n\n乙,2\n", False),
    ("部门,年度目标值\n甲,1\n乙,2\n\n", False),
    ("部门,年度目标值\r\n甲,1\r\n\r\n乙,2\r\n", False),
    ("部门\n甲\n\n乙\n", False),
    ("部门,年度目标值\n\n甲,1\n", False),
    ("部门,年度目标值\n,1\n乙,2\n", True),  # an empty first cell, no blank line: the text is searched, and read
    ("部门,年度目标值\r\n甲,1\r\n乙,2", True),
])
def test_blank_lines_leave_the_file_to_the_own_reader(text: str, read: bool) -> None:
    for raw in (text.encode(), text.encode("utf-8-sig")):
        found = csv_source(raw, ",")
        assert (found is not None) == read
        if found is not None:
            assert found.header == ["部门", "年度目标值"]
            assert found.rows(0, found.n) == [line.split(",") for line in text.replace("\r\n", "\n").strip("\n").split("\n")[1:]]


def test_a_bom_and_nothing_else() -> None:
    for raw in (b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", b"\xef\xbb\xbf\n\xe9\x83\xa8,x\n1,2\n"):
        assert csv_source(raw, ",") is None


@pytest.mark.parametrize("cell", [b"\xff", "甲".encode()[:2], "乙".encode("gbk"), b"\xe7\x94\xb2\xb2"])
def test_cells_that_are_not_utf8_leave_the_file_to_the_own_reader(cell: bytes) -> None:
    rows = b"".join(b"%d,%d\n" % (k, k % 3) for k in range(5000))
    for data in (b"a,b\n" + cell + b",1\n" + rows, b"a,b\n" + rows + b"1," + cell + b"\n"):
        assert csv_source(data, ",") is None
    assert csv_source(b"a,b\n" + rows, ",") is not None


def test_a_gbk_file_reads_as_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selfscore.batch.io as bio

    p = tmp_path / "t.csv"
    p.write_bytes("部门,一级指标,三级指标,年度目标值,年度实现值\n甲,产出指标,a,≥95%,96%\n乙,效益指标,b,达标,达标\n".encode("gbk"))
    got = bio.read_input(p, spec="tianhe-2023")
    monkeypatch.setattr(bio, "USE_PYARROW", False)
    want = bio.read_input(p, spec="tianhe-2023")
    assert [b.departments for b in got[0]] == [b.departments for b in want[0]]
    assert [d.name for d in got[0][0].departments] == ["甲", "乙"]
    assert list(got[0][0].table.target) == list(want[0][0].table.target) == ["≥95%", "达标"]
