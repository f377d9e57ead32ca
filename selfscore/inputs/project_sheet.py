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
import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs

from selfscore.core.errors import CaseError, Problem, UnreadableError
from selfscore.core.project import BudgetRow, ProjectCase, ProjectIndicator, Typed
from selfscore.core.project_case import project_case_from_dict
from selfscore.inputs.cells import check_quotes, column_letter, header_field, text_cell
from selfscore.inputs.files import MAX_SHEET_BYTES, read_text, read_text_head
from selfscore.inputs.xlsx import SHEET_LIMITS, open_workbook

__all__ = ["has_project_header", "load_project_case", "read_project_sheet", "read_project_sheets"]

#: Indicator columns shared with every table selfscore reads come from the one header table
#: (:data:`selfscore.inputs.cells.HEADERS`); only the project form's own columns are listed here.
SHARED_FIELDS: Final = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
PROJECT_FIELDS: Final[dict[str, tuple[str, ...]]] = {"nature": ("指标性质",), "unit": ("度量单位", "计量单位", "单位")}
INDICATOR_FIELDS: Final = ("level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score", "reason")
_BUDGET_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "initial": ("年初预算数",),
    "budget": ("全年预算数", "全年(调整)预算数", "调整后预算数", "预算数"),
    "spent": ("全年执行数", "执行数"),
    "weight": ("分值", "执行率权重"),
    "rate": ("执行率", "执行率(%)"),
    "score": ("得分", "执行率得分"),
}
_Grid = list[list[tuple[str, str]]]  # (text, address)


_SPACES: Final = re.compile(r"\s+")
_UNIT_SUFFIX: Final = re.compile(r"\((?:A|B|B/A|万元|元|分|%)\)$")


@functools.lru_cache(maxsize=4096)  # a header's options are keyed for every cell it is compared with
def _key(text: str) -> str:
    s = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    s = _UNIT_SUFFIX.sub("", s)
    return s.strip("*:：")


def _read_xlsx_sheets(path: Path, head: int | None = None) -> list[tuple[str, _Grid, dict[str, str]]]:
    """Every worksheet through the one streaming, bounded .xlsx reader (:mod:`selfscore.inputs.xlsx`):
    (title, grid of (text, address), the problem of each refused cell by address); with ``head``,
    only each sheet's first ``head`` rows holding a value.

    A refused cell (TRUE/FALSE, a formula without its value, a date; an error value keeps its
    text) reads blank here, and :func:`_cell_problems` names it when the table uses it.
    """
    with open_workbook(path, SHEET_LIMITS) as book:
        sheets = []
        for i in range(len(book.sheets)):
            if head is None:
                raw = book.sheet(i)
                title, rows = raw.title, raw.grid
            else:
                title, rows = book.sheets[i][0], [cells for _, cells in itertools.islice(book.rows(i), head)]
            grid = [[(c.text, c.address) for c in row] for row in rows]
            sheets.append((title, grid, {c.address: c.problem for row in rows for c in row if c.problem}))
        return sheets


def _read_csv(path: Path, head: int | None = None) -> list[tuple[_Grid, dict[str, str]]]:
    """The CSV read with each delimiter, through the one cell reader (an error literal is a refused cell);
    with ``head``, only its first ``head`` lines."""
    if head is None:
        text, _ = read_text(path, limit=MAX_SHEET_BYTES, kind="项目支出绩效自评表")
    else:
        text = "".join(read_text_head(path).splitlines(keepends=True)[:head])
    check_quotes(text, path)
    grids = []
    for delimiter in (",", "\t"):
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        cells = [[text_cell(v, f"{column_letter(j + 1)}{i + 1}") for j, v in enumerate(r)] for i, r in enumerate(rows)]
        grids.append(([[(c.text, c.address) for c in row] for row in cells],
                      {c.address: c.problem for row in cells for c in row if c.problem}))
    return grids


def local_field(text: str, names: dict[str, tuple[str, ...]]) -> str | None:
    """The field among ``names`` (the project form's own columns) that a header names."""
    key = _key(text)
    return next((field for field, options in names.items() if key in {_key(o) for o in options}), None)


def indicator_field(text: str) -> str | None:
    """An indicator-block header: 指标性质 / 度量单位 here, the rest through the one header table."""
    return local_field(text, PROJECT_FIELDS) or header_field(text, SHARED_FIELDS)


