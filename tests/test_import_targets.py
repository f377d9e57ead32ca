"""Importing project target tables (项目支出绩效目标表): the issue's example, the long export, robustness."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from import_support import ISSUE, LONG_INDICATORS, LONG_LINES, LONG_SIGNATURE, RECORD_LINES, kinds, long_export, parse, rows, signature

from selfscore.inputs.import_targets import (
    ImportedIndicator,
    ImportResult,
    case_skeleton,
    department_skeleton,
)


@pytest.fixture(scope="module")
def long_result() -> ImportResult:
    return long_export()


# ---------------------------------------------------------------------------------------------
# The issue's example




def test_issue_example() -> None:
    result = parse(ISSUE)
    assert len(result.projects) == 1
    project = result.projects[0]
    assert project.name == "社区示例活动经费"
    assert project.amounts == (("总计", Decimal("120.00")), ("财政拨款", Decimal("120.00")), ("其他资金", Decimal("0.00")))
    assert project.goal == "开展示例活动，提升群众满意度。"
    assert project.position == 1
    assert project.indicators == (
        ImportedIndicator(1, "1", "产出指标", "11", "数量指标", "开展示例活动次数", "≥3次", "≥3次", 4),
        ImportedIndicator(2, "2", "效益指标", "22", "社会效益", "示例覆盖率", "100%", "100%", 5),
        ImportedIndicator(3, "3", "满意度指标", "31", "服务对象满意度", "群众满意度", "＞85%", "＞85%", 6),
    )
    assert result.notices == ()
    assert result.warnings == ()


# ---------------------------------------------------------------------------------------------


# The long export: 6 projects over 6 pages

def test_long_export_metadata(long_result: ImportResult) -> None:
    assert long_result.department == "广州市某区人民政府云岗街道办事处"
    assert long_result.year == 2024
    assert long_result.amount_unit == "万元"


def test_long_export_projects(long_result: ImportResult) -> None:
    got = [(p.position, p.name, p.amounts, len(p.indicators)) for p in long_result.projects]
    d = Decimal
    assert got == [
        (9, "社区党组织工作经费", (("总计", d("180.00")), ("财政拨款", d("180.00")), ("其他资金", d("0.00"))), 6),
        (26, "综合行政执法工作经费", (("总计", d("356.40")), ("财政拨款", d("356.40")), ("其他资金", d("0.00"))), 7),
        (54, "安全生产和消防安全工作经费", (("总计", d("1268.50")), ("财政拨款", d("1200.00")), ("其他资金", d("68.50"))), 8),
        (85, "环卫保洁和垃圾分类工作经费", (("总计", d("6200.00")), ("财政拨款", d("6200.00")), ("其他资金", d("0.00"))), 9),
        (120, "长者饭堂助餐配餐服务经费", (("总计", d("350.00")), ("财政拨款", d("300.00")), ("其他资金", d("50.00"))), 7),
        (149, "社工站（家庭综合服务中心）运营经费", (("总计", d("220.00")), ("财政拨款", d("220.00")), ("其他资金", d("0.00"))), 7),
    ]
    assert long_result.projects[0].goal == (
        "根据《荔湾区基层党建工作经费使用管理指引》要求，开展社区、经济联社党组织建设，"
        "包括开展党建工作、维护租赁党建阵地等，切实发挥党组织战斗堡垒作用。"
    )
    assert long_result.projects[2].amount("财政拨款") == Decimal("1200.00")
    assert long_result.projects[2].amount("上年结转") is None


def test_long_export_recovers_every_well_formed_indicator(long_result: ImportResult) -> None:
    assert long_result.indicator_count == 44
    assert rows(long_result) == LONG_INDICATORS


def test_long_export_notices(long_result: ImportResult) -> None:
    assert kinds(long_result.notices) == [
        (46, "duplicate"),  # P2 row 4 printed again at the top of page 2
        (66, "truncated-duplicate"),  # P3 row 5 cut at the foot of page 2, repeated in full on page 3
        (107, "stray"),  # a stray amount at the top of page 4
        (137, "repeated-header"),  # P5's name and amounts repeated at the top of page 5, between rows
        (170, "repeated-header"),  # P6's name and amounts repeated at the top of page 6, inside row 5
        (183, "stray"),  # the closing 注：
    ]
    texts = [str(m) for m in long_result.notices]
    assert texts[0] == (
        "第46行：重复的指标行已删除，与第36行相同 (duplicate row dropped, same as line 36)：“信访、投诉、交办类案件结案率”"
    )
    assert "第77行" in texts[1] and "整改隐患率" in texts[1]
    assert texts[2].endswith("“6,200.00”")
    assert "长者饭堂助餐配餐服务经费" in texts[3]
    assert "社工站（家庭综合服务中心）运营经费" in texts[4]
    assert "注：本表由预算管理一体化系统导出" in texts[5]


def test_long_export_warnings(long_result: ImportResult) -> None:
    assert kinds(long_result.warnings) == [
        (80, "mixed-codes"),
        (95, "target"),
        (145, "no-annual"),
        (180, "unparseable"),
    ]
    mixed, target, no_annual, unparseable = (str(m) for m in long_result.warnings)
    assert mixed == (
        "第80行：“巡查出租屋”的二级指标 11-数量指标 不属于一级指标 2-效益指标，两者均原样保留 "
        "(mixed level codes: level-2 code not under the level-1 code; both kept)"
    )
    assert "采购环卫8桶垃圾运输作业车辆约5台，提高保洁效率" in target and "several numbers" in target
    assert "目标值取实施周期指标值“≥90%”" in no_annual
    assert unparseable.startswith("第180行：无法解析的指标记录，缺少指标名称 (unparseable record: no indicator name)：“8、3-满意度指标")


def test_long_export_page_furniture_is_silent(long_result: ImportResult) -> None:
    text = " ".join(str(m) for m in (*long_result.notices, *long_result.warnings))
    for furniture in ("共 6 页", "项目名称 总计", "“绩效指标”", "单位：万元"):
        assert furniture not in text


# ---------------------------------------------------------------------------------------------
# Robustness on the long export

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(RECORD_LINES), st.floats(0.05, 0.95)), min_size=1, max_size=6))
def test_long_export_survives_more_line_breaks(splits: list[tuple[int, float]]) -> None:
    lines = list(LONG_LINES)
    for index, where in sorted(splits, reverse=True):
        line = lines[index]
        at = max(1, min(len(line) - 1, int(len(line) * where)))
        if len(line) < 2 or line[at - 1].isspace() or line[at].isspace():
            continue  # a break at a space loses the space: same data, different text
        lines[index : index + 1] = [line[:at], line[at:]]
    assert signature(parse("\n".join(lines))) == LONG_SIGNATURE


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "split", "garbage"]),
            st.integers(0, len(LONG_LINES) - 1),
            st.text(alphabet="1、-；;:：。.年度指标值实施周期产出效益满意度12345 第页共项目名称总计100%≥＞,", max_size=12),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_damage_is_reported_not_fatal(edits: list[tuple[str, int, str]]) -> None:
    lines = list(LONG_LINES)
    for op, index, junk in edits:
        index %= len(lines)
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, lines[(index * 7) % len(lines)])
        elif op == "split":
            line = lines[index]
            lines[index : index + 1] = [line[: len(line) // 2], line[len(line) // 2 :]]
        else:
            lines.insert(index, junk)
    result = parse("\n".join(lines))
    for project in result.projects:
        for ind in project.indicators:
            assert ind.name.strip()
            assert 1 <= ind.position <= len(lines)
        assert tomllib.loads(case_skeleton(project, source="x.txt", messages=result.warnings))
    for message in (*result.notices, *result.warnings):
        assert 1 <= message.line <= len(lines) + 1
    assert tomllib.loads(department_skeleton(result, source="x.txt"))


def test_a_bare_number_inside_a_value_is_content_not_a_page_number() -> None:
    # 公共区域每月日常消杀天数 / 22 / 天以上。 (found by the property test above)
    index = next(i for i in RECORD_LINES if LONG_LINES[i].startswith("22天以上"))
    lines = list(LONG_LINES)
    lines[index : index + 1] = ["22", LONG_LINES[index][2:]]
    assert signature(parse("\n".join(lines))) == LONG_SIGNATURE


@pytest.mark.slow
def test_every_single_line_break_inside_a_record_changes_nothing() -> None:
    # about a minute: every place a line can break inside the long export's records
    for index in RECORD_LINES:
        line = LONG_LINES[index]
        for at in range(1, len(line)):
            if line[at - 1].isspace() or line[at].isspace():
                continue
            lines = list(LONG_LINES)
            lines[index : index + 1] = [line[:at], line[at:]]
            assert signature(parse("\n".join(lines))) == LONG_SIGNATURE, (index, line[:at], line[at:])
