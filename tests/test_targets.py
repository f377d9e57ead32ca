"""Reading target values (指标值 / 年度目标值) and actual values (docs/domain.md §2).

The first tables list every distinct target phrasing in three published documents, keyed
by their excerpt in tests/data/seeds/: "000" (荔湾区金花街道 2023 target table, 指标值 and the
指标说明及公式 column), "004" (海珠区凤阳街道 2023 target table) and "002" (天河区元岗街道 2023
self-evaluation table). Expected readings are worked out by hand from docs/domain.md §2.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from selfscore import SelfScoreError, Target, TargetError, format_target, parse_actual, parse_target
from selfscore.core.targets import units_compatible

# Excerpts of the published documents, each naming its source in a header (docs/domain.md §11)
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
SEED_FILES = {
    "000": "000-jinhua-2023-target-table.txt",
    "002": "002-yuangang-2023-self-evaluation.txt",
    "004": "004-fengyang-2023-target-table.txt",
}
_BLOCK = re.compile(r"@@ lines (\d+)-(\d+) @@")

# (seed, text, comparator, value, unit, label)
QUANTITATIVE_SEED_TARGETS: list[tuple[str, str, str, str, str, str]] = [
    # "000": 金花 2023 目标评审意见, annex target table, 指标值 column
    ("000", "≥80%", ">=", "80", "%", ""),
    ("000", "≥280人", ">=", "280", "人", ""),
    ("000", "≥50次", ">=", "50", "次", ""),
    ("000", "≥300次", ">=", "300", "次", ""),
    ("000", "≥150人次", ">=", "150", "人次", ""),
    ("000", "≥3场", ">=", "3", "场", ""),
    ("000", "90%", ">=", "90", "%", ""),  # bare number: reach at least
    ("000", "100%", ">=", "100", "%", ""),
    ("000", "10次", ">=", "10", "次", ""),
    ("000", "≥95%", ">=", "95", "%", ""),
    ("000", "≥16小时", ">=", "16", "小时", ""),
    ("000", "≤2个小时", "<=", "2", "小时", ""),  # 个小时 is the same unit as 小时
    ("000", "0次", "<=", "0", "次", ""),  # zero target: lower is better
    ("000", "≥90%", ">=", "90", "%", ""),
    ("000", "3个", ">=", "3", "个", ""),
    ("000", "≥85%", ">=", "85", "%", ""),
    # "000", 指标说明及公式 column (the same targets written as sentences)
    ("000", "计划帮扶困难群体不少于 300次", ">=", "300", "次", "计划帮扶困难群体"),
    ("000", "计划参与消防安全演练及安全教育培训的人数不少于 150人次。", ">=", "150", "人次",
     "计划参与消防安全演练及安全教育培训的人数"),
    ("000", "计划举办社区文化惠民文艺演出场数不少于 3场。", ">=", "3", "场", "计划举办社区文化惠民文艺演出场数"),
    ("000", "本年度计划完成乡村振兴对口帮扶调研工作 10次。", ">=", "10", "次", "本年度计划完成乡村振兴对口帮扶调研工作"),
    ("000", "街道每日保洁时长不低于 16小时。", ">=", "16", "小时", "街道每日保洁时长"),
    ("000", "物业管理服务响应时长不超过 2个小时", "<=", "2", "小时", "物业管理服务响应时长"),
    # "不于" is a typo in the report (不少于 lost a character); a bare number reads as >= anyway
    ("000", "计划慰问的困难党员群众人数不于 280人", ">=", "280", "人", "计划慰问的困难党员群众人数不于"),
    ("000", "计划全年组织开展专项执法整治行动次数不于 50次", ">=", "50", "次", "计划全年组织开展专项执法整治行动次数不于"),
    # "004": 凤阳 2023 目标表
    ("004", "≥25万平方米", ">=", "25", "万平方米", ""),
    ("004", "≥90家", ">=", "90", "家", ""),
    ("004", "≥4场", ">=", "4", "场", ""),
    ("004", "≥50间", ">=", "50", "间", ""),
    ("004", "≥10次", ">=", "10", "次", ""),
    ("004", "≥95%（整改隐患数/发现隐患数）", ">=", "95", "%", ""),
    ("004", "≥2次", ">=", "2", "次", ""),
    ("004", "≥12000家次", ">=", "12000", "家次", ""),
    ("004", "≥80宗", ">=", "80", "宗", ""),
    ("004", "≥8万套次", ">=", "8", "万套次", ""),
    ("004", "后勤购买服务的9人", ">=", "9", "人", "后勤购买服务的"),
    ("004", "100%（实际购置数量/计划购置数量）", ">=", "100", "%", ""),
    ("004", "100%（实际新增四上企业数量/预期新增四场企业数量）", ">=", "100", "%", ""),
    ("004", "100%（献血人次/上级下达任务数）", ">=", "100", "%", ""),
    ("004", "100%（举办社区活动社区数/社区总数）", ">=", "100", "%", ""),
    ("004", "≥500人次", ">=", "500", "人次", ""),
    ("004", "≥18人", ">=", "18", "人", ""),
    ("004", "≥400人次", ">=", "400", "人次", ""),
    ("004", "≥28人次", ">=", "28", "人次", ""),
    ("004", "每月开展垃圾分类活动4次或以上。", ">=", "4", "次", "每月开展垃圾分类活动"),
    ("004", "公共区域每月日常消杀天数22天以上。", ">=", "22", "天", "公共区域每月日常消杀天数"),
    ("004", "100%（验收合格设备数/购买设备总数）", ">=", "100", "%", ""),
    ("004", "100%(参加体检职工数/职工总数)", ">=", "100", "%", ""),
    ("004", "100%（隐患整改率=隐患整改数/发现隐患总数）", ">=", "100", "%", ""),
    ("004", "90%以上的经营区域垃圾分类工作得良及以上。", ">=", "90", "%", ""),
    ("004", "存在合同执行违约的项目数占总项目数的比例0%。", "<=", "0", "%", "存在合同执行违约的项目数占总项目数的比例"),
    ("004", "100%（及时发放街道工作人员工资福利金额/应发放街道工作人员工资福利总额）", ">=", "100", "%", ""),
    ("004", "100%（及时到位设备数量/购置设备总数量）", ">=", "100", "%", ""),
    ("004", "100%（按规定时间发放救助金金额/应发放救助金总金额）", ">=", "100", "%", ""),
    ("004", "服务费在合同约定时间内支付到位，及时率100%。", ">=", "100", "%", "服务费在合同约定时间内支付到位,及时率"),
    ("004", "≥5% （计划资金额-实际资金额）/计划资金额。", ">=", "5", "%", ""),
    ("004", "100%（根据单位正常运转，未发生重大工作停顿情况衡量）", ">=", "100", "%", ""),
    ("004", "9000人次", ">=", "9000", "人次", ""),
    ("004", "≥800人次", ">=", "800", "人次", ""),
    ("004", "100%（河长实际巡查次数/河长计划参与巡查次数）", ">=", "100", "%", ""),
    ("004", "100%（设备投入使用数/设备购买总数）", ">=", "100", "%", ""),
    ("004", "现场办事满意率≥95%", ">=", "95", "%", "现场办事满意率"),
    # "002": 元岗 2023 自评报告, 自评表, 年度目标值 column
    ("002", "258256.8 万平方米", ">=", "258256.8", "万平方米", ""),
    ("002", "100%完成", ">=", "100", "%", ""),
    ("002", "4 次", ">=", "4", "次", ""),
    ("002", "上门服务满意率（90%）", ">=", "90", "%", "上门服务满意率"),
    ("002", "500 万元", ">=", "500", "万元", ""),
    ("002", "≥ 95%", ">=", "95", "%", ""),
]

# (seed, text, normalised level)
QUALITATIVE_SEED_TARGETS: list[tuple[str, str, str]] = [
    ("000", "称职或以上", "称职或以上"),
    ("004", "良好以上", "良好以上"),
    ("004", "良或以上", "良或以上"),
    ("004", "良及以上", "良及以上"),
    ("004", "按时完成任务", "按时完成任务"),
    ("004", "翠怡小区微改造项目今年动工。", "翠怡小区微改造项目今年动工"),
    ("004", "衡量受益群体满意情况，通过问卷调查方式并按选项结果加权平均计算",
     "衡量受益群体满意情况,通过问卷调查方式并按选项结果加权平均计算"),
    # a formula with no target value: read as qualitative text (it needs a judgement to score)
    ("004", "工程按期完成率=（按时完工工程量/总工程量）", "工程按期完成率=(按时完工工程量/总工程量)"),
    ("002", "日产日清", "日产日清"),
    ("002", "达标", "达标"),
    ("002", "控制在标准内", "控制在标准内"),
    ("002", "打造“更干净、更整洁、更平安、更有序”城区宜居环境，持续性发挥效能。",
     "打造“更干净、更整洁、更平安、更有序”城区宜居环境,持续性发挥效能"),
]

# Seed phrasings with two numbers: deliberately refused as ambiguous.
AMBIGUOUS_SEED_TARGETS: list[tuple[str, str, tuple[str, ...]]] = [
    ("004", "每天环卫保洁作业时间，背街小巷12小时以上，部分内街马路14小时或以上。", ("12", "14")),
    ("004", "采购环卫8桶垃圾运输作业车辆约5台，提高保洁效率。", ("8", "5")),
]

# (seed, actual text as typed in 年度实现值, comparator, value, unit)
SEED_ACTUALS: list[tuple[str, str, str, str, str]] = [
    ("002", "保洁面积258256.8万平方米", "==", "258256.8", "万平方米"),
    ("002", "100%完成", "==", "100", "%"),
    ("002", "4 次", "==", "4", "次"),
    ("002", "上门服务满意率（90%）", "==", "90", "%"),
    ("002", "493.3 万元", "==", "493.3", "万元"),
    ("002", "100%", "==", "100", "%"),
    ("002", "≥ 95%", ">=", "95", "%"),
]


def _assert_quantitative(t: Target, comparator: str, value: str, unit: str) -> None:
    assert t.kind == "quantitative"
    assert t.comparator == comparator
    assert type(t.value) is D
    assert t.value == D(value)
    assert t.unit == unit
    assert t.level is None


@functools.cache
def _seed_blocks(seed: str) -> tuple[str, ...]:
    """The excerpt's blocks, each with its line breaks removed (PDF extraction breaks cells over lines)."""
    name = SEED_FILES[seed]
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Source: "), f"{name}: the excerpt must start by naming its source"
    i = next(n for n, line in enumerate(lines) if not line.startswith("#"))
    blocks: list[str] = []
    while i < len(lines):
        marker = _BLOCK.fullmatch(lines[i])
        assert marker, f"{name} line {i + 1}: expected '@@ lines A-B @@'"
        body = lines[i + 1 : i + 2 + int(marker[2]) - int(marker[1])]
        assert len(body) == int(marker[2]) - int(marker[1]) + 1, f"{name} line {i + 1}: block too short"
        blocks.append("".join(body))
        i += 1 + len(body)
    return tuple(blocks)


