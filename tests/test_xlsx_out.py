"""The .xlsx 自评表: written for both golden cases, read back with openpyxl and checked cell by cell."""

from __future__ import annotations

import errno
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from case_support import CASES, scored

import selfscore
from selfscore import SelfScoreError, UnreadableError
from selfscore.core.errors import OutputError
from selfscore.outputs.render import table_rows
from selfscore.outputs.xlsx import SHEET_HEADERS, write_result_xlsx

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("xlsx")
    out = {}
    for name in ("jinhua-2024", "yuangang-2023"):
        path = folder / f"{name}.xlsx"
        write_result_xlsx(scored(name), path, inputs=[CASES / f"{name}.toml"])
        out[name] = openpyxl.load_workbook(path)
    return out


def shown(cell: Any) -> str:
    """What Excel shows for a cell written by selfscore (General text, 0.0… and 0.0…% formats)."""
    value, number_format = cell.value, cell.number_format
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    assert isinstance(value, int | float) and not isinstance(value, bool)
    exact = Decimal(repr(value))
    percent = number_format.endswith("%")
    digits = number_format.rstrip("%")
    assert digits == "0" or (digits.startswith("0.") and set(digits[2:]) == {"0"}), number_format
    places = len(digits) - 2 if "." in digits else 0
    if percent:
        exact *= 100
    text = f"{exact:.{places}f}"
    # the format must show every digit held, no more and no fewer: nothing hidden by the display
    assert Decimal(text) == exact, (cell.coordinate, value, number_format)
    return text + ("%" if percent else "")


def row_of(ws: Any, column: str, text: str) -> int:
    rows = [c.row for c in ws[column] if c.value == text]
    assert len(rows) == 1, (column, text, rows)
    return rows[0]


def merged(ws: Any) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# --- layout and values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jinhua-2024", "yuangang-2023"])
def test_cells_show_exactly_what_the_text_table_prints(books: dict[str, Any], name: str) -> None:
    ws = books[name]["自评表"]
    assert [c.value for c in ws[3]] == list(SHEET_HEADERS)
    expected = table_rows(scored(name))
    # the sheet adds the officer's 一级指标/二级指标 (C, D) to the text table's columns
    got = [[shown(c) for c in (*row[:2], *row[4:10])] for row in ws.iter_rows(min_row=4, max_row=3 + len(expected))]
    assert got == [[cell.replace("\n", "") for cell in row] for row in expected]


def test_jinhua_merges_totals_and_grade(books: dict[str, Any]) -> None:
    ws = books["jinhua-2024"]["自评表"]
    assert ws["A1"].value == "广州市荔湾区人民政府金花街道办事处 2024 年度部门整体支出绩效自评表"
    assert "liwan-2024" in ws["A2"].value
    # 履职效能: 3 items + 合计 (rows 4-7); 管理效率: 7 checklist items + 合计 (rows 8-15); one row per item
    assert merged(ws) == {"A1:K1", "A2:K2", "A4:A7", "A8:A15", "B7:H7", "B15:H15", "A16:H16", "A17:H17"}
    assert (ws["A4"].value, ws["A8"].value) == ("履职效能", "管理效率")
    assert (ws["B7"].value, ws["I7"].value, ws["J7"].value, ws["J7"].number_format) == ("履职效能合计", 50, 48.5, "0.0")
    execution = row_of(ws, "B", "部门预算资金支出率")
    assert [(ws.cell(execution, c).value, ws.cell(execution, c).number_format) for c in (7, 8, 9, 10)] == [
        (0.95, "0%"), (0.95, "0%"), (10, "0"), (9.5, "0.0")]
    assert ws.cell(execution, 11).value == "平均支出率 95%，扣 0.5 分"
    output = row_of(ws, "B", "部门整体绩效目标产出指标完成情况")
    # the deduction's source (a report clause) is for auditors: JSON only
    assert (ws.cell(output, 10).value, ws.cell(output, 11).value) == (19, "扣 1 分")
    total, grade = row_of(ws, "A", "总分"), row_of(ws, "A", "等级")
    assert (total, grade) == (16, 17) and ws.max_row == 17
    assert [(ws.cell(total, c).value, ws.cell(total, c).number_format) for c in (9, 10)] == [(100, "0"), (98.5, "0.0")]
    assert ws.cell(grade, 10).value == "优"
    assert not any("partial" in str(c.value) for row in ws.iter_rows() for c in row)


