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

__all__ = ["MAX_INDICATORS", "Case", "Deduction", "Indicator", "ItemInput", "Period", "case_from_dict", "is_project_data",
           "read_percent"]

#: Indicators one case may list.  A department declares tens of indicators (the golden cases
#: 8 to 30; a large 区 bureau about 200); 5,000 is far above any real 自评表 and keeps a
#: case quick to read and score (a 1 MB case file holds at most ~15,000 short ones).
MAX_INDICATORS: Final = 5000


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
    note: str = ""  # the officer's 备注, carried to the outputs as typed
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
    "category", "actual", "weight", "judgement", "lower_is_better", "reason", "note", "expected", "cycle_target",
    "group_code", "category_code",
)
_EXPECTED_INDICATOR_KEYS: Final = ("weight", "rate", "score", "outcome")


def read_percent(value: object) -> Fraction:
    """``"95%"`` -> ``Fraction(19, 20)``; the text must carry the % sign."""
    if not isinstance(value, str) or not value.strip().rstrip("%％").strip() or not value.strip().endswith(("%", "％")):
        shown = f"“{value}”" if isinstance(value, str) else str(value).lower()
        raise ValueError(f"应写成百分数文本，如 \"95%\" (must be a percentage text such as \"95%\"): {shown}")
    number = to_decimal(value.strip()[:-1], what="百分数 (percentage)")
    if number < 0 or value.strip().startswith("负"):
        raise ValueError(f"支出率不能为负数 (a rate cannot be negative): “{value}”")
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
        here = f"{path(where, key)} 第{i + 1}条"
        r.keys(entry, here, required=("points", "reason"), optional=("indicator", "source"))
        points = r.decimal(entry, "points", here, minimum=Decimal(0))
        reason = r.text(entry, "reason", here)
        if points is not None and reason is not None:
            result.append(Deduction(points, reason, r.text(entry, "indicator", here) or "", r.text(entry, "source", here) or ""))
    return tuple(result)


def _period(r: Reader, entry: Mapping[str, Any], here: str, label: str) -> Period | None:
    if "rate" in entry:
        both = [k for k in ("spent", "budget") if k in entry]
        if both:
            r.problem(here, f"同时填写了 rate 和 {'、'.join(both)}，二者只能填一种 (give either rate or spent/budget, "
                            "not both)")
            return None
        try:
            return Period(read_percent(entry["rate"]), label)
        except (TypeError, ValueError) as exc:
            r.problem(path(here, "rate"), str(exc))
            return None
    spent = r.decimal(entry, "spent", here, minimum=Decimal(0))
    budget = r.decimal(entry, "budget", here, minimum=Decimal(0))
    if spent is None or budget is None:
        if "spent" not in entry or "budget" not in entry:
            r.problem(here, "每期须有 spent 和 budget，或 rate (each period needs spent and budget, or rate)")
    elif budget == 0:
        r.problem(path(here, "budget"), "预算数不能为 0 (budget must be > 0)")
    else:
        return Period(Fraction(spent) / Fraction(budget), label, spent, budget)
    return None


def _periods(r: Reader, data: Mapping[str, Any], where: str) -> tuple[Period, ...] | None:
    if "periods" not in data:
        return None
    entries = r.tables(data, "periods", where)
    if not entries:
        if isinstance(data["periods"], list):
            r.problem(path(where, "periods"), "periods 为空 (no periods)：至少填写一期，或删去 periods 改填 average")
        return None
    found = []
    for i, entry in enumerate(entries):
        here = f"{path(where, 'periods')} 第{i + 1}期"
        r.keys(entry, here, optional=("label", "spent", "budget", "rate"))
        period = _period(r, entry, here, r.text(entry, "label", here) or f"第{i + 1}期")
        if period is not None:
            found.append(period)
    return tuple(found)


def _item_input(r: Reader, data: Mapping[str, Any], where: str) -> ItemInput:
    r.keys(data, where, optional=("deductions", "shortcomings", "average", "periods", "source", "note"))
    average = None
    average_text = ""
    if "average" in data and "periods" in data:
        r.problem(where, f"同时填写了 {path(where, 'average')} 和 {path(where, 'periods')}，二者只能填一种 "
                         "(give either the average or the periods, not both)")
    elif "average" in data:
        try:
            average = read_percent(data["average"])
            average_text = str(data["average"])
        except (TypeError, ValueError) as exc:
            r.problem(path(where, "average"), str(exc))
    return ItemInput(
        deductions=_deductions(r, data, "deductions", where),
        shortcomings=_deductions(r, data, "shortcomings", where),
        average=average,
        average_text=average_text,
        periods=_periods(r, data, where) if "average" not in data else None,
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
    label = where
    return Indicator(
        name=name, group=group, target=target, actual=r.text(data, "actual", where) or "",
        category=r.text(data, "category", where) or "", weight=weight, judgement=judgement,
        lower_is_better=r.boolean(data, "lower_is_better", where), reason=r.text(data, "reason", where) or "",
        note=r.text(data, "note", where) or "", cycle_target=r.text(data, "cycle_target", where) or "",
        group_code=r.text(data, "group_code", where) or "",
        category_code=r.text(data, "category_code", where) or "", expected=expected, where=label,
    )


def indicator_place(number: int, name: object) -> str:
    """``第9个指标「名称」``: an indicator as a finance officer finds it in the case (counted from 1)."""
    return f"第{number}个指标「{name}」" if isinstance(name, str) and name.strip() else f"第{number}个指标"


def _indicators(r: Reader, entries: list[dict[str, Any]]) -> list[Indicator]:
    if len(entries) > MAX_INDICATORS:
        r.problem("indicators", f"指标过多 (too many indicators): {len(entries)} 个，一个案例最多 {MAX_INDICATORS} 个；"
                                "多个部门请用 batch 分别评分")
        return []
    found: list[Indicator] = []
    seen: dict[tuple[str, str, str], str] = {}
    for i, entry in enumerate(entries):
        ind = _indicator(r, entry, indicator_place(i + 1, entry.get("name")))
        if ind is None:
            continue
        key = (ind.group.strip(), ind.category.strip(), ind.name.strip())
        if key in seen:
            r.problem(ind.where, f"与{seen[key]}重复 (the same indicator is listed twice)：同一分组、类别和名称只能出现一次")
            continue
        seen[key] = ind.where
        found.append(ind)
    return found


def is_project_data(data: Mapping[str, Any]) -> bool:
    """Whether a case document is a project table (it names a ``project`` and has ``[[budget]]``), not a
    department's case."""
    return "project" in data and "budget" in data


def case_from_dict(data: Mapping[str, Any], *, file: str = "", name: str = "") -> Case:
    """Build a :class:`Case` from plain data, reporting every problem in one :class:`CaseError`.

    The mapping (a TOML case file, see ``cases/``; numbers may be ints, Decimals or strings,
    never floats; ``[...]`` marks an optional key)::

        spec = "liwan-2024"; department = "…"; year = 2024; [source]; [note]
        [[indicators]]   name, group (产出指标 …), target (text as typed, e.g. "≥95%"),
                         [actual], [category] (数量指标 …), [weight], [judgement] (达成 | 部分达成 | 未达成),
                         [lower_is_better], [reason], [note] (备注), [cycle_target], [group_code], [category_code],
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
    indicators = _indicators(r, r.tables(data, "indicators", ""))
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
