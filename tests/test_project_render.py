"""A scored project table rendered as the national 项目支出绩效自评表 (terminal, Markdown, JSON, narrative, .xlsx)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from wcwidth import wcswidth

from selfscore.cli.main import main
from selfscore.core.engine import Result
from selfscore.core.project import ProjectCase
from selfscore.core.project_score import score_project
from selfscore.inputs.load import load_spec
from selfscore.inputs.project_sheet import load_project_case, read_project_sheet
from selfscore.outputs.project_render import project_to_json, project_view, render_project

CASES = Path(__file__).resolve().parent.parent / "cases"


def _scored(name: str, spec: str | None = None) -> tuple[Result, ProjectCase]:
    case = load_project_case(CASES / name, spec)
    return score_project(load_spec(case.spec), case), case


def test_table_is_the_national_project_form() -> None:
    result, case = _scored("project-yongde-2022.toml")
    text = render_project(result, case, "table")
    lines = text.splitlines()
    assert lines[0] == "义务教育营养改善计划专项资金 项目支出绩效自评表（2022 年度）"
    assert lines[1] == "实施单位：永德县明朗中学　金额单位：元　评分规范：mof-2020-project"
    assert "部门整体" not in text and "产出、效益、满意度指标" not in text
    assert "│ 项目资金          │ 年初预算数 │ 全年预算数 │ 全年执行数 │ 分值 │ 执行率 │ 得分 │" in lines
    assert "│ 年度资金总额      │            │  387664.62 │  387664.62 │   10 │   100% │   10 │" in lines
    row = next(line for line in lines if "学生受资助人数" in line)
    assert [c.strip() for c in row.split("│")[1:-1]] == ["产出指标", "数量指标", "学生受资助人数", "≥", "735", "人次", "735", "10",
                                                    "10", ""]
    row = next(line for line in lines if "政策知晓率" in line)
    assert [c.strip() for c in row.split("│")[1:-1]][2:9] == ["政策知晓率", "＝", "100", "%", "98%", "10", "9.8"]
    assert "总分 99.8（满分 100），等级：优" in lines
    assert "  - 政策知晓率：10 分得 9.8 分（完成率 98%），未填写偏差原因" in lines


@pytest.mark.parametrize(("name", "spec"), [("project-yongde-2022.toml", None), ("project-langfang-2019.toml", None),
                                            ("project-huanggang-2020.toml", "mof-2020-project-hubei")])
def test_every_line_fits_100_columns(name: str, spec: str | None) -> None:
    result, case = _scored(name, spec)
    for explain in (False, True):
        widths = [wcswidth(line) for line in render_project(result, case, "table", explain=explain).splitlines()]
        assert max(widths) <= 100


def test_levels_stand_on_their_first_row_and_footer_has_total_and_grade() -> None:
    result, case = _scored("project-yongde-2022.toml")
    view = project_view(result, case)
    assert [r[0] for r in view.indicators] == ["产出指标", "", "", "", "效益指标", "", "", "满意度指标", ""]
    assert [r[1] for r in view.indicators][7:] == ["服务对象满意度指标等", ""]
    assert view.footer[0][7:9] == ("100", "99.8") and view.footer[1][:2] == ("等级", "优")
    assert [r[0] for r in view.budget] == ["年度资金总额", "其中:当年财政拨款", "上年结转资金", "其他资金"]
    assert view.budget[1][4:] == ("", "", "")


def test_under_target_execution_and_reason_in_the_lost_points() -> None:
    result, case = _scored("project-langfang-2019.toml")
    view = project_view(result, case)
    assert view.budget[0] == ("年度资金总额", "43.2", "43.2", "37.24", "10", "86.2%", "8.62")
    assert view.lost == ("预算执行率：执行率 86.2%，10 分得 8.62 分",
                         "指标1工程资金金额：10 分得 8.62 分（完成率 86.2%），偏差原因："
                         "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。")
    shown = render_project(result, case)
    assert "扣分说明：" in shown and "失分" not in shown  # 扣, as on the department table


def test_json_carries_exact_decimals_as_strings() -> None:
    result, case = _scored("project-langfang-2019.toml")
    data = json.loads(render_project(result, case, "json"))
    assert data == project_to_json(result, case)
    assert (data["kind"], data["project"], data["unit"], data["year"], data["amount_unit"]) == (
        "project", "办公宿舍楼、食堂及餐厅暖通改造经费", "廊坊市食品工程学校", 2019, "万元")
    assert data["execution"] == {"weight": "10", "rate": {"percent": "86.2", "fraction": "931/1080"}, "score": "8.62"}
    assert data["budget"][0] == {"row": "年度资金总额", "initial": "43.2", "budget": "43.2", "spent": "37.24"}
    first = data["indicators"][0]
    assert (first["level1"], first["level2"], first["nature"], first["target"], first["actual"], first["weight"], first["score"]) == (
        "产出指标", "数量指标", "≥", "43.2", "37.24", "10", "8.62")
    assert (data["score"], data["max"], data["grade"]) == ("97.24", "100", "优")


def test_markdown_has_both_blocks() -> None:
    result, case = _scored("project-yongde-2022.toml")
    text = render_project(result, case, "markdown")
    assert text.startswith("**义务教育营养改善计划专项资金 项目支出绩效自评表（2022 年度）**\n")
    assert "| 一级指标   | 二级指标             | 三级指标                 | 指标性质   |" in text
    assert "| 满意度指标 | 服务对象满意度指标等 | 学生满意度               | ≥          | 95  " in text
    assert "- 政策知晓率：10 分得 9.8 分（完成率 98%），未填写偏差原因" in text


def test_narrative_is_about_the_project() -> None:
    result, case = _scored("project-langfang-2019.toml")
    text = render_project(result, case, "narrative")
    assert "2019年度“办公宿舍楼、食堂及餐厅暖通改造经费”项目（实施单位：廊坊市食品工程学校）支出绩效自评得分97.24分" in text
    assert "全年预算数43.2万元，全年执行数37.24万元，预算执行率86.2%，得分8.62分（分值10分）。" in text
    assert ("共设置绩效指标9个（产出指标5个、效益指标3个、满意度指标1个），分值合计90分，得分88.62分；"
            "达成年度指标值的8个，未达成的1个。") in text
    assert "部门整体" not in text


def test_xlsx_is_the_form_and_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "自评表.xlsx"
    assert main(["score", str(CASES / "project-langfang-2019.toml"), "-f", "xlsx", "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["A1"].value == "办公宿舍楼、食堂及餐厅暖通改造经费 项目支出绩效自评表（2019 年度）"
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "一级指标")
    assert [ws.cell(header, c).value for c in range(1, 11)][3:7] == ["指标性质", "年度指标值", "度量单位", "实际完成值"]
    assert ws.cell(header + 1, 9).value == pytest.approx(8.62) and ws.cell(header + 1, 9).number_format == "General"
    assert "G6" in cells and cells["G6"] == pytest.approx(0.862) and ws["G6"].number_format == "0.0%"
    assert any(str(m) == f"A{header + 1}:A{header + 5}" for m in ws.merged_cells.ranges)  # 产出指标 over its five rows
    case = read_project_sheet(out, "mof-2020-project")
    assert (case.project, case.unit, case.year, case.amount_unit) == (
        "办公宿舍楼、食堂及餐厅暖通改造经费", "廊坊市食品工程学校", 2019, "万元")
    again = score_project(load_spec("mof-2020-project"), case)
    assert again.score == Decimal("97.24")
    assert next(i.score for i in again.indicators()) == Decimal("8.62")
    assert "计算过程" in openpyxl.load_workbook(out).sheetnames


def test_cli_score_prints_the_project_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(CASES / "project-yongde-2022.toml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("义务教育营养改善计划专项资金 项目支出绩效自评表（2022 年度）\n")
    assert main(["score", str(CASES / "project-yongde-2022.toml"), "-f", "xlsx"]) == 2
    assert "--format xlsx 需要用 -o 指定输出文件" in capsys.readouterr().err


@pytest.mark.parametrize("form", ["table", "markdown", "json", "narrative"])
def test_public_render_gives_the_project_layout(form: str) -> None:
    from selfscore.outputs.render import render, result_to_json

    result, case = _scored("project-langfang-2019.toml")
    assert render(result, form) == render_project(result, case, form)
    assert render(result, form, explain=True) == render_project(result, case, form, explain=True)
    data = result_to_json(result)
    assert (data["kind"], data["project"], data["score"]) == ("project", "办公宿舍楼、食堂及餐厅暖通改造经费", "97.24")
    assert data == project_to_json(result, case)