def test_yuangang_merges_weights_rates_and_partial_note(books: dict[str, Any]) -> None:
    ws = books["yuangang-2023"]["自评表"]
    # 产出: 6 indicators + 小计 (rows 4-10); 效益: 5 + 小计 (11-16); 履职效能合计 17; 管理效率 unknown 18
    # the officer's 一级指标 (C) and 二级指标 (D) merge over equal runs: 产出指标 6 rows (数量 3, 质量 1 …)
    assert merged(ws) == {"A1:K1", "A2:K2", "A4:A17", "B4:B10", "B11:B16", "B17:H17", "B18:H18",
                          "A19:H19", "A20:H20", "A21:K21", "C4:C9", "D4:D6", "D7:D8", "C11:C15"}
    assert [ws[f"{c}4"].value for c in "CDE"] == ["产出指标", "数量指标", "保洁面积"]
    assert (ws["A4"].value, ws["B4"].value, ws["B11"].value) == (
        "履职效能", "部门整体绩效目标产出指标完成情况", "部门整体绩效目标效益指标完成情况")
    assert ws["A5"].value is None and ws["B5"].value is None  # merged cells hold nothing below the first
    weights = [(ws.cell(r, 9).value, ws.cell(r, 9).number_format) for r in range(4, 10)]
    assert weights == [(3.34, "0.00"), (3.33, "0.00"), (3.33, "0.00"), (3.33, "0.00"), (3.33, "0.00"), (3.34, "0.00")]
    assert (ws["E10"].value, ws["I10"].value, ws["I10"].number_format, ws["J10"].value) == ("小计", 20, "0", 20)
    tax = row_of(ws, "E", "代征出租屋综合税")
    assert tax == 11
    assert [(ws.cell(tax, c).value, ws.cell(tax, c).number_format) for c in (8, 9, 10)] == [
        (0.9866, "0.00%"), (4, "0"), (3.9, "0.0")]
    assert ws.cell(tax, 11).value == "扣 0.1 分（完成率 98.66%）"
    assert (ws["H12"].value, ws["H12"].number_format) == (1, "0%")  # 100% is a percent cell too
    assert [(ws[f"{c}16"].value, ws[f"{c}16"].number_format) for c in "IJ"] == [(20, "0"), (19.9, "0.0")]
    assert [(ws[f"{c}17"].value, ws[f"{c}17"].number_format) for c in "IJ"] == [(40, "0"), (39.9, "0.0")]
    assert [ws[f"{c}18"].value for c in "ABIJ"] == ["管理效率", "（评分细则未公布）", "—", "—"]
    assert [ws[f"{c}19"].value for c in "AIJ"] == ["总分", 100, "—"]  # no total for a partial result
    assert [ws[f"{c}20"].value for c in "AJ"] == ["等级", "—"]
    assert ws["A21"].value == ("结果不完整 (partial)：已计分部分得分 39.9（满分 40），不计总分和等级。"
                               "缺少：管理效率：评分规范 tianhe-2023 未公布评分细则 (not published)")
    assert ws.max_row == 21


@pytest.mark.parametrize("name", ["jinhua-2024", "yuangang-2023"])
def test_print_setup_and_frozen_header(books: dict[str, Any], name: str) -> None:
    ws = books[name]["自评表"]
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$3"
    assert all(ws.column_dimensions[c].width >= 7 for c in "ABCDEFGHIJK")
    body = [c for row in ws.iter_rows(min_row=3, max_row=ws.max_row) for c in row]
    assert all(c.border.left.style == "thin" for c in body if c.value is not None)
    assert all(c.alignment.wrap_text for c in body if isinstance(c.value, str))


