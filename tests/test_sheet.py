"""Reading officers' indicator tables (CSV and .xlsx) into cases: the hand-made fixtures in
tests/data/sheets/ score exactly as the golden case files, and every reading problem names its cell."""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import selfscore
from selfscore import CaseError, InputError, UnreadableError
from selfscore.inputs.cells import number_cell
from selfscore.inputs.sheet import load_sheet_case, read_number, read_sheet

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT / "tests" / "data" / "sheets"
HEADER = "一级指标,二级指标,三级指标,年度目标值,年度实现值,分值,得分,偏差原因"


def shown(value: Decimal | None) -> str | None:
    """A number as the table prints it (``fmt``: 20.00 prints 20, 3.90 prints 3.9)."""
    return None if value is None else selfscore.fmt(value)


def summary(result: selfscore.Result) -> Any:
    """Everything a table prints: weights, rates, scores, item, part and total scores."""
    return {
        "indicators": [(i.name, i.group, i.category, shown(i.weight), shown(i.score), i.completion.rate, i.completion.uncapped,
                        i.completion.outcome) for i in result.indicators()],
        "items": [(i.key, i.status, shown(i.score), shown(i.max)) for p in result.parts for i in p.items],
        "parts": [(p.name, shown(p.score), shown(p.max)) for p in result.parts],
        "total": (shown(result.score), shown(result.max), result.grade, result.partial, result.missing),
    }


def scored(path: Path | str, spec: str, **meta: Any) -> selfscore.Result:
    case, the_spec = load_sheet_case(path, spec, **meta)
    return selfscore.score(the_spec, case)