def _columns(line: list[tuple[str, str]], field_of: Callable[[str], str | None]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, (text, _) in enumerate(line):
        field = field_of(text) if text else None
        if field is not None and field not in found:
            found[field] = j
    return found


@attrs.frozen
class _Block:
    header: int
    columns: dict[str, int]


def _find(grid: _Grid) -> tuple[_Block | None, _Block | None]:
    budget = indicators = None
    for i, line in enumerate(grid):
        cols = _columns(line, indicator_field)
        if indicators is None and {"level1", "name", "target", "actual"} <= set(cols):
            indicators = _Block(i, cols)
            continue
        bcols = _columns(line, lambda text: local_field(text, _BUDGET_COLUMNS))
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
        cells = {f: _cell(grid, i, block.columns.get(f), headers.get(f, f)) for f in INDICATOR_FIELDS}
        level1 = cells["level1"].text or level1
        level2 = cells["level2"].text or (level2 if not cells["level1"].text else "")
        if not cells["name"].text:
            continue
        name = cells["name"].text
        found.append(ProjectIndicator(level1=level1, level2=level2, name=name, nature=cells["nature"], target=cells["target"],
                                      unit=cells["unit"], actual=cells["actual"], weight=cells["weight"], score=cells["score"],
                                      reason=cells["reason"].text, where=f"第{i + 1}行 “{name}”"))
    return tuple(found), total, grade


def _cell_problems(grid: _Grid, blocks: tuple[tuple[_Block, int], ...], refused: dict[str, str], file: str) -> list[Problem]:
    """Each refused cell (a boolean, a formula without its value, a date) that a block reads, by row and column."""
    problems = []
    for block, stop in blocks:
        for i in range(block.header + 1, stop):
            name = block.columns.get("name")
            total = _key(next((t for t, _ in grid[i] if t), "")).startswith(("总分", "合计", "自评总分"))
            if name is not None and not total and not (name < len(grid[i]) and grid[i][name][0]):
                continue  # not an indicator row nor the 总分 line (a note below the table): its cells are not read
            for field, j in block.columns.items():
                if j < len(grid[i]) and grid[i][j][1] in refused:
                    header = grid[block.header][j][0] or field
                    problems.append(Problem(refused[grid[i][j][1]], file, f"第{i + 1}行 {header} ({grid[i][j][1]})"))
    return problems


def _grid_case(grid: _Grid, p: Path, spec: str, unit: str | None, year: int | None,
               refused: dict[str, str] | None = None) -> ProjectCase | None:
    """The project table in one grid; None when the grid has no indicator header."""
    budget, indicators = _find(grid)
    if indicators is None:
        return None
    if budget is None:
        raise CaseError([Problem("未找到预算执行表头（年初预算数、全年预算数、全年执行数）(no budget block)", str(p))])
    if refused:
        problems = _cell_problems(grid, ((budget, indicators.header), (indicators, len(grid))), refused, str(p))
        if problems:
            raise CaseError(problems)
    meta = _metadata(grid, budget.header + 1)
    rows, total, grade = _indicator_rows(grid, indicators)
    return ProjectCase(spec=spec, unit=unit or meta["unit"], project=meta["project"] or p.stem, year=year or meta["year"],
                       budget=_budget_rows(grid, budget, indicators.header), indicators=rows,
                       amount_unit=meta["amount_unit"] or "万元", total=total, grade=grade, file=str(p))


_NO_INDICATORS: Final = "未找到指标表头（一级指标、三级指标、年度指标值、实际完成值）(no indicator header found)"


#: Rows read to tell a project table from another table: its two header rows stand near the top.
DETECT_ROWS: Final = 60


def _grids(p: Path, head: int | None = None) -> list[tuple[str, _Grid, dict[str, str]]]:
    """Every sheet of ``p`` as a grid (with ``head``, only its first rows: enough to recognise it)."""
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise UnreadableError(f"{p}: 不是 .csv 或 .xlsx 文件 (not a .csv or .xlsx file)")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx_sheets(p, head)
    return [("", grid, refused) for grid, refused in _read_csv(p, head)]


def read_project_sheet(path: Path | str, spec: str, *, unit: str | None = None, year: int | None = None) -> ProjectCase:
    """Read a filled national project form; problems are raised together as :class:`CaseError`."""
    p = Path(path)
    for _, grid, refused in _grids(p):
        case = _grid_case(grid, p, spec, unit, year, refused)
        if case is not None:
            return case
    raise CaseError([Problem(_NO_INDICATORS, str(p))])


def read_project_sheets(path: Path | str, spec: str) -> list[tuple[str, ProjectCase | CaseError]]:
    """Every project table in a workbook, one per worksheet, as (sheet title, case or its problems).

    A CSV holds one table.  Worksheets without an indicator header are skipped; a workbook
    with none at all is a :class:`CaseError`.
    """
    p = Path(path)
    found: list[tuple[str, ProjectCase | CaseError]] = []
    for title, grid, refused in _grids(p):
        try:
            case = _grid_case(grid, p, spec, None, None, refused)
        except CaseError as exc:
            found.append((title, exc))
            continue
        if case is not None:
            found.append((title, case))
            if p.suffix.lower() == ".csv":
                break  # the same text read with another delimiter
    if not found:
        raise CaseError([Problem(_NO_INDICATORS, str(p))])
    return found


def has_project_header(path: Path) -> bool:
    """Whether the top of the sheet ``path`` has a project table's header (指标性质 or 全年执行数);
    :func:`selfscore.inputs.kinds.is_project_file` decides with it."""
    for _title, grid, _refused in _grids(path, head=DETECT_ROWS):  # the top only: a batch table may be large
        budget, indicators = _find(grid)
        if budget is not None and indicators is not None:
            return True
    return False


def load_project_case(path: Path | str, spec: str | None = None, *, unit: str | None = None,
                      year: int | None = None) -> ProjectCase:
    """A project case from TOML or a filled sheet (which needs ``spec``)."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        from selfscore.inputs.load import read_toml

        case = project_case_from_dict(read_toml(p), file=str(p))
        return attrs.evolve(case, spec=spec or case.spec)
    return read_project_sheet(p, spec or "mof-2020-project", unit=unit, year=year)
