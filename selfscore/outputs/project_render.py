"""A scored project table rendered as the national 项目支出绩效自评表: terminal table, Markdown, JSON.

The layout is the national form's (docs/project-rules.md §1): a title ``<项目名称> 项目支出绩效自评表``
with the year and 实施单位; the budget block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 |
得分, one row per funding row the case gives); the indicator block (一级 产出/效益/满意度指标, 二级,
三级, 指标性质, 年度指标值, 度量单位, 实际完成值, 分值, 得分, 偏差原因); then 总分 and 等级.
Amounts, targets and actuals are shown as typed (the unit stands in its own column, as on the
form); 分值, 执行率 and 得分 are selfscore's exact results.  JSON carries every number as a string.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from selfscore.core.engine import IndicatorResult, ItemResult, Result
from selfscore.core.numbers import fmt, fmt_percent
from selfscore.core.project import ProjectCase, ProjectIndicator, read_nature

__all__ = ["BUDGET_HEADER", "INDICATOR_HEADER", "ProjectView", "project_to_json", "project_view", "render_project"]

BUDGET_HEADER: Final = ("项目资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_HEADER: Final = ("一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值",
                           "分值", "得分", "偏差原因分析及改进措施")
_SYMBOLS: Final = {">=": "≥", ">": "＞", "==": "＝", "<": "＜", "<=": "≤", "qualitative": "定性"}
_DASH: Final = "—"


@attrs.frozen
class ProjectView:
    """The form as strings: title lines, both blocks, the footer and the lost-point notes."""

    title: str
    subtitle: str
    budget: tuple[tuple[str, ...], ...]
    indicators: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, ...], ...]
    lost: tuple[str, ...]


def _execution(result: Result) -> ItemResult:
    return next(i for p in result.parts for i in p.items if i.kind == "execution_rate")


def _pairs(result: Result, case: ProjectCase) -> list[tuple[ProjectIndicator, IndicatorResult]]:
    found = result.indicators()
    if len(found) != len(case.indicators):  # pragma: no cover - score_project scores every row or refuses
        raise ValueError("result and case disagree on the indicator rows")
    return list(zip(case.indicators, found, strict=True))


def _nature(typed: ProjectIndicator, scored: IndicatorResult) -> str:
    nature = read_nature(typed.nature.text)
    if nature:
        return _SYMBOLS[nature]
    if scored.completion.qualitative:
        return "定性"
    return _SYMBOLS.get(scored.target.comparator or "", "")


def _cell(text: str) -> str:
    return text.strip() or ""


def _budget_rows(result: Result, case: ProjectCase) -> list[tuple[str, ...]]:
    ex = _execution(result)
    rate = _DASH if ex.rate is None else fmt_percent(ex.rate)
    rows: list[tuple[str, ...]] = []
    for k, b in enumerate(case.budget):
        scored = (fmt(ex.max) if ex.max is not None else "", rate, fmt(ex.score) if ex.score is not None else "")
        rows.append((b.label, _cell(b.initial.text), _cell(b.budget.text), _cell(b.spent.text),
                     *(scored if k == 0 else ("", "", ""))))
    return rows


def _indicator_rows(result: Result, case: ProjectCase) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    last1 = last2 = None
    for typed, scored in _pairs(result, case):
        level1 = typed.level1 if typed.level1 != last1 else ""
        level2 = typed.level2 if (typed.level1, typed.level2) != (last1, last2) else ""
        last1, last2 = typed.level1, typed.level2
        rows.append((level1, level2, typed.name, _nature(typed, scored), _cell(typed.target.text), _cell(typed.unit.text),
                     _cell(typed.actual.text), fmt(scored.weight), fmt(scored.score), typed.reason.strip()))
    return rows


def _rate_text(ind: IndicatorResult) -> str:
    done = ind.completion
    rate = done.uncapped if done.uncapped is not None else done.rate
    if done.qualitative or rate is None:
        return done.outcome
    return f"完成率 {fmt_percent(rate)}"


def _lost(result: Result, case: ProjectCase) -> list[str]:
    lines = []
    ex = _execution(result)
    if ex.score is not None and ex.max is not None and ex.score < ex.max and ex.rate is not None:
        lines.append(f"预算执行率：执行率 {fmt_percent(ex.rate)}，{fmt(ex.max)} 分得 {fmt(ex.score)} 分")
    for typed, scored in _pairs(result, case):
        if scored.score < scored.weight:
            lines.append(f"{scored.name}：{fmt(scored.weight)} 分得 {fmt(scored.score)} 分（{_rate_text(scored)}）"
                         + (f"，偏差原因：{typed.reason.strip()}" if typed.reason.strip() else "，未填写偏差原因"))
    return lines


def project_view(result: Result, case: ProjectCase) -> ProjectView:
    """The national form for a scored project ``case`` (``result`` from ``score_project``)."""
    assert result.score is not None
    year = f"（{case.year} 年度）" if case.year else ""
    subtitle = "　".join(part for part in (f"实施单位：{case.unit}" if case.unit else "", f"金额单位：{case.amount_unit}",
                                           f"评分规范：{result.spec_id}") if part)
    width = len(INDICATOR_HEADER)
    footer = (("总分", *[""] * 6, fmt(result.max), fmt(result.score), ""), ("等级", result.grade or _DASH, *[""] * (width - 2)))
    return ProjectView(title=f"{case.project} 项目支出绩效自评表{year}", subtitle=subtitle,
                       budget=tuple(_budget_rows(result, case)), indicators=tuple(_indicator_rows(result, case)),
                       footer=footer, lost=tuple(_lost(result, case)))


# ---------------------------------------------------------------- text formats

_INDICATOR_WIDTHS: Final = (10, 8, 14, 4, 6, 4, 6, 4, 4, 8)
_INDICATOR_HEADS: Final = ("一级指标", "二级指标", "三级指标", "指标\n性质", "年度\n指标值", "度量\n单位", "实际\n完成值",
                           "分值", "得分", "偏差原因")
_BUDGET_WIDTHS: Final = (18, 12, 12, 12, 6, 8, 6)
_NUMERIC_INDICATOR: Final = (7, 8)
_NUMERIC_BUDGET: Final = (1, 2, 3, 4, 5, 6)


def _grid(header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...], numeric: tuple[int, ...]) -> str:
    import tabulate as tabulate_module
    from tabulate import tabulate

    from selfscore.outputs.render import _wrap as wrap_cell  # the one CJK-width wrapper

    wrapped = [[wrap_cell(c, w) for c, w in zip(row, widths, strict=True)] for row in rows]
    padding = tabulate_module.MIN_PADDING
    tabulate_module.MIN_PADDING = 0  # headers no wider than their cells: the form fits 100 columns
    try:
        return str(tabulate(wrapped, headers=header, tablefmt="simple_grid", disable_numparse=True,
                            colalign=tuple("right" if k in numeric else "left" for k in range(len(header)))))
    finally:
        tabulate_module.MIN_PADDING = padding


def _summary(result: Result, view: ProjectView) -> list[str]:
    assert result.score is not None
    lines = [f"总分 {fmt(result.score)}（满分 {fmt(result.max)}），等级：{result.grade or _DASH}"]
    if view.lost:
        lines.append("扣分说明：")
        from selfscore.outputs.render import _wrap

        lines.extend("  - " + _wrap(line, 94).replace("\n", "\n    ") for line in view.lost)
    return lines


def _explain(result: Result) -> list[str]:
    from selfscore.outputs.render import _wrap

    def step(text: str) -> str:
        return "        " + _wrap(text, 90).replace("\n", "\n          ")

    lines = ["计算过程 (explain)："]
    ex = _execution(result)
    lines.append(f"  · {ex.name}（分值 {fmt(ex.max) if ex.max is not None else _DASH}）")
    lines.extend(step(s) for s in ex.trace)
    for ind in result.indicators():
        lines.append(f"  · {ind.name}")
        lines.extend(step(s) for s in ind.trace)
    sources = [i.source for p in result.parts for i in p.items if i.source]
    lines.extend("  依据：" + _wrap(s, 90).replace("\n", "\n        ") for s in sources)
    return lines


def _table(result: Result, case: ProjectCase, *, explain: bool) -> str:
    view = project_view(result, case)
    budget = _grid(BUDGET_HEADER, list(view.budget), _BUDGET_WIDTHS, _NUMERIC_BUDGET)
    indicators = _grid(_INDICATOR_HEADS, [*view.indicators, *view.footer], _INDICATOR_WIDTHS, _NUMERIC_INDICATOR)
    out = [view.title, view.subtitle, budget, indicators, *_summary(result, view)]
    if explain:
        out += ["", *_explain(result)]
    return "\n".join(out) + "\n"


def _md_table(header: tuple[str, ...], rows: list[tuple[str, ...]], numeric: tuple[int, ...]) -> str:
    from tabulate import tabulate

    clean = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in rows]
    return str(tabulate(clean, headers=header, tablefmt="github", disable_numparse=True,
                        colalign=tuple("right" if k in numeric else "left" for k in range(len(header)))))


def _markdown(result: Result, case: ProjectCase, *, explain: bool) -> str:
    view = project_view(result, case)
    summary = _summary(result, view)
    out = [f"**{view.title}**", "", view.subtitle, "", _md_table(BUDGET_HEADER, list(view.budget), _NUMERIC_BUDGET), "",
           _md_table(INDICATOR_HEADER, [*view.indicators, *view.footer], _NUMERIC_INDICATOR), "", summary[0]]
    if view.lost:
        out += ["", summary[1], "", *(f"- {line}" for line in view.lost)]
    if explain:
        out += ["", "```text", *_explain(result), "```"]
    return "\n".join(out) + "\n"


def _narrative_budget(result: Result, case: ProjectCase) -> str:
    ex = _execution(result)
    assert ex.score is not None and ex.max is not None and ex.rate is not None
    scored = f"预算执行率{fmt_percent(ex.rate)}，得分{fmt(ex.score)}分（分值{fmt(ex.max)}分）。"
    first = case.budget[0] if case.budget else None
    if first is None or not first.budget.text.strip() or not first.spent.text.strip():
        return scored
    unit = case.amount_unit
    return f"全年预算数{first.budget.text.strip()}{unit}，全年执行数{first.spent.text.strip()}{unit}，{scored}"


def _narrative(result: Result, case: ProjectCase) -> str:
    """The self-evaluation report's paragraphs for one project (自评结论, 预算执行, 指标完成, 偏差原因)."""
    assert result.score is not None
    pairs = _pairs(result, case)
    levels = "、".join(f"{name}{sum(1 for t, _ in pairs if t.level1 == name)}个"
                      for name in dict.fromkeys(t.level1 for t, _ in pairs))
    met = sum(1 for _, s in pairs if s.completion.met)
    total = sum((s.score for _, s in pairs), Decimal(0))
    weight = sum((s.weight for _, s in pairs), Decimal(0))
    lines = ["一、自评结论",
             f"{case.year}年度“{case.project}”项目" + (f"（实施单位：{case.unit}）" if case.unit else "")
             + f"支出绩效自评得分{fmt(result.score)}分（满分{fmt(result.max)}分），等级为“{result.grade or _DASH}”。",
             "二、预算执行情况", _narrative_budget(result, case),
             "三、绩效指标完成情况",
             f"共设置绩效指标{len(pairs)}个（{levels}），分值合计{fmt(weight)}分，得分{fmt(total)}分；"
             f"达成年度指标值的{met}个，未达成的{len(pairs) - met}个。",
             "四、偏差原因分析及改进措施"]
    short = [(t, s) for t, s in pairs if s.score < s.weight]
    for k, (typed, scored) in enumerate(short, start=1):
        reason = typed.reason.strip()
        lines.append(f"（{k}）{scored.name}（年度指标值{_nature(typed, scored)}{typed.target.text.strip()}{typed.unit.text.strip()}，"
                     f"实际完成值{typed.actual.text.strip()}）{_rate_text(scored)}，得{fmt(scored.score)}分（分值{fmt(scored.weight)}分）。"
                     + (f"偏差原因：{reason}" if reason else "未填写偏差原因，请补充。"))
    if not short:
        lines.append("各项绩效指标均达成年度指标值，无偏差。")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON


def _rate_json(rate: Fraction | None) -> dict[str, str] | None:
    if rate is None:
        return None
    return {"percent": fmt_percent(rate)[:-1], "fraction": f"{rate.numerator}/{rate.denominator}"}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _indicator_json(typed: ProjectIndicator, scored: IndicatorResult, explain: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "level1": typed.level1, "level2": typed.level2, "name": typed.name, "nature": _nature(typed, scored),
        "target": typed.target.text.strip(), "unit": typed.unit.text.strip(), "actual": typed.actual.text.strip(),
        "weight": fmt(scored.weight), "score": fmt(scored.score), "outcome": scored.completion.outcome,
        "rate": _rate_json(scored.completion.rate), "rate_uncapped": _rate_json(scored.completion.uncapped),
        "reason": typed.reason.strip(),
    }
    if explain:
        data["trace"] = list(scored.trace)
    return data


def project_to_json(result: Result, case: ProjectCase, *, explain: bool = False) -> dict[str, Any]:
    """The scored project table as JSON-ready data; every number is a string holding the exact decimal."""
    ex = _execution(result)
    execution: dict[str, Any] = {"weight": _dec(ex.max), "rate": _rate_json(ex.rate), "score": _dec(ex.score)}
    if explain:
        execution["trace"] = list(ex.trace)
    return {
        "kind": "project", "spec": result.spec_id, "project": case.project, "unit": case.unit, "year": case.year,
        "amount_unit": case.amount_unit,
        "budget": [{"row": b.label, "initial": b.initial.text.strip(), "budget": b.budget.text.strip(),
                    "spent": b.spent.text.strip()} for b in case.budget],
        "execution": execution,
        "indicators": [_indicator_json(t, s, explain) for t, s in _pairs(result, case)],
        "score": _dec(result.score), "max": fmt(result.max), "grade": result.grade,
    }


def render_project(result: Result, case: ProjectCase, fmt_name: str = "table", *, explain: bool = False) -> str:
    """Render a scored project table as ``table``, ``markdown``, ``json`` or ``narrative``."""
    if fmt_name == "table":
        return _table(result, case, explain=explain)
    if fmt_name == "markdown":
        return _markdown(result, case, explain=explain)
    if fmt_name == "json":
        return json.dumps(project_to_json(result, case, explain=explain), ensure_ascii=False, indent=2) + "\n"
    if fmt_name == "narrative":
        return _narrative(result, case)
    raise ValueError(f"unknown format {fmt_name!r}")
