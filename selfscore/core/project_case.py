"""Reading a project case (TOML data) into a :class:`~selfscore.core.project.ProjectCase`, strictly.

```toml
spec = "mof-2020-project"
unit = "永德县明朗中学"            # 实施单位
project = "义务教育营养改善计划专项资金"
year = 2022
amount_unit = "元"                 # 万元 (default) or 元
excerpt = false                    # true: only part of a printed table is legible (sums are not checked)

[[budget]]                         # 年度资金总额 first, then 其中 rows
row = "年度资金总额"
initial = ""                       # 年初预算数
budget = "387664.62"               # 全年预算数 (A)
spent = "387664.62"                # 全年执行数 (B)
weight = "10"                      # 分值, 执行率, 得分: as printed (optional)

[[indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "学生受资助人数"
nature = "≧"                       # ≥ ＞ ＝ ＜ ≤ ≧ ═, or code 1–6 (6 = 定性)
target = "735"                     # 年度指标值, a bare number
unit = "人次"                      # 度量单位
actual = "735"                     # 实际完成值
weight = "10"                      # 分值
score = "10"                       # 得分 as typed by the officer (optional)
reason = ""                        # 偏差原因分析及改进措施

[total]                            # as printed (optional)
score = "96"
grade = "优"

[expected]                         # golden cases: what the audit must find
variant = "mof-2020-project"       # the variant that explains the most rows
unexplained = ["资金到位及时率"]   # rows no variant explains, by 三级指标 name
```
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from selfscore.core.case import indicator_place, is_project_data
from selfscore.core.errors import CaseError
from selfscore.core.numbers import fmt
from selfscore.core.project import BudgetRow, ProjectCase, ProjectIndicator, Typed
from selfscore.core.validate import Reader, path

__all__ = ["is_project_data", "project_case_from_dict"]

_BUDGET_KEYS: Final = ("row", "initial", "budget", "spent", "weight", "rate", "score")
_INDICATOR_KEYS: Final = ("level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score", "reason", "expected")


def _cell(r: Reader, data: Mapping[str, Any], key: str, where: str) -> Typed:
    value = data.get(key)
    here = path(where, key)
    if value is None:
        return Typed("", here)
    if isinstance(value, bool):
        r.problem(here, f"应为文本或数值 (must be text or a number): {value!r}")
        return Typed("", here)
    if isinstance(value, (int, Decimal)):
        return Typed(fmt(Decimal(value)) if isinstance(value, int) else str(value), here)
    if isinstance(value, str):
        return Typed(value, here)
    r.problem(here, f"应为文本或数值 (must be text or a number): {value!r}")
    return Typed("", here)


def _budget_place(number: int, row: object) -> str:
    """``资金第1行「年度资金总额」``: a budget row as an officer finds it in the case (counted from 1)."""
    return f"资金第{number}行「{row}」" if isinstance(row, str) and row.strip() else f"资金第{number}行"


def _budget(r: Reader, data: Mapping[str, Any], where: str) -> BudgetRow:
    r.keys(data, where, required=("row",), optional=_BUDGET_KEYS)
    cells = {k: _cell(r, data, k, where) for k in _BUDGET_KEYS[1:]}
    return BudgetRow(label=r.text(data, "row", where) or "", where=where, **cells)


def _indicator(r: Reader, data: Mapping[str, Any], where: str) -> ProjectIndicator:
    r.keys(data, where, required=("level1", "name", "target", "actual"), optional=_INDICATOR_KEYS)
    expected = {k: str(v) for k, v in (r.table(data, "expected", where) or {}).items()}
    name = r.text(data, "name", where) or ""
    return ProjectIndicator(
        level1=r.text(data, "level1", where) or "", level2=r.text(data, "level2", where) or "", name=name,
        nature=_cell(r, data, "nature", where), target=_cell(r, data, "target", where), unit=_cell(r, data, "unit", where),
        actual=_cell(r, data, "actual", where), weight=_cell(r, data, "weight", where), score=_cell(r, data, "score", where),
        reason=r.text(data, "reason", where) or "", where=where, expected=expected,
    )


def project_case_from_dict(data: Mapping[str, Any], *, file: str = "") -> ProjectCase:
    """Build a :class:`ProjectCase`, reporting every problem in one :class:`CaseError`."""
    r = Reader(file)
    r.keys(data, "", required=("spec", "unit", "project", "year", "budget", "indicators"),
           optional=("amount_unit", "source", "note", "total", "expected", "excerpt"))
    amount_unit = r.text(data, "amount_unit", "") or "万元"
    if amount_unit not in ("万元", "元"):
        r.problem("amount_unit", f"金额单位应为 万元 或 元 (amount unit): {amount_unit!r}")
    budget = tuple(_budget(r, b, _budget_place(i + 1, b.get("row"))) for i, b in enumerate(r.tables(data, "budget", "")))
    indicators = tuple(_indicator(r, d, indicator_place(i + 1, d.get("name")))
                       for i, d in enumerate(r.tables(data, "indicators", "")))
    total = r.table(data, "total", "") or {}
    r.keys(total, "total", optional=("score", "weight", "grade"))
    expected = r.table(data, "expected", "") or {}
    r.keys(expected, "expected", optional=("variant", "unexplained", "arithmetic", "score", "grade"))
    year = r.integer(data, "year", "")
    if r.problems:
        raise CaseError(r.problems)
    return ProjectCase(
        spec=r.text(data, "spec", "") or "", unit=r.text(data, "unit", "") or "", project=r.text(data, "project", "") or "",
        year=year or 0, budget=budget, indicators=indicators, amount_unit=amount_unit,
        total=_cell(r, total, "score", "total"), grade=_cell(r, total, "grade", "total"), expected=dict(expected),
        source=r.text(data, "source", "") or "", file=file, excerpt=bool(r.boolean(data, "excerpt", "")),
    )