def golden(name: str) -> selfscore.Result:
    case, spec = selfscore.load_case_and_spec(ROOT / "cases" / f"{name}.toml")
    return selfscore.score(spec, case)


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def write_csv(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------- the fixtures equal the golden cases


@pytest.mark.parametrize(("fixture", "spec", "case"), [
    ("yuangang-2023.xlsx", "tianhe-2023", "yuangang-2023"),
    ("yuangang-2023-gbk.csv", "tianhe-2023", "yuangang-2023"),
    ("yuangang-2023-bom.csv", "tianhe-2023", "yuangang-2023"),
    ("jinhua-2024.csv", "liwan-2024", "jinhua-2024"),
])
def test_hand_made_table_scores_as_the_case_file(fixture: str, spec: str, case: str) -> None:
    assert summary(scored(SHEETS / fixture, spec)) == summary(golden(case))


def test_yuangang_xlsx_printed_numbers() -> None:
    result = scored(SHEETS / "yuangang-2023.xlsx", "tianhe-2023")
    assert [shown(i.weight) for i in result.indicators()] == ["3.34", "3.33", "3.33", "3.33", "3.33", "3.34", "4", "4", "4", "4", "4"]
    assert [shown(i.score) for i in result.indicators()][6] == "3.9"
    assert (shown(result.item("output").score), shown(result.item("benefit").score), shown(result.parts[0].score)) == ("20", "19.9", "39.9")
    assert result.partial and result.score is None
    assert (result.department, result.year) == ("广州市天河区人民政府元岗街道办事处", 2023)
    # typed weights were taken as explicit; the GBK CSV has none, so the spec split them
    assert all(i.weight_typed for i in result.indicators())
    assert not any(i.weight_typed for i in scored(SHEETS / "yuangang-2023-gbk.csv", "tianhe-2023").indicators())


def test_jinhua_csv_total_and_grade() -> None:
    result = scored(SHEETS / "jinhua-2024.csv", "liwan-2024")
    assert (shown(result.score), result.grade, result.partial) == ("98.5", "优", False)
    assert result.item("output").deductions[0].points == Decimal(1)
    assert "扣1分" in result.item("output").deductions[0].reason


# ---------------------------------------------------------------- what real sheets contain


def test_xlsx_merged_cells_percent_formats_and_extra_columns() -> None:
    sheet = read_sheet(SHEETS / "yuangang-2023.xlsx")
    assert sheet.header_row == 4  # a two-row header under a title and a 单位名称 row
    assert dict(sheet.headers) == {
        "level1": "一级指标", "level2": "二级指标", "name": "三级指标", "target": "年度目标值", "actual": "年度实现值",
        "rate": "指标完成率", "weight": "单项分值（权重）", "score": "单项自评得分", "reason": "偏差原因分析及改进措施",
        "judgement": "判断结果", "note": "备注"}
    indicators = [r for r in sheet.rows if not r.is_sum]
    sums = [r for r in sheet.rows if r.is_sum]
    assert len(indicators) == 11 and [r.number for r in sums] == [11, 17, 18]  # footer and empty styled rows skipped
    assert [(r.level1, r.level2) for r in indicators[:3]] == [("产出指标", "数量指标")] * 3  # merged cells filled
    assert indicators[4].level2 == "质量指标" and indicators[6].level1 == "效益指标"
    assert indicators[6].text("rate") == "98.66%"  # 0.9866 with a 0.00% format
    assert indicators[7].text("actual") == "100%"  # 1 with a 0% format
    assert indicators[0].text("weight") == "3.34"  # 0.00 format is a display hint only
    assert [r.text("note") for r in indicators] == [""] * 6 + ["目标值取自部门绩效目标申报表"] + [""] * 4  # L12
    assert indicators[6].text("weight") == "4"
    assert (indicators[7].text("weight"), indicators[7].cells["weight"].number) == ("4分", False)  # text with a unit
    assert sums[0].text("score") == "20" and sums[1].text("score") == "19.9"  # cached formula values


def test_numbers_are_read_exactly_and_general_format_is_not_a_percentage(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["产出指标", "数量指标", "a", "≥95%", 0.95, 3.34, 0.9866])
    ws.append(["产出指标", "数量指标", "b", "≥95%", 0.95, 10, 3.3])
    ws.append(["产出指标", "数量指标", "c", 0.95, 1.05, 6.66, 1e-05])
    ws["E3"].number_format = "0%"
    ws["D4"].number_format = "0.00%"
    ws["E4"].number_format = "0.0%"
    ws["G3"].number_format = "0.00"
    wb.save(tmp_path / "n.xlsx")
    rows = read_sheet(tmp_path / "n.xlsx").rows
    assert [r.text("actual") for r in rows] == ["0.95", "95%", "105%"]
    assert rows[2].text("target") == "95%"
    assert [r.text("weight") for r in rows] == ["3.34", "10", "6.66"]
    assert [r.text("score") for r in rows] == ["0.9866", "3.3", "0.00001"]
    # a float goes through its shortest repr, never Decimal(float)
    def _number_text(value: float, number_format: str) -> str:
        return number_cell(repr(value), number_format, "A1").text

    # a double that is no short decimal (=0.1+0.2) is refused, as batch always did: never a guess
    assert "0.30000000000000004" in number_cell(repr(0.1 + 0.2), "General", "A1").problem
    assert _number_text(3.34, "0.00") == "3.34" and _number_text(0.9866, "0.00%") == "98.66%"
    assert _number_text(1.005, '0.0"%"') == "1.005"  # a quoted % sign is text, not a percentage format
    # Excel stores a double's 17 digits; the shortest repr is what was typed
    assert number_cell("3.3399999999999999", "General", "A1").text == "3.34"


def test_numbers_as_text_with_units() -> None:
    assert read_number("4分") == Decimal("4") and read_number(" ３.９ 分") == Decimal("3.9")
    assert str(read_number("3.30")) == "3.30"
    with pytest.raises(ValueError):
        read_number("四分")


def test_header_synonyms_title_rows_and_extra_columns(tmp_path: Path) -> None:
    text = ("自评表,,,,,,,\n填报单位（盖章）：某街道,,,,,,,\n年度,2024年,,,,,,\n"
            "序号,一级指标,二级指标,指标名称,年度指标值,实现值,权重,自评得分,未完成原因,备注\n"
            "1,产出指标,数量指标,活动场数,4次,4次,20,20,,x\n"
            "2,效益指标,社会效益,满意度,≥90%,95%,20,20,,\n")
    sheet = read_sheet(write_csv(tmp_path, text))
    assert (sheet.department, sheet.year, sheet.header_row) == ("某街道", 2024, 4)
    assert set(sheet.headers) == {"level1", "level2", "name", "target", "actual", "weight", "score", "reason", "note"}
    result = scored(write_csv(tmp_path, text), "tianhe-2023")
    assert [shown(i.score) for i in result.indicators()] == ["20", "20"]
    assert [(i.group, i.category, i.note) for i in result.indicators()] == [("产出指标", "数量指标", "x"),
                                                                           ("效益指标", "社会效益", "")]


def test_table_on_a_later_sheet_with_ordinals_and_a_date_line(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表按区财政局 2024 年通知填写"])
    ws = wb.create_sheet("自评表")
    ws.append(["填报日期：2024年3月1日"])
    ws.append(["某街道2023年度部门整体支出绩效自评表"])
    ws.append(["部门名称", "某街道"])
    ws.append(HEADER.split(","))
    ws.append(["一、产出指标（分值20）", "数量指标", "活动场数", "4次", "4次"])
    ws.append(["二、效益指标", "社会效益", "满意度", "≥90%", "95%"])
    wb.save(tmp_path / "w.xlsx")
    sheet = read_sheet(tmp_path / "w.xlsx")
    assert (sheet.title, sheet.header_row, sheet.department, sheet.year) == ("自评表", 4, "某街道", 2023)
    result = scored(tmp_path / "w.xlsx", "tianhe-2023")
    assert [(i.group, shown(i.score)) for i in result.indicators()] == [("产出指标", "20"), ("效益指标", "20")]


def test_workbook_without_a_table_names_the_sheets_it_read(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.create_sheet("附件")
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(CaseError, match="已查看工作表 “封面”、“附件”"):
        read_sheet(tmp_path / "w.xlsx")


def test_department_and_year_arguments_win(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "\n产出指标,数量指标,活动场数,4次,4次,,,\n")
    case, _ = load_sheet_case(path, "tianhe-2023", department="某街道", year=2022)
    assert (case.department, case.year, case.spec) == ("某街道", 2022, "tianhe-2023")
    case, _ = load_sheet_case(path, selfscore.load_spec("liwan-2024"), department="某街道")
    assert case.year == 2024  # the spec's year when neither the sheet nor the caller gives one


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path: Path) -> None:
    text = HEADER.replace(",", "\t") + "\r\n产出指标\t数量指标\t活动场数\t4次\t3次\t\t\t未办\r\n"
    path = write_csv(tmp_path, text, "u.csv", "utf-16")
    result = scored(path, "tianhe-2023", department="某街道")
    assert shown(result.indicators()[0].score) == "15"  # 20 × 3/4


def test_empty_template_rows_are_skipped_and_unreported_items_are_partial(tmp_path: Path) -> None:
    text = (HEADER + "\n产出指标,数量指标,,,,,,\n产出指标,质量指标,垃圾清运率,日产日清,100%完成,,,\n"
            "效益指标,社会效益,,,,,,\n部门预算资金支出率,,年度平均支出率,100%,,10,,\n管理效率,预算编制,,,,3,,\n"
            "管理效率,预算执行,,,,4,4,\n")
    result = scored(write_csv(tmp_path, text), "liwan-2024", department="某街道")
    assert [i.name for i in result.indicators()] == ["垃圾清运率"]
    statuses = {i.key: i.status for p in result.parts for i in p.items}
    assert statuses["output"] == "scored" and statuses["budget_execution"] == "scored"
    assert {k for k, v in statuses.items() if v == "not_reported"} == {
        "benefit", "execution", "budgeting", "disclosure", "performance_management", "procurement", "assets", "running_cost"}
    assert result.partial and result.score is None


def test_item_rows_in_both_layouts(tmp_path: Path) -> None:
    text = (HEADER + "\n部门预算资金支出率,,年度平均支出率,100%,97.5%,,,\n管理效率,采购管理,,,,10,8.5,合同备案不及时\n"
            ",资产管理,,,,10,10,\n")
    case, spec = load_sheet_case(write_csv(tmp_path, text), "liwan-2024", department="某街道")
    assert case.items["execution"].average == Fraction(39, 40)
    assert case.items["procurement"].shortcomings[0].points == Decimal("1.5")
    assert case.items["procurement"].shortcomings[0].reason == "合同备案不及时"
    assert case.items["assets"].shortcomings == ()
    result = selfscore.score(spec, case)
    assert (shown(result.item("execution").score), shown(result.item("procurement").score)) == ("9.75", "8.5")


# ---------------------------------------------------------------- problems, each naming its cell


def test_formula_without_cached_value_names_the_cell() -> None:
    with pytest.raises(CaseError) as exc:
        load_sheet_case(SHEETS / "formula-no-cache.xlsx", "tianhe-2023", department="x")
    assert problems(exc) == [
        f"{SHEETS / 'formula-no-cache.xlsx'}: 第2行 年度实现值 (E2): 公式没有缓存值 (formula without a cached value) =2+2："
        "请在 Excel 中打开并保存，或改为数值",
        f"{SHEETS / 'formula-no-cache.xlsx'}: 第3行 得分 (G3): 公式没有缓存值 (formula without a cached value) =F3："
        "请在 Excel 中打开并保存，或改为数值",
    ]


def test_error_values_dates_and_booleans_name_their_cells(tmp_path: Path) -> None:
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["产出指标", "数量指标", "a", datetime.date(2024, 12, 31), "#DIV/0!", True])
    wb.save(tmp_path / "e.xlsx")
    with pytest.raises(CaseError) as exc:
        read_sheet(tmp_path / "e.xlsx")
    found = problems(exc)
    assert len(found) == 3
    assert "第2行 年度目标值 (D2): 单元格是日期或时间 (date/time)" in found[0]
    assert "第2行 年度实现值 (E2): 单元格是错误值 (error value) #DIV/0!" in found[1]
    assert "第2行 分值 (F2): 单元格是逻辑值 (boolean)" in found[2]


def test_missing_columns_are_reported_with_the_header_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "标题\n一级指标,二级指标,三级指标,指标值,备注\n产出指标,数量指标,a,4次,\n")
    with pytest.raises(CaseError) as exc:
        load_sheet_case(path, "tianhe-2023")
    assert problems(exc) == [f"{path}: 第2行 表头 (header): 缺少必填列 (missing required column)“年度实现值”；可用的列名: "
                             "年度实现值、实际完成值、完成值、实现值、年度实际完成值、实际值、全年实际完成值、年度完成值、"
                             "全年完成值、全年实际值"]


