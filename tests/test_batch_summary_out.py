"""The summary written from columns is byte for byte what the row-by-row writers make.

- JSON: each cohort's departments through one json.dumps template equal ``json.dumps`` of every
  department's object (:func:`selfscore.batch.summary.json_entry`);
- csv: fields written as they are unless csv.writer would quote them (checked on every character);
- table and markdown: tabulate on each column's distinct texts (digits and Latin letters swapped
  in plain texts) equals tabulate on the whole table;
- shared notes on columns equal shared notes on rows.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from selfscore.batch.dept import score_batch
from selfscore.batch.io import read_input
from selfscore.batch.summary import json_entry, summary_json
from selfscore.cli import batch_out
from selfscore.cli.batch_out import (
    _CSV_SPECIAL,
    SummaryRows,
    _as_text,
    _by_columns,
    shared_notes,
    summary_entries,
    summary_rows,
)

ROOT = Path(__file__).resolve().parent.parent
HEADER = "部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值\n"
ROWS = """\
甲,产出指标,数量指标,活动场数,≥10次,8次,
甲,效益指标,满意度,满意度,≥95%,96%,
乙,产出指标,数量指标,活动场数,≥10次,三次,
"丙,""引号""{0}\\",产出指标,数量指标,活动场数,≥10次,12次,
"丙,""引号""{0}\\",效益指标,满意度,满意度,≥95%,90%,
"多行
名称",产出指标,数量指标,活动场数,≥10次,10次,
"多行
名称",效益指标,满意度,满意度,≥95%,99.5%,
丁 Ab12,产出指标,数量指标,活动场数,≥10次,8次,
丁 Ab12,效益指标,满意度,满意度,≥95%,96%,
戊,产出指标,数量指标,活动场数,≥10次,8次,
"""


def _entries(path: Path, spec: str | None) -> object:
    batches, failures = read_input(str(path), spec=spec)
    return summary_entries([(b, score_batch(b.spec, b.table, b.departments)) for b in batches], failures)


@pytest.fixture(params=["table", "cases", "mixed"])
def entries(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    if request.param == "table":
        p = tmp_path / "t.csv"
        p.write_text(HEADER + ROWS, encoding="utf-8")
        return _entries(p, "tianhe-2023")
    if request.param == "cases":
        return _entries(ROOT / "cases", None)
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("jinhua-2024.toml", "yuangang-2023.toml"):
        shutil.copy(ROOT / "cases" / name, folder / name)
    (folder / "broken.toml").write_text('spec = "tianhe-2023"\ndepartment = "坏"\n[[indicators]]\n', encoding="utf-8")
    return _entries(folder, None)


def test_json_summary_is_json_dumps_of_every_department(entries: object) -> None:
    n = len(entries)  # type: ignore[arg-type]
    failed = sum(e is not None for e in entries.error)  # type: ignore[attr-defined]
    want = json.dumps({"departments": [json_entry(entries, i) for i in range(n)],  # type: ignore[arg-type]
                       "scored": n - failed, "failed": failed}, ensure_ascii=False, indent=2) + "\n"
    assert summary_json(entries) == want  # type: ignore[arg-type]
    assert json.loads(want)["departments"]


def test_summary_texts_from_columns_equal_the_row_writers(entries: object) -> None:
    for fmt_name in ("csv", "table", "markdown"):
        header, rows, numeric = summary_rows(entries, english=fmt_name == "csv")
        assert isinstance(rows, SummaryRows)
        legend: list[str] = []
        if fmt_name != "csv":
            rows, legend = shared_notes(header, rows)
            assert isinstance(rows, SummaryRows)
            want_rows, want_legend = shared_notes(header, list(rows))
            assert list(rows) == want_rows and legend == want_legend
        assert _as_text(header, rows, numeric, fmt_name) == _as_text(header, list(rows), numeric, fmt_name)


def test_shared_notes_on_columns() -> None:
    long = "缺 管理效率、项目管理、预算执行、信息公开、绩效管理与采购管理"
    header = ["排名", "备注"]
    rows = SummaryRows([["1", "2", "3", "4"], [long, "", long, "短"]])
    got, legend = shared_notes(header, rows)
    assert list(got) == [("1", "见注1"), ("2", ""), ("3", "见注1"), ("4", "短")]
    assert legend == [f"注1：{long}（2 个部门）"]
    assert shared_notes(header, list(rows)) == (list(got), legend)


@pytest.mark.skipif(sys.maxunicode < 0x10FFFF, reason="narrow build")
def test_csv_writes_every_other_character_as_it_is() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    checked = 0
    for c in map(chr, range(0x110000)):
        if 0xD800 <= ord(c) <= 0xDFFF or c in _CSV_SPECIAL:
            continue
        buffer.seek(0)
        buffer.truncate()
        writer.writerow((c, ""))
        assert buffer.getvalue() == c + ",\n", repr(c)
        checked += 1
    assert checked > 1_000_000
    for c in ",\"\n":  # these are quoted (\\r and NUL are asked about only to be safe)
        buffer.seek(0)
        buffer.truncate()
        writer.writerow((c, ""))
        assert buffer.getvalue() != c + ",\n"


TEXT = st.text(alphabet=st.sampled_from(list("aZ09 ,\"'\r\n{}\\\x00\u3000丙丁名称（）—ａ１é\u0301\u20e3\ufe0f😀\u200d")),
               max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, TEXT), min_size=1, max_size=12))
def test_csv_from_columns(rows: list[tuple[str, str, str]]) -> None:
    columns = SummaryRows([list(c) for c in zip(*rows, strict=True)])
    assert _as_text(["a", "b", "c"], columns, [], "csv") == _as_text(["a", "b", "c"], rows, [], "csv")


CELL = st.text(alphabet=st.sampled_from(list("aZ09xy 7 .-()（）—丙丁名称\u3000ａ１é\u0301\u20e3\ufe0f😀\u200d\u0300")),
               max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=12), st.sampled_from(["table", "markdown"]),
       st.lists(st.sampled_from([0, 1, 2]), max_size=2), st.sampled_from([["排名", "部门", "得分"], ["", "a", "长标题长标题"]]),
       st.sampled_from([0, 64]))
def test_table_from_columns_is_tabulate(rows: list[tuple[str, str, str]], fmt_name: str, numeric: list[int],
                                        header: list[str], shapes: int) -> None:
    columns = SummaryRows([list(c) for c in zip(*rows, strict=True)])
    align = tuple("right" if c in numeric else "left" for c in range(3))
    with mock.patch.object(batch_out, "_SHAPES_FROM", shapes):
        _check_table(header, columns, rows, fmt_name, numeric, align)


def _check_table(header: list[str], columns: SummaryRows, rows: list[tuple[str, str, str]], fmt_name: str,
                 numeric: list[int], align: tuple[str, ...]) -> None:
    want = tabulate(rows, headers=header, tablefmt="github" if fmt_name == "markdown" else "simple",
                    disable_numparse=True, colalign=align) + "\n"
    tablefmt = "github" if fmt_name == "markdown" else "simple"
    assert _by_columns(header, columns, align, tablefmt) is not None  # laid out by columns, not by the whole table
    assert _as_text(header, columns, numeric, fmt_name) == want
