"""Importing project target tables (项目支出绩效目标表) exported from the budget system."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfscore.cli import import_targets as cli
from selfscore.inputs.import_targets import (
    LEVEL1,
    LEVEL2,
    ImportedIndicator,
    ImportedProject,
    ImportResult,
    case_file_name,
    case_skeleton,
    department_skeleton,
    parse_target_export,
    toml_string,
)

DATA = Path(__file__).parent / "data" / "import"
LONG = DATA / "yungang-2024-project-targets.txt"


def parse(text: str) -> ImportResult:
    return parse_target_export(text)


def rows(result: ImportResult) -> list[tuple[object, ...]]:
    """Every indicator as (project index, line, seq, level 1, level 2, name, cycle, annual)."""
    return [
        (
            p,
            i.position,
            i.seq,
            f"{i.level1_code}-{i.level1_name}",
            f"{i.level2_code}-{i.level2_name}",
            i.name,
            i.cycle_value,
            i.annual_value,
        )
        for p, project in enumerate(result.projects)
        for i in project.indicators
    ]


def kinds(messages: tuple[object, ...]) -> list[tuple[int, str]]:
    return [(m.line, m.kind) for m in messages]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# The issue's example


ISSUE = """\
社区示例活动经费
120.00 120.00 0.00
开展示例活动，提升群众满意度。
1、1-产出指标；11-数量指标；开展示例活动次数；实施周期指标值:≥3次；年度指标值:≥3
次。2、2-效益指标；22-社会效益；示例覆盖率；实施周期指标值:100%；年
度指标值:100%。3、3-满意度指标；31-服务对象满意度；群众满意度；实施周期指标值:＞85%；年度
指标值:＞85%。
"""


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


def _t(p: int, line: int, seq: int, l1: str, l2: str, name: str, annual: str, cycle: str | None = None) -> tuple[object, ...]:
    return (p, line, seq, l1, l2, name, annual if cycle is None else cycle, annual)


OUT, B, S = "1-产出指标", "2-效益指标", "3-满意度指标"
N, Q, T, C = "11-数量指标", "12-质量指标", "13-时效指标", "14-成本指标"
SAT = "31-服务对象满意度"

LONG_INDICATORS = [
    _t(0, 16, 1, OUT, N, "教育培训活动党员参与率", "≥80%"),
    _t(0, 17, 2, OUT, N, "慰问困难党员群众覆盖人数", "≥280人"),
    _t(0, 19, 3, OUT, N, "全年组织各类型学习教育活动", "≥4场"),
    _t(0, 20, 4, OUT, Q, "在编人员年度考核情况", "称职或以上"),
    _t(0, 22, 5, B, "22-社会效益", "“两新”党组织党建阵地建设数量", "3个"),
    _t(0, 23, 6, S, SAT, "基层党建工作满意度", "≥95%"),
    _t(1, 32, 1, OUT, N, "全年组织开展专项执法整治行动次数", "≥50次"),
    _t(1, 33, 2, OUT, N, "“散乱污”场所清理整治", "≥50间"),
    _t(1, 35, 3, OUT, N, "违法建设拆除数量", "≥25万平方米"),
    _t(1, 36, 4, OUT, Q, "信访、投诉、交办类案件结案率", "≥95%"),
    _t(1, 47, 5, OUT, T, "对辖内在建工地每周全覆盖巡查", "按时完成任务"),
    _t(1, 49, 6, B, "23-生态效益", "定期开展生态环境联合整治行动", "≥10次"),
    _t(1, 50, 7, S, SAT, "居民对环境卫生满意度", "≥95%"),
    _t(2, 60, 1, OUT, N, "检查各类安全生产场所", "≥12000家次"),
    _t(2, 61, 2, OUT, N, "对燃气供应企业依法履责情况进行监督管理检查", "≥300次"),
    _t(2, 63, 3, OUT, N, "参与消防安全演练及安全教育培训的人数", "≥150人次"),
    _t(2, 65, 4, OUT, N, "安监监管行政处罚立案", "≥80宗"),
    _t(2, 77, 5, OUT, Q, "整改隐患率", "≥95%（整改隐患数/发现隐患数）"),
    _t(2, 79, 6, B, "22-社会效益", "安全事故或不良社会影响事件发生数", "0次"),
    _t(2, 80, 7, B, N, "巡查出租屋", "≥8万套次"),  # mixed codes, kept as written
    _t(2, 81, 8, S, SAT, "受益群众满意度", "＞85%"),
    _t(3, 91, 1, OUT, N, "垃圾分类宣传活动", "每月开展垃圾分类活动4次或以上"),
    _t(3, 93, 2, OUT, N, "病媒生物日常防制消杀", "公共区域每月日常消杀天数22天以上"),
    _t(3, 95, 3, OUT, N, "推进保洁工作机械化", "采购环卫8桶垃圾运输作业车辆约5台，提高保洁效率"),
    _t(3, 97, 4, OUT, Q, "内街内巷保洁覆盖率", "100%"),
    _t(3, 109, 5, OUT, Q, "垃圾分类工作考核评级", "良及以上"),
    _t(3, 110, 6, OUT, T, "内街巷保洁时长", "≥16小时"),
    _t(3, 111, 7, OUT, C, "后勤工作购买服务成本节约率（%）", "≥5% （计划资金额-实际资金额）/计划资金额"),
    _t(3, 114, 8, B, "23-生态效益", "河长巡查率", "100%（河长实际巡查次数/河长计划参与巡查次数）"),
    _t(3, 117, 9, S, SAT, "居民对环境卫生满意度", "≥95%"),
    _t(4, 125, 1, OUT, N, "助餐配餐服务人次", "9000人次"),
    _t(4, 126, 2, OUT, N, "重度残疾人大配餐服务就餐、送餐人次", "≥400人次"),
    _t(4, 128, 3, OUT, N, "居家养老上门生活照料服务", "≥800人次"),
    _t(4, 140, 4, OUT, Q, "居家养老综合服务平台评估等级", "良好以上"),
    _t(4, 141, 5, OUT, T, "后勤工作购买服务资金拨付及时性", "服务费在合同约定时间内支付到位，及时率100%"),
    _t(4, 144, 6, B, "22-社会效益", "优抚对象春节、八一慰问完成率", "100%"),
    _t(4, 145, 7, S, SAT, "长者饭堂就餐长者满意度", "", cycle="≥90%"),  # no annual value
    _t(5, 156, 1, OUT, N, "帮扶辖区困难群体次数", "≥300次"),
    _t(5, 157, 2, OUT, N, "为群众提供法律咨询", "≥500人次"),
    _t(5, 159, 3, OUT, N, "工疗站服务人数", "≥18人"),
    _t(5, 160, 4, OUT, Q, "社工服务站评估等级", "良或以上"),
    _t(5, 161, 5, B, "22-社会效益", "严重精神障碍患者面访率", "≥80%"),
    _t(5, 174, 6, B, "24-可持续影响", "办公设备投入使用率", "100%（设备投入使用数/设备购买总数）"),
    _t(
        5, 177, 7, S, SAT, "受益群体满意度", "衡量受益群体满意情况，通过问卷调查方式并按选项结果加权平均计算"
    ),
]


@pytest.fixture(scope="module")
def long_result() -> ImportResult:
    return parse(LONG.read_text(encoding="utf-8"))


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
# Line breaks anywhere

THREE = (
    "1、1-产出指标；11-数量指标；开展示例活动次数；实施周期指标值:≥30次；年度指标值:≥30次。"
    "2、1-产出指标；12-质量指标；隐患整改率；实施周期指标值:100%（隐患整改数/发现隐患总数）；年度指标值:100%（隐患整改数/发现隐患总数）。"
    "3、3-满意度指标；31-服务对象满意度；群众满意度；实施周期指标值:＞85%；年度指标值:＞85%。"
)
THREE_EXPECTED = [
    (1, "1-产出指标", "11-数量指标", "开展示例活动次数", "≥30次", "≥30次"),
    (2, "1-产出指标", "12-质量指标", "隐患整改率", "100%（隐患整改数/发现隐患总数）", "100%（隐患整改数/发现隐患总数）"),
    (3, "3-满意度指标", "31-服务对象满意度", "群众满意度", "＞85%", "＞85%"),
]
HEAD = "项目名称：示例项目\n总计：10.00\n"


def content(result: ImportResult) -> list[tuple[object, ...]]:
    return [row[2:] for row in rows(result)]


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

ROW1 = "1、1-产出指标；11-数量指标；开展活动次数；实施周期指标值:≥3次；年度指标值:≥3次。"
ROW2 = "2、2-效益指标；22-社会效益；活动覆盖率；实施周期指标值:100%；年度指标值:100%。"
ROW3 = "3、3-满意度指标；31-服务对象满意度；群众满意度；实施周期指标值:＞85%；年度指标值:＞85%。"


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


# ---------------------------------------------------------------------------------------------
# Robustness on the long export

LONG_LINES = LONG.read_text(encoding="utf-8").split("\n")
RECORD_LINES = [i for i, line in enumerate(LONG_LINES) if any(c in line for c in "、；;") and "页" not in line]


def signature(result: ImportResult) -> tuple[object, ...]:
    return (
        [(p.name, p.amounts, p.goal, [row[2:] for row in rows(result) if row[0] == n]) for n, p in enumerate(result.projects)],
        sorted(m.kind for m in result.notices),
        sorted(m.kind for m in result.warnings),
    )


LONG_SIGNATURE = signature(parse("\n".join(LONG_LINES)))


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
# The command: selfscore import-targets FILE [-o DIR] [--spec] [--department] [--year] [--single] [--force]

LONG_FILES = [
    "01-社区党组织工作经费.toml",
    "02-综合行政执法工作经费.toml",
    "03-安全生产和消防安全工作经费.toml",
    "04-环卫保洁和垃圾分类工作经费.toml",
    "05-长者饭堂助餐配餐服务经费.toml",
    "06-社工站（家庭综合服务中心）运营经费.toml",
]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_cli_writes_one_case_per_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases" / "2024"
    assert cli.main([str(LONG), "-o", str(out), "--spec", "liwan-2024"]) == cli.EXIT_OK
    assert listing(out) == LONG_FILES  # no temporary files left behind
    cases = [tomllib.loads((out / name).read_text(encoding="utf-8")) for name in LONG_FILES]
    assert [len(c["indicators"]) for c in cases] == [6, 7, 8, 9, 7, 7]
    assert {(c["spec"], c["department"], c["year"], c["source"]) for c in cases} == {
        ("liwan-2024", "广州市某区人民政府云岗街道办事处", 2024, LONG.name)
    }
    assert [i["name"] for c in cases for i in c["indicators"]] == [row[5] for row in LONG_INDICATORS]
    err = capsys.readouterr().err
    assert "识别项目 6 个、指标 44 个 (recovered 6 projects, 44 indicators)" in err
    assert "提示 (notices) 6 条" in err and "警告 (warnings) 4 条" in err
    result = parse(LONG.read_text(encoding="utf-8"))
    for message in (*result.notices, *result.warnings):
        assert str(message) in err
    assert "已写入 (written) 6 个文件" in err


def test_cli_single_department_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(LONG), "-o", str(tmp_path), "--single", "--department", "别的街道", "--year", "2025"]
    assert cli.main(args) == cli.EXIT_OK
    assert listing(tmp_path) == ["yungang-2024-project-targets.toml"]
    case = tomllib.loads((tmp_path / "yungang-2024-project-targets.toml").read_text(encoding="utf-8"))
    assert (case["spec"], case["department"], case["year"]) == ("", "别的街道", 2025)
    assert len(case["indicators"]) == 44


def test_cli_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([str(LONG), "-o", str(tmp_path)]) == cli.EXIT_OK
    edited = tmp_path / LONG_FILES[2]
    edited.write_text("# 已填写 (filled in)\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main([str(LONG), "-o", str(tmp_path)]) == cli.EXIT_OUTPUT
    assert edited.read_text(encoding="utf-8") == "# 已填写 (filled in)\n"
    err = capsys.readouterr().err
    assert "--force" in err and str(edited) in err
    assert cli.main([str(LONG), "-o", str(tmp_path), "--force"]) == cli.EXIT_OK
    assert tomllib.loads(edited.read_text(encoding="utf-8"))["indicators"][0]["name"] == "检查各类安全生产场所"
    assert listing(tmp_path) == LONG_FILES


@pytest.mark.parametrize(
    ("encoding", "bom", "shown"),
    [("utf-8", b"", "UTF-8"), ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"), ("gbk", b"", "GBK")],
)
def test_cli_reads_utf8_bom_and_gbk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, bom: bytes, shown: str
) -> None:
    source = tmp_path / "export.txt"
    source.write_bytes(bom + LONG.read_text(encoding="utf-8").encode(encoding))
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out), "--single"]) == cli.EXIT_OK
    case = tomllib.loads((out / "export.toml").read_text(encoding="utf-8"))
    assert [i["target"] for i in case["indicators"]] == [row[-1] or row[-2] for row in LONG_INDICATORS]
    assert case["department"] == "广州市某区人民政府云岗街道办事处"
    assert f"（{shown}）" in capsys.readouterr().err


def test_cli_gbk_positions_match_utf8(tmp_path: Path) -> None:
    source = tmp_path / "issue.txt"
    source.write_bytes(ISSUE.replace("\n", "\r\n").encode("gbk"))
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_OK
    text = (out / "01-社区示例活动经费.toml").read_text(encoding="utf-8")
    assert "# 来源第4行 (source line 4)" in text and "# 来源第6行 (source line 6)" in text


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        b"\x80\xff\x80\xff not text",  # neither UTF-8 nor GBK
        b"1\x00\x00\x002\x00",  # binary
    ],
)
def test_cli_unreadable_input_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    source = tmp_path / "export.txt"
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_UNREADABLE
    assert not out.exists()
    assert "无法读取 (unreadable)" in capsys.readouterr().err


def test_cli_directory_as_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main([str(tmp_path), "-o", str(out)]) == cli.EXIT_UNREADABLE
    assert not out.exists()


def test_cli_nothing_recovered_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "export.txt"
    source.write_text("2024年项目支出绩效目标表\n第 1 页 共 1 页\n随便一段文字\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_INVALID
    assert not out.exists()
    assert "nothing recovered" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [[], ["--year", "abc", "x.txt"], ["--year", "99999", "x.txt"], ["x.txt", "--bogus"], ["a.txt", "b.txt"]],
)
def test_cli_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(args) == cli.EXIT_USAGE
    assert "用法错误 (usage error)" in capsys.readouterr().err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == cli.EXIT_OK
    assert "退出码 (exit codes)" in capsys.readouterr().out


def test_cli_output_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert cli.main([str(LONG), "-o", str(target)]) == cli.EXIT_OUTPUT
    assert target.read_text(encoding="utf-8") == "x"


def test_cli_never_writes_over_its_input(tmp_path: Path) -> None:
    source = tmp_path / "export.toml"
    source.write_bytes(LONG.read_bytes())
    assert cli.main([str(source), "-o", str(tmp_path), "--single", "--force"]) == cli.EXIT_OUTPUT
    assert source.read_bytes() == LONG.read_bytes()


def test_cli_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    import selfscore.outputs.files as io_module

    monkeypatch.setattr(io_module.os, "replace", refuse)
    out = tmp_path / "out"
    assert cli.main([str(LONG), "-o", str(out)]) == cli.EXIT_OUTPUT
    assert listing(out) == []


def test_decode_export() -> None:
    assert cli.decode_export("一、".encode("gbk")) == ("一、", "GBK")
    assert cli.decode_export(b"\xef\xbb\xbf1") == ("1", "UTF-8 (BOM)")
    assert cli.decode_export("一".encode("utf-16")) == ("一", "UTF-16")
    with pytest.raises(ValueError):
        cli.decode_export(b"\x80\x80")


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