# --- seed phrasings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "text", "comparator", "value", "unit", "label"),
    QUANTITATIVE_SEED_TARGETS,
    ids=[row[1] for row in QUANTITATIVE_SEED_TARGETS],
)
def test_seed_quantitative_target(seed: str, text: str, comparator: str, value: str, unit: str, label: str) -> None:
    t = parse_target(text)
    _assert_quantitative(t, comparator, value, unit)
    assert t.label == label
    assert t.text == text


@pytest.mark.parametrize(
    ("seed", "text", "level"), QUALITATIVE_SEED_TARGETS, ids=[row[1][:20] for row in QUALITATIVE_SEED_TARGETS]
)
def test_seed_qualitative_target(seed: str, text: str, level: str) -> None:
    t = parse_target(text)
    assert t.kind == "qualitative"
    assert t.level == level
    assert t.comparator is None and t.value is None and t.unit == ""
    assert not t.lower_is_better and not t.is_zero


@pytest.mark.parametrize(("seed", "text", "numbers"), AMBIGUOUS_SEED_TARGETS, ids=["保洁时间", "采购车辆"])
def test_seed_target_with_two_numbers_is_ambiguous(seed: str, text: str, numbers: tuple[str, ...]) -> None:
    with pytest.raises(TargetError) as info:
        parse_target(text)
    message = str(info.value)
    assert f"“{text}”" in message
    for number in numbers:
        assert number in message
    assert info.value.text == text


