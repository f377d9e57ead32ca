"""``selfscore batch`` on project tables: a folder of them or one workbook of many sheets, ranked, refusals named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from selfscore.batch.projects import handles, project_entries, summary_rows
from selfscore.cli.main import EXIT_INVALID, EXIT_OK, main
from selfscore.inputs.load import load_spec
from selfscore.inputs.project_sheet import load_project_case
from selfscore.outputs.project_template import project_rows

CASES = Path(__file__).resolve().parent.parent / "cases"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in ("project-yongde-2022.toml", "project-langfang-2019.toml", "project-huanggang-2020.toml"):
        shutil.copy(CASES / name, tmp_path / name)
    return tmp_path


def _workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    spec = load_spec("mof-2020-project")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, name in (("永德", "project-yongde-2022.toml"), ("廊坊", "project-langfang-2019.toml")):
        ws = wb.create_sheet(title)
        for row in project_rows(spec, load_project_case(CASES / name)):
            ws.append([cell or None for cell in row])
    ws = wb.create_sheet("说明")
    ws.append(["本工作簿每个工作表一个项目"])
    wb.save(path)
    return path


def test_folder_of_project_cases_is_ranked_with_refusals(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert handles(str(folder), None)
    assert main(["batch", str(folder), "-f", "csv"]) == EXIT_INVALID
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "rank,project,unit,score,grade,execution_rate,execution_score,indicators_score,spec,file"
    assert lines[1:] == [
        "1,义务教育营养改善计划专项资金,永德县明朗中学,99.8,优,100%,10,89.8,mof-2020-project,project-yongde-2022.toml",
        "2,办公宿舍楼、食堂及餐厅暖通改造经费,廊坊市食品工程学校,97.24,优,86.2%,8.62,88.62,mof-2020-project,project-langfang-2019.toml",
        "—,水土保持监测项目,黄冈市水土保持与农田水利科研所,,无法计分,,,,,project-huanggang-2020.toml",
    ]
    assert ("project-huanggang-2020.toml: 无法计分 (cannot score): 资金第1行「年度财政资金总额」的 weight: 预算执行率分值“20”与评分规范 "
            "mof-2020-project 的 10 分不符") in captured.err
    assert "2 个项目已计分，1 个无法计分" in captured.err


def test_the_spec_option_scores_every_table_under_a_variant(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "project-huanggang-2020.toml").unlink()
    (folder / "project-yongde-2022.toml").unlink()
    assert main(["batch", str(folder), "--spec", "mof-2020-project-integer", "-f", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert [(d["rank"], d["score"], d["execution_score"], d["spec"]) for d in data] == [
        ("1", "98", "9", "mof-2020-project-integer")]


def test_ties_share_a_rank(folder: Path) -> None:
    shutil.copy(folder / "project-yongde-2022.toml", folder / "copy.toml")
    rows = summary_rows(project_entries(str(folder), None), folder)
    assert [(r[0], r[3], r[9]) for r in rows] == [("1", "99.8", "copy.toml"), ("1", "99.8", "project-yongde-2022.toml"),
                                                  ("3", "97.24", "project-langfang-2019.toml"),
                                                  ("—", "", "project-huanggang-2020.toml")]


def test_one_workbook_with_a_project_per_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _workbook(tmp_path / "各项目自评表.xlsx")
    assert handles(str(book), None)
    assert main(["batch", str(book), "-f", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert [(d["project"], d["score"], d["grade"], d["execution_rate"], d["file"]) for d in data] == [
        ("义务教育营养改善计划专项资金", "99.8", "优", "100%", "各项目自评表.xlsx#永德"),
        ("办公宿舍楼、食堂及餐厅暖通改造经费", "97.24", "优", "86.2%", "各项目自评表.xlsx#廊坊")]


def test_terminal_summary_fits_100_columns(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wcwidth import wcswidth

    main(["batch", str(folder)])
    out = capsys.readouterr().out
    assert "│    1 │ 义务教育营养改善 │" in out
    assert max(wcswidth(line) for line in out.splitlines()) <= 100


def test_xlsx_summary_and_refused_indicators_option(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = folder.parent / "汇总.xlsx"
    assert main(["batch", str(folder), "-f", "xlsx", "-o", str(out)]) == EXIT_INVALID
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[2]][:5] == [1, "义务教育营养改善计划专项资金", "永德县明朗中学", 99.8, "优"]
    capsys.readouterr()
    assert main(["batch", str(folder), "--indicators", "-"]) == 2
    assert "暂不支持 --indicators" in capsys.readouterr().err


def test_department_folders_are_not_taken_for_project_tables(tmp_path: Path) -> None:
    shutil.copy(CASES / "jinhua-2024.toml", tmp_path / "jinhua-2024.toml")
    assert not handles(str(tmp_path), None)
    shutil.copy(CASES / "project-yongde-2022.toml", tmp_path / "p.toml")
    assert not handles(str(tmp_path), None)  # mixed: the department batch names the project table it skips
    assert handles(str(tmp_path), "mof-2020-project")


LIST = """项目名称,实施单位,年度,年初预算数,全年预算数,全年执行数,一级指标,二级指标,三级指标,指标性质,年度指标值,度量单位,\
实际完成值,分值,得分,偏差原因
社区党组织工作经费,云岗街道,2024,180,180,171,产出指标,数量指标,教育培训活动党员参与率,≥,80,%,85,30,,
,,,,,,,,慰问困难党员群众覆盖人数,≥,280,人,252,30,,部分对象迁出
,,,,,,满意度指标,服务对象满意度指标,基层党建工作满意度,≥,90,%,95,30,,
长者饭堂助餐配餐服务经费,云岗街道,2024,96,100,100,产出指标,数量指标,助餐服务人次,≥,5000,人次,5200,45,,
长者饭堂助餐配餐服务经费,云岗街道,2024,96,100,100,效益指标,社会效益指标,安全事故,═,0,起,-1,45,,
综合行政执法工作经费,云岗街道,2024,50,50,50,产出指标,数量指标,巡查次数,≥,12,次,,90,,
环卫保洁经费,云岗街道,2024,60,60,55,产出指标,数量指标,清运次数,≥,12,次,12,90,,
环卫保洁经费,云岗街道,2024,60,66,55,满意度指标,服务对象满意度指标,满意度,≥,90,%,95,0,,
"""


def test_one_list_with_a_project_name_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "项目清单.csv"
    path.write_text(LIST, encoding="utf-8")
    assert handles(str(path), None)
    assert main(["batch", str(path), "-f", "csv"]) == EXIT_INVALID
    captured = capsys.readouterr()
    # 社区党组织: 10 × 171/180 = 9.5; 252/280 × 30 = 27; 9.5 + 30 + 27 + 30 = 96.5
    # 长者饭堂: a negative actual against ═0 is taken as 0 (met) under the national spec: 100
    assert captured.out.splitlines()[1:] == [
        "1,长者饭堂助餐配餐服务经费,云岗街道,100,优,100%,10,90,mof-2020-project,项目清单.csv#第5行",
        "2,社区党组织工作经费,云岗街道,96.5,优,95%,9.5,87,mof-2020-project,项目清单.csv#第2行",
        "—,综合行政执法工作经费,云岗街道,,无法计分,,,,,项目清单.csv#第7行",
        "—,环卫保洁经费,,,无法计分,,,,,项目清单.csv#第8行",
    ]
    assert "项目清单.csv#第7行: 无法计分 (cannot score): 第7行 “巡查次数”: 实际完成值未填写 (actual missing)" in captured.err
    assert ("第9行 全年预算数 (E9): 同一项目的全年预算数前后不一致：“60”（第8行 全年预算数 (E8)）与“66”") in captured.err
