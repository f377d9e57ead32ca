"""Reading the national project form (项目支出绩效自评表) as officers fill it, from CSV or .xlsx.

One sheet holds, top to bottom: a title (``（2022年度）``), 项目名称 / 主管部门 / 实施单位 lines, the
budget block (header with 年初预算数, 全年预算数, 全年执行数, then 分值, 执行率, 得分; rows
年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金), and the indicator block (header
一级指标 | 二级指标 | 三级指标 | 指标性质 | 年度指标值 | 度量单位 | 实际完成值 | 分值 | 得分 |
偏差原因分析及改进措施, rows, then 总分 and 等级).  Columns are found by their header text,
wherever they stand; blank 一级/二级 cells mean "the same as above" (merged cells).
Amounts are in 万元 unless a header or a ``单位：元`` line says 元.  Every cell keeps its
place (``第12行 得分 (I12)``) for error messages.  Numbers are read exactly: an .xlsx
float goes through its shortest repr, never ``Decimal(float)``; a % cell reads ``98%``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any, Final

import attrs

from selfscore.core.errors import CaseError, DependencyError, Problem, SelfScoreError, UnreadableError
from selfscore.core.project import BudgetRow, ProjectCase, ProjectIndicator, Typed
from selfscore.core.project_case import is_project_data, project_case_from_dict
from selfscore.inputs.files import read_text
from selfscore.inputs.load import read_toml
from selfscore.inputs.xlsx import SHEET_LIMITS, open_workbook

__all__ = ["is_project_file", "load_project_case", "read_project_sheet"]

_INDICATOR_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称"),
    "nature": ("指标性质",),
    "target": ("年度指标值", "指标值", "年初目标值", "年度目标值", "目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "actual": ("实际完成值", "全年完成值", "全年实际值", "实际值", "年度实现值"),
    "weight": ("分值", "指标权重", "权重", "指标权重(分)"),
    "score": ("得分", "指标得分", "自评得分", "指标得分(分)"),
    "reason": ("偏差原因分析及改进措施", "偏差原因", "偏差原因分析", "未完成原因分析"),
}
_BUDGET_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "initial": ("年初预算数",),
    "budget": ("全年预算数", "全年(调整)预算数", "调整后预算数", "预算数"),
    "spent": ("全年执行数", "执行数"),
    "weight": ("分值", "执行率权重"),
    "rate": ("执行率", "执行率(%)"),
    "score": ("得分", "执行率得分"),
}
_Grid = list[list[tuple[str, str]]]  # (text, address)


def _key(text: str) -> str:
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    s = re.sub(r"\((?:A|B|B/A|万元|元|分|%)\)$", "", s)
    return s.strip("*:：")


def _letter(index: int) -> str:
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_xlsx(path: Path) -> list[_Grid]:
    """Every worksheet through the one streaming, bounded .xlsx reader (:mod:`selfscore.inputs.xlsx`).

    A cell that reader refuses reads as before: TRUE/FALSE, a formula without its value and a
    date blank, an error value as its text (``#DIV/0!``, refused by the target reader).
    TODO(project): report each such cell by name, as the 自评表 does.
    """
    with open_workbook(path, SHEET_LIMITS) as book:
        return [[[(c.text, c.address) for c in row] for row in book.sheet(i).grid] for i in range(len(book.sheets))]


def _read_csv(path: Path) -> list[_Grid]:
    text, _ = read_text(path)
    grids = []
    for delimiter in (",", "\t"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        grids.append([[(v.strip(), f"{_letter(j + 1)}{i + 1}") for j, v in enumerate(r)] for i, r in enumerate(rows)])
    return grids


def _columns(line: list[tuple[str, str]], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, (text, _) in enumerate(line):
        key = _key(text)
        for field, options in names.items():
            if field not in found and key in {_key(o) for o in options}:
                found[field] = j
                break
    return found


@attrs.frozen
class _Block:
    header: int
    columns: dict[str, int]


def _find(grid: _Grid) -> tuple[_Block | None, _Block | None]:
    budget = indicators = None
    for i, line in enumerate(grid):
        cols = _columns(line, _INDICATOR_COLUMNS)
        if indicators is None and {"level1", "name", "target", "actual"} <= set(cols):
            indicators = _Block(i, cols)
            continue
        bcols = _columns(line, _BUDGET_COLUMNS)
        if budget is None and indicators is None and {"budget", "spent"} <= set(bcols):
            budget = _Block(i, bcols)
    return budget, indicators


def _cell(grid: _Grid, i: int, j: int | None, header: str) -> Typed:
    if j is None or j >= len(grid[i]):
        return Typed("", f"第{i + 1}行 {header}")
    text, address = grid[i][j]
    return Typed(text, f"第{i + 1}行 {header} ({address})")


def _after(line: list[tuple[str, str]], label: str) -> str:
    for j, (text, _) in enumerate(line):
        if _key(text).startswith(label):
            rest = re.split(r"[:：]", text, maxsplit=1)
            if len(rest) == 2 and rest[1].strip():
                return rest[1].strip()
            return next((t for t, _ in line[j + 1:] if t), "")
    return ""


def _metadata(grid: _Grid, stop: int) -> dict[str, Any]:
    meta: dict[str, Any] = {"project": "", "unit": "", "year": 0, "amount_unit": ""}
    for line in grid[:stop]:
        joined = "".join(t for t, _ in line)
        meta["project"] = meta["project"] or _after(line, "项目名称")
        meta["unit"] = meta["unit"] or _after(line, "实施单位") or _after(line, "主管部门")
        year = re.search(r"(?<!\d)(\d{4})\s*年度?", unicodedata.normalize("NFKC", joined))
        if year and not meta["year"] and ("年度" in joined or "自评" in joined):
            meta["year"] = int(year.group(1))
        unit = re.search(r"单位[:：]\s*(万元|元)", joined) or re.search(r"[（(](万元|元)[）)]", joined)
        if unit and not meta["amount_unit"]:
            meta["amount_unit"] = unit.group(1)
    return meta


def _budget_rows(grid: _Grid, block: _Block, stop: int) -> tuple[BudgetRow, ...]:
    rows: list[BudgetRow] = []
    first = min(block.columns.values())
    for i in range(block.header + 1, stop):
        line = grid[i]
        labels = [t for t, _ in line[:first] if t]
        amounts = [line[j][0] for j in block.columns.values() if j < len(line) and line[j][0]]
        if not labels and not amounts:
            if rows:
                break
            continue
        label = labels[-1] if labels else ""
        if re.search(r"目标|绩效指标", label):
            break
        cells = {f: _cell(grid, i, block.columns.get(f), h) for f, h in
                 (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"), ("weight", "分值"),
                  ("rate", "执行率"), ("score", "得分"))}
        rows.append(BudgetRow(label=label, where=f"第{i + 1}行 {label}", **cells))
    return tuple(rows)


def _indicator_rows(grid: _Grid, block: _Block) -> tuple[tuple[ProjectIndicator, ...], Typed, Typed]:
    found = []
    level1 = level2 = ""
    total = grade = Typed()
    headers = {f: grid[block.header][j][0] for f, j in block.columns.items()}
    for i in range(block.header + 1, len(grid)):
        line = grid[i]
        first = next((t for t, _ in line if t), "")
        if _key(first).startswith(("总分", "合计", "自评总分")):
            total = _cell(grid, i, block.columns.get("score"), "得分")
            continue
        if _key(first).startswith("等级"):
            grade = Typed(_after(line, "等级"), f"第{i + 1}行 等级")
            continue
        cells = {f: _cell(grid, i, block.columns.get(f), headers.get(f, f)) for f in _INDICATOR_COLUMNS}
        level1 = cells["level1"].text or level1
        level2 = cells["level2"].text or (level2 if not cells["level1"].text else "")
        if not cells["name"].text:
            continue
        name = cells["name"].text
        found.append(ProjectIndicator(level1=level1, level2=level2, name=name, nature=cells["nature"], target=cells["target"],
                                      unit=cells["unit"], actual=cells["actual"], weight=cells["weight"], score=cells["score"],
                                      reason=cells["reason"].text, where=f"第{i + 1}行 “{name}”"))
    return tuple(found), total, grade


def read_project_sheet(path: Path | str, spec: str, *, unit: str | None = None, year: int | None = None) -> ProjectCase:
    """Read a filled national project form; problems are raised together as :class:`CaseError`."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise UnreadableError(f"{p}: 不是 .csv 或 .xlsx 文件 (not a .csv or .xlsx file)")
    grids = _read_xlsx(p) if suffix in (".xlsx", ".xlsm") else _read_csv(p)
    for grid in grids:
        budget, indicators = _find(grid)
        if indicators is None:
            continue
        if budget is None:
            raise CaseError([Problem("未找到预算执行表头（年初预算数、全年预算数、全年执行数）(no budget block)", str(p))])
        meta = _metadata(grid, budget.header + 1)
        rows, total, grade = _indicator_rows(grid, indicators)
        return ProjectCase(spec=spec, unit=unit or meta["unit"], project=meta["project"] or p.stem, year=year or meta["year"],
                           budget=_budget_rows(grid, budget, indicators.header), indicators=rows,
                           amount_unit=meta["amount_unit"] or "万元", total=total, grade=grade, file=str(p))
    raise CaseError([Problem("未找到指标表头（一级指标、三级指标、年度指标值、实际完成值）(no indicator header found)", str(p))])


def is_project_file(path: Path | str) -> bool:
    """Whether ``path`` is a project table: a TOML project case, or a sheet with 指标性质 or 全年执行数."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        try:
            return is_project_data(read_toml(p))  # bounded: size, nesting, numbers
        except SelfScoreError:
            return False
    if p.suffix.lower() not in (".csv", ".xlsx", ".xlsm") or not p.is_file():
        return False
    try:
        grids = _read_xlsx(p) if p.suffix.lower() != ".csv" else _read_csv(p)
    except (UnreadableError, DependencyError):
        return False
    return any(_find(grid)[0] is not None and _find(grid)[1] is not None for grid in grids)


def load_project_case(path: Path | str, spec: str | None = None, *, unit: str | None = None,
                      year: int | None = None) -> ProjectCase:
    """A project case from TOML or a filled sheet (which needs ``spec``)."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        from selfscore.inputs.load import read_toml

        case = project_case_from_dict(read_toml(p), file=str(p))
        return attrs.evolve(case, spec=spec or case.spec)
    return read_project_sheet(p, spec or "mof-2020-project", unit=unit, year=year)