@pytest.mark.parametrize(
    ("seed", "text", "comparator", "value", "unit"), SEED_ACTUALS, ids=[row[1] for row in SEED_ACTUALS]
)
def test_seed_actual(seed: str, text: str, comparator: str, value: str, unit: str) -> None:
    _assert_quantitative(parse_actual(text), comparator, value, unit)


@pytest.mark.parametrize(
    ("seed", "text"),
    [(row[0], row[1]) for row in QUANTITATIVE_SEED_TARGETS]
    + [(row[0], row[1]) for row in QUALITATIVE_SEED_TARGETS]
    + [(row[0], row[1]) for row in AMBIGUOUS_SEED_TARGETS]
    + [(row[0], row[1]) for row in SEED_ACTUALS]
    + [("002", "达标"), ("002", "按要求落实环卫各项工作，完成任务指标。")],
)
def test_seed_phrasing_is_quoted_from_the_report(seed: str, text: str) -> None:
    # guards the tables above against typos: every phrasing occurs in its document's excerpt
    assert any(text in block for block in _seed_blocks(seed))


def test_seed_notes_keep_the_formula() -> None:
    assert parse_target("≥95%（整改隐患数/发现隐患数）").note == "整改隐患数/发现隐患数"
    assert parse_target("100%（隐患整改率=隐患整改数/发现隐患总数）").note == "隐患整改率=隐患整改数/发现隐患总数"
    assert "计划资金额-实际资金额" in parse_target("≥5% （计划资金额-实际资金额）/计划资金额。").note
    assert parse_target("100%完成").note == "完成"
    assert parse_target("90%以上的经营区域垃圾分类工作得良及以上。").note == "的经营区域垃圾分类工作得良及以上"


