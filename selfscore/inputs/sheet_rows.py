"""Applying a spec to a read 自评表's rows: which item, group or sum each row is, and the
indicator or item input it gives (see :mod:`selfscore.inputs.sheet`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

import attrs

from selfscore.core.case import Deduction, Indicator, ItemInput, read_percent
from selfscore.core.completion import completion, read_judgement
from selfscore.core.errors import Problem, SelfScoreError
from selfscore.core.numbers import fmt, sub
from selfscore.core.spec import Item, Part, Spec
from selfscore.core.targets import Target, parse_actual, parse_target
from selfscore.inputs.sheet_table import TOTAL_WORDS, Sheet, SheetRow, label_key, read_number, squash

__all__ = ["RowInfo", "RowKind", "Scope", "cell_range", "indicator_of", "item_input_of", "part_of", "resolve", "skippable",
           "sum_scope", "unknown_label"]

RowKind = Literal["indicator", "item", "sum"]
Scope = Literal["indicator", "item", "part", "total"]


@attrs.frozen
class RowInfo:
    """A classified row: an indicator of an item, an item row, or a sum over an item, part or the total."""

    row: SheetRow
    kind: RowKind
    scope: Scope
    item: Item | None = None
    part: Part | None = None
    index: int = -1  # the indicator's position among its item's indicators



def _spec_labels(spec: Spec) -> tuple[dict[str, tuple[str, Item]], dict[str, Item], dict[str, Part]]:
    groups: dict[str, tuple[str, Item]] = {}
    items: dict[str, Item] = {}
    parts: dict[str, Part] = {}
    for part in spec.parts:
        for label in (part.key, part.name):
            parts[label_key(label)] = part
        for item in part.items:
            for label in (item.key, item.name):
                items[label_key(label)] = item
            for group in item.groups:
                groups[label_key(group)] = (group, item)
    return groups, items, parts


def part_of(spec: Spec, item: Item) -> Part:
    return next(p for p in spec.parts if item in p.items)


def sum_scope(spec: Spec, row: SheetRow) -> tuple[Scope, Item | None, Part | None]:
    groups, items, parts = _spec_labels(spec)
    text = squash("".join(row.cells[f].text for f in ("level1", "level2", "name")))
    if any(word in text for word in TOTAL_WORDS):
        return "total", None, None
    for part in spec.parts:
        if part.name and squash(part.name) in text:
            return "part", None, part
    for item in spec.items():
        if squash(item.name) in text:
            return "item", item, part_of(spec, item)
    for key, (_group, item) in groups.items():
        stem = key[:-2] if key.endswith("指标") and len(key) > 2 else key
        if stem and stem in text:
            return "item", item, part_of(spec, item)
    if row.cells["level1"].text:  # 合计 written in the first column: the whole table
        return "total", None, None
    context = label_key(row.level1)
    if context in groups:
        item = groups[context][1]
        return "item", item, part_of(spec, item)
    if context in items:
        return "item", items[context], part_of(spec, items[context])
    if context in parts:
        return "part", None, parts[context]
    return "total", None, None


def resolve(spec: Spec, row: SheetRow) -> tuple[str, Item] | Item | None:
    """A group (name, item) for an indicator row, an Item for an item row, or None."""
    groups, items, parts = _spec_labels(spec)
    key1, key2 = label_key(row.level1), label_key(row.level2)
    if key1 in groups:
        return groups[key1]
    if key1 in items:
        return items[key1]
    if key1 in parts and key2 in items and items[key2] in parts[key1].items:
        return items[key2]
    return None


def unknown_label(spec: Spec, sheet: Sheet, row: SheetRow) -> Problem:
    groups = [g for item in spec.items() for g in item.groups]
    others = [i.name for i in spec.items() if i.kind != "indicators"]
    unknown_parts = [p.name for p in spec.parts if p.unknown]
    text = row.level1 or row.level2
    if not text:
        message = f"一级指标为空 (group missing)；可填: {'、'.join(dict.fromkeys(groups))}" + (
            f"；或二级指标名称: {'、'.join(others)}" if others else "")
    elif label_key(text) in {label_key(p) for p in unknown_parts}:
        message = (f"评分规范 {spec.id} 未公布“{text}”的评分细则 (not published in the spec)，此行无法计分；"
                   "请删除此行，或改用含有该部分的评分规范")
    else:
        message = (f"“{text}”不是评分规范 {spec.id} 的指标分组或二级指标 (unknown group or item)；"
                   f"一级指标可填: {'、'.join(dict.fromkeys(groups))}"
                   + (f"；或二级指标名称: {'、'.join(others)}" if others else ""))
    field = "level1" if row.cells["level1"].text or not row.cells["level2"].text else "level2"
    return Problem(message, sheet.file, sheet.where(row, field))


def _typed_number(sheet: Sheet, row: SheetRow, field: str, problems: list[Problem]) -> Decimal | None:
    text = row.text(field)
    if not text:
        return None
    try:
        value = read_number(text)
    except (TypeError, ValueError):
        problems.append(Problem(f"不是数值 (not a number): “{text}”", sheet.file, sheet.where(row, field)))
        return None
    if value < 0:
        problems.append(Problem(f"不能为负数 (must be >= 0): “{text}”", sheet.file, sheet.where(row, field)))
        return None
    return value


def indicator_of(sheet: Sheet, row: SheetRow, group: str, problems: list[Problem]) -> Indicator | None:
    before = len(problems)

    def problem(field: str, message: str) -> None:
        problems.append(Problem(message, sheet.file, sheet.where(row, field)))

    def parsed(field: str, missing: str, parse: Callable[[str], Target]) -> Target | None:
        if not row.text(field):
            problem(field, missing)
            return None
        try:
            return parse(row.text(field))
        except SelfScoreError as exc:
            problem(field, str(exc))
            return None

    name, target_text, actual_text = row.text("name"), row.text("target"), row.text("actual")
    judgement = row.text("judgement") or None
    if not name:
        problem("name", "三级指标（指标名称）为空 (indicator name missing)")
    target = parsed("target", "年度目标值为空 (target missing)", parse_target)
    actual = parsed("actual", "年度实现值为空 (actual missing)", parse_actual)
    if judgement is not None:
        try:
            read_judgement(judgement)
        except SelfScoreError as exc:
            problem("judgement", str(exc))
            judgement = None
    if target is not None and actual is not None and len(problems) == before:
        try:
            completion(target, actual, judgement=judgement)
        except SelfScoreError as exc:
            problem("judgement" if judgement is not None and "judgement" in row.cells else "actual", str(exc))
    weight = _typed_number(sheet, row, "weight", problems)
    if len(problems) > before:
        return None
    return Indicator(name=name, group=group, target=target_text, actual=actual_text, category=row.level2.strip(),
                     weight=weight, judgement=judgement, reason=row.text("reason"), note=row.text("note"),
                     where=f"第{row.number}行 “{name}”")


def cell_range(sheet: Sheet, rows: Sequence[SheetRow], field: str) -> str:
    addresses = [r.cells[field].address for r in rows if field in r.cells]
    if not addresses:
        return ""
    return addresses[0] if len(addresses) == 1 else f"{addresses[0]}:{addresses[-1]}"


def item_input_of(sheet: Sheet, spec: Spec, row: SheetRow, item: Item, *, lenient: bool,
              problems: list[Problem]) -> ItemInput | None:
    """An item's input from its row, or None when the row reports nothing (the item stays not reported)."""

    def problem(field: str, message: str) -> None:
        problems.append(Problem(message, sheet.file, sheet.where(row, field)))

    typed_points = _typed_number(sheet, row, "weight", problems)
    if typed_points is not None and item.points is not None and typed_points != item.points and not lenient:
        problem("weight", f"分值 {fmt(typed_points)} 与评分规范 {spec.id} 中“{item.name}”的分值 {fmt(item.points)} 不符 "
                          "(points differ from the spec)")
    if item.kind == "unknown":
        problem("level1", f"评分规范 {spec.id} 未公布“{item.name}”的评分细则 (not published)，此行无法计分")
        return None
    if item.kind == "execution_rate":
        text = row.text("actual")
        if not text:
            if row.text("score") and not lenient:
                problem("actual", "支出率填在年度实现值列，如 95%；得分由规范计算 (the rate goes in 年度实现值; the score is computed)")
            return None
        try:
            average = read_percent(unicodedata.normalize("NFKC", text).replace(" ", ""))
        except (TypeError, ValueError) as exc:
            problem("actual", f"年度平均支出率{exc}")
            return None
        return ItemInput(average=average, average_text=text)
    score = _typed_number(sheet, row, "score", problems)
    if score is None:
        if row.text("actual") and not lenient:
            problem("score", f"“{item.name}”按得分填报：请在得分列填写得分，低于分值时在偏差原因列写明扣分原因 "
                             "(give the item's score; a deduction needs a reason)")
        return None
    assert item.points is not None
    lost = sub(item.points, score)
    entries: tuple[Deduction, ...] = ()
    if lost < 0:
        if not lenient:
            problem("score", f"得分 {fmt(score)} 高于分值 {fmt(item.points)} (score above points)")
    elif lost > 0:
        reason = row.text("reason")
        if not reason:
            if not lenient:
                problem("reason" if "reason" in row.cells else "score",
                        f"得分 {fmt(score)} 低于分值 {fmt(item.points)}，须写明扣分原因 (a deduction needs a reason)")
            reason = "（未填写扣分原因）"
        entries = (Deduction(points=lost, reason=reason, source=f"{Path(sheet.file).name} 第{row.number}行"),)
    if item.kind == "indicators":
        return ItemInput(deductions=entries)
    return ItemInput(shortcomings=entries)


def skippable(row: SheetRow, indicator: bool) -> bool:
    """An unused template row: nothing typed besides its labels (and 分值)."""
    fields = ("name", "target", "actual", "score") if indicator else ("actual", "score", "reason", "rate")
    return all(not row.text(f) for f in fields)

