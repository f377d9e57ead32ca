"""``verify``: recompute an indicator table an officer filled in by hand and list each difference.

What the table *says* (its typed 分值, 完成率, 得分 and sums) is compared with what the
spec computes from its targets and actuals.  Each :class:`SheetDifference` names the
cell, both values and why they differ: weights not summing to the item's points, a
completion rate inconsistent with target and actual, a score above its weight, a
rounding step other than the spec's, a sum that does not add up, a below-full
indicator without a 偏差原因 (where the table has that column), points that differ
from the spec.  A table that cannot be read at all raises the loader's errors.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs

from selfscore.core.completion import OUTCOMES, Completion
from selfscore.core.engine import IndicatorResult, ItemResult, Result, score
from selfscore.core.errors import CaseError
from selfscore.core.numbers import ROUNDING_MODES, Rounding, div_round, exact_sum, fmt, fmt_percent, mul
from selfscore.core.rules import Proportional
from selfscore.core.spec import Item, Spec
from selfscore.core.split import weights_problem
from selfscore.inputs.load import load_spec
from selfscore.inputs.sheet import RowInfo, Sheet, SheetRow, read_number, read_sheet, sheet_case

__all__ = ["KINDS", "SheetDifference", "differences_to_json", "render_differences", "verify"]

#: Kinds of difference, with their Chinese label.
KINDS: Final[dict[str, str]] = {
    "weights": "分值合计不等于二级指标分值",
    "weight": "分值",
    "points": "分值与评分规范不符",
    "rate": "完成率",
    "above_weight": "得分高于分值",
    "rounding": "舍入",
    "score": "得分",
    "sum": "合计",
    "reason": "缺少偏差原因",
}

_BLANK = "（空）"


@attrs.frozen
class SheetDifference:
    """One cell where the table says something other than what the spec computes."""

    cell: str
    says: str
    should: str
    why: str
    kind: str
    row: int = 0
    where: str = ""


class _Diffs:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.items: list[SheetDifference] = []

    def add(self, row: SheetRow, field: str, says: str, should: str, why: str, kind: str) -> None:
        cell = row.cells[field].address if field in row.cells else ""
        self.items.append(SheetDifference(cell, says or _BLANK, should, why, kind, row.number, self.sheet.where(row, field)))


def _number(text: str) -> Decimal | None:
    try:
        return read_number(text)
    except (TypeError, ValueError):
        return None


def _percent(text: str) -> Decimal | None:
    s = unicodedata.normalize("NFKC", text).replace(" ", "")
    if not s.endswith("%"):
        return None
    return _number(s[:-1])


def _rate_matches(typed: Decimal, rate: Fraction) -> bool:
    """The typed percentage is ``rate`` rounded (half-up or truncated) at the places it shows."""
    exponent = typed.as_tuple().exponent
    places = min(12, max(0, -exponent if isinstance(exponent, int) else 0))
    num, den = mul(Decimal(rate.numerator), Decimal(100)), Decimal(rate.denominator)
    return any(div_round(num, den, Rounding(places, mode)) == typed for mode in ROUNDING_MODES)  # type: ignore[arg-type]


def _check_rate(diffs: _Diffs, row: SheetRow, done: Completion) -> None:
    text = row.text("rate")
    if not text:
        return
    shown = done.uncapped if done.uncapped is not None else done.rate
    if shown is None:  # qualitative 部分达成: scored by the rule's share, no rate to compare
        if text.strip() not in OUTCOMES or text.strip() == done.outcome:
            return
        diffs.add(row, "rate", text, done.outcome, f"完成情况应为 {done.outcome}：{done.trace[-1]}", "rate")
        return
    typed = _percent(text)
    should = fmt_percent(shown)
    if typed is None:
        if text.strip() == done.outcome:
            return
        diffs.add(row, "rate", text, should, "完成率应写成百分数，如 98.66% (write the rate as a percentage)："
                  + done.trace[-1], "rate")
        return
    if any(_rate_matches(typed, r) for r in (done.uncapped, done.rate) if r is not None):
        return
    diffs.add(row, "rate", text, should,
              f"完成率与目标值、实现值不符 (completion rate inconsistent with target and actual)：{done.trace[-1]}", "rate")


def _rounding_used(item: Item, ind: IndicatorResult, typed: Decimal) -> str | None:
    """How ``typed`` was rounded, when it is this indicator's exact score rounded another way."""
    rule = item.rule
    done = ind.completion
    if not isinstance(rule, Proportional) or done.met or done.rate is None or done.rate < Fraction(rule.floor):
        return None
    num, den = mul(ind.weight, Decimal(done.rate.numerator)), Decimal(done.rate.denominator)
    if Fraction(typed) == Fraction(num) / Fraction(den):
        return "未舍入 (not rounded)"
    for places in range(0, 7):
        for mode in ROUNDING_MODES:
            step = Rounding(places, mode)  # type: ignore[arg-type]
            if step != rule.rounding and div_round(num, den, step) == typed:
                return f"按“{step.label}”舍入"
    return None