def test_cost_indicator_with_explicit_comparator_keeps_it() -> None:
    # 后勤工作购买服务成本节约率（%）is a 成本指标, but ≥5% says more savings is better
    t = parse_target("≥5% （计划资金额-实际资金额）/计划资金额。", lower_is_better=True)
    _assert_quantitative(t, ">=", "5", "%")


def test_seed_zero_target_is_met_only_by_zero() -> None:
    for text in ("0次", "存在合同执行违约的项目数占总项目数的比例0%。"):
        t = parse_target(text)
        assert t.is_zero
        assert t.lower_is_better


# --- full-width symbols and digits ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("＞８５％", ">", "85", "%"),
        ("＜５％", "<", "5", "%"),
        ("≥９５％", ">=", "95", "%"),
        ("≤２个小时", "<=", "2", "小时"),
        ("＝１００％", "==", "100", "%"),
        ("≧90%", ">=", "90", "%"),
        ("≦2天", "<=", "2", "天"),
        ("≥\u300095%", ">=", "95", "%"),  # ideographic space
        ("１２，０００家次", ">=", "12000", "家次"),  # full-width thousands separator
        ("９０％以上", ">=", "90", "%"),
        ("２５８２５６．８ 万平方米", ">=", "258256.8", "万平方米"),
        (">=95%", ">=", "95", "%"),
        ("=>95%", ">=", "95", "%"),
        ("<=5%", "<=", "5", "%"),
        ("=<5%", "<=", "5", "%"),
        ("==100%", "==", "100", "%"),
        ("≥ 9 000 人次", ">=", "9000", "人次"),
        ("12,000家次", ">=", "12000", "家次"),
    ],
)
def test_full_width_and_ascii_forms(text: str, comparator: str, value: str, unit: str) -> None:
    _assert_quantitative(parse_target(text), comparator, value, unit)


