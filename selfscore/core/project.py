"""Project self-evaluation (项目支出绩效自评): the case model and the spec's project rules.

A project table (docs/project-rules.md) has a budget block (年初预算数, 全年预算数 A,
全年执行数 B per funding row; 执行率 = B / A) and an indicator block (一级/二级/三级指标,
指标性质, 年度指标值, 度量单位, 实际完成值, 分值, 得分, 偏差原因).  A project spec is an
ordinary :class:`~selfscore.core.spec.Spec` (a part with the execution item, a part with
one indicators item) plus a ``[project]`` table read here by :func:`project_rules`:
the 反向 form, what happens above 100 % execution, the qualitative bands and the
point used when no score is typed, an optional whole-point split per level, and whether a
negative actual against a zero target is taken as 0 (the national 等于 0 rule) or refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal

import attrs

from selfscore.core.errors import Problem, SpecError
from selfscore.core.rules.qualitative_band import Band
from selfscore.core.spec import Item, Spec
from selfscore.core.validate import Reader, path

__all__ = [
    "LONG_OUTCOMES",
    "NATURES",
    "Band",
    "BudgetRow",
    "ProjectCase",
    "ProjectIndicator",
    "ProjectRules",
    "execution_item",
    "indicators_item",
    "project_rules",
    "read_nature",
]

#: 指标性质 as printed (symbols, full-width too) or as the system's code 1–6.
NATURES: Final[dict[str, str]] = {
    "≥": ">=", "≧": ">=", ">=": ">=", "1": ">=",
    ">": ">", "＞": ">", "2": ">",
    "=": "==", "＝": "==", "═": "==", "==": "==", "3": "==",
    "<": "<", "＜": "<", "4": "<",
    "≤": "<=", "≦": "<=", "<=": "<=", "5": "<=",
    "定性": "qualitative", "6": "qualitative",
}
#: The national module's long wording for the qualitative choices.
LONG_OUTCOMES: Final[dict[str, str]] = {
    "达成年度指标": "达成",
    "部分达成年度指标并具有一定效果": "部分达成",
    "未达成年度指标且效果较差": "未达成",
    "达成": "达成",
    "部分达成": "部分达成",
    "未达成": "未达成",
}


def read_nature(text: str) -> str | None:
    """``≧`` -> ``>=``, ``5`` -> ``<=``, ``6`` -> ``qualitative``; ``""`` -> ``""``; None if unknown."""
    key = text.strip()
    if not key:
        return ""
    if key in NATURES:
        return NATURES[key]
    return NATURES.get(key.rstrip("."), None)


@attrs.frozen
class ProjectRules:
    """What a project spec declares beyond the ordinary spec (every choice with its source)."""

    family: str
    reverse: Literal["deviation", "ratio"]
    reverse_source: str
    execution_above: Literal["cap", "error"]
    execution_source: str
    bands: tuple[Band, ...]
    bands_source: str
    untyped: Mapping[str, Decimal] | None
    untyped_source: str
    level_points: Mapping[str, Decimal] = attrs.field(factory=dict)
    #: a negative 实际完成值 against a zero target (等于 0 / ≤ 0): "as_zero" (taken as 0) or "error"
    negative_actual: Literal["as_zero", "error"] = "error"
    negative_source: str = ""
    #: 等于 a non-zero target: "at_least" (scored as 正向, the module's SQL) or "completion" (the smaller ratio)
    equal: Literal["at_least", "completion"] = "completion"
    equal_source: str = ""
    level_rounding: str = ""
    level_source: str = ""

    def band(self, outcome: str) -> Band:
        return next(b for b in self.bands if b.outcome == outcome)


def _only_item(spec: Spec, kind: str, label: str) -> Item:
    found = [i for i in spec.items() if i.kind == kind and i.points is not None and i.rule is not None]
    if len(found) != 1:
        raise SpecError([Problem(f"项目支出评分规范须有且只有一个{label}二级指标 (a project spec has one {kind} item)",
                                 f"scoring_specs/{spec.id}.toml", "parts")])
    return found[0]


def execution_item(spec: Spec) -> Item:
    """The spec's budget-execution item (预算执行率)."""
    return _only_item(spec, "execution_rate", "预算执行率")


def indicators_item(spec: Spec) -> Item:
    """The spec's one indicators item (产出、效益、满意度指标)."""
    return _only_item(spec, "indicators", "绩效指标")


def _bands(r: Reader, data: Mapping[str, Any], where: str) -> tuple[Band, ...]:
    bands = []
    for i, entry in enumerate(r.tables(data, "bands", where)):
        here = f"{path(where, 'bands')}[{i}]"
        r.keys(entry, here, required=("outcome", "low", "high"), optional=("closed",))
        outcome = r.text(entry, "outcome", here)
        low, high = r.decimal(entry, "low", here, minimum=Decimal(0)), r.decimal(entry, "high", here, minimum=Decimal(0))
        if outcome not in ("达成", "部分达成", "未达成"):
            r.problem(path(here, "outcome"), f"应为 达成、部分达成 或 未达成 (outcome): {outcome!r}")
        elif low is not None and high is not None:
            if not low <= high <= 1:
                r.problem(here, f"区间应满足 0 ≤ low ≤ high ≤ 1 (band bounds): {low}, {high}")
            bands.append(Band(outcome, low, high, bool(r.boolean(entry, "closed", here))))
    if sorted(b.outcome for b in bands) != sorted(("达成", "部分达成", "未达成")):
        r.problem(path(where, "bands"), "须为 达成、部分达成、未达成 各列一个区间 (one band per outcome)")
    return tuple(bands)


