"""template: a blank table for a spec that reads back cleanly, and filled in scores as the case file."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import openpyxl
import pytest

import selfscore
from selfscore import UnreadableError
from selfscore.core.errors import OutputError, UsageError
from selfscore.inputs.sheet import load_sheet_case, read_sheet
from selfscore.outputs.template import HEADER, template_rows, write_template
from selfscore.outputs.verify import verify

ROOT = Path(__file__).resolve().parent.parent


def test_rows_for_liwan() -> None:
    rows = template_rows(selfscore.load_spec("liwan-2024"))
    assert rows[0][0] == "2024年度部门整体支出绩效自评表（评分规范：liwan-2024）"
    assert rows[1][:2] == ["单位名称：", ""]
    assert tuple(rows[2]) == HEADER and HEADER[0] == "序号"
    body = [r for r in rows[3:] if r[0].isdigit()]
    assert [r[0] for r in body] == [str(n) for n in range(1, len(body) + 1)]
    # three numbered rows under each category; the group and category stand on their first row
    assert [r[1:3] for r in body[:7]] == [["产出指标", "数量指标"], ["", ""], ["", ""], ["", "质量指标"], ["", ""], ["", ""],
                                          ["", "时效指标"]]
    assert ["满意度指标", "服务对象满意度"] in [r[1:3] for r in body]
    assert ["部门预算资金支出率", "", "年度平均支出率", "100%", "", "", "10", "", "", ""] in [r[1:] for r in body]
    assert [r[2] for r in body if r[1] == "管理效率"] == [
        "预算编制", "预算执行", "信息公开", "绩效管理", "采购管理", "资产管理", "运行成本"]
    assert [r[7] for r in body if r[1] == "管理效率"] == ["3", "4", "4", "15", "10", "10", "4"]
    assert any(r[0].startswith("单位负责人：") and "填表人：" in r[0] for r in rows)
    notes = [r[0] for r in rows if r[0].startswith("注")]
    assert any("部门整体绩效目标产出指标完成情况 20 分" in n for n in notes)
    assert all(len(r) == len(HEADER) for r in rows)


def test_rows_for_tianhe_say_what_is_unpublished() -> None:
    rows = template_rows(selfscore.load_spec("tianhe-2023"))
    assert not any(r[1] in ("管理效率", "部门预算资金支出率") for r in rows)
    assert any("未公布“管理效率”的评分细则" in r[0] for r in rows)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_blank_template_reads_back_as_nothing_reported(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"blank{suffix}"
    write_template(selfscore.load_spec("liwan-2024"), path)
    sheet = read_sheet(path)
    assert (sheet.header_row, sheet.year, sheet.department) == (3, 2024, "")
    case, spec = load_sheet_case(path, "liwan-2024", department="某街道")
    result = selfscore.score(spec, case)
    assert result.partial and not result.indicators() and len(result.missing) == 10
    assert verify(path, "liwan-2024") == []


def test_xlsx_looks_like_a_form(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(selfscore.load_spec("liwan-2024"), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["自评表", "填表说明"]
    ws = wb["自评表"]
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == list(HEADER)
    assert all(c.font.b for c in ws[3]) and ws.freeze_panes == "A4"
    assert ws["D3"].comment is not None and "指标名称" in ws["D3"].comment.text
    assert ws["G4"].number_format == "0.00%"
    assert (ws["A4"].value, ws["B4"].value, ws["C4"].value) == (1, "产出指标", "数量指标")
    rate = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "部门预算资金支出率")
    assert ws.cell(rate, 8).value == 10 and ws.cell(rate, 1).value == rate - 3
    last = max(r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int))
    assert all(ws.cell(r, c).border.left.style == "thin" for r in range(4, last + 1) for c in range(1, 12))
    signature = next(r for r in range(last, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("单位负责人"))
    assert f"A{signature}:K{signature}" in {str(r) for r in ws.merged_cells.ranges}
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"达成,部分达成,未达成"' in lists
    assert any("产出指标,效益指标,满意度指标" in f for f in lists)
    info = [row for row in wb["填表说明"].iter_rows(values_only=True)]
    assert ("依据", "荔湾区 2024 年度部门整体支出绩效自评表评分办法（由金花街道 2024 年度自评表说明推定）") in info
    assert not any(".txt" in str(v) or "domain.md" in str(v) for row in info for v in row)


def test_templates_record_their_spec(tmp_path: Path) -> None:
    from selfscore.inputs.marker import spec_marker

    for name in ("t.xlsx", "t.csv"):
        write_template(selfscore.load_spec("liwan-2024"), tmp_path / name)
        assert spec_marker(tmp_path / name) == "liwan-2024"
    assert spec_marker(ROOT / "tests/data/sheets/yuangang-2023.xlsx") is None
    assert spec_marker(ROOT / "tests/data/sheets/yuangang-2023-gbk.csv") is None
    assert spec_marker(tmp_path / "missing.xlsx") is None


def test_filled_template_scores_as_the_case_file(tmp_path: Path) -> None:
    """An officer fills the CSV template with 元岗 2023's indicators (inserting rows where needed)."""
    path = tmp_path / "yuangang.csv"
    write_template(selfscore.load_spec("tianhe-2023"), path)
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    case = selfscore.load_case(ROOT / "cases" / "yuangang-2023.toml")
    filled = [rows[0], ["单位名称：", case.department, *[""] * 9], rows[2]]
    for n, ind in enumerate(case.indicators, start=1):
        filled.append([str(n), ind.group, ind.category, ind.name, ind.target, ind.actual, "", "", "", "",
                       ind.judgement or ""])
    filled += [r for r in rows[3:] if r[0].startswith(("注", "单位负责人")) or not any(r)]
    out = io.StringIO()
    csv.writer(out).writerows(filled)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    sheet_case, spec = load_sheet_case(path, "tianhe-2023")
    assert sheet_case.department == case.department
    mine = selfscore.score(spec, sheet_case)
    theirs = selfscore.score(*reversed(selfscore.load_case_and_spec(ROOT / "cases" / "yuangang-2023.toml")))
    assert [(i.weight, i.score) for i in mine.indicators()] == [(i.weight, i.score) for i in theirs.indicators()]
    assert selfscore.fmt(mine.parts[0].score) == "39.9"


def test_csv_is_excel_friendly(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_template(selfscore.load_spec("tianhe-2023"), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw


def test_refuses_to_overwrite_and_other_suffixes(tmp_path: Path) -> None:
    spec = selfscore.load_spec("tianhe-2023")
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"filled in by hand")
    with pytest.raises(OutputError, match="文件已存在"):
        write_template(spec, path)
    assert path.read_bytes() == b"filled in by hand"
    write_template(spec, path, overwrite=True)
    assert read_sheet(path).header_row == 3
    with pytest.raises(UsageError, match=r"须为 \.xlsx 或 \.csv"):
        write_template(spec, tmp_path / "t.txt")
    with pytest.raises(OutputError, match="输出目录不存在"):
        write_template(spec, tmp_path / "no" / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]  # no temporary files left behind


def test_xlsx_without_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(UnreadableError, match=r"pip install 'selfscore\[xlsx\]'"):
        write_template(selfscore.load_spec("tianhe-2023"), tmp_path / "t.xlsx")
    write_template(selfscore.load_spec("tianhe-2023"), tmp_path / "t.csv")
    assert not (tmp_path / "t.xlsx").exists()