def _check_indicator(diffs: _Diffs, info: RowInfo, ind: IndicatorResult, has_reason: bool) -> None:
    row, item = info.row, info.item
    assert item is not None
    _check_rate(diffs, row, ind.completion)
    typed_weight = _number(row.text("weight")) if row.text("weight") else None
    compare_weight = typed_weight if typed_weight is not None else ind.weight
    text = row.text("score")
    steps = "；".join(ind.trace[1:])
    if text:
        typed = _number(text)
        if typed is None:
            diffs.add(row, "score", text, fmt(ind.score), f"得分不是数值 (not a number)；{steps}", "score")
        elif typed > compare_weight:
            diffs.add(row, "score", text, fmt(ind.score),
                      f"得分 {fmt(typed)} 高于分值 {fmt(compare_weight)} (score above weight)；{steps}", "above_weight")
        elif typed != ind.score:
            used = _rounding_used(item, ind, typed)
            if used is not None:
                diffs.add(row, "score", text, fmt(ind.score), f"舍入有误 (rounding)：表中是{used}；{ind.trace[-1]}", "rounding")
            else:
                weight_note = (f"（分值应为 {fmt(ind.weight)}）" if typed_weight is not None and typed_weight != ind.weight else "")
                diffs.add(row, "score", text, fmt(ind.score),
                          f"得分与计算结果不符 (score differs from the computed score){weight_note}：{steps}", "score")
    if has_reason and ind.score < ind.weight and not row.text("reason"):
        diffs.add(row, "reason", "", "（须填写偏差原因）",
                  f"得分 {fmt(ind.score)} 低于分值 {fmt(ind.weight)}，未填写偏差原因 (a below-full indicator needs a reason)",
                  "reason")


def _check_weights(diffs: _Diffs, spec: Spec, item: Item, infos: Sequence[RowInfo], found: ItemResult) -> None:
    assert item.points is not None
    typed = [_number(info.row.text("weight")) if info.row.text("weight") else None for info in infos]
    if all(w is None for w in typed):
        return
    rows = [info.row for info in infos]
    if all(w is not None for w in typed):
        total = exact_sum(w for w in typed if w is not None)
        wrong = weights_problem(total, item.points, item.name)
        if wrong is None:
            return
        first, last = rows[0].cells["weight"].address, rows[-1].cells["weight"].address
        header = diffs.sheet.headers.get("weight", "分值")
        diffs.items.append(SheetDifference(
            f"{first}:{last}", f"{' + '.join(fmt(w) for w in typed if w is not None)} = {fmt(total)}", fmt(item.points),
            wrong,
            "weights", rows[0].number, f"第{rows[0].number}–{rows[-1].number}行 {header} ({first}:{last})"))
    leftover = {"ends": "首尾", "first": "靠前指标", "last": "靠后指标"}[item.split.leftover if item.split else "ends"]
    split = f"{fmt(item.points)} 分按评分规范 {spec.id} 均分、尾差给{leftover}"
    for info, weight, ind in zip(infos, typed, found.indicators, strict=True):
        if weight is None:
            diffs.add(info.row, "weight", "", fmt(ind.weight),
                      f"分值未填写 (weight missing)；{split}，此项应为 {fmt(ind.weight)}", "weight")
        elif weight != ind.weight:
            diffs.add(info.row, "weight", info.row.text("weight"), fmt(ind.weight),
                      f"分值有误：{split}，此项应为 {fmt(ind.weight)} (the spec's split)", "weight")