def _untyped(r: Reader, data: Mapping[str, Any], where: str, bands: tuple[Band, ...]) -> Mapping[str, Decimal] | None:
    value = data.get("untyped")
    if value == "refuse":
        return None
    table = r.table(data, "untyped", where)
    if table is None:
        r.problem(path(where, "untyped"), "应为 \"refuse\" 或 {达成 = 1, 部分达成 = 0.6, 未达成 = 0} (untyped)")
        return None
    shares: dict[str, Decimal] = {}
    for band in bands:
        share = r.decimal(table, band.outcome, path(where, "untyped"))
        if share is None:
            r.problem(path(path(where, "untyped"), band.outcome), "缺少该等级所用的得分比例 (missing share)")
        elif not band.contains(Fraction(share)):
            r.problem(path(path(where, "untyped"), band.outcome), f"比例 {share} 不在区间 {band.label} 内 (share outside its band)")
        else:
            shares[band.outcome] = share
    return shares


def project_rules(spec: Spec) -> ProjectRules:
    """Read ``spec.project`` strictly; a spec without it is not a project spec."""
    r = Reader(f"scoring_specs/{spec.id}.toml")
    data = spec.project
    if not data:
        r.problem("project", f"评分规范 {spec.id} 不是项目支出评分规范 (not a project spec: no [project] table)")
        raise SpecError(r.problems)
    r.keys(data, "project", required=("family", "reverse", "reverse_source", "execution_above", "execution_source",
                                      "qualitative"), optional=("levels", "negative_actual", "negative_source", "equal", "equal_source"))
    reverse = r.text(data, "reverse", "project")
    if reverse not in ("deviation", "ratio"):
        r.problem("project.reverse", f"应为 deviation（偏离度）或 ratio（权重 × A/B）(reverse form): {reverse!r}")
    above = r.text(data, "execution_above", "project")
    if above not in ("cap", "error"):
        r.problem("project.execution_above", f"应为 cap（封顶 100%）或 error（报错）: {above!r}")
    negative = data.get("negative_actual", "error")
    if negative not in ("as_zero", "error"):
        r.problem("project.negative_actual", f"应为 as_zero（负数按 0 计）或 error（报错）: {negative!r}")
    elif negative == "as_zero" and not data.get("negative_source"):
        r.problem("project.negative_source", "声明 negative_actual 须写明依据 (source)")
    equal = data.get("equal", "completion")
    if equal not in ("at_least", "completion"):
        r.problem("project.equal", f"应为 at_least（按正向计分）或 completion（按完成率）: {equal!r}")
    elif equal == "at_least" and not data.get("equal_source"):
        r.problem("project.equal_source", "声明 equal 须写明依据 (source)")
    qual = r.table(data, "qualitative", "project") or {}
    r.keys(qual, "project.qualitative", required=("bands", "untyped", "source", "untyped_source"))
    bands = _bands(r, qual, "project.qualitative")
    untyped = _untyped(r, qual, "project.qualitative", bands)
    levels = r.table(data, "levels", "project") or {}
    points: dict[str, Decimal] = {}
    if levels:
        r.keys(levels, "project.levels", required=("points", "rounding", "source"))
        for name, value in (r.table(levels, "points", "project.levels") or {}).items():
            number = r.decimal({name: value}, name, "project.levels.points", minimum=Decimal(0))
            if number is not None:
                points[name] = number
        if r.text(levels, "rounding", "project.levels") != "half_up_integer":
            r.problem("project.levels.rounding", "目前只支持 half_up_integer（四舍五入保留整数）")
    if r.problems:
        raise SpecError(r.problems)
    return ProjectRules(
        family=r.text(data, "family", "project") or spec.id, reverse=reverse,  # type: ignore[arg-type]
        reverse_source=r.text(data, "reverse_source", "project") or "", execution_above=above,  # type: ignore[arg-type]
        execution_source=r.text(data, "execution_source", "project") or "", bands=bands,
        bands_source=r.text(qual, "source", "") or "", untyped=untyped, untyped_source=r.text(qual, "untyped_source", "") or "",
        level_points=points, level_rounding=str(levels.get("rounding", "")), level_source=str(levels.get("source", "")),
        negative_actual=negative, negative_source=str(data.get("negative_source", "")),
        equal=equal, equal_source=str(data.get("equal_source", "")),
    )


# ---------------------------------------------------------------- the case


@attrs.frozen
class Typed:
    """A cell as typed: its text and where it is (``第5行 全年预算数 (C5)`` or ``budget[0].budget``)."""

    text: str = ""
    where: str = ""

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@attrs.frozen
class BudgetRow:
    """One funding row of the budget block (年度资金总额, 其中：当年财政拨款 …)."""

    label: str
    initial: Typed
    budget: Typed
    spent: Typed
    weight: Typed = Typed()
    rate: Typed = Typed()
    score: Typed = Typed()
    where: str = ""


@attrs.frozen
class ProjectIndicator:
    """One row of the indicator block, as typed."""

    level1: str
    level2: str
    name: str
    nature: Typed
    target: Typed
    unit: Typed
    actual: Typed
    weight: Typed
    score: Typed
    reason: str = ""
    where: str = ""
    expected: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class ProjectCase:
    """One project's self-evaluation table."""

    spec: str
    unit: str
    project: str
    year: int
    budget: tuple[BudgetRow, ...]
    indicators: tuple[ProjectIndicator, ...]
    amount_unit: str = "万元"
    total: Typed = Typed()
    grade: Typed = Typed()
    expected: Mapping[str, Any] = attrs.field(factory=dict)
    source: str = ""
    file: str = ""
    excerpt: bool = False  # only part of the printed table was legible: sums cannot be checked