def test_no_header_row(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="未找到表头行 \\(no header row found\\)"):
        read_sheet(write_csv(tmp_path, "a,b,c\n1,2,3\n"))


def test_duplicate_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "一级指标,二级指标,三级指标,指标值,目标值,年度实现值\n产出指标,数量指标,a,4次,4次,4次\n")
    with pytest.raises(CaseError, match="duplicate column"):
        read_sheet(path)
    # the official name wins over a synonym
    path = write_csv(tmp_path, "一级指标,二级指标,三级指标,指标值,年度目标值,年度实现值\n产出指标,数量指标,a,1次,4次,4次\n")
    assert read_sheet(path).rows[0].text("target") == "4次"


def test_every_problem_is_collected_with_its_cell(tmp_path: Path) -> None:
    text = (HEADER + "\n产出指标,数量指标,举办文化活动场数,4.0.1次,4次,,,\n产出指标,数量指标,保洁面积,100%,,,,\n"
            "产出指标子项,数量指标,x,1次,1次,,,\n效益指标,社会效益,满意度,≥90%,95 分,abc,,\n,,,1次,1次,,,\n")
    path = write_csv(tmp_path, text)
    with pytest.raises(CaseError) as exc:
        load_sheet_case(path, "tianhe-2023")
    found = problems(exc)
    assert found[0] == f"{path}: 第2行 年度目标值 (D2): 目标值中的数字格式有误 (malformed number) “4.0.1”: “4.0.1次”"
    assert found[1] == f"{path}: 第3行 年度实现值 (E3): 年度实现值为空 (actual missing)"
    assert found[2].startswith(f"{path}: 第4行 一级指标 (A4): “产出指标子项”不是评分规范 tianhe-2023 的指标分组或二级指标 "
                               "(unknown group or item)；一级指标可填: 产出指标、效益指标、满意度指标")
    assert found[3].startswith(f"{path}: 第5行 年度实现值 (E5): 实现值单位“分”与目标值单位“%”不一致 (unit mismatch)")
    assert found[4] == f"{path}: 第5行 分值 (F5): 不是数值 (not a number): “abc”"
    assert "第6行 三级指标 (C6): 三级指标（指标名称）为空" in found[5]
    assert found[-1] == f"{path}: 缺少单位名称 (department)：请用 --department 指定，或在表头上方写“单位名称：…”"