def _check_points(diffs: _Diffs, spec: Spec, row: SheetRow, points: Decimal | None, label: str) -> None:
    text = row.text("weight")
    if not text or points is None:
        return
    typed = _number(text)
    if typed != points:
        diffs.add(row, "weight", text, fmt(points),
                  f"“{label}”的分值在评分规范 {spec.id} 中为 {fmt(points)} (points differ from the spec)", "points")


def _check_item(diffs: _Diffs, spec: Spec, info: RowInfo, found: ItemResult, has_reason: bool) -> None:
    row, item = info.row, info.item
    assert item is not None and item.points is not None
    _check_points(diffs, spec, row, item.points, item.name)
    text = row.text("score")
    typed = _number(text) if text else None
    if item.kind == "execution_rate":
        if found.rate is not None and row.text("rate"):
            done = Completion("达成" if found.rate >= 1 else "未达成", min(found.rate, Fraction(1)), found.rate, False,
                              (f"年度平均支出率 {fmt_percent(found.rate)}",))
            _check_rate(diffs, row, done)
        if text and found.score is None:
            diffs.add(row, "score", text, "—", "未填写年度平均支出率（年度实现值列），无法计算得分 (the rate is missing)", "score")
        elif text and found.score is not None and typed != found.score:
            diffs.add(row, "score", text, fmt(found.score), "得分与计算结果不符 (score differs from the computed score)："
                      + "；".join(found.trace), "score")
        return
    if typed is None:
        if text:
            diffs.add(row, "score", text, "", "得分不是数值 (not a number)", "score")
        return
    if typed > item.points:
        diffs.add(row, "score", text, f"≤ {fmt(item.points)}",
                  f"得分 {fmt(typed)} 高于分值 {fmt(item.points)} (score above points)", "above_weight")
    elif typed < item.points and not row.text("reason"):
        field = "reason" if has_reason else "score"
        diffs.add(row, field, "" if has_reason else text, "（须写明扣分原因）",
                  f"得分 {fmt(typed)} 低于分值 {fmt(item.points)}，未写明扣分原因 (a deduction needs a reason)"
                  + ("" if has_reason else "；表中没有偏差原因列"), "reason")


def _typed_score(info: RowInfo) -> Decimal | None:
    text = info.row.text("score")
    return _number(text) if text else None


def _added(spec: Spec, infos: Sequence[RowInfo], target: RowInfo) -> Decimal | None:
    """What the table's own rows add up to under a sum row: the typed subtotals where the
    table has them, else the typed scores of its rows; None when some are blank."""
    def item_total(item: Item) -> Decimal | None:
        subtotal = [i for i in infos if i.kind == "sum" and i.scope == "item" and i.item is item and i.row.text("score")]
        if subtotal:
            return _typed_score(subtotal[0])
        leaves = [_typed_score(i) for i in infos if i.kind != "sum" and i.item is item]
        if not leaves or any(v is None for v in leaves):
            return None
        return exact_sum(v for v in leaves if v is not None)

    def part_total(part: Any, use_own_row: bool) -> Decimal | None:
        own = [i for i in infos if i.kind == "sum" and i.scope == "part" and i.part is part and i.row.text("score")]
        if use_own_row and own:
            return _typed_score(own[0])
        shown = [item for item in part.items if any(i.item is item for i in infos)]
        values = [item_total(item) for item in shown]
        if not values or any(v is None for v in values):
            return None
        return exact_sum(v for v in values if v is not None)

    if target.scope == "item":
        assert target.item is not None
        leaves = [_typed_score(i) for i in infos if i.kind != "sum" and i.item is target.item]
        if not leaves or any(v is None for v in leaves):
            return None
        return exact_sum(v for v in leaves if v is not None)
    if target.scope == "part":
        return part_total(target.part, use_own_row=False)
    values = [part_total(part, use_own_row=True) for part in spec.parts if any(i.part is part for i in infos)]
    if not values or any(v is None for v in values):
        return None
    return exact_sum(v for v in values if v is not None)


