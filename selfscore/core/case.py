"""Cases: one department's inputs for one year, and (for golden cases) the expected results.

A case names its spec, lists the unit's indicators (name, group, category, target
text, actual text, optional explicit weight), the execution-rate data, the recorded
shortcomings and deductions with reasons, and optionally the expected results
printed in the report.  :func:`case_from_dict` reads it strictly.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from selfscore.core.errors import CaseError
from selfscore.core.numbers import to_decimal
from selfscore.core.validate import Reader, path

__all__ = ["Case", "Deduction", "Indicator", "ItemInput", "Period", "case_from_dict", "read_percent"]


@attrs.frozen
class Indicator:
    """A level-3 indicator (三级指标) as the unit declared and reported it."""

    name: str
    group: str
    target: str
    actual: str = ""
    category: str = ""
    weight: Decimal | None = None
    judgement: str | None = None
    lower_is_better: bool | None = None
    reason: str = ""
    cycle_target: str = ""
    group_code: str = ""
    category_code: str = ""
    expected: Mapping[str, str] = attrs.field(factory=dict)
    where: str = ""


@attrs.frozen
class Deduction:
    """Points taken off an item, with the reason the report gives."""

    points: Decimal
    reason: str
    indicator: str = ""
    source: str = ""


@attrs.frozen
class Period:
    """One reporting period of the budget execution rate: spent ÷ budget, or a stated rate."""

    rate: Fraction
    label: str = ""
    spent: Decimal | None = None
    budget: Decimal | None = None


@attrs.frozen
class ItemInput:
    """What a case reports for one level-2 item besides its indicators."""

    deductions: tuple[Deduction, ...] | None = None
    shortcomings: tuple[Deduction, ...] | None = None
    average: Fraction | None = None
    average_text: str = ""
    periods: tuple[Period, ...] | None = None
    source: str = ""
    note: str = ""


@attrs.frozen
class Case:
    """One department's self-evaluation inputs for one year: its indicators and item reports.

    ``spec`` names the scoring spec (bundled id or path); ``items`` maps an item key of the
    spec to what the case reports for it; ``expected`` holds values from the published
    report that ``selfscore check`` compares with the computed ones.
    """

    spec: str
    department: str
    year: int
    indicators: tuple[Indicator, ...] = ()
    items: Mapping[str, ItemInput] = attrs.field(factory=dict)
    expected: Mapping[str, Any] = attrs.field(factory=dict)
    source: str = ""
    note: str = ""
    name: str = ""
    file: str = ""


_INDICATOR_KEYS: Final = (
    "category", "actual", "weight", "judgement", "lower_is_better", "reason", "expected", "cycle_target",
    "group_code", "category_code",
)
_EXPECTED_INDICATOR_KEYS: Final = ("weight", "rate", "score", "outcome")


def read_percent(value: object) -> Fraction:
    """``"95%"`` -> ``Fraction(19, 20)``; the text must carry the % sign."""
    if not isinstance(value, str) or not value.strip().rstrip("%％").strip() or not value.strip().endswith(("%", "％")):
        raise ValueError(f"应写成百分数文本，如 \"95%\" (must be a percentage text such as \"95%\"): {value!r}")
    number = to_decimal(value.strip()[:-1], what="percentage")
    return Fraction(number) / 100


def _expected_text(r: Reader, value: Any, where: str) -> str | None:
    if isinstance(value, bool) or value is None:
        r.problem(where, f"期望值应为数值或文本 (expected value must be a number or text): {value!r}")
        return None
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        return value
    r.problem(where, f"期望值应为数值或文本 (expected value must be a number or text): {value!r}")
    return None


def _deductions(r: Reader, data: Mapping[str, Any], key: str, where: str) -> tuple[Deduction, ...] | None:
    if key not in data:
        return None
    if not isinstance(data[key], list):
        r.problem(path(where, key), "应为数组 (must be an array), 无记录时写 []")
        return None
    result = []
    for i, entry in enumerate(r.tables(data, key, where)):
        here = f"{path(where, key)}[{i}]"
        r.keys(entry, here, required=("points", "reason"), optional=("indicator", "source"))
        points = r.decimal(entry, "points", here, minimum=Decimal(0))
        reason = r.text(entry, "reason", here)
        if points is not None and reason is not None:
            result.append(Deduction(points, reason, r.text(entry, "indicator", here) or "", r.text(entry, "source", here) or ""))
    return tuple(result)


def _item_input(r: Reader, data: Mapping[str, Any], where: str) -> ItemInput:
    r.keys(data, where, optional=("deductions", "shortcomings", "average", "periods", "source", "note"))
    average = None
    average_text = ""
    if "average" in data:
        try:
            average = read_percent(data["average"])
            average_text = str(data["average"])
        except (TypeError, ValueError) as exc:
            r.problem(path(where, "average"), str(exc))
    periods = None
    if "periods" in data:
        found = []
        for i, entry in enumerate(r.tables(data, "periods", where)):
            here = f"{path(where, 'periods')}[{i}]"
            r.keys(entry, here, optional=("label", "spent", "budget", "rate"))
            label = r.text(entry, "label", here) or f"第{i + 1}期"
            if "rate" in entry:
                try:
                    found.append(Period(read_percent(entry["rate"]), label))
                except (TypeError, ValueError) as exc:
                    r.problem(path(here, "rate"), str(exc))
                continue
            spent = r.decimal(entry, "spent", here, minimum=Decimal(0))
            budget = r.decimal(entry, "budget", here, minimum=Decimal(0))
            if spent is None or budget is None:
                r.problem(here, "每期须有 spent 和 budget，或 rate (each period needs spent and budget, or rate)")
            elif budget == 0:
                r.problem(path(here, "budget"), "预算数不能为 0 (budget must be > 0)")
            else:
                found.append(Period(Fraction(spent) / Fraction(budget), label, spent, budget))
        periods = tuple(found)
    return ItemInput(
        deductions=_deductions(r, data, "deductions", where),
        shortcomings=_deductions(r, data, "shortcomings", where),
        average=average,
        average_text=average_text,
        periods=periods,
        source=r.text(data, "source", where) or "",
        note=r.text(data, "note", where) or "",
    )


def _indicator(r: Reader, data: Mapping[str, Any], where: str) -> Indicator | None:
    r.keys(data, where, required=("name", "group", "target"), optional=_INDICATOR_KEYS)
    name, group, target = (r.text(data, k, where) for k in ("name", "group", "target"))
    expected: dict[str, str] = {}
    exp = r.table(data, "expected", where)
    if exp is not None:
        here = path(where, "expected")
        r.keys(exp, here, optional=_EXPECTED_INDICATOR_KEYS)
        for key, value in exp.items():
            if key in _EXPECTED_INDICATOR_KEYS:
                text = _expected_text(r, value, path(here, key))
                if text is not None:
                    expected[key] = text
    judgement = r.text(data, "judgement", where)
    weight = r.decimal(data, "weight", where, minimum=Decimal(0))
    if name is None or group is None or target is None:
        return None
    label = f"{where} “{name}”"
    return Indicator(
        name=name, group=group, target=target, actual=r.text(data, "actual", where) or "",
        category=r.text(data, "category", where) or "", weight=weight, judgement=judgement,
        lower_is_better=r.boolean(data, "lower_is_better", where), reason=r.text(data, "reason", where) or "",
        cycle_target=r.text(data, "cycle_target", where) or "", group_code=r.text(data, "group_code", where) or "",
        category_code=r.text(data, "category_code", where) or "", expected=expected, where=label,
    )


def case_from_dict(data: Mapping[str, Any], *, file: str = "", name: str = "") -> Case:
    """Build a :class:`Case` from plain data, reporting every problem in one :class:`CaseError`.

    The mapping (a TOML case file, see ``cases/``; numbers may be ints, Decimals or strings,
    never floats; ``[...]`` marks an optional key)::

        spec = "liwan-2024"; department = "…"; year = 2024; [source]; [note]
        [[indicators]]   name, group (产出指标 …), target (text as typed, e.g. "≥95%"),
                         [actual], [category] (数量指标 …), [weight], [judgement] (达成 | 部分达成 | 未达成),
                         [lower_is_better], [reason], [cycle_target], [group_code], [category_code],
                         [expected] = { [weight], [rate], [score], [outcome] }
        [items.KEY]      (KEY is an item key of the spec)
                         [deductions] = [{ points, reason, [indicator], [source] }, …]
                         [shortcomings] = [{ points, reason, [indicator], [source] }, …]
                         [average] = "95%"   or   [[items.KEY.periods]] [label], [rate] | [spent, budget]
                         [source], [note]
        [expected]       values to check: score, grade, parts and items by key …

    ``file`` and ``name`` are used in messages and as the case's name.
    """
    r = Reader(file)
    r.keys(data, "", required=("spec", "department", "year"),
           optional=("source", "note", "indicators", "items", "expected"))
    indicators = []
    for i, entry in enumerate(r.tables(data, "indicators", "")):
        ind = _indicator(r, entry, f"indicators[{i}]")
        if ind is not None:
            indicators.append(ind)
    items: dict[str, ItemInput] = {}
    for key, value in (r.table(data, "items", "") or {}).items():
        where = path("items", key)
        if not isinstance(value, Mapping):
            r.problem(where, "应为表 (must be a table)")
            continue
        items[key] = _item_input(r, value, where)
    expected: dict[str, Any] = {}
    exp = r.table(data, "expected", "")
    if exp is not None:
        r.keys(exp, "expected", optional=("score", "grade", "partial", "parts", "items", "max"))
        for key in ("score", "max"):
            if key in exp:
                text = _expected_text(r, exp[key], f"expected.{key}")
                if text is not None:
                    expected[key] = text
        if "grade" in exp:
            expected["grade"] = r.text(exp, "grade", "expected")
        if "partial" in exp:
            expected["partial"] = r.boolean(exp, "partial", "expected")
        for key in ("parts", "items"):
            table = r.table(exp, key, "expected")
            if table is not None:
                values = {}
                for k, v in table.items():
                    text = _expected_text(r, v, path(f"expected.{key}", k))
                    if text is not None:
                        values[k] = text
                expected[key] = values
    spec = r.text(data, "spec", "")
    department = r.text(data, "department", "")
    year = r.integer(data, "year", "")
    if r.problems:
        raise CaseError(r.problems)
    assert spec is not None and department is not None and year is not None
    return Case(spec=spec, department=department, year=year, indicators=tuple(indicators), items=items,
                expected=expected, source=r.text(data, "source", "") or "", note=r.text(data, "note", "") or "",
                name=name, file=file)