def test_weights_typed_for_some_or_not_adding_up(tmp_path: Path) -> None:
    some = HEADER + "\n产出指标,数量指标,a,4次,4次,10,,\n产出指标,数量指标,b,4次,4次,,,\n"
    with pytest.raises(CaseError, match=r"分值 \(F2:F3\): 部分指标填写了分值、部分没有 .*未填: F3"):
        load_sheet_case(write_csv(tmp_path, some), "tianhe-2023", department="x")
    wrong = HEADER + "\n产出指标,数量指标,a,4次,4次,10,,\n产出指标,数量指标,b,4次,4次,9.99,,\n"
    with pytest.raises(CaseError, match=r"分值 \(F2:F3\): “部门整体绩效目标产出指标完成情况”各指标分值之和 19.99 "
                                      r"不等于该项分值 20 \(weights do not add up to the item's points\)"):
        load_sheet_case(write_csv(tmp_path, wrong), "tianhe-2023", department="x")


def test_item_row_problems(tmp_path: Path) -> None:
    text = (HEADER + "\n部门预算资金支出率,,年度平均支出率,100%,0.95,,,\n管理效率,采购管理,,,,10,8,\n"
            "管理效率,资产管理,,,,10,11,\n管理效率,资产管理,,,,10,10,\n管理效率,预算编制,,,,5,3,\n"
            "产出指标,数量指标,a,4次,4次,,,\n部门整体绩效目标产出指标完成情况,,,,,,19,扣1分\n")
    path = write_csv(tmp_path, text)
    with pytest.raises(CaseError) as exc:
        load_sheet_case(path, "liwan-2024", department="x")
    found = [p.split(": ", 1)[1] for p in problems(exc)]
    assert found[0].startswith("第2行 年度实现值 (E2): 年度平均支出率应写成百分数文本")
    assert found[1].startswith("第3行 偏差原因 (H3): 得分 8 低于分值 10，须写明扣分原因")
    assert found[2].startswith("第4行 得分 (G4): 得分 11 高于分值 10 (score above points)")
    assert found[3].startswith("第5行 一级指标 (A5): “资产管理”已在第4行填报，每个二级指标只能有一行")
    assert found[4].startswith("第6行 分值 (F6): 分值 5 与评分规范 liwan-2024 中“预算编制”的分值 3 不符")
    assert found[5].startswith("第8行 一级指标 (A8): “部门整体绩效目标产出指标完成情况”已逐项列出指标，不能再按汇总得分填报")