# --- comparator words (民法典 第1259条: 以上/以下/以内 include, 不满/超过/以外 exclude) ---------


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("90%以上", ">=", "90", "%"),
        ("85%或以上", ">=", "85", "%"),
        ("85%及以上", ">=", "85", "%"),
        ("5%以下", "<=", "5", "%"),
        ("5%或以下", "<=", "5", "%"),
        ("5%及以下", "<=", "5", "%"),
        ("10次以内", "<=", "10", "次"),
        ("3天之内", "<=", "3", "天"),
        ("2个工作日以内", "<=", "2", "工作日"),
        ("控制在5%以内", "<=", "5", "%"),
        ("控制在10万元以内", "<=", "10", "万元"),
        ("控制在3天", "<=", "3", "天"),
        ("超过10次", ">", "10", "次"),
        ("不满10人", "<", "10", "人"),
        ("10次以外", ">", "10", "次"),
        ("不少于300次", ">=", "300", "次"),
        ("不低于16小时", ">=", "16", "小时"),
        ("不小于3场", ">=", "3", "场"),
        ("不超过2个小时", "<=", "2", "小时"),
        ("不高于3天", "<=", "3", "天"),
        ("不大于5%", "<=", "5", "%"),
        ("不多于2次", "<=", "2", "次"),
        ("至少3场", ">=", "3", "场"),
        ("最少3场", ">=", "3", "场"),
        ("至多2次", "<=", "2", "次"),
        ("最多2次", "<=", "2", "次"),
        ("高于90%", ">", "90", "%"),
        ("大于90%", ">", "90", "%"),
        ("多于3次", ">", "3", "次"),
        ("低于5%", "<", "5", "%"),
        ("小于5%", "<", "5", "%"),
        ("少于3次", "<", "3", "次"),
        ("不足3次", "<", "3", "次"),
        ("大于或等于90%", ">=", "90", "%"),
        ("大于等于90%", ">=", "90", "%"),
        ("小于或等于5%", "<=", "5", "%"),
        ("小于等于5%", "<=", "5", "%"),
        ("达到95%", ">=", "95", "%"),
        ("达95%", ">=", "95", "%"),
        ("为100%", ">=", "100", "%"),
        ("约5台", ">=", "5", "台"),
        ("不少于3场以上", ">=", "3", "场"),  # two words saying the same thing
        ("控制在5%以内（含）", "<=", "5", "%"),
    ],
)
def test_comparator_words(text: str, comparator: str, value: str, unit: str) -> None:
    _assert_quantitative(parse_target(text), comparator, value, unit)


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("不得超过10次", "<=", "10", "次"),
        ("不得低于90%", ">=", "90", "%"),
        ("不得少于3次", ">=", "3", "次"),
        ("不得高于5%", "<=", "5", "%"),
        ("不应低于95%", ">=", "95", "%"),
        ("投诉办结时长不得超过3个工作日", "<=", "3", "工作日"),
    ],
)
def test_negated_comparator_words(text: str, comparator: str, value: str, unit: str) -> None:
    # 不得超过 is "must not exceed" (<=), not 超过 (>); 不得低于 is "must not fall below" (>=)
    _assert_quantitative(parse_target(text), comparator, value, unit)


def test_negated_word_is_not_left_in_the_label() -> None:
    assert parse_target("投诉办结时长不得超过3个工作日").label == "投诉办结时长"


@pytest.mark.parametrize(
    ("text", "comparator"),
    [("5%（含）以下", "<="), ("90%（含）以上", ">="), ("10次(含)以内", "<=")],
)
def test_bracket_between_number_and_comparator_word(text: str, comparator: str) -> None:
    # “5%（含）以下” is 5% or less, the bracket only stresses that 5% itself counts
    t = parse_target(text)
    assert t.comparator == comparator


