"""Importing project target tables: case skeletons (TOML)."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from import_support import LONG, LONG_INDICATORS, long_export

from selfscore.inputs.import_targets import (
    ImportedIndicator,
    ImportedProject,
    ImportResult,
    case_file_name,
    case_skeleton,
    department_skeleton,
    toml_string,
)


@pytest.fixture(scope="module")
def long_result() -> ImportResult:
    return long_export()


# ---------------------------------------------------------------------------------------------
# Case skeletons (TOML)


@given(st.text())
def test_toml_string_round_trips(value: str) -> None:
    value = "".join(ch for ch in value if not 0xD800 <= ord(ch) <= 0xDFFF)
    assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value


def test_toml_string_escapes() -> None:
    assert toml_string('a"b\\c\nd\te\x01\x7f') == '"a\\"b\\\\c\\nd\\te\\u0001\\u007F"'


TRICKY = ImportedProject(
    name='“示范”项目 "A" \\ 一',
    amounts=(("总计", Decimal("1.50")),),
    goal='第一行\n第二行 "引号" \\ 反斜杠\t制表\x0b',
    indicators=(
        ImportedIndicator(1, "1", "产出指标", "11", "数量指标", 'name "with" \\ quotes\nnewline', "≥3次", "≥3次", 7),
        ImportedIndicator(2, "3", "满意度指标", "31", "服务对象满意度", "满意度", "≥90%", "", 8),
        ImportedIndicator(None, "", "", "", "", "无代码", "", "", 9),
    ),
    position=1,
)


def test_case_skeleton_round_trips_through_tomllib() -> None:
    text = case_skeleton(TRICKY, source='in "put".txt', spec="liwan-2024", department="某街道", year=2024)
    data = tomllib.loads(text)
    assert (data["spec"], data["department"], data["year"], data["source"]) == ("liwan-2024", "某街道", 2024, 'in "put".txt')
    assert '“示范”项目 "A" \\ 一' in data["note"] and "第二行" in data["note"]
    assert data["indicators"] == [
        {
            "group": "产出指标",
            "category": "数量指标",
            "group_code": "1",
            "category_code": "11",
            "name": 'name "with" \\ quotes\nnewline',
            "target": "≥3次",
            "cycle_target": "≥3次",
            "actual": "",
        },
        {
            "group": "满意度指标",
            "category": "服务对象满意度",
            "group_code": "3",
            "category_code": "31",
            "name": "满意度",
            "target": "≥90%",  # the annual value is missing: the cycle value stands in
            "cycle_target": "≥90%",
            "actual": "",
        },
        {"group": "", "category": "", "name": "无代码", "target": "", "cycle_target": "", "actual": ""},
    ]


def test_case_skeleton_without_year_leaves_it_to_fill() -> None:
    text = case_skeleton(TRICKY, source="x.txt")
    data = tomllib.loads(text)
    assert "year" not in data and data["spec"] == "" and data["department"] == ""
    assert "# year = " in text


def test_case_skeleton_carries_warnings_as_comments(long_result: ImportResult) -> None:
    project = long_result.projects[2]
    text = case_skeleton(project, source=LONG.name, year=2024, messages=long_result.warnings)
    assert "# 警告 (warning)：“巡查出租屋”的二级指标 11-数量指标 不属于一级指标 2-效益指标" in text
    data = tomllib.loads(text)
    assert [i["name"] for i in data["indicators"]] == [i.name for i in project.indicators]
    assert data["indicators"][6] | {} == {
        "group": "效益指标",
        "category": "数量指标",
        "group_code": "2",
        "category_code": "11",
        "name": "巡查出租屋",
        "target": "≥8万套次",
        "cycle_target": "≥8万套次",
        "actual": "",
    }
    assert "总计 1268.50 万元" not in text or "万元" in text


def test_department_skeleton_holds_every_indicator(long_result: ImportResult) -> None:
    text = department_skeleton(long_result, source=LONG.name, spec="liwan-2024")
    data = tomllib.loads(text)
    assert data["department"] == "广州市某区人民政府云岗街道办事处"
    assert data["year"] == 2024
    assert data["source"] == "yungang-2024-project-targets.txt"
    assert len(data["indicators"]) == 44
    assert [i["target"] for i in data["indicators"]] == [row[-1] or row[-2] for row in LONG_INDICATORS]
    assert all(i["actual"] == "" for i in data["indicators"])
    for n, project in enumerate(long_result.projects, start=1):
        assert f"# —— 项目 {n} (project {n})：{project.name} ——" in text
    overridden = tomllib.loads(department_skeleton(long_result, source="x", department="别的街道", year=2025))
    assert (overridden["department"], overridden["year"]) == ("别的街道", 2025)


def test_case_file_names_are_safe() -> None:
    assert case_file_name(3, TRICKY) == "03-“示范”项目_A_一.toml"
    assert case_file_name(12, ImportedProject("a/b\\c:d*e?f<g>h|i\nj", (), "", (), 1)) == "12-a_b_c_d_e_f_g_h_i_j.toml"
    assert case_file_name(1, ImportedProject("", (), "", (), 1)) == "01-project.toml"
    assert case_file_name(1, ImportedProject("..", (), "", (), 1)) == "01-project.toml"
    assert len(case_file_name(1, ImportedProject("长" * 100, (), "", (), 1))) <= 50


# ---------------------------------------------------------------------------------------------
