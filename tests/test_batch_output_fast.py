"""Indicator files written by index, through Arrow's ``take`` and through numpy: the same bytes, those of
``csv.writer`` and ``json.dumps`` for the records, whatever the cells hold and wherever the chunks end; a write
that fails midway leaves no file."""

from __future__ import annotations

import csv
import errno
import io
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import selfscore.batch as sb
import selfscore.batch.output as out
from selfscore.batch.fastunique import loaded_pyarrow
from selfscore.batch.output import IndicatorColumns, indicator_columns, write_csv, write_json
from selfscore.cli.batch import main

KEYS = list(out.KEYS)
#: Cells a file must carry exactly: separators and quotes (csv.writer quotes them), line ends, CJK, empty cells,
#: JSON escapes, None (an empty CSV cell, JSON null) and years.
ODD = ["甲, 街道", 'say "hi"', "多行\n名称", "cr\rlf", "", "广州市天河区", "tab\there", "back\\slash", "\u2028", "0%", "x"]


def _columns(rng: random.Random, n: int, *, plain: bool) -> IndicatorColumns:
    """``n`` rows with random codes; ``plain``: no cell needs CSV quoting (the cells are taken as they are)."""
    pool = [t for t in ODD if not plain or not any(ch in t for ch in ',"\r\n')]
    values: dict[str, list[Any]] = {}
    for k in KEYS:
        if k == "year":
            values[k] = [2023, None, 2024]
        else:
            values[k] = rng.sample(pool, 4) + [f"{k}{i}" for i in range(3)]
    codes = {k: np.array([rng.randrange(len(values[k])) for _ in range(n)], dtype=np.int64) for k in KEYS}
    return IndicatorColumns(values, codes)


def _records(cols: IndicatorColumns, keys: list[str]) -> list[dict[str, Any]]:
    return [{k: cols.cell(k, r) for k in keys} for r in range(len(cols))]


def _csv_bytes(cols: IndicatorColumns, keys: list[str]) -> bytes:
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(keys)
    w.writerows([["" if x[k] is None else str(x[k]) for k in keys] for x in _records(cols, keys)])
    return text.getvalue().encode()


def _written(produce: Callable[[Callable[[Any], object]], None]) -> bytes:
    got = io.BytesIO()
    produce(got.write)
    return got.getvalue()