# --- bare numbers and zero targets ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lower_is_better", "comparator"),
    [
        ("100%", None, ">="),
        ("100%", False, ">="),
        ("100%", True, "<="),
        ("12次", None, ">="),
        ("9000人次", None, ">="),
        ("500 万元", True, "<="),  # 成本指标: a ceiling
        ("≥5%", True, ">="),  # explicit comparator wins
        ("超过10次", True, ">"),
        ("≤2个小时", False, "<="),
    ],
)
def test_bare_number_direction(text: str, lower_is_better: bool | None, comparator: str) -> None:
    t = parse_target(text, lower_is_better=lower_is_better)
    assert t.comparator == comparator
    assert t.lower_is_better == (comparator in ("<=", "<"))


@pytest.mark.parametrize("text", ["0次", "0%", "0", "0.0%", "0起", "安全事故发生数0次"])
@pytest.mark.parametrize("lower_is_better", [None, False, True])
def test_zero_target_is_lower_is_better(text: str, lower_is_better: bool | None) -> None:
    t = parse_target(text, lower_is_better=lower_is_better)
    assert t.comparator == "<="
    assert t.value == 0
    assert t.is_zero and t.lower_is_better


def test_explicit_zero_floor_is_not_a_zero_target() -> None:
    t = parse_target("≥0次")
    assert t.comparator == ">="
    assert not t.is_zero and not t.lower_is_better


# --- labels and units -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "comparator", "value", "unit"),
    [
        ("现场办事满意率≥95%", "现场办事满意率", ">=", "95", "%"),
        ("满意率不低于90%", "满意率", ">=", "90", "%"),
        ("优良率达到95%", "优良率", ">=", "95", "%"),
        ("安全事故发生数0次", "安全事故发生数", "<=", "0", "次"),
        ("上门服务满意率（90%）", "上门服务满意率", ">=", "90", "%"),
    ],
)
def test_label_before_the_number(text: str, label: str, comparator: str, value: str, unit: str) -> None:
    t = parse_target(text)
    _assert_quantitative(t, comparator, value, unit)
    assert t.label == label


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("≥8万套次", "万套次"),
        ("≥25万平方米", "万平方米"),
        ("≥3亿元", "亿元"),
        ("≥5万人", "万人"),
        ("≥10个工作日", "工作日"),
        ("≥3个月", "月"),
        ("20平米", "平方米"),
        ("5千米", "公里"),
        ("≤3‰", "‰"),
        ("≥9桶", "桶"),  # a lone CJK character after the number is a unit
        ("≥10", ""),
    ],
)
def test_units(text: str, unit: str) -> None:
    assert parse_target(text).unit == unit


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("", "%", True),
        ("万元", "", True),
        ("个小时", "小时", True),
        ("平米", "平方米", True),
        ("千米", "公里", True),
        ("个工作日", "工作日", True),
        ("万元", "元", False),
        ("%", "次", False),
        ("人", "人次", False),
    ],
)
def test_units_compatible(a: str, b: str, compatible: bool) -> None:
    assert units_compatible(a, b) is compatible
    assert units_compatible(b, a) is compatible


# --- qualitative ------------------------------------------------------------------------


def test_qualitative_flag_forces_qualitative() -> None:
    t = parse_target("100%完成", qualitative=True)
    assert t.kind == "qualitative"
    assert t.level == "100%完成"
    assert t.value is None
    assert parse_target(" 达标。", qualitative=True).level == "达标"


@pytest.mark.parametrize("text", ["达标", "完成", "及时", "合规", "提升", "否", "良好以上", "称职或以上"])
def test_domain_qualitative_levels(text: str) -> None:
    t = parse_target(text)
    assert t.kind == "qualitative"
    assert t.level == text


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3次",  # malformed numbers
        ".5%",
        "95..5%",
        "≥1..2次",
        "",  # empty
        "   ",
        "。",
        "\n",
        "≥良好",  # comparator without a number
        "≤",
        "≥ 合格",
        "≥10次以下",  # contradictory comparators
        "不超过10次以上",
        "≤5%以上",
        "-5%",  # negative
        "≥-3次",
        "12小时或14小时",  # two numbers
        "2023年完成率100%",
    ],
)
def test_unreadable_targets_raise_target_error_quoting_the_text(text: str) -> None:
    with pytest.raises(TargetError) as info:
        parse_target(text)
    error = info.value
    assert isinstance(error, SelfScoreError)
    assert isinstance(error, ValueError)
    assert f"“{text}”" in str(error)
    assert error.text == text


