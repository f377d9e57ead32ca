"""The issue-13 workload: a department table as officers' systems export it.

``write_table(path, n_rows, seed)`` writes ``n_rows`` indicator rows (rounded up to whole departments) (30 per department:
18 产出指标 and 12 效益指标/满意度指标) with the columns
``部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值``: about 105 bytes a row,
target texts drawn from a realistic pool (``≥95%``, ``≤2个小时``, ``0次``, ``达标``, ...)
and so repeated many times, actuals near their targets at the precision officers
type, and a 分值 column of typed weights that add up to each item's 20 points.
Scored under ``tianhe-2023`` (proportional, floor 60 %, one decimal half-up).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

HEADER = "部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值\n"
OUTPUT_PER_DEPT = 18
BENEFIT_PER_DEPT = 12

# (二级指标 category, 三级指标 name, target template kind, target parameter)
_NAMES_OUT = ("保洁面积", "巡查次数", "培训人次", "活动场数", "发放率", "覆盖率", "办结率", "检查户数", "宣传场次",
              "整改率", "处置时长", "上报时限", "事故次数", "维修宗数", "走访户数", "台账完成", "资料归档", "绿化面积",
              "清运量", "受理件数", "投诉办结", "网格巡查", "排查次数", "演练次数")
_NAMES_BEN = ("群众满意度", "服务对象满意度", "环境改善", "安全事故率", "投诉下降率", "居民知晓率", "就业人数", "税收",
              "宜居环境", "社会效益", "治安满意度", "营商环境")
_CATS_OUT = ("数量指标", "质量指标", "时效指标", "成本指标")
_CATS_BEN = ("社会效益", "经济效益", "满意度")


def _target(rng: random.Random) -> tuple[str, str]:
    """A target text and the kind of actual that goes with it."""
    k = rng.random()
    if k < 0.40:
        return rng.choice(("≥95%", "≥90%", "100%", "≥98%", "≥85%", "≥80%", "≥99%", "≥97%")), "pct"
    if k < 0.65:
        n = rng.choice((4, 6, 10, 12, 20, 24, 30, 50, 100, 120, 200, 365, 500, 1200, 3000))
        return f"≥{n}{rng.choice(('次', '场', '人次', '户', '个', '宗', '吨'))}", "count"
    if k < 0.75:
        return f"≤{rng.choice((1, 2, 3, 5, 7, 15, 30))}{rng.choice(('个小时', '天', '个工作日'))}", "ceiling"
    if k < 0.82:
        return rng.choice(("0次", "0起", "0宗")), "zero"
    if k < 0.90:
        return f"{rng.choice((25.8, 120.5, 258.6, 493.3, 1500, 36.25))}万元", "amount"
    return rng.choice(("达标", "完成", "按时完成", "合格")), "qual"


def _actual(rng: random.Random, target: str, kind: str) -> str:
    import re

    m = re.search(r"[0-9.]+", target)
    t = Decimal(m.group()) if m else Decimal(0)
    unit = target[m.end():] if m else ""
    if kind == "qual":
        return target if rng.random() < 0.85 else {"达标": "未达标", "合格": "不合格"}.get(target, "未完成")
    if kind == "zero":
        return f"{rng.choice((0, 0, 0, 0, 0, 1, 2))}{unit}"
    if rng.random() < 0.45:  # exactly the target, as officers most often report
        return f"{t}{unit}"
    if kind == "pct":
        v = Decimal(rng.gauss(float(t), 6)).quantize(Decimal(rng.choice(("1", "0.1", "0.01"))))
        return f"{v if v > 0 else 0}%"
    if kind == "ceiling":
        return f"{rng.choice((0.5, 1, 1.5, 2, 3, 4, 6, 8, 10, 20, 40))}{unit}"
    v = Decimal(rng.gauss(float(t), float(t) / 4)).quantize(Decimal("1" if kind == "count" else "0.01"))
    return f"{v if v > 0 else 0}{unit}"


def _weights(rng: random.Random, n: int) -> list[str]:
    """Typed weights for ``n`` indicators adding up to 20 (an even split, or an officer's own)."""
    if rng.random() < 0.6:
        units = 2000
        base, spare = divmod(units, n)
        w = [base] * n
        for i in range(spare):
            w[i if i % 2 == 0 else n - 1 - i // 2] += 1
    else:  # whole and half points, moved around
        w = [2000 // n // 50 * 50] * n
        w[-1] += 2000 - sum(w)
        for _ in range(3):
            a, b = rng.randrange(n), rng.randrange(n)
            if w[a] > 50:
                w[a] -= 50
                w[b] += 50
    return [str(Decimal(x).scaleb(-2).normalize()) if x % 100 else str(x // 100) for x in w]


def write_table(path: Path, n_rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool_out = [(rng.choice(_CATS_OUT), f"{name}{k}", *_target(rng)) for k in range(8) for name in _NAMES_OUT]
    pool_ben = [(rng.choice(_CATS_BEN), f"{name}{k}", *_target(rng)) for k in range(8) for name in _NAMES_BEN]
    per = OUTPUT_PER_DEPT + BENEFIT_PER_DEPT
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        lines: list[str] = []
        for d in range((n_rows + per - 1) // per):
            dept = f"广州市天河区第{d:05d}街道办事处"
            out = rng.sample(pool_out, OUTPUT_PER_DEPT)
            ben = rng.sample(pool_ben, BENEFIT_PER_DEPT)
            for group, picked in (("产出指标", out), ("效益指标", ben)):
                weights = _weights(rng, len(picked))
                for (cat, name, target, kind), w in zip(picked, weights, strict=True):
                    g = "满意度指标" if group == "效益指标" and cat == "满意度" else group
                    lines.append(f"{dept},{g},{cat},{name},{target},{_actual(rng, target, kind)},{w}\n")
            if len(lines) >= 65536:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))
