"""Importing project target tables: what went wrong silently on a real export (issue 10, item 4).

``tests/data/import/jinyun-2024-multi-unit-targets.txt`` imitates that export's layout (see
``tests/data/import/README.md``): a department name wrapped at its last character, sub-unit
header lines with their subtotals, a goal paragraph printed in a narrow column beside the
indicators, a project block printed twice across a page break, and 成本指标 rows.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_support import DATA, ROW1, ROW2, ROW3, kinds, parse, signature

from selfscore.core.case import case_from_dict
from selfscore.inputs.import_targets import NATURE_SYMBOLS, ImportedIndicator, ImportResult, case_skeleton, department_skeleton

MULTI = DATA / "jinyun-2024-multi-unit-targets.txt"
OFFICE = "广州市某区人民政府金云街道办事处"
CENTRE = "广州市某区金云街道综合保障中心"


@pytest.fixture(scope="module")
def multi() -> ImportResult:
    return parse(MULTI.read_text(encoding="utf-8"))


def d(*values: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple(zip(("总计", "财政拨款", "其他资金"), map(Decimal, values), strict=False))


def test_multi_unit_export_projects(multi: ImportResult) -> None:
    assert [(p.position, p.name, p.amounts, p.unit, len(p.indicators)) for p in multi.projects] == [
        (11, "社区党建工作经费", d("150.00", "150.00", "0.00"), OFFICE, 3),
        (24, "城市管理巡查经费", d("80.00", "80.00", "0.00"), OFFICE, 4),
        (50, "长者饭堂运营经费", d("120.00", "100.00", "20.00"), CENTRE, 4),
        (67, "综合保障中心运行经费", d("300.00", "300.00", "0.00"), CENTRE, 2),
    ]
    assert multi.indicator_count == 13
    assert kinds(multi.notices) == [(10, "sub-unit"), (38, "repeated-project"), (48, "sub-unit")]
    assert kinds(multi.warnings) == [(15, "goal-in-record")]


def test_department_name_keeps_its_last_character(multi: ImportResult) -> None:
    # 单位名称：…街道办事 / 处: the last character wrapped onto its own line (it was read as 办事)
    assert multi.department == OFFICE
    assert (multi.year, multi.amount_unit) == (2024, "万元")
    assert all("“处”" not in str(m) for m in multi.notices)


@pytest.mark.parametrize(
    ("lines", "department", "unit"),
    [
        ("单位名称：广州市某区人民政府金云街道办事\n处\n", OFFICE, ""),
        ("单位名称：广州市某区人民政府金云街道办事\n处 单位：万元\n", OFFICE, "万元"),
        ("单位名称：广州市某区人民政府金云街道\n办事处\n", OFFICE, ""),
        ("单位名称：广州市某区人民政府金云街道办事处 单位：万元\n", OFFICE, "万元"),
        ("单位名称：广州市某区人民政府金云街道办事处          金额单位：万元\n", OFFICE, "万元"),
        ("单位名称（盖章）：广州市某区人民政府金云街道办事处\n", OFFICE, ""),
        ("单位名称：广州市某区人民政府金云街道办事处\n", OFFICE, ""),
    ],
)
def test_department_line_variants(lines: str, department: str, unit: str) -> None:
    text = "2024年项目支出绩效目标表\n" + lines + "项目名称 总计 财政拨款 其他资金\n示例经费\n1.00 1.00 0.00\n" + ROW1 + "\n"
    result = parse(text)
    assert (result.department, result.amount_unit) == (department, unit)
    assert result.notices == () and result.warnings == ()
    assert [p.name for p in result.projects] == ["示例经费"]


def test_a_short_line_after_the_department_that_completes_no_name_is_kept() -> None:
    text = "单位名称：广州市某区人民政府金云街道办事处\n示例经费\n1.00 1.00 0.00\n" + ROW1 + "\n"
    result = parse(text)
    assert result.department == OFFICE
    assert [p.name for p in result.projects] == ["示例经费"]


def test_sub_unit_header_lines_are_not_projects(multi: ImportResult) -> None:
    unit_lines = [str(m) for m in multi.notices if m.kind == "sub-unit"]
    assert unit_lines == [
        "第10行：下级单位的标题行（单位名称及小计）不是项目，已跳过 (a sub-unit's header line, its name and subtotal, "
        "is not a project; skipped)：“广州市某区人民政府金云街道办事处 3,598.99”",
        "第48行：下级单位的标题行（单位名称及小计）不是项目，已跳过 (a sub-unit's header line, its name and subtotal, "
        "is not a project; skipped)：“广州市某区金云街道综合保障中心 420.00”",
    ]
    # the goal is the project's own, not the project's name and amounts run together
    assert multi.projects[2].goal == "为辖区长者提供助餐服务，提升长者生活质量。"


def test_sub_unit_line_before_a_labelled_project_header() -> None:
    result = parse(f"{CENTRE} 420.00\n项目名称：示例经费\n总计：1.00\n" + ROW1 + "\n")
    assert [(p.name, p.amounts, p.unit) for p in result.projects] == [("示例经费", (("总计", Decimal("1.00")),), CENTRE)]
    assert kinds(result.notices) == [(1, "sub-unit")]


def test_a_project_with_a_single_amount_is_still_a_project() -> None:
    result = parse("示例经费\n12.50\n开展示例活动。\n" + ROW1 + ROW2 + "\n")
    assert [(p.name, p.amounts, p.unit) for p in result.projects] == [("示例经费", (("总计", Decimal("12.50")),), "")]
    assert result.notices == ()


def test_a_project_without_indicators_before_another_is_not_a_sub_unit() -> None:
    text = "甲中心\n5.00\n开展甲项工作。\n乙经费\n1.00 1.00 0.00\n" + ROW1 + "\n"
    result = parse(text)
    assert result.projects[0].name == "甲中心"
    assert all(m.kind != "sub-unit" for m in result.notices)


def test_goal_beside_the_indicators_is_not_spliced_into_a_name(multi: ImportResult) -> None:
    first = multi.projects[0]
    assert [i.name for i in first.indicators] == ["组织辖内党员开展党建主题活动次数", "人均活动成本", "党员群众满意度"]
    assert first.goal == "通过开展党建主题活动，提高基层党组织组织力，确保党建工作全面覆盖。"
    (moved,) = multi.warnings
    assert str(moved).startswith("第15行：项目绩效目标的文字（打印在指标旁的窄栏中）夹在指标记录里，已移入项目的绩效目标")


def test_goal_between_two_records_of_a_project_without_one() -> None:
    text = "示例经费\n1.00 1.00 0.00\n" + ROW1 + "\n通过开展活动，\n提高群众满意度。\n" + ROW2 + ROW3 + "\n"
    result = parse(text)
    (project,) = result.projects
    assert project.goal == "通过开展活动，提高群众满意度。"
    assert len(project.indicators) == 3
    assert kinds(result.warnings) == [(4, "goal-in-record")]
    assert result.notices == ()


def test_page_repeated_project_block_is_kept_once(multi: ImportResult) -> None:
    repeated = multi.projects[1]
    assert [(i.seq, i.name, i.position) for i in repeated.indicators] == [
        (1, "日常巡查次数", 27),
        (2, "违法建设处置率", 28),
        (3, "安全事故发生数", 29),
        (4, "投诉处置及时性", 44),  # the repeat carried one more row: kept
    ]
    (notice,) = (m for m in multi.notices if m.kind == "repeated-project")
    assert str(notice) == (
        "第38行：分页重复打印的项目块（名称、金额相同）只保留一次，重复的 3 条指标已删除 "
        "(project block printed twice across a page break, same name and amounts; kept once, 3 repeated rows dropped)"
        "：“城市管理巡查经费”"
    )


def test_a_project_named_like_one_is_never_a_sub_unit() -> None:
    text = "甲经费\n5.00\n乙经费\n1.00 1.00 0.00\n" + ROW1 + "\n"
    result = parse(text)
    assert result.projects[0].name == "甲经费"
    assert all(m.kind != "sub-unit" for m in result.notices)


def test_same_name_other_amounts_is_another_project() -> None:
    text = "示例经费\n1.00 1.00 0.00\n" + ROW1 + "\n示例经费\n2.00 2.00 0.00\n" + ROW1 + "\n"
    result = parse(text)
    assert [p.amounts[0][1] for p in result.projects] == [Decimal("1.00"), Decimal("2.00")]
    assert result.notices == ()


def record(name: str) -> str:
    return f"1、1-产出指标；11-数量指标；{name}；实施周期指标值:≥3次；年度指标值:≥3次。\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("开展活动次数", []),
        ("审核通过率", []),  # 通过 alone is not prose
        ("推进保洁工作机械化", []),
        ("长" * 60, []),
        ("长" * 61, ["long-name"]),
        ("通过开展活动，提升群众满意度", ["prose-name"]),
        ("确保活动覆盖全体居民", ["prose-name"]),
        ("提高基层治理水平", ["prose-name"]),
        ("活动次数。通过开展活动" + "长" * 60, ["long-name", "prose-name"]),
    ],
)
def test_implausible_names_are_warned(name: str, expected: list[str]) -> None:
    result = parse("示例经费\n1.00 1.00 0.00\n" + record(name))
    assert [i.name for i in result.projects[0].indicators] == [name]
    assert [m.kind for m in result.warnings] == expected


def test_implausible_project_name_is_warned() -> None:
    result = parse("项目名称：为辖区居民提供服务，确保惠民政策落到实处\n总计：1.00\n" + ROW1 + "\n")
    assert kinds(result.warnings) == [(1, "prose-name")]


def test_long_name_warning_text() -> None:
    (warning,) = parse("示例经费\n1.00 1.00 0.00\n" + record("长" * 70)).warnings
    assert str(warning).startswith("第3行：指标名称长达 70 个字（超过 60 字），可能混入了其他文字，请核对 (implausibly long name")


# ---------------------------------------------------------------------------------------------
# 指标性质 and 成本指标


def test_nature_from_the_comparator(multi: ImportResult) -> None:
    got = [(i.name, i.nature, i.nature_symbol, i.lower_is_better) for p in multi.projects for i in p.indicators]
    assert got == [
        ("组织辖内党员开展党建主题活动次数", "1", "≥", None),
        ("人均活动成本", "5", "≤", True),  # 成本指标, a bare number: a ceiling
        ("党员群众满意度", "2", "＞", None),
        ("日常巡查次数", "1", "≥", None),
        ("违法建设处置率", "3", "＝", None),
        ("安全事故发生数", "5", "≤", None),  # a bare zero: met only by 0
        ("投诉处置及时性", "6", "定性", None),
        ("助餐服务人次", "1", "≥", None),
        ("每餐补助标准", "5", "≤", True),
        ("食材采购成本超支率", "4", "＜", True),
        ("就餐长者满意度", "6", "定性", None),
        ("保障服务次数", "1", "≥", None),
        ("服务对象投诉次数", "5", "≤", None),
    ]


def test_nature_codes_and_symbols() -> None:
    assert NATURE_SYMBOLS == {"1": "≥", "2": "＞", "3": "＝", "4": "＜", "5": "≤", "6": "定性"}
    row = ImportedIndicator(1, "1", "产出指标", "11", "数量指标", "x", "", "", 1)
    assert (row.nature, row.nature_symbol) == ("", "")  # no target
    unreadable = ImportedIndicator(1, "1", "产出指标", "11", "数量指标", "x", "", "约5台，提高8%", 1)
    assert unreadable.nature == ""  # several numbers: the import warns, nature stays empty
    cost_without_code = ImportedIndicator(1, "1", "产出指标", "", "成本指标", "x", "", "120元", 1)
    assert (cost_without_code.is_cost, cost_without_code.nature) == (True, "5")
    floor = ImportedIndicator(1, "1", "产出指标", "14", "成本指标", "成本节约率", "", "≥5%", 1)
    assert (floor.lower_is_better, floor.nature) == (True, "1")  # an explicit comparator wins


def test_cost_rows_are_lower_is_better_in_the_skeleton(multi: ImportResult) -> None:
    text = department_skeleton(multi, source=MULTI.name, spec="liwan-2024")
    data = tomllib.loads(text)
    flags = [(i["name"], i.get("lower_is_better")) for i in data["indicators"] if "lower_is_better" in i]
    assert flags == [("人均活动成本", True), ("每餐补助标准", True), ("食材采购成本超支率", True)]
    assert "# 指标性质 (nature)：5 ≤\n# 成本指标：目标值是上限，越低越好" in text
    case = case_from_dict(data, file="x.toml")
    assert [i.lower_is_better for i in case.indicators][:3] == [None, True, None]


def test_case_skeleton_of_a_project_loads_as_a_case(multi: ImportResult) -> None:
    text = case_skeleton(multi.projects[2], source=MULTI.name, spec="liwan-2024", department=multi.department, year=2024)
    case = case_from_dict(tomllib.loads(text), file="x.toml")
    assert [(i.name, i.target, i.lower_is_better) for i in case.indicators] == [
        ("助餐服务人次", "≥9000人次", None),
        ("每餐补助标准", "≤15元", True),
        ("食材采购成本超支率", "＜5%", True),
        ("就餐长者满意度", "满意", None),
    ]


# ---------------------------------------------------------------------------------------------
# Line breaks anywhere in the records of the multi-unit export

MULTI_LINES = MULTI.read_text(encoding="utf-8").split("\n")
NAME_BESIDE_GOAL = MULTI_LINES.index("1、1-产出指标；11-数量指标；组织辖内党员开展党建主题")
# record and goal lines, but not the line of the name beside the goal: a piece of that name
# broken onto its own short line cannot be told from the goal's first line
MULTI_RECORDS = [
    i
    for i, line in enumerate(MULTI_LINES)
    if ("；" in line or "指标值" in line or NAME_BESIDE_GOAL < i < NAME_BESIDE_GOAL + 5) and i != NAME_BESIDE_GOAL
]
MULTI_SIGNATURE = signature(parse("\n".join(MULTI_LINES)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(MULTI_RECORDS), st.floats(0.05, 0.95)), min_size=1, max_size=4))
def test_multi_unit_export_survives_line_breaks(splits: list[tuple[int, float]]) -> None:
    lines = list(MULTI_LINES)
    for index, where in sorted(splits, reverse=True):
        line = lines[index]
        at = max(1, min(len(line) - 1, int(len(line) * where)))
        lines[index : index + 1] = [line[:at], line[at:]]
    assert signature(parse("\n".join(lines))) == MULTI_SIGNATURE
