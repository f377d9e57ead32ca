"""Project tables read through the one cell reader: a refused cell is named by row and column, nothing is guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from selfscore.cli.main import EXIT_INVALID, EXIT_UNREADABLE, main
from selfscore.core.errors import CaseError
from selfscore.inputs.project_list import read_project_list
from selfscore.inputs.project_sheet import read_project_sheet

DATA = Path(__file__).resolve().parent / "data/project"


def test_csv_error_value_in_a_used_cell_is_named(tmp_path: Path) -> None:
    text = (DATA / "langfang-2019.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("产出指标,质量指标,指标1工程完工率,,100,,100,", "产出指标,质量指标,指标1工程完工率,,100,,#DIV/0!,"),
                   encoding="utf-8")
    with pytest.raises(CaseError) as info:
        read_project_sheet(bad, "mof-2020-project")
    assert [f"{p.where}: {p.message}" for p in info.value.problems] == [
        "第13行 实际完成值 (G13): 单元格是错误值 (error value) #DIV/0!：请改为数值或文本"]


def test_csv_error_value_outside_the_table_is_ignored(tmp_path: Path) -> None:
    text = (DATA / "langfang-2019.csv").read_text(encoding="utf-8-sig")
    noted = tmp_path / "noted.csv"
    noted.write_text(text + "备注：#N/A 为原表空白,,,,,,,,,\n".replace("备注：#N/A 为原表空白", "#N/A"), encoding="utf-8")
    # the row below the table has no 三级指标: not an indicator, and its cell is not read as a value
    assert read_project_sheet(noted, "mof-2020-project").project == "办公宿舍楼、食堂及餐厅暖通改造经费"


def test_unbalanced_quote_is_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "langfang-2019.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "quote.csv"
    bad.write_text(text.replace("指标1工程完工率", "指标1工程\"完工率"), encoding="utf-8")
    assert main(["score", str(bad), "--spec", "mof-2020-project"]) == EXIT_UNREADABLE
    assert "有未配对的引号 (unbalanced quote" in capsys.readouterr().err


def test_xlsx_boolean_cell_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(DATA / "yongde-2022.xlsx")
    ws = wb.worksheets[0]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "一级指标")
    ws.cell(header + 2, 7).value = True
    path = tmp_path / "bool.xlsx"
    wb.save(path)
    assert main(["score", str(path), "--spec", "mof-2020-project"]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"第{header + 2}行 实际完成值 (G{header + 2}): 单元格是逻辑值 (boolean) TRUE" in err


def test_list_error_value_refuses_only_its_project(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("项目名称,全年预算数,全年执行数,一级指标,三级指标,年度指标值,实际完成值,分值\n"
                    "甲项目,10,10,产出指标,甲指标,5,#VALUE!,90\n"
                    "乙项目,10,9,产出指标,乙指标,5,5,90\n", encoding="utf-8")
    found = read_project_list(path, "mof-2020-project")
    assert [(label, name) for label, name, _ in found] == [("第2行", "甲项目"), ("第3行", "乙项目")]
    first, second = found[0][2], found[1][2]
    assert isinstance(first, CaseError)
    assert [f"{p.where}: {p.message}" for p in first.problems] == [
        "第2行 实际完成值 (G2): 单元格是错误值 (error value) #VALUE!：请改为数值或文本"]
    assert not isinstance(second, CaseError) and second.indicators[0].actual.text == "5"