def _check_sum(diffs: _Diffs, spec: Spec, result: Result, infos: Sequence[RowInfo], info: RowInfo) -> None:
    row = info.row
    if info.scope == "item":
        assert info.item is not None
        found = result.item(info.item.key)
        computed, maximum, label = (found.score if found else None), info.item.points, info.item.name
        how = "；".join(found.trace) if found and found.status == "scored" and found.indicators else ""
    elif info.scope == "part":
        assert info.part is not None
        part = next(p for p in result.parts if p.key == info.part.key)
        computed, maximum, label = part.score, part.max, part.name
        how = (f"{part.name} = {' + '.join(fmt(i.score) for i in part.items if i.score is not None)} = {fmt(part.score)}"
               if part.score is not None else "")
    else:
        computed, maximum, label = result.score, result.max, "总分"
        how = (f"总分 = {' + '.join(fmt(p.score) for p in result.parts if p.score is not None)} = {fmt(result.score)}"
               if result.score is not None else "")
    _check_points(diffs, spec, row, maximum, label)
    text = row.text("score")
    if not text:
        return
    typed = _number(text)
    if computed is None:
        missing = "；".join(result.missing)
        diffs.add(row, "score", text, "—", f"“{label}”无法计算：结果不完整 (partial)，缺少 {missing}", "sum")
        return
    if typed == computed:
        return
    added = _added(spec, infos, info)
    if typed is not None and added is not None:
        if added != typed:
            why = f"合计 {fmt(typed)} 不等于上方各行得分之和 {fmt(added)} (the sum does not add up)"
        else:
            why = "上方各行得分有误，合计应为计算得分 (follows from the differences above)"
    else:
        why = "合计与计算得分不符 (sum differs from the computed score)"
    diffs.add(row, "score", text, fmt(computed), why + (f"：{how}" if how else ""), "sum")


def verify(path: Path | str, spec: Spec | str) -> list[SheetDifference]:
    """Recompute a filled-in indicator table under ``spec`` and list every difference, by row.

    An empty list means the table agrees with the spec.  A table that cannot be read
    or scored (missing columns, unreadable targets ...) raises
    :class:`~selfscore.UnreadableError` or :class:`~selfscore.CaseError`.
    """
    the_spec = spec if isinstance(spec, Spec) else load_spec(spec)
    sheet = read_sheet(path)
    built = sheet_case(sheet, the_spec, lenient=True)
    if built.problems:
        raise CaseError(built.problems)
    result = score(the_spec, built.case)
    diffs = _Diffs(sheet)
    has_reason = "reason" in sheet.headers
    for item in the_spec.items():
        infos = [i for i in built.rows if i.kind == "indicator" and i.item is item]
        found = result.item(item.key)
        if infos and found is not None and not built.weights_used.get(item.key, True):
            _check_weights(diffs, the_spec, item, infos, found)
    for info in built.rows:
        if info.kind == "indicator":
            assert info.item is not None
            found = result.item(info.item.key)
            assert found is not None
            _check_indicator(diffs, info, found.indicators[info.index], has_reason)
        elif info.kind == "item":
            assert info.item is not None
            found = result.item(info.item.key)
            assert found is not None
            _check_item(diffs, the_spec, info, found, has_reason)
        else:
            _check_sum(diffs, the_spec, result, built.rows, info)
    return sorted(diffs.items, key=lambda d: (d.row, d.kind != "weights"))


def render_differences(diffs: Sequence[SheetDifference], file: str = "") -> str:
    """The differences as text for the terminal, one block per cell, or a line saying there are none."""
    name = f"{file}：" if file else ""
    if not diffs:
        return f"{name}核对无误，未发现不符 (no differences)\n"
    lines = [f"{name}发现 {len(diffs)} 处不符 (differences)："]
    for d in diffs:
        lines.append(f"  {d.where}：表中 (says) {d.says}，应为 (should be) {d.should}")
        lines.append(f"      {d.why}")
    return "\n".join(lines) + "\n"


def differences_to_json(diffs: Sequence[SheetDifference]) -> list[dict[str, Any]]:
    """The differences as JSON-ready data (every value a string, except ``row``)."""
    return [attrs.asdict(d) for d in diffs]
