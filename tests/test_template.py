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
from selfscore.inputs.sheet import load_sheet_case, read_sheet
from selfscore.outputs.template import HEADER, template_rows, write_template
from selfscore.outputs.verify import verify

ROOT = Path(__file__).resolve().parent.parent


def test_rows_for_liwan() -> None:
    rows = template_rows(selfscore.load_spec("liwan-2024"))
    assert rows[0][0] == "2024年度部门整体支出绩效自评表（评分规范：liwan-2024）"
    assert rows[1][:2] == ["单位名称：", ""]
    assert tuple(rows[2]) == HEADER
    body = [r for r in rows[3:] if any(r) and not r[0].startswith("注")]
    assert [r[:2] for r in body[:4]] == [["产出指标", "数量指标"], ["产出指标", "质量指标"], ["产出指标", "时效指标"],
                                         ["产出指标", "成本指标"]]
    assert ["满意度指标", "服务对象满意度"] in [r[:2] for r in body]
    assert ["部门预算资金支出率", "", "年度平均支出率", "100%", "", "", "10", "", "", ""] in body
    assert [r[1] for r in body if r[0] == "管理效率"] == [
        "预算编制", "预算执行", "信息公开", "绩效管理", "采购管理", "资产管理", "运行成本"]
    assert [r[6] for r in body if r[0] == "管理效率"] == ["3", "4", "4", "15", "10", "10", "4"]
    notes = [r[0] for r in rows if r[0].startswith("注")]
    assert any("部门整体绩效目标产出指标完成情况 20 分" in n for n in notes)
    assert all(len(r) == len(HEADER) for r in rows)


def test_rows_for_tianhe_say_what_is_unpublished() -> None:
    rows = template_rows(selfscore.load_spec("tianhe-2023"))
    assert not any(r[0] in ("管理效率", "部门预算资金支出率") for r in rows)
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
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == list(HEADER)
    assert all(c.font.b for c in ws[3]) and ws.freeze_panes == "A4"
    assert ws["C3"].comment is not None and "指标名称" in ws["C3"].comment.text
    assert ws["F4"].number_format == "0.00%"
    assert ws["G13"].value == 10 and ws["A13"].value == "部门预算资金支出率"
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"达成,部分达成,未达成"' in lists
    assert any("产出指标,效益指标,满意度指标" in f for f in lists)


def test_filled_template_scores_as_the_case_file(tmp_path: Path) -> None:
    """An officer fills the CSV template with 元岗 2023's indicators (inserting rows where needed)."""
    path = tmp_path / "yuangang.csv"
    write_template(selfscore.load_spec("tianhe-2023"), path)
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    case = selfscore.load_case(ROOT / "cases" / "yuangang-2023.toml")
    filled = [rows[0], ["单位名称：", case.department, *[""] * 8], rows[2]]
    for ind in case.indicators:
        filled.append([ind.group, ind.category, ind.name, ind.target, ind.actual, "", "", "", "", ind.judgement or ""])
    filled += [r for r in rows[3:] if r[0].startswith("注") or not any(r)]
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
    with pytest.raises(UnreadableError, match="文件已存在"):
        write_template(spec, path)
    assert path.read_bytes() == b"filled in by hand"
    write_template(spec, path, overwrite=True)
    assert read_sheet(path).header_row == 3
    with pytest.raises(UnreadableError, match=r"须为 \.xlsx 或 \.csv"):
        write_template(spec, tmp_path / "t.txt")
    with pytest.raises(UnreadableError, match="输出目录不存在"):
        write_template(spec, tmp_path / "no" / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]  # no temporary files left behind


def test_xlsx_without_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(UnreadableError, match=r"pip install 'selfscore\[xlsx\]'"):
        write_template(selfscore.load_spec("tianhe-2023"), tmp_path / "t.xlsx")
    write_template(selfscore.load_spec("tianhe-2023"), tmp_path / "t.csv")
    assert not (tmp_path / "t.xlsx").exists()