def test_trace_sheet_lists_every_step(books: dict[str, Any]) -> None:
    ws = books["yuangang-2023"]["计算过程"]
    assert [c.value for c in ws[1]] == ["评分项目", "评分内容", "三级指标", "计算过程"]
    steps = [row[3] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "4 × 98.66% = 3.9464 → 3.9（四舍五入, 1位小数）" in steps
    assert "部门整体绩效目标效益指标完成情况 = 3.9 + 4 + 4 + 4 + 4 = 19.9" in steps
    tax = next(row for row in ws.iter_rows(min_row=2) if row[3].value == "权重 4（20 分均分，尾差给首尾）")
    assert f"C{tax[2].row}:C{tax[2].row + 2}" in merged(ws)  # an indicator's three steps under one name
    assert ws[f"C{tax[2].row}"].value == "代征出租屋综合税"


def test_partly_met_is_text_and_zero_scores_show_0(tmp_path: Path) -> None:
    spec = selfscore.spec_from_dict({
        "id": "t", "title": "测试", "year": 2024, "total": 20, "source": "t",
        "grades": {"source": "t", "bands": [{"grade": "优", "min": 90}, {"grade": "差", "min": 0}]},
        "parts": [{"key": "p", "name": "履职效能", "points": 20, "source": "t", "items": [
            {"key": "o", "name": "产出", "kind": "indicators", "groups": ["产出指标"], "points": 20, "source": "t",
             "split": {"places": 2, "leftover": "ends", "source": "t"},
             "rule": {"kind": "proportional", "floor": Decimal("0.6"), "rounding": {"places": 1},
                      "partial_share": Decimal("0.5"), "source": "t"}}]}],
    }, file="t.toml")
    case = selfscore.case_from_dict({"spec": "t", "department": "测试街道", "year": 2024, "indicators": [
        {"name": "甲", "group": "产出指标", "target": "完成工作", "actual": "部分完成", "judgement": "部分达成"},
        {"name": "乙", "group": "产出指标", "target": "12场", "actual": "7场"},
        {"name": "丙", "group": "产出指标", "target": "10次", "actual": "9次"}]}, file="c.toml")
    result = selfscore.score(spec, case)
    write_result_xlsx(result, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["自评表"]
    cells = {r[4].value: r[2:] for r in ws.iter_rows(min_row=4, max_row=6)}  # [2] is 三级指标, [5] 完成率 …
    # 甲: 部分达成 at 50% of 6.67 = 3.335 -> 3.3; 乙: 7/12 is below the 60% floor -> 0; 丙: 6.67 × 90% = 6.003 -> 6
    assert (cells["甲"][5].value, cells["甲"][7].value, cells["甲"][7].number_format) == ("部分达成", 3.3, "0.0")
    assert (cells["乙"][5].value, cells["乙"][5].number_format, cells["乙"][7].value, cells["乙"][7].number_format) == (
        0.5833, "0.00%", 0, "0")
    assert (cells["丙"][6].value, cells["丙"][6].number_format, cells["丙"][7].value) == (6.67, "0.00", 6)
    assert cells["乙"][8].value == "扣 6.66 分（完成率 58.33%）"
    total = row_of(ws, "A", "总分")
    assert (ws.cell(total, 10).value, ws.cell(total + 1, 10).value) == (9.3, "差")


# --- exactness, atomicity and safety ------------------------------------------------------------------------


def test_a_number_excel_cannot_hold_exactly_is_refused(tmp_path: Path) -> None:
    result = attrs.evolve(scored("jinhua-2024"), max=Decimal("100.00000000000000001"))
    with pytest.raises(SelfScoreError, match=r"100\.00000000000000001.*cannot be stored exactly"):
        write_result_xlsx(result, tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def _failing_save(self: Any, filename: str) -> None:
    Path(filename).write_bytes(b"PK\x03\x04 half a zip")
    raise OSError(errno.ENOSPC, "No space left on device")


def test_failure_mid_write_leaves_no_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl.Workbook, "save", _failing_save)
    with pytest.raises(OutputError, match=r"无法写入 \(cannot write\): 磁盘空间不足 \(no space left on device\)"):
        write_result_xlsx(scored("jinhua-2024"), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failure_mid_write_leaves_an_existing_output_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the old workbook")
    monkeypatch.setattr(openpyxl.Workbook, "save", _failing_save)
    with pytest.raises(OutputError, match="原有文件未改动"):
        write_result_xlsx(scored("jinhua-2024"), out, overwrite=True)
    assert out.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_replaces_an_existing_output_keeping_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    with pytest.raises(OutputError, match=r"文件已存在，未覆盖 .*如需覆盖请加 --force"):
        write_result_xlsx(scored("jinhua-2024"), out)
    assert out.read_bytes() == b"old"
    write_result_xlsx(scored("jinhua-2024"), out, overwrite=True)
    assert openpyxl.load_workbook(out).sheetnames == ["自评表", "计算过程"]
    assert out.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "new.xlsx"
    write_result_xlsx(scored("jinhua-2024"), fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not the 0600 of a temporary file


def test_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    source = tmp_path / "case.toml"
    source.write_bytes((CASES / "jinhua-2024.toml").read_bytes())
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    for spelling in (source, tmp_path / "sub" / ".." / "case.toml"):
        with pytest.raises(OutputError, match="refusing to overwrite an input"):
            write_result_xlsx(scored("jinhua-2024"), spelling, inputs=[source], overwrite=True)
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    with pytest.raises(OutputError, match="refusing to overwrite an input"):
        write_result_xlsx(scored("jinhua-2024"), link, inputs=[source], overwrite=True)
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.toml", "link.xlsx", "sub"]


def test_missing_folder_or_a_folder_as_output(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="output folder does not exist"):
        write_result_xlsx(scored("jinhua-2024"), tmp_path / "nope" / "out.xlsx")
    with pytest.raises(OutputError, match="output is a folder"):
        write_result_xlsx(scored("jinhua-2024"), tmp_path)


def test_without_openpyxl_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # makes "import openpyxl" raise ImportError
    with pytest.raises(UnreadableError, match=r"需要安装 openpyxl：pip install 'selfscore\[xlsx\]'"):
        write_result_xlsx(scored("jinhua-2024"), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_officers_note_and_levels_reach_the_xlsx_and_json(tmp_path: Path) -> None:
    # issue 12 item 4: the 备注 column (L12 of the 元岗 table) and the officer's 一级/二级 carry through
    from selfscore.inputs.sheet import load_sheet_case

    case, spec = load_sheet_case(ROOT / "tests" / "data" / "sheets" / "yuangang-2023.xlsx", "tianhe-2023")
    result = selfscore.score(spec, case)
    path = tmp_path / "out.xlsx"
    write_result_xlsx(result, path, inputs=[])
    ws = openpyxl.load_workbook(path)["自评表"]
    row = row_of(ws, "E", "代征出租屋综合税")
    assert (ws[f"C{row}"].value, ws[f"D{row}"].value) == ("效益指标", "经济效益")
    assert ws[f"K{row}"].value == ("扣 0.1 分（完成率 98.66%）；偏差原因：受辖内出租屋空置率上升影响，征收额略低于目标；"
                                   "下一步加强出租屋税源巡查；备注：目标值取自部门绩效目标申报表")
    data = selfscore.result_to_json(result)
    found = {i["name"]: i for p in data["parts"] for it in p["items"] for i in it.get("indicators", [])}
    assert (found["代征出租屋综合税"]["group"], found["代征出租屋综合税"]["category"],
            found["代征出租屋综合税"]["note"]) == ("效益指标", "经济效益", "目标值取自部门绩效目标申报表")
    assert "note" not in found["服务机构评估合格率"]


def test_a_note_in_a_case_file_is_kept() -> None:
    data = {"spec": "tianhe-2023", "department": "x", "year": 2023,
            "indicators": [{"name": "a", "group": "产出指标", "target": "1次", "actual": "1次", "note": "见附件"}]}
    case = selfscore.case_from_dict(data, file="c.toml")
    assert case.indicators[0].note == "见附件"
