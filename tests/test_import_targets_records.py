"""Importing project target tables: line breaks, page repeats, codes, garbage, values and project headers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from import_support import HEAD, ISSUE, ROW1, ROW2, ROW3, THREE, THREE_EXPECTED, content, kinds, long_export, parse

from selfscore.inputs.import_targets import (
    LEVEL1,
    LEVEL2,
    ImportResult,
    parse_target_export,
)


@pytest.fixture(scope="module")
def long_result() -> ImportResult:
    return long_export()


# ---------------------------------------------------------------------------------------------
# Line breaks anywhere

@pytest.mark.parametrize("cut", range(1, len(THREE)))
def test_a_line_break_anywhere_changes_nothing(cut: int) -> None:
    result = parse(HEAD + THREE[:cut] + "\n" + THREE[cut:] + "\n")
    assert content(result) == THREE_EXPECTED
    assert result.notices == () and result.warnings == ()


@pytest.mark.parametrize("cut", range(1, len(THREE), 3))
@pytest.mark.parametrize(
    "furniture",
    [
        "\n\n第 3 页 共 9 页\n\n",
        "\n- 3 -\n项目名称 总计 财政拨款 其他资金 项目绩效目标\n绩效指标\n",
        "\n3\n\n项目名称 总计 财政拨款 其他资金 项目绩效目标 绩效指标\n（续表）\n",
    ],
)
def test_page_furniture_anywhere_is_dropped_silently(cut: int, furniture: str) -> None:
    result = parse(HEAD + THREE[:cut] + furniture + THREE[cut:] + "\n")
    assert content(result) == THREE_EXPECTED
    assert result.notices == () and result.warnings == ()


@given(st.lists(st.integers(min_value=1, max_value=len(THREE) - 1), min_size=1, max_size=12, unique=True))
def test_many_line_breaks(cuts: list[int]) -> None:
    pieces, last = [], 0
    for cut in sorted(cuts):
        pieces.append(THREE[last:cut])
        last = cut
    pieces.append(THREE[last:])
    result = parse(HEAD + "\n".join(pieces) + "\n")
    assert content(result) == THREE_EXPECTED


def test_record_number_broken_across_lines() -> None:
    records = "".join(
        f"{n}、1-产出指标；11-数量指标；指标{n}；实施周期指标值:{n}次；年度指标值:{n}次。" for n in range(1, 13)
    )
    at = records.index("12、")
    result = parse(HEAD + records[: at + 1] + "\n" + records[at + 1 :] + "\n")
    assert [i.seq for i in result.projects[0].indicators] == list(range(1, 13))
    assert result.warnings == ()


def test_full_width_and_ascii_punctuation() -> None:
    text = HEAD + (
        "１、１－产出指标；１１－数量指标；开展活动次数；实施周期指标值：≥３次；年度指标值：≥３次。\n"
        "2. 1-产出指标; 13-时效指标; 办结时限; 实施周期指标值: ≤2个小时; 年度指标值: ≤2个小时.\n"
        "3、2—效益指标；21—经济效益；代征出租屋综合税；实施周期指标值:500 万元；年度指标值:500 万元。\n"
    )
    result = parse(text)
    assert content(result) == [
        (1, "1-产出指标", "11-数量指标", "开展活动次数", "≥３次", "≥３次"),  # codes in ASCII, values as written
        (2, "1-产出指标", "13-时效指标", "办结时限", "≤2个小时", "≤2个小时"),
        (3, "2-效益指标", "21-经济效益", "代征出租屋综合税", "500 万元", "500 万元"),
    ]
    assert [(i.level1_code, i.level2_code) for i in result.projects[0].indicators] == [("1", "11"), ("1", "13"), ("2", "21")]
    assert result.warnings == ()


def test_values_keep_their_own_punctuation() -> None:
    text = HEAD + (
        "1、1-产出指标；11-数量指标；垃圾分类宣传活动；实施周期指标值:每月开展垃圾分类活动4次或以上。；"
        "年度指标值:每月开展垃圾分类活动4次或以上。。\n"
        "2、1-产出指标；12-质量指标；环卫保洁时间；实施周期指标值:背街小巷12小时以上；部分内街马路14小时或以上；"
        "年度指标值:背街小巷12小时以上；部分内街马路14小时或以上。\n"
    )
    result = parse(text)
    first, second = result.projects[0].indicators
    assert first.cycle_value == "每月开展垃圾分类活动4次或以上。"
    assert first.annual_value == "每月开展垃圾分类活动4次或以上。"
    assert second.cycle_value == "背街小巷12小时以上；部分内街马路14小时或以上"
    assert second.annual_value == "背街小巷12小时以上；部分内街马路14小时或以上"
    assert kinds(result.warnings) == [(4, "target")]  # two numbers: parse_target cannot choose


# ---------------------------------------------------------------------------------------------
# Page repeats

def test_exact_page_repeat_is_dropped_with_a_notice() -> None:
    text = HEAD + ROW1 + ROW2 + "\n第 1 页 共 2 页\n项目名称 总计 绩效指标\n" + ROW2[:20] + "\n" + ROW2[20:] + ROW3 + "\n"
    result = parse(text)
    assert [i.seq for i in result.projects[0].indicators] == [1, 2, 3]
    assert [str(m) for m in result.notices] == [
        "第6行：重复的指标行已删除，与第3行相同 (duplicate row dropped, same as line 3)：“活动覆盖率”"
    ]
    assert result.warnings == ()


def test_row_cut_by_a_page_break_and_repeated_is_dropped() -> None:
    for cut in (10, 22, len(ROW2) - 8, len(ROW2) - 3):
        text = HEAD + ROW1 + "\n" + ROW2[:cut] + "\n第 1 页 共 2 页\n" + ROW2 + ROW3 + "\n"
        result = parse(text)
        assert content(result) == [
            (1, "1-产出指标", "11-数量指标", "开展活动次数", "≥3次", "≥3次"),
            (2, "2-效益指标", "22-社会效益", "活动覆盖率", "100%", "100%"),
            (3, "3-满意度指标", "31-服务对象满意度", "群众满意度", "＞85%", "＞85%"),
        ], cut
        assert kinds(result.notices) == [(4, "truncated-duplicate")], cut
        assert result.warnings == (), cut


def test_row_continued_over_a_page_break_is_joined() -> None:
    cut = ROW2.index("度指标值")
    furniture = "\n\n第 1 页 共 2 页\n\n项目名称 总计 财政拨款 其他资金 项目绩效目标\n绩效指标\n"
    text = HEAD + ROW1 + "\n" + ROW2[:cut] + furniture + ROW2[cut:] + ROW3
    result = parse(text)
    assert [i.annual_value for i in result.projects[0].indicators] == ["≥3次", "100%", "＞85%"]
    assert result.notices == () and result.warnings == ()


def test_project_header_repeated_between_rows_and_inside_a_row() -> None:
    header = "社区办公\n经费\n120.00 120.00 0.00\n"
    cut = ROW3.index("满意度；") + 2
    text = (
        "社区办公\n经费\n120.00 120.00 0.00\n开展社区工作。\n"
        + ROW1 + "\n第 1 页 共 3 页\n" + header + ROW2[:-1] + "\n"
        + "。\n" + ROW3[:cut] + "\n第 2 页 共 3 页\n" + header + ROW3[cut:] + "\n"
    )
    result = parse(text)
    assert len(result.projects) == 1
    assert content(result) == [
        (1, "1-产出指标", "11-数量指标", "开展活动次数", "≥3次", "≥3次"),
        (2, "2-效益指标", "22-社会效益", "活动覆盖率", "100%", "100%"),
        (3, "3-满意度指标", "31-服务对象满意度", "群众满意度", "＞85%", "＞85%"),
    ]
    assert kinds(result.notices) == [(7, "repeated-header"), (14, "repeated-header")]
    assert result.warnings == ()


def test_same_row_in_two_projects_is_not_a_duplicate() -> None:
    text = "项目名称：甲\n总计：1.00\n" + ROW1 + "\n项目名称：乙\n总计：2.00\n" + ROW1 + "\n"
    result = parse(text)
    assert [len(p.indicators) for p in result.projects] == [1, 1]
    assert result.notices == () and result.warnings == ()


def test_same_number_different_content_keeps_both() -> None:
    text = HEAD + ROW1 + ROW2 + ROW2.replace("100%。", "≥95%。") + "\n"
    result = parse(text)
    assert [i.annual_value for i in result.projects[0].indicators] == ["≥3次", "100%", "≥95%"]
    assert sorted(m.kind for m in result.warnings) == ["duplicate-name", "numbering"]
    assert "序号 2 与第3行重复但内容不同" in str(next(m for m in result.warnings if m.kind == "numbering"))


# ---------------------------------------------------------------------------------------------
# Codes


def test_mixed_codes_are_kept_with_a_warning() -> None:
    text = HEAD + "1、2-效益指标；11-数量指标；巡查出租屋；实施周期指标值:≥8万套次；年度指标值:≥8万套次。\n"
    result = parse(text)
    (ind,) = result.projects[0].indicators
    assert (ind.level1_code, ind.level1_name, ind.level2_code, ind.level2_name) == ("2", "效益指标", "11", "数量指标")
    assert kinds(result.warnings) == [(3, "mixed-codes")]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ("1-效益指标；11-数量指标", ["code-name"]),
        ("1-产出指标；12-数量指标", ["code-name"]),
        ("1-产出指标；22-社会效益指标", ["mixed-codes"]),
        ("1-产出指标；15-其他指标", ["unknown-code"]),
        ("4-其他指标；11-数量指标", ["mixed-codes", "unknown-code"]),
        ("2-效益指标；22-社会效益指标", []),
        ("3-满意度指标；31-服务对象满意度指标", []),
    ],
)
def test_code_checks(codes: str, expected: list[str]) -> None:
    result = parse(HEAD + f"1、{codes}；某指标；实施周期指标值:100%；年度指标值:100%。\n")
    assert len(result.projects[0].indicators) == 1
    assert sorted(m.kind for m in result.warnings) == expected


def test_level2_name_without_its_code() -> None:
    result = parse(HEAD + "1、1-产出指标；数量指标；开展活动次数；实施周期指标值:≥3次；年度指标值:≥3次。\n")
    (ind,) = result.projects[0].indicators
    assert (ind.level2_code, ind.level2_name, ind.name) == ("", "数量指标", "开展活动次数")
    assert kinds(result.warnings) == [(3, "missing-code")]


def test_code_tables() -> None:
    assert LEVEL1 == {"1": "产出指标", "2": "效益指标", "3": "满意度指标"}
    assert all(code[0] in LEVEL1 for code in LEVEL2)
    assert LEVEL2["14"] == "成本指标" and LEVEL2["31"] == "服务对象满意度"


def test_record_without_its_number_is_recovered() -> None:
    text = HEAD + ROW1 + "\n2-效益指标；22-社会效益；活动覆盖率；实施周期指标值:100%；年度指标值:100%。\n" + ROW3 + "\n"
    result = parse(text)
    assert [i.seq for i in result.projects[0].indicators] == [1, None, 3]
    assert kinds(result.warnings) == [(4, "numbering")]
    assert "缺少序号" in str(result.warnings[0])


# ---------------------------------------------------------------------------------------------
# Garbage between records


def test_stray_text_and_amounts_between_rows() -> None:
    text = HEAD + ROW1 + "\n2,839.25\n" + ROW2 + "\n注：以下为续表\n" + ROW3 + "\n填报人：张三\n"
    result = parse(text)
    assert len(result.projects[0].indicators) == 3
    assert [str(m) for m in result.notices] == [
        "第4行：已跳过无关文字 (stray text skipped)：“2,839.25”",
        "第6行：已跳过无关文字 (stray text skipped)：“注：以下为续表”",
    ]
    assert result.warnings == ()


def test_stray_amounts_and_page_number_inside_a_row() -> None:
    cut = ROW2.index("周期")
    text = HEAD + ROW1 + "\n" + ROW2[:cut] + "\n7\n" + ROW2[cut:] + "\n" + ROW3[:30] + "\n1,256.99\n" + ROW3[30:] + "\n"
    result = parse(text)
    assert content(result)[1:] == [
        (2, "2-效益指标", "22-社会效益", "活动覆盖率", "100%", "100%"),
        (3, "3-满意度指标", "31-服务对象满意度", "群众满意度", "＞85%", "＞85%"),
    ]
    assert kinds(result.notices) == [(8, "stray")]
    assert kinds(result.warnings) == [(5, "page-number")]


def test_record_running_into_another_is_flagged() -> None:
    text = HEAD + ROW1[:-1] + "X、2-效益指标；22-社会效益；活动覆盖率；实施周期指标值:100%；年度指标值:100%。\n"
    result = parse(text)
    assert [i.name for i in result.projects[0].indicators] == ["开展活动次数"]
    assert kinds(result.warnings) == [(3, "merged"), (3, "target")]  # its annual value ran on: unreadable


def test_page_number_right_before_a_broken_off_record_number() -> None:
    cut = ROW2.index("、")
    text = HEAD + ROW1 + "\n第 1 页 共 2 页\n项目名称 总计 绩效指标\n" + ROW2[:cut] + "\n" + ROW2[cut:] + ROW3 + "\n"
    result = parse(text)
    assert [i.seq for i in result.projects[0].indicators] == [1, 2, 3]
    assert result.notices == () and result.warnings == ()


def test_garbled_record_is_listed_with_its_line() -> None:
    text = HEAD + ROW1 + "\n乱码乱码；11-数量指标；实施周期指标值:≥3次\n" + ROW3 + "\n"
    result = parse(text)
    assert [i.seq for i in result.projects[0].indicators] == [1, 3]
    assert kinds(result.warnings) == [(4, "unparseable"), (5, "numbering")]
    assert "乱码乱码；11-数量指标；实施周期指标值:≥3次" in str(result.warnings[0])


def test_record_with_a_name_is_never_dropped() -> None:
    text = HEAD + ROW1 + "2、1-产出指标；11-数量指标；只有名称的指标。" + ROW3 + "\n"
    result = parse(text)
    second = result.projects[0].indicators[1]
    assert (second.name, second.cycle_value, second.annual_value) == ("只有名称的指标", "", "")
    assert kinds(result.warnings) == [(3, "no-values")]


def test_missing_terminator_does_not_swallow_the_next_project() -> None:
    text = HEAD + ROW1[:-1] + "\n长者饭堂经费\n350.00 300.00 50.00\n为长者服务。\n" + ROW1 + "\n"
    result = parse(text)
    assert [(p.name, len(p.indicators)) for p in result.projects] == [("示例项目", 1), ("长者饭堂经费", 1)]
    assert result.projects[0].indicators[0].annual_value == "≥3次"
    assert result.projects[1].goal == "为长者服务。"
    assert kinds(result.warnings) == [(3, "no-terminator")]


def test_lone_header_words_inside_a_row_are_text() -> None:
    row = "1、1-产出指标；11-数量指标；绩效指标完成率；实施周期指标值:100%；年度指标值:100%。"
    at = row.index("完成率")
    cut = row.index("指标值:100%。")
    text = HEAD + row[: at - 4] + "\n绩效指标\n" + row[at:cut] + "\n指标值\n" + row[cut + 3 :] + "\n"
    result = parse(text)
    assert content(result) == [(1, "1-产出指标", "11-数量指标", "绩效指标完成率", "100%", "100%")]
    assert result.notices == () and result.warnings == ()


# ---------------------------------------------------------------------------------------------
# Values


def test_annual_value_missing_falls_back_to_cycle_value() -> None:
    result = parse(HEAD + "1、1-产出指标；11-数量指标；活动次数；实施周期指标值:≥3次；年度指标值:。\n")
    (ind,) = result.projects[0].indicators
    assert (ind.cycle_value, ind.annual_value, ind.target) == ("≥3次", "", "≥3次")
    assert kinds(result.warnings) == [(3, "no-annual")]


def test_unreadable_annual_value_is_kept_raw() -> None:
    result = parse(HEAD + "1、1-产出指标；13-时效指标；完成时间；实施周期指标值:1-3月；年度指标值:1-3月完成。\n")
    (ind,) = result.projects[0].indicators
    assert ind.annual_value == "1-3月完成"
    assert kinds(result.warnings) == [(3, "target")]
    assert "“1-3月完成”无法读取" in str(result.warnings[0])


# ---------------------------------------------------------------------------------------------
# Projects


def test_labelled_project_header() -> None:
    text = (
        "2023年项目支出绩效目标表\n单位名称：广州市某区人民政府云岗街道办事处\n金额单位：万元\n"
        "项目名称：社区党组织\n书记绩效奖励\n总计：39.05 财政拨款：39.05 其他资金：0.00\n"
        "绩效目标：通过优化机制措施，\n不断激发社区党组织书记工作热情。\n" + ROW1 + "\n"
    )
    result = parse(text)
    assert (result.year, result.department, result.amount_unit) == (2023, "广州市某区人民政府云岗街道办事处", "万元")
    (project,) = result.projects
    assert project.name == "社区党组织书记绩效奖励"
    assert project.amounts == (("总计", Decimal("39.05")), ("财政拨款", Decimal("39.05")), ("其他资金", Decimal("0.00")))
    assert project.goal == "通过优化机制措施，不断激发社区党组织书记工作热情。"
    assert project.position == 4


def test_layout_header_on_one_line() -> None:
    text = "社区办公经费 1,120.00 1,000.00 120.00 开展社区党建工作。\n" + ROW1 + "\n"
    (project,) = parse(text).projects
    assert project.name == "社区办公经费"
    assert [str(v) for _, v in project.amounts] == ["1120.00", "1000.00", "120.00"]
    assert project.goal == "开展社区党建工作。"


@pytest.mark.parametrize(
    "header",
    ["项目名称 资金总额 财政拨款 上年结转 绩效目标 绩效指标\n", "项目名称\n资金总额\n财政拨款\n上年结转\n\n绩效目标\n绩效指标\n"],
)
def test_table_header_names_the_amount_columns(header: str) -> None:
    result = parse(header + "某项目\n30.00\n20.00\n10.00\n" + ROW1 + "\n")
    (project,) = result.projects
    assert project.name == "某项目"
    assert project.amounts == (("资金总额", Decimal("30.00")), ("财政拨款", Decimal("20.00")), ("上年结转", Decimal("10.00")))
    assert result.notices == () and result.warnings == ()


def test_project_header_problems() -> None:
    result = parse("项目名称：无金额项目\n绩效目标：略\n" + ROW1 + "\n某项目\n1.00 2.00 3.00 4.00\n" + ROW1 + "\n")
    assert [(p.name, p.amounts) for p in result.projects] == [
        ("无金额项目", ()),
        ("某项目", (("总计", Decimal("1.00")), ("财政拨款", Decimal("2.00")), ("其他资金", Decimal("3.00")))),
    ]
    assert kinds(result.warnings) == [(1, "no-amounts"), (5, "amount-columns")]


def test_amounts_are_exact_decimals(long_result: ImportResult) -> None:
    for project in long_result.projects:
        for _, value in project.amounts:
            assert type(value) is Decimal
            assert value.as_tuple().exponent == -2


def test_numbering_restart_without_a_header_starts_an_unnamed_project() -> None:
    result = parse(HEAD + ROW1 + ROW2 + "\n" + ROW1 + "\n")
    assert [(p.name, len(p.indicators)) for p in result.projects] == [("示例项目", 2), ("", 1)]
    assert kinds(result.warnings) == [(4, "no-project-name")]


def test_numbering_gap_is_a_warning() -> None:
    result = parse(HEAD + ROW1 + "\n" + ROW3 + "\n")
    assert kinds(result.warnings) == [(4, "numbering")]
    assert "应为 2，实为 3" in str(result.warnings[0])


def test_indicators_before_any_header() -> None:
    result = parse(ROW1 + "\n")
    assert [(p.name, len(p.indicators)) for p in result.projects] == [("", 1)]
    assert kinds(result.warnings) == [(1, "no-project-name")]


def test_project_without_indicators() -> None:
    result = parse("项目名称：空项目\n总计：5.00\n绩效目标：无\n")
    assert [(p.name, p.indicators) for p in result.projects] == [("空项目", ())]
    assert kinds(result.warnings) == [(1, "no-indicators")]


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff", "第 1 页 共 1 页\n", "随便一段文字\n"])
def test_nothing_to_recover(text: str) -> None:
    result = parse(text)
    assert result.indicator_count == 0
    assert result.projects == ()


def test_crlf_and_bom() -> None:
    result = parse("\ufeff" + ISSUE.replace("\n", "\r\n"))
    assert result.indicator_count == 3
    assert [i.position for i in result.projects[0].indicators] == [4, 5, 6]


def test_rejects_bytes() -> None:
    with pytest.raises(TypeError):
        parse_target_export(b"1\xe3\x80\x81")  # type: ignore[arg-type]
