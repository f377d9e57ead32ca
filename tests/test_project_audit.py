"""The auditor and the national form: golden cases from the four published tables, sheets, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from selfscore.cli.main import main
from selfscore.cli.project import check_file
from selfscore.core.numbers import fmt
from selfscore.core.project import Typed
from selfscore.core.project_score import score_project
from selfscore.inputs.load import load_spec
from selfscore.inputs.project_sheet import load_project_case, read_project_sheet
from selfscore.outputs.audit import audit, audit_to_json, render_audit
from selfscore.outputs.project_template import write_project_form

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CASES = sorted((ROOT / "cases").glob("project-*.toml"))
DATA = ROOT / "tests/data/project"
NATIONAL = load_spec("mof-2020-project")


@pytest.mark.parametrize("path", PROJECT_CASES, ids=[p.stem for p in PROJECT_CASES])
def test_golden_project_case_names_its_variant_and_exactly_its_bad_rows(path: Path) -> None:
    ok, lines = check_file(path)
    assert ok, lines


def test_the_four_published_tables_are_golden_cases() -> None:
    assert {p.stem for p in PROJECT_CASES} == {"project-yongde-2022", "project-huanggang-2020", "project-langfang-2019",
                                               "project-liangping-2022"}
    for name in ("nutrition-yongde-lincang-yunnan-2022", "shuibao-jiance-huanggang-hubei-2020",
                 "nuantong-gaizao-langfang-hebei-2019", "bumen-zhengti-linye-liangping-chongqing-2022"):
        text = (ROOT / f"tests/data/published/{name}.txt").read_text(encoding="utf-8")
        assert text.startswith(f"# copied from the project's shared folder of published tables (file {name}.txt); source page: ")


def test_yongde_docked_row_and_the_98_percent_row() -> None:
    found = audit(load_project_case(ROOT / "cases/project-yongde-2022.toml"), NATIONAL)
    assert found.best == "mof-2020-project-floor"
    counts = {c.id: (c.explained, c.compared) for c in found.variants}
    assert counts["mof-2020-project"] == (9, 11) and counts["mof-2020-project-floor"] == (10, 11)  # 10 scores + 等级
    [bad] = found.unexplained
    assert (bad.name, bad.typed, bad.expected) == ("资金到位及时率", "7", "10")
    assert bad.note == "已达成，应得满分 10，表中扣至 7"
    knowledge = next(v for v in found.rows if v.name == "政策知晓率")
    assert knowledge.explained_by == ("mof-2020-project-floor",)
    assert [f.kind for f in found.arithmetic] == ["docked"]


def test_huanggang_weight_times_actual_is_named() -> None:
    found = audit(load_project_case(ROOT / "cases/project-huanggang-2020.toml"), NATIONAL)
    assert found.best == "mof-2020-project-hubei"
    [bad] = found.unexplained
    assert (bad.name, bad.typed, bad.expected) == ("整编资料审核", "19.6", "20")
    assert "表中按 分值 × 实际完成值 计算：20 × 98% = 19.6" in bad.note
    execution = found.rows[0]
    assert execution.explained_by == ("mof-2020-project-hubei",) and execution.typed == "20"


def test_whole_point_table_names_that_variant_from_its_csv() -> None:
    case = read_project_sheet(DATA / "langfang-2019.csv", "mof-2020-project")
    assert (case.unit, case.year, case.amount_unit, len(case.indicators)) == ("廊坊市食品工程学校", 2019, "万元", 9)
    found = audit(case, NATIONAL)
    assert found.best == "mof-2020-project-integer" and found.clean
    assert {c.id: c.explained for c in found.variants}["mof-2020-project-integer"] == 10
    assert found.rows[0].explained_by == ("mof-2020-project-integer",)
    assert found.rows[0].arithmetic == ("执行率 = 全年执行数 37.24 ÷ 全年预算数 43.2 = 86.2%；"
                                        "10 × 86.2% = ≈8.62037 → 9（四舍五入, 0位小数）")


def test_grade_bands_tell_the_vendor_default_apart() -> None:
    case = load_project_case(ROOT / "cases/project-langfang-2019.toml")
    found = audit(attrs.evolve(case, total=Typed("75", "total.score"), grade=Typed("良", "total.grade")), NATIONAL)
    grade = found.rows[-1]
    assert (grade.name, grade.explained_by, grade.expected) == ("等级", ("mof-2020-project-vendor",), "中")


def test_docked_met_row_and_wrong_total_are_both_named() -> None:
    found = audit(read_project_sheet(DATA / "docked-wrong-total.csv", "mof-2020-project"), NATIONAL)
    assert found.best == "mof-2020-project"
    assert [(f.kind, f.where, f.says, f.should) for f in found.arithmetic] == [
        ("total", "第18行 得分 (I18)", "93.5", "92.5"),
        ("docked", "第13行 “服务合格率”", "16", "20"),
    ]
    assert [v.name for v in found.unexplained] == ["服务合格率"]
    data = audit_to_json(found)
    assert data["unexplained"] == ["服务合格率"] and data["arithmetic"][0]["label"] == "总分不等于各项得分之和"
    text = render_audit(found)
    assert "[总分不等于各项得分之和] 第18行 得分 (I18)：表中 93.5，应为 92.5" in text
    assert "  第13行 “服务合格率”：表中得分 16，应得 20\n      计算过程：完成率 = 实现值 97% ÷ 目标值 95%" in text
    from wcwidth import wcswidth

    assert max(wcswidth(line) for line in text.splitlines()[1:]) <= 100  # the first names the file


def test_officer_xlsx_scores_and_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    case = read_project_sheet(DATA / "yongde-2022.xlsx", "mof-2020-project-floor")
    assert case.indicators[5].actual.text == "98%" and case.indicators[5].where == "第17行 “政策知晓率”"
    result = score_project(load_spec("mof-2020-project-floor"), case)
    assert (fmt(result.score or 0), result.grade) == ("99", "优")
    assert main(["verify", str(DATA / "yongde-2022.xlsx"), "--spec", "mof-2020-project", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["best"] == "mof-2020-project-floor" and data["unexplained"] == ["资金到位及时率"]


def test_cli_score_check_and_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(ROOT / "cases/project-langfang-2019.toml"), "--spec", "mof-2020-project-integer"]) == 0
    out = capsys.readouterr().out
    assert "总分 98（满分 100），等级：优" in out
    assert main(["check", *map(str, PROJECT_CASES)]) == 0
    assert "4 passed, 0 failed" in capsys.readouterr().out
    form = tmp_path / "项目自评表.xlsx"
    assert main(["template", "--spec", "mof-2020-project", "-o", str(form)]) == 0
    blank = read_project_sheet(form, "mof-2020-project")
    assert blank.indicators == () and blank.budget[0].weight.text == "10"


def test_cli_reports_bad_input_with_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "docked-wrong-total.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    text = text.replace(",年度资金总额,120,100,95,", ",年度资金总额,120,,95,")
    bad.write_text(text.replace(",质量指标,服务合格率,1,", ",质量指标,服务合格率,9,"), encoding="utf-8")
    assert main(["score", str(bad), "--spec", "mof-2020-project"]) == 4
    err = capsys.readouterr().err
    assert "第6行 全年预算数 (D6): 缺少全年预算数 (missing adjusted budget)" in err
    assert "第13行 “服务合格率”: 指标性质“9”无法识别" in err


def test_round_trip_of_a_filled_form(tmp_path: Path) -> None:
    case = load_project_case(ROOT / "cases/project-huanggang-2020.toml")
    path = tmp_path / "hg.csv"
    write_project_form(load_spec("mof-2020-project-hubei"), path, case)
    again = read_project_sheet(path, "mof-2020-project")
    assert [(i.name, i.score.text) for i in again.indicators] == [(i.name, i.score.text) for i in case.indicators]
    assert audit(again, NATIONAL).best == "mof-2020-project-hubei"


def test_batch_names_a_project_table_instead_of_misreading_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.toml").write_text((ROOT / "cases/project-langfang-2019.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "d.toml").write_text((ROOT / "cases/jinhua-2024.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["batch", str(tmp_path)]) == 4
    captured = capsys.readouterr()
    assert "98.5" in captured.out
    assert "✗ p（" in captured.err and "这是项目支出绩效自评表：请把项目表放在单独的目录中用 selfscore batch 计分" in captured.err