def test_unpublished_part_is_refused_not_guessed(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "\n管理效率,预算编制,,,,3,3,\n")
    with pytest.raises(CaseError, match="评分规范 tianhe-2023 未公布“管理效率”的评分细则"):
        load_sheet_case(path, "tianhe-2023", department="x")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableError, match="文件不存在"):
        read_sheet(tmp_path / "none.csv")
    with pytest.raises(UnreadableError, match="文件不存在"):
        read_sheet(tmp_path / "none.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(UnreadableError, match=r"旧版 Excel \(\.xls\) 或 WPS \(\.et\).*另存为 \.xlsx"):
        read_sheet(tmp_path / "old.xls")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnreadableError, match=r"不是有效的 \.xlsx 文件"):
        read_sheet(tmp_path / "bad.xlsx")
    (tmp_path / "bin.csv").write_bytes(b"\x81\x30\xff\xfe\x00\x80\x80")
    with pytest.raises(UnreadableError, match="不是 UTF-8 或 GBK"):
        read_sheet(tmp_path / "bin.csv")
    (tmp_path / "case.toml").write_text('spec = "x"\n', encoding="utf-8")
    with pytest.raises(UnreadableError, match=r"不是 \.csv 或 \.xlsx"):
        read_sheet(tmp_path / "case.toml")
    with pytest.raises(UnreadableError, match="no bundled spec"):
        load_sheet_case(SHEETS / "jinhua-2024.csv", "no-such-spec")


def test_reading_xlsx_needs_no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # the streaming reader parses the XML itself
    assert len(read_sheet(SHEETS / "yuangang-2023.xlsx").rows) > 5
    assert read_sheet(SHEETS / "jinhua-2024.csv").department == "广州市荔湾区人民政府金花街道办事处"


def test_cli_exit_codes_for_sheet_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from selfscore.cli.main import report_error as _report

    with pytest.raises(CaseError) as invalid:
        read_sheet(SHEETS / "formula-no-cache.xlsx")
    assert _report(invalid.value) == 4
    assert "(E2)" in capsys.readouterr().err
    with pytest.raises(UnreadableError) as unreadable:
        read_sheet(tmp_path / "none.xlsx")
    assert _report(unreadable.value) == 3


def test_one_header_table_holds_the_project_forms_names() -> None:
    from selfscore.inputs import project_sheet
    from selfscore.inputs.cells import HEADERS, header_field

    assert HEADERS["target"] == ("年度目标值", "指标值", "目标值", "年度指标值", "全年目标值", "年度目标", "年初目标值", "target")
    assert HEADERS["actual"] == ("年度实现值", "实际完成值", "完成值", "实现值", "年度实际完成值", "实际值", "全年实际完成值",
                                 "年度完成值", "全年完成值", "全年实际值", "actual")
    assert HEADERS["weight"][-2:] == ("指标权重", "weight")
    found = [header_field(h) for h in ("年初目标值", "全年完成值", "全年实际值", "指标权重")]
    assert found == ["target", "actual", "actual", "weight"]
    assert [project_sheet.indicator_field(h) for h in ("年初目标值", "全年实际值", "指标权重", "指标性质")] == [
        "target", "actual", "weight", "nature"]
    assert not hasattr(project_sheet, "_FORM_NAMES")  # no second synonym table