@pytest.fixture(params=["arrow", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each way of joining the cells: Arrow's take (pyarrow loaded) and numpy's (SELFSCORE_NO_PYARROW=1)."""
    if request.param == "arrow":
        pytest.importorskip("pyarrow")
        monkeypatch.delenv("SELFSCORE_NO_PYARROW", raising=False)
        assert loaded_pyarrow() is not None
    else:
        monkeypatch.setenv("SELFSCORE_NO_PYARROW", "1")
        assert loaded_pyarrow() is None
    yield request.param


@pytest.mark.parametrize("chunk", [1, 7, 8_192])
@pytest.mark.parametrize("plain", [True, False])
def test_files_equal_the_record_writers(path: str, chunk: int, plain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "CHUNK", chunk)
    cols = _columns(random.Random(chunk * 2 + plain), 300, plain=plain)
    keys = [k for k in KEYS if k != "item_key"]
    assert _written(lambda w: write_csv(cols.texts(strip=False), keys, keys, w)) == _csv_bytes(cols, keys)
    want = json.dumps(_records(cols, KEYS), ensure_ascii=False, indent=1) + "\n"
    assert _written(lambda w: write_json(cols, KEYS, w)).decode() == want


def test_both_ways_write_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes do not depend on pyarrow, and with pyarrow loaded they come from Arrow's take."""
    pyarrow_compute = pytest.importorskip("pyarrow._compute")
    monkeypatch.setattr(out, "CHUNK", 8_192)
    cols = _columns(random.Random(5), 20_000, plain=False)
    keys = [k for k in KEYS if k != "item_key"]
    taken: list[int] = []
    call = pyarrow_compute.call_function

    def counting(name: str, *args: Any) -> Any:
        taken.append(1)
        return call(name, *args)

    files = {}
    for env in ("", "1"):
        monkeypatch.setenv("SELFSCORE_NO_PYARROW", env)
        monkeypatch.setattr(pyarrow_compute, "call_function", counting)
        files[env] = (_written(lambda w: write_csv(cols.texts(strip=False), keys, keys, w)),
                      _written(lambda w: write_json(cols, KEYS, w)))
        assert len(taken) == 6  # three chunks of 8192 rows for each file, all with pyarrow, none without
    assert files[""] == files["1"]
    assert files[""][0] == _csv_bytes(cols, keys)


@pytest.mark.parametrize("n", [0, 1, 300])
@pytest.mark.parametrize("plain", [True, False])
def test_sizes_are_the_bytes_written(n: int, plain: bool) -> None:
    """csv_size and json_size (a part others follow) count what write_csv and write_json write: a child process
    writes its rows into the file from there while this process writes the first part (selfscore.cli.batch_halves)."""
    cols = _columns(random.Random(n * 2 + plain), n, plain=plain)
    keys = [k for k in KEYS if k != "item_key"]
    texts = cols.texts(strip=False)
    for header in (keys, None):
        assert out.csv_size(texts, keys, header) == len(_written(lambda w, h=header: write_csv(texts, keys, h, w)))
    for opening in (True, False):
        written = _written(lambda w, o=opening: write_json(cols, KEYS, w, opening=o, closing=False))
        assert out.json_size(cols, KEYS, opening=opening) == len(written) and (n > 0 or len(written) == 2 * opening)


def test_no_rows(path: str) -> None:
    cols = IndicatorColumns({k: [] for k in KEYS}, {k: np.zeros(0, dtype=np.int64) for k in KEYS})
    assert _written(lambda w: write_csv(cols, ["department", "score"], ["部门", "得分"], w)) == "部门,得分\n".encode()
    assert _written(lambda w: write_json(cols, KEYS, w)) == b"[]\n"


def test_output_rows_and_years(tmp_path: Path) -> None:
    """indicator_count and output_years: the rows and years of the departments scored only (the 年度 column
    and the two-process cut rest on them)."""
    from selfscore.batch.dept import score_batch
    from selfscore.batch.io import read_input
    from selfscore.batch.output import indicator_count, output_years

    table = tmp_path / "t.csv"
    table.write_text("部门,年度,一级指标,二级指标,三级指标,年度目标值,年度实现值\n"
                     "甲,2023,产出指标,数量指标,活动,≥10次,12次\n甲,2023,效益指标,满意度,满意度,≥95%,96%\n"
                     "乙,2024,产出指标,数量指标,活动,≥10次,三次\n"  # not a number: 乙 is not scored
                     "丙,,产出指标,数量指标,活动,≥10次,9次\n", encoding="utf-8")
    (batch,), _ = read_input(table, spec="tianhe-2023")
    result = score_batch(batch.spec, batch.table, batch.departments)
    assert [d.ok for d in result.departments] == [True, False, True]
    assert indicator_count(result) == 3 and output_years(result) == {2023, None}
    assert len(indicator_columns(result)) == 3


TABLE = '''\
部门,年度,评分规范,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值
"甲, 街道",2023,tianhe-2023,产出指标,数量指标,"活动""场数""",≥10次,8次,
"甲, 街道",2023,tianhe-2023,效益指标,满意度,满意度,≥95%,96.5%,
乙街道,,tianhe-2023-truncate,产出指标,数量指标,"多行
名称",≤2个小时,3个小时,12
乙街道,,tianhe-2023-truncate,产出指标,质量指标,合格率,100%,99.99%,8
丙街道,2023,tianhe-2023,产出指标,数量指标,活动场数,0次,1次,
'''


def test_cli_files_the_same_with_and_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    monkeypatch.setattr(out, "CHUNK", 2)
    got = {}
    for env in ("", "1"):
        monkeypatch.setenv("SELFSCORE_NO_PYARROW", env)
        for ext in ("csv", "json"):
            target = tmp_path / f"i{env}.{ext}"
            assert main([str(table), "-f", "csv", "--indicators", str(target)]) == 0
            got[env, ext] = target.read_bytes()
    assert got["", "csv"] == got["1", "csv"] and got["", "json"] == got["1", "json"]
    rows = list(csv.reader(io.StringIO(got["", "csv"].decode())))
    assert rows[0] == ["department", "year", "item", "group", "category", "name", "target", "actual", "rate", "weight",
                       "score"]
    assert [r[0] for r in rows[1:]] == ["甲, 街道", "甲, 街道", "丙街道", "乙街道", "乙街道"]  # a batch per spec
    assert [r[1] for r in rows[1:]] == ["2023", "2023", "2023", "", ""]
    assert rows[1][5] == '活动"场数"' and rows[4][5] == "多行\n名称"
    assert [d["year"] for d in json.loads(got["", "json"])] == [2023, 2023, 2023, None, None]
    capsys.readouterr()


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_a_write_failing_midway_leaves_no_file(path: str, ext: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Disk full after the first chunk: exit 5 with the reason, the old file as it was, no temporary file."""
    table = tmp_path / "t.csv"
    table.write_text(TABLE, encoding="utf-8")
    target = tmp_path / f"i.{ext}"
    target.write_bytes(b"old")
    monkeypatch.setattr(out, "CHUNK", 1)
    joiner = out._joiner
    chunks: list[int] = []

    def filling(pieces: list[bytes]) -> Callable[[np.ndarray], Any]:
        join = joiner(pieces)

        def full(index: np.ndarray) -> Any:
            chunks.append(len(index))
            if len(chunks) > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return join(index)

        return full

    monkeypatch.setattr(out, "_joiner", filling)
    assert main([str(table), "-f", "csv", "--force", "--indicators", str(target)]) == 5
    assert "磁盘空间不足 (no space left on device)" in capsys.readouterr().err
    assert len(chunks) == 2 and target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i." + ext, "t.csv"]


FAILING = """\
部门,年度,一级指标,二级指标,三级指标,年度目标值,年度实现值
甲,2023,产出指标,数量指标,a,≥10次,7次
坏,2023,产出指标,数量指标,a,≥10次,很多
甲,2023,效益指标,满意度,b,≥95%,96.5%
乙,,产出指标,质量指标,c,100%,99.99%
坏,2023,效益指标,满意度,b,≥95%,90%
乙,,效益指标,社会效益,d,达标,未达标
"""


def test_rows_of_departments_that_failed_are_left_out(path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some rows kept (a department failed), in input order: the files hold the records ``indicator_rows`` gives."""
    monkeypatch.setattr(out, "CHUNK", 2)
    table = tmp_path / "t.csv"
    table.write_text(FAILING, encoding="utf-8")
    results, failures = sb.score_input(table, spec="tianhe-2023")
    assert not failures and len(results) == 1
    result = results[0]
    assert result.departments.ok().tolist() == [True, False, True]  # 坏: 很多 is no number
    assert result.row_source.tolist() != list(range(6))  # rows in scoring order, not input order
    records = result.indicator_rows()
    assert [(r["department"], r["name"]) for r in records] == [("甲", "a"), ("甲", "b"), ("乙", "c"), ("乙", "d")]
    cols = sb.indicator_columns(result)
    keys = [k for k in KEYS if k != "item_key"]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([keys] + [["" if r[k] is None else r[k] for k in keys] for r in records])
    assert _written(lambda w: write_csv(cols.texts(strip=False), keys, keys, w)) == text.getvalue().encode()
    want = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    assert _written(lambda w: write_json(cols, KEYS, w)).decode() == want
