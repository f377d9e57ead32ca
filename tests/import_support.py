"""Shared data and helpers of the importer's tests (tests/test_import_targets*.py)."""

from __future__ import annotations

import functools
from pathlib import Path

from selfscore.inputs.import_targets import (
    ImportResult,
    parse_target_export,
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


ISSUE = """\
社区示例活动经费
120.00 120.00 0.00
开展示例活动，提升群众满意度。
1、1-产出指标；11-数量指标；开展示例活动次数；实施周期指标值:≥3次；年度指标值:≥3
次。2、2-效益指标；22-社会效益；示例覆盖率；实施周期指标值:100%；年
度指标值:100%。3、3-满意度指标；31-服务对象满意度；群众满意度；实施周期指标值:＞85%；年度
指标值:＞85%。
"""


@functools.cache
def long_export() -> ImportResult:
    """The bundled 186-line export, parsed once."""
    return parse(LONG.read_text(encoding="utf-8"))


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


ROW1 = "1、1-产出指标；11-数量指标；开展活动次数；实施周期指标值:≥3次；年度指标值:≥3次。"
ROW2 = "2、2-效益指标；22-社会效益；活动覆盖率；实施周期指标值:100%；年度指标值:100%。"
ROW3 = "3、3-满意度指标；31-服务对象满意度；群众满意度；实施周期指标值:＞85%；年度指标值:＞85%。"


LONG_LINES = LONG.read_text(encoding="utf-8").split("\n")
RECORD_LINES = [i for i, line in enumerate(LONG_LINES) if any(c in line for c in "、；;") and "页" not in line]


def signature(result: ImportResult) -> tuple[object, ...]:
    return (
        [(p.name, p.amounts, p.goal, [row[2:] for row in rows(result) if row[0] == n]) for n, p in enumerate(result.projects)],
        sorted(m.kind for m in result.notices),
        sorted(m.kind for m in result.warnings),
    )


LONG_SIGNATURE = signature(parse("\n".join(LONG_LINES)))