def test_malformed_number_is_named() -> None:
    with pytest.raises(TargetError, match=re.escape("1.2.3")):
        parse_target("≥1.2.3次")


@pytest.mark.parametrize("value", [3.5, 95, None, b"95%", D("95")])
def test_parse_target_needs_text(value: object) -> None:
    with pytest.raises(TypeError, match=type(value).__name__):
        parse_target(value)  # type: ignore[arg-type]


def test_parse_target_float_message_mentions_float() -> None:
    with pytest.raises(TypeError, match="float"):
        parse_target(3.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [3.5, 95, None])
def test_parse_actual_needs_text(value: object) -> None:
    with pytest.raises(TypeError, match=type(value).__name__):
        parse_actual(value)  # type: ignore[arg-type]


# --- actuals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("493.3 万元", "==", "493.3", "万元"),
        ("100%完成", "==", "100", "%"),
        ("4 次", "==", "4", "次"),
        ("≥ 95%", ">=", "95", "%"),  # a bound keeps its comparator
        ("0次", "==", "0", "次"),  # a measured zero, not a ceiling
        ("超过85%", ">", "85", "%"),  # 金花 2024: 居民对民生服务的满意度超过85%
        ("95%以上", ">=", "95", "%"),  # 金花 2024: 基层党建工作满意度达95%以上
        ("1968人次", "==", "1968", "人次"),  # 金花 2024: 帮扶辖区困难群体次数达1968人次
        ("达到80%", "==", "80", "%"),
        ("１００％", "==", "100", "%"),
        ("≤1.5小时", "<=", "1.5", "小时"),
    ],
)
def test_parse_actual(text: str, comparator: str, value: str, unit: str) -> None:
    _assert_quantitative(parse_actual(text), comparator, value, unit)


@pytest.mark.parametrize("text", ["达标", "按要求落实环卫各项工作，完成任务指标。", "优秀"])
def test_parse_actual_qualitative(text: str) -> None:
    t = parse_actual(text)
    assert t.kind == "qualitative"
    assert t.level is not None and t.level == t.level.strip("。")


def test_parse_actual_errors_quote_the_text() -> None:
    with pytest.raises(TargetError, match=re.escape("“1.2.3次”")):
        parse_actual("1.2.3次")


# --- format_target ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("≥ 95%", "≥95%"),
        ("≤2个小时", "≤2小时"),
        ("0次", "≤0次"),
        ("500 万元", "≥500万元"),
        ("258256.8 万平方米", "≥258256.8万平方米"),
        ("＞８５％", ">85%"),
        ("不满10人", "<10人"),
        ("＝１００％", "=100%"),
        ("90%以上", "≥90%"),
        ("≥95%（整改隐患数/发现隐患数）", "≥95%"),
        ("现场办事满意率≥95%", "≥95%"),
        ("≥80.50%", "≥80.5%"),
        ("良好以上", "良好以上"),
        ("翠怡小区微改造项目今年动工。", "翠怡小区微改造项目今年动工"),
    ],
)
def test_format_target(text: str, canonical: str) -> None:
    assert format_target(parse_target(text)) == canonical
    # the canonical text reads back to the same target
    again = parse_target(canonical)
    first = parse_target(text)
    assert (again.kind, again.comparator, again.value, again.unit, again.level) == (
        first.kind,
        first.comparator,
        first.value,
        first.unit,
        first.level,
    )


@pytest.mark.parametrize(
    ("text", "comparator"),
    [("95%（不含）以上", ">"), ("5%（不含）以下", "<"), ("5%（含）以下", "<="), ("90%（含）以上", ">=")],
)
def test_bracketed_bu_han_makes_yishang_and_yixia_exclusive(text: str, comparator: str) -> None:
    assert parse_target(text).comparator == comparator
