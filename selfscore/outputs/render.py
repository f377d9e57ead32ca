"""Renderers: a result as a terminal table, Markdown, JSON, or the explained steps.

The table follows the scoring table (评分项目 such as 履职效能, 评分内容 such as its items, 三级指标, 年度目标值,
年度实现值, 完成率, 分值, 得分), with decimals printed exactly as scored.  Cells are
passed to tabulate as ready-made strings (``disable_numparse``) so nothing goes
through a float, and CJK text is aligned by display width (wcwidth).

The terminal table fits ``width`` columns (the CLI passes the terminal's width, or 100
when the output is not a terminal): the number columns keep their width and the text
columns (names, targets, actuals) share the rest, wrapping inside their cells.  With
``plain`` the borders are ASCII (``+ - |``) and the ambiguous-width characters legacy
Chinese Windows consoles draw double-wide (≥ ≤ “ ” — × → ·) are written in ASCII, so the
table stays aligned in any console.

Officers see each item's plain Chinese 依据 (the spec's ``basis``); a rule's ``source``
(for auditors) is shown only with ``sources`` and is always in JSON with ``explain``.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeGuard

from selfscore.core.engine import IndicatorResult, ItemResult, Result
from selfscore.core.numbers import fmt, fmt_percent, sub

if TYPE_CHECKING:
    from selfscore.core.project_score import ProjectResult

__all__ = ["FORMATS", "HEADERS", "column_widths", "partial_scored", "render", "result_to_json", "table_rows"]

HEADERS = ("评分项目", "评分内容", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分")
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


def _tokens(text: str) -> list[str]:
    """Runs of ASCII letters/digits (a number or word stays whole), and every other character alone."""
    return re.findall(r"[A-Za-z0-9.,%+\-/:()]+|.", text)


def _wrap(text: str, width: int) -> str:
    """Wrap ``text`` to ``width`` display columns (CJK characters count 2).

    A number or ASCII word moves to the next line whole when it fits there; a closing
    mark never starts a line (禁则): it overhangs instead; lines do not start with a space.
    """
    from wcwidth import wcswidth

    lines: list[str] = []
    line, used = "", 0
    for token in _tokens(text):
        w = max(wcswidth(token), 0)
        if used + w > width and line and token[0] not in _NO_LINE_START:
            if w > width:  # too long for any line: split it where it must be
                for ch in token:
                    cw = max(wcswidth(ch), 0)
                    if used + cw > width and line:
                        lines.append(line.rstrip())
                        line, used = "", 0
                    line += ch
                    used += cw
                continue
            lines.append(line.rstrip())
            line, used = "", 0
        if not line and token == " ":
            continue
        line += token
        used += w
    lines.append(line.rstrip())
    return "\n".join(lines)


def _summary_lines(result: Result) -> list[str]:
    lines = []
    if result.partial:
        lines.append(f"结果不完整 (partial)：{partial_scored(result)}，不计总分和等级。缺少：")
        lines.extend(f"  - {m}" for m in result.missing)
    else:
        assert result.score is not None
        lines.append(f"总分 {fmt(result.score)}（满分 {fmt(result.max)}），等级：{result.grade or _DASH}")
    deductions = [(item, d) for part in result.parts for item in part.items for d in item.deductions]
    lost = [ind for ind in result.indicators() if ind.score < ind.weight]
    executions = [item for part in result.parts for item in part.items
                  if item.kind == "execution_rate" and item.score is not None and item.max is not None and item.score < item.max]
    if deductions or lost or executions:
        lines.append("扣分说明：")
        for item, d in deductions:
            lines.append(f"  - {item.name}：扣 {fmt(d.points)} 分，{d.reason}")
        for ind in lost:
            lines.append(f"  - {ind.name}：{fmt(ind.weight)} 分得 {fmt(ind.score)} 分，扣 {fmt(sub(ind.weight, ind.score))} 分"
                         f"（完成率 {_rate(ind)}）"
                         + (f"，偏差原因：{ind.reason}" if ind.reason else ""))
        for item in executions:
            assert item.score is not None and item.max is not None and item.rate is not None
            lines.append(f"  - {item.name}：平均支出率 {fmt_percent(item.rate)}，扣 {fmt(sub(item.max, item.score))} 分")
    return lines


def partial_scored(result: Result) -> str:
    """What a partial result has scored: “已计分部分得分 39.9（满分 40）”, or “尚无已计分的项目”."""
    if result.known_max == 0:
        return "尚无已计分的项目（表中未填写）"
    return f"已计分部分得分 {fmt(result.known_score)}（满分 {fmt(result.known_max)}）"


def _explain_lines(result: Result, *, sources: bool = False) -> list[str]:
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
            if item.basis:
                lines.append(f"    依据：{item.basis}")
            if sources and item.source:
                lines.append(f"    出处 (source)：{item.source}")
    return lines


def _title(result: Result) -> str:
    return f"{result.department} {result.year} 年度部门整体支出绩效自评表（评分规范：{result.spec_id}）"


#: Characters of East Asian "ambiguous" width (double-wide in legacy Chinese consoles), in ASCII.
_PLAIN = str.maketrans({"≥": ">=", "≤": "<=", "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "−": "-",
                        "×": "x", "÷": "/", "±": "+/-", "→": "->", "·": "-", "…": "...", "≈": "~", "─": "-", "│": "|",
                        "┼": "+"})
_FLEXIBLE = (0, 1, 2, 3, 4)  # the text columns that wrap; the number columns keep their width
_MIN_FLEX = 6  # display columns a wrapping column keeps at least (three CJK characters)


def _display(text: str) -> int:
    from wcwidth import wcswidth

    return max((max(wcswidth(line), 0) for line in text.split("\n")), default=0)


def column_widths(rows: list[list[str]], width: int) -> list[int]:
    """Widths (display columns) for the table's columns so that the table fits ``width`` columns.

    Each column's natural width is its widest cell; when the whole does not fit, the
    number columns keep theirs and the text columns share what is left, each getting
    at least ``_MIN_FLEX`` and more in proportion to what it would need.
    """
    natural = [max(_display(cell) for cell in column) for column in zip(HEADERS, *rows, strict=True)]
    budget = width - (3 * len(HEADERS) + 1)  # "│ " + " " per column, and the last border
    fixed = sum(w for c, w in enumerate(natural) if c not in _FLEXIBLE)
    room = budget - fixed
    if sum(natural[c] for c in _FLEXIBLE) <= room:
        return natural
    cap = _MIN_FLEX  # the largest cap with sum(min(natural, cap)) <= room: short columns whole, long ones equal
    while sum(min(natural[c], cap + 1) for c in _FLEXIBLE) <= room and cap < max(natural):
        cap += 1
    widths = list(natural)
    for c in _FLEXIBLE:
        widths[c] = min(natural[c], cap)
    return widths


def _text_table(result: Result, *, explain: bool, sources: bool = False, plain: bool = False, width: int = 100) -> str:
    from tabulate import tabulate

    cells = table_rows(result)
    if plain:
        cells = [[cell.translate(_PLAIN) for cell in row] for row in cells]
    target = width
    for _ in range(8):  # a closing mark may overhang its line (禁则): narrow the plan until the table fits
        widths = column_widths(cells, target)
        rows = [[_wrap(cell, w) for cell, w in zip(row, widths, strict=True)] for row in cells]
        headers = [_wrap(h, w) for h, w in zip(HEADERS, widths, strict=True)]
        used = [max(_display(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
        excess = sum(used) + 3 * len(HEADERS) + 1 - width
        if excess <= 0:
            break
        target -= excess
    import tabulate as tabulate_module

    padding = tabulate_module.MIN_PADDING
    tabulate_module.MIN_PADDING = 0  # headers get no extra width, so the table is exactly as wide as planned
    try:
        table = tabulate(rows, headers=headers, tablefmt="grid" if plain else "simple_grid", disable_numparse=True,
                         colalign=tuple("right" if n else "left" for n in _NUMERIC))
    finally:
        tabulate_module.MIN_PADDING = padding
    parts = [_wrap(_title(result), width), table, *_summary_lines(result)]
    if explain:
        parts.extend(["", *_explain_lines(result, sources=sources)])
    text = "\n".join(parts) + "\n"
    return text.translate(_PLAIN) if plain else text


def _markdown(result: Result, *, explain: bool, sources: bool = False) -> str:
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
        out.extend(["", "```text", *_explain_lines(result, sources=sources), "```"])
    return "\n".join(out) + "\n"


def _rate_json(rate: Fraction | None) -> dict[str, str] | None:
    if rate is None:
        return None
    return {"percent": fmt_percent(rate, places=2)[:-1], "fraction": f"{rate.numerator}/{rate.denominator}"}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def result_to_json(result: Result, *, explain: bool = False) -> dict[str, Any]:
    """The result as JSON-ready data; every number is a string holding the exact decimal.

    Numbers are written the way every output prints them (Excel's General format, no
    trailing zeros): a score held as ``Decimal("39.60")`` is ``"39.6"``, ``20.00`` is
    ``"20"``; the value is exact either way.  With ``explain``, each item carries its
    ``trace``, its plain Chinese ``basis`` and its ``source`` (for auditors).

    Rates are given as ``{"percent": "98.66", "fraction": "4933/5000"}``: the
    percentage rounded half-up to 2 places for display, and the exact fraction.
    A scored project table (:class:`~selfscore.core.project_score.ProjectResult`) gives
    the project layout (:func:`~selfscore.outputs.project_render.project_to_json`).
    """
    if _is_project(result):
        from selfscore.outputs.project_render import project_to_json

        return project_to_json(result, result.case, explain=explain)

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
        if ind.note:
            data["note"] = ind.note
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
            data["basis"] = it.basis
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


def _is_project(result: Result) -> TypeGuard[ProjectResult]:
    """Whether ``result`` is a scored project table.  Its modules are imported only to score one, so a
    department's ``score`` does not load them (if they are not loaded, no project result exists)."""
    module = sys.modules.get("selfscore.core.project_score")
    return module is not None and isinstance(result, module.ProjectResult)


def render(result: Result, fmt_name: str = "table", *, explain: bool = False, sources: bool = False,
           plain: bool = False, width: int = 100) -> str:
    """Render ``result`` as ``table``, ``markdown``, ``json`` or ``narrative`` (report paragraphs).

    ``explain`` adds every step with its 依据; ``sources`` adds each rule's source (for
    auditors); ``plain`` and ``width`` shape the terminal table (see the module doc).
    A scored project table (:class:`~selfscore.core.project_score.ProjectResult`) is
    rendered in the project layout (:func:`~selfscore.outputs.project_render.render_project`).
    """
    if _is_project(result):
        from selfscore.outputs.project_render import render_project

        return render_project(result, result.case, fmt_name, explain=explain)
    if fmt_name == "table":
        return _text_table(result, explain=explain, sources=sources, plain=plain, width=width)
    if fmt_name == "markdown":
        return _markdown(result, explain=explain, sources=sources)
    if fmt_name == "json":
        return json.dumps(result_to_json(result, explain=explain), ensure_ascii=False, indent=2) + "\n"
    if fmt_name == "narrative":
        from selfscore.outputs.narrative import narrative

        return narrative(result)
    raise ValueError(f"unknown format {fmt_name!r}")
