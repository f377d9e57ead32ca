"""Renderers: a result as a terminal table, Markdown, JSON, or the explained steps.

The table follows the official 自评表 (一级指标, 二级指标, 三级指标, 年度目标值,
年度实现值, 完成率, 分值, 得分), with decimals printed exactly as scored.  Cells are
passed to tabulate as ready-made strings (``disable_numparse``) so nothing goes
through a float, and CJK text is aligned by display width (wcwidth).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from selfscore.core.engine import IndicatorResult, ItemResult, Result
from selfscore.core.numbers import fmt, fmt_percent

__all__ = ["FORMATS", "HEADERS", "render", "result_to_json", "table_rows"]

HEADERS = ("一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分")
_NUMERIC = (False, False, False, False, False, True, True, True)
_DASH = "—"


def _num(value: Decimal | None) -> str:
    return _DASH if value is None else fmt(value)


def _rate(ind: IndicatorResult) -> str:
    done = ind.completion
    if done.qualitative and done.rate is None:
        return done.outcome
    rate = done.uncapped if done.uncapped is not None else done.rate
    return _DASH if rate is None else fmt_percent(rate)


def _item_rows(item: ItemResult) -> list[list[str]]:
    if item.indicators:
        rows = [["", "", ind.name, ind.target.text.strip(), ind.actual.text.strip(), _rate(ind), fmt(ind.weight), fmt(ind.score)]
                for ind in item.indicators]
        rows.append(["", "", "小计", "", "", "", _num(item.max), _num(item.score)])
        return rows
    if item.status == "unknown":
        return [["", "", "（评分细则未公布）", "", "", "", _num(item.max), _DASH]]
    if item.status == "not_reported":
        return [["", "", "（未填报）", "", "", "", _num(item.max), _DASH]]
    if item.kind == "execution_rate":
        rate = _DASH if item.rate is None else fmt_percent(item.rate)
        return [["", "", "年度平均支出率", "100%", rate, rate, _num(item.max), _num(item.score)]]
    if item.deductions:
        label = "；".join(d.reason if "扣" in d.reason else f"{d.reason}（扣{fmt(d.points)}分）" for d in item.deductions)
    else:
        label = "按报告汇总：无扣分" if item.kind == "indicators" else "无扣分"
    return [["", "", label, "", "", "", _num(item.max), _num(item.score)]]


def table_rows(result: Result) -> list[list[str]]:
    """The 自评表 as rows of strings; the level-1/level-2 names stand on their first row only."""
    rows: list[list[str]] = []
    for part in result.parts:
        if part.unknown:
            rows.append([part.name, "（评分细则未公布）", "", "", "", "", _num(part.max), _DASH])
            continue
        first_of_part = len(rows)
        for item in part.items:
            item_rows = _item_rows(item)
            item_rows[0][1] = item.name
            rows.extend(item_rows)
        rows[first_of_part][0] = part.name
        rows.append(["", f"{part.name}合计", "", "", "", "", _num(part.max), _num(part.score)])
    rows.append(["总分", "", "", "", "", "", _num(result.max), _num(result.score)])
    return rows


_NO_LINE_START = frozenset("）)」』】〕》”’。，、；：！？%.,;:!?")


def _wrap(text: str, width: int) -> str:
    """Wrap ``text`` to ``width`` display columns (CJK characters count 2)."""
    from wcwidth import wcwidth

    lines, line, used = [], "", 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        # a closing mark never starts a line (禁则): let it overhang instead
        if used + w > width and line and ch not in _NO_LINE_START:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    lines.append(line)
    return "\n".join(lines)


def _summary_lines(result: Result) -> list[str]:
    lines = []
    if result.partial:
        lines.append(f"结果不完整 (partial)：已计分部分得分 {fmt(result.known_score)}（满分 {fmt(result.known_max)}），"
                     "不计总分和等级。缺少：")
        lines.extend(f"  - {m}" for m in result.missing)
    else:
        assert result.score is not None
        lines.append(f"总分 {fmt(result.score)}（满分 {fmt(result.max)}），等级：{result.grade or _DASH}")
    deductions = [(item, d) for part in result.parts for item in part.items for d in item.deductions]
    lost = [ind for ind in result.indicators() if ind.score < ind.weight]
    executions = [item for part in result.parts for item in part.items
                  if item.kind == "execution_rate" and item.score is not None and item.max is not None and item.score < item.max]
    if deductions or lost or executions:
        lines.append("失分说明：")
        for item, d in deductions:
            lines.append(f"  - {item.name}：扣 {fmt(d.points)} 分，{d.reason}")
        for ind in lost:
            lines.append(f"  - {ind.name}：{fmt(ind.weight)} 分得 {fmt(ind.score)} 分（完成率 {_rate(ind)}）"
                         + (f"，偏差原因：{ind.reason}" if ind.reason else ""))
        for item in executions:
            assert item.score is not None and item.max is not None and item.rate is not None
            lines.append(f"  - {item.name}：平均支出率 {fmt_percent(item.rate)}，扣 {fmt(item.max - item.score)} 分")
    return lines


def _explain_lines(result: Result) -> list[str]:
    lines = ["计算过程 (explain)："]
    for part in result.parts:
        lines.append(f"【{part.name}】")
        if part.unknown:
            lines.append("  评分细则未公布 (not published)")
        for item in part.items:
            lines.append(f"  {item.name}（分值 {_num(item.max)}，得分 {_num(item.score)}）")
            for ind in item.indicators:
                lines.append(f"    · {ind.name}")
                lines.extend(f"        {step}" for step in ind.trace)
            lines.extend(f"    {step}" for step in item.trace)
            if item.source:
                lines.append(f"    依据：{item.source}")
    return lines


def _title(result: Result) -> str:
    return f"{result.department} {result.year} 年度部门整体支出绩效自评表（评分规范：{result.spec_id}）"


def _text_table(result: Result, *, explain: bool) -> str:
    from tabulate import tabulate

    widths = (10, 16, 22, 20, 20, 8, 6, 6)
    rows = [[_wrap(cell, w) for cell, w in zip(row, widths, strict=True)] for row in table_rows(result)]
    table = tabulate(rows, headers=HEADERS, tablefmt="simple_grid", disable_numparse=True,
                     colalign=tuple("right" if n else "left" for n in _NUMERIC))
    parts = [_title(result), table, *_summary_lines(result)]
    if explain:
        parts.extend(["", *_explain_lines(result)])
    return "\n".join(parts) + "\n"


def _markdown(result: Result, *, explain: bool) -> str:
    from tabulate import tabulate

    rows = [[cell.replace("|", "\\|").replace("\n", " ") for cell in row] for row in table_rows(result)]
    table = tabulate(rows, headers=HEADERS, tablefmt="github", disable_numparse=True,
                     colalign=tuple("right" if n else "left" for n in _NUMERIC))
    summary: list[str] = []
    for line in _summary_lines(result):
        if line.startswith("  - "):
            if summary and not summary[-1].startswith("- "):
                summary.append("")
            summary.append(line[2:])
        else:
            if summary:
                summary.append("")
            summary.append(line)
    out = [f"**{_title(result)}**", "", table, "", *summary]
    if explain:
        out.extend(["", "```text", *_explain_lines(result), "```"])
    return "\n".join(out) + "\n"


def _rate_json(rate: Fraction | None) -> dict[str, str] | None:
    if rate is None:
        return None
    return {"percent": fmt_percent(rate, places=2)[:-1], "fraction": f"{rate.numerator}/{rate.denominator}"}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def result_to_json(result: Result, *, explain: bool = False) -> dict[str, Any]:
    """The result as JSON-ready data; every number is a string holding the exact decimal.

    Rates are given as ``{"percent": "98.66", "fraction": "4933/5000"}``: the
    percentage rounded half-up to 2 places for display, and the exact fraction.
    """

    def indicator(ind: IndicatorResult) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": ind.name, "group": ind.group, "category": ind.category,
            "target": ind.target.text, "actual": ind.actual.text,
            "weight": fmt(ind.weight), "weight_typed": ind.weight_typed,
            "rate": _rate_json(ind.rate), "rate_uncapped": _rate_json(ind.completion.uncapped),
            "outcome": ind.completion.outcome, "score": fmt(ind.score),
        }
        if ind.reason:
            data["reason"] = ind.reason
        if explain:
            data["trace"] = list(ind.trace)
        return data

    def item(it: ItemResult) -> dict[str, Any]:
        data: dict[str, Any] = {"key": it.key, "name": it.name, "kind": it.kind, "status": it.status,
                                "score": _dec(it.score), "max": _dec(it.max)}
        if it.indicators:
            data["indicators"] = [indicator(i) for i in it.indicators]
        if it.deductions:
            data["deductions"] = [{"points": fmt(d.points), "reason": d.reason, "indicator": d.indicator, "source": d.source}
                                  for d in it.deductions]
        if it.rate is not None:
            data["rate"] = _rate_json(it.rate)
        if explain:
            data["trace"] = list(it.trace)
            data["source"] = it.source
        return data

    return {
        "spec": result.spec_id, "department": result.department, "year": result.year,
        "score": _dec(result.score), "max": fmt(result.max), "grade": result.grade, "partial": result.partial,
        "known_score": fmt(result.known_score), "known_max": fmt(result.known_max), "missing": list(result.missing),
        "parts": [{"key": p.key, "name": p.name, "score": _dec(p.score), "max": _dec(p.max), "unknown": p.unknown,
                   "items": [item(i) for i in p.items]} for p in result.parts],
    }


FORMATS = ("table", "markdown", "json", "narrative")


def render(result: Result, fmt_name: str = "table", *, explain: bool = False) -> str:
    """Render ``result`` as ``table``, ``markdown``, ``json`` or ``narrative`` (report paragraphs)."""
    if fmt_name == "table":
        return _text_table(result, explain=explain)
    if fmt_name == "markdown":
        return _markdown(result, explain=explain)
    if fmt_name == "json":
        return json.dumps(result_to_json(result, explain=explain), ensure_ascii=False, indent=2) + "\n"
    if fmt_name == "narrative":
        from selfscore.outputs.narrative import narrative

        return narrative(result)
    raise ValueError(f"unknown format {fmt_name!r}")
