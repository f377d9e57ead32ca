"""Columns read through Arrow hold what :class:`~selfscore.batch.csvsource.CodedSource` promises: distinct texts,
each held by some row, and every row's index into them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from selfscore.batch.arrow import _coded, csv_source, table_source

pa = pytest.importorskip("pyarrow")


def _check(values: list[str], codes: np.ndarray, want: list[str]) -> None:
    assert codes.dtype in (np.int32, np.int64)  # Arrow's int32 indices stay int32 (half the memory)
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
    assert found is not None and found.n == 200_000 and found.column(0)[1].dtype == np.int32
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


_HEAD = "部门,一级指标,三级指标,年度目标值,年度实现值\n"
_ROWS = "甲,产出指标,a,≥95%,96%\n乙,效益指标,b,达标,达标\n"


@pytest.mark.parametrize("name,data", [
    ("plain.csv", (_HEAD + _ROWS).encode()),
    ("crlf.csv", (_HEAD + _ROWS).replace("\n", "\r\n").encode()),
    ("bom.csv", (_HEAD + _ROWS).encode("utf-8-sig")),
    ("lone-cr.csv", (_HEAD + _ROWS).replace("a,", "a\r,").encode()),
    ("quoted.csv", (_HEAD + _ROWS).replace("达标,达标", '"达标","达,标"').encode()),
    ("nul.csv", (_HEAD + _ROWS).encode() + b"\x00"),
    ("blank.csv", (_HEAD + "\n" + _ROWS).encode()),
    ("gbk.csv", (_HEAD + _ROWS).encode("gbk")),
    ("utf16.csv", (_HEAD + _ROWS).encode("utf-16")),
    ("bad-cell.csv", (_HEAD + _ROWS).encode() + b"\xff,x,y,z,w\n"),
    ("blank-only.csv", b" \n \n"),
    ("tabs.tsv", (_HEAD + _ROWS).replace(",", "\t").encode()),
    ("zip.csv", b"PK\x03\x04" + b"\x00" * 60),
])
def test_a_mapped_file_reads_as_its_bytes(name: str, data: bytes, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A file read through a map (:func:`map_bytes`, forced here at any size) gives what its bytes give: the same
    columns, rows or error, through pyarrow or the batch's own reader."""
    import mmap

    import selfscore.inputs.files as files
    from selfscore.batch.io import read_csv_source

    p = tmp_path / name
    p.write_bytes(data)
    monkeypatch.setattr(files, "MAP_FROM_BYTES", 1)
    mapped = files.map_bytes(p)
    assert isinstance(mapped, mmap.mmap) and mapped[:] == data
    assert _read(lambda: read_csv_source(p)) == _read(lambda: read_csv_source(p, raw=data))
    assert p.read_bytes() == data


def _read(read: Any) -> object:
    try:
        found = read()
    except Exception as exc:  # the error is the result compared
        return type(exc).__name__, str(exc)
    if hasattr(found, "column"):
        return type(found).__name__, found.header, [found.column(j)[0] for j in range(len(found.header))], \
            [found.column(j)[1].tolist() for j in range(len(found.header))]
    return list(found)


def test_a_large_table_is_mapped_and_a_small_one_read(tmp_path: Path) -> None:
    import mmap

    from selfscore.inputs.files import MAP_FROM_BYTES, map_bytes

    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    big.write_bytes((_HEAD + _ROWS * (MAP_FROM_BYTES // len(_ROWS.encode()) + 1)).encode())
    small.write_bytes((_HEAD + _ROWS).encode())
    assert isinstance(map_bytes(big), mmap.mmap)
    assert map_bytes(small) == small.read_bytes()
    with pytest.raises(Exception, match=r"big.csv: 文件过大 \(file too large\): 1 MB") as refused:
        map_bytes(big, limit=1 << 20)
    assert type(refused.value).__name__ == "UnreadableError"
