"""Many project tables in one list (CSV or a worksheet): one row per indicator, with a 项目名称 column.

Header: 项目名称 | [实施单位] | [年度] | [年初预算数] | 全年预算数 | 全年执行数 | 一级指标 | 二级指标 |
三级指标 | [指标性质] | 年度指标值 | [度量单位] | 实际完成值 | [分值] | [得分] | [偏差原因].
A blank 项目名称 (a merged cell) means the project above, as blank 一级/二级 do.  The amounts
may stand on a project's first row only or on every row; written twice they must agree.
Each project becomes a :class:`~selfscore.core.project.ProjectCase` with one funding row
(年度资金总额); every cell keeps its place (``第5行 全年预算数 (E5)``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from selfscore.core.errors import CaseError, Problem, SelfScoreError
from selfscore.core.project import BudgetRow, ProjectCase, ProjectIndicator, Typed
from selfscore.inputs.cells import header_field
from selfscore.inputs.project_sheet import (
    _BUDGET_COLUMNS,
    DETECT_ROWS,
    INDICATOR_FIELDS,
    PROJECT_FIELDS,
    SHARED_FIELDS,
    _cell,
    _columns,
    _Grid,
    _grids,
    local_field,
)

__all__ = ["is_project_list", "read_project_list"]

_LIST_ONLY: Final[dict[str, tuple[str, ...]]] = {
    "project": ("项目名称",), "unit_name": ("实施单位",),
    **{k: v for k, v in _BUDGET_COLUMNS.items() if k in ("initial", "budget", "spent")},
    **PROJECT_FIELDS,
}
_FIELDS: Final = ("project", "unit_name", "year", "initial", "budget", "spent", *INDICATOR_FIELDS)


def _list_field(text: str) -> str | None:
    """A list header: the project form's own columns first (度量单位 claims 单位), then the one header table."""
    field = local_field(text, _LIST_ONLY) or header_field(text, (*SHARED_FIELDS, "department", "year"))
    return "unit_name" if field == "department" else field


_REQUIRED: Final = frozenset({"project", "budget", "spent", "level1", "name", "target", "actual"})
_AMOUNTS: Final = (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"))


def _header(grid: _Grid) -> tuple[int, dict[str, int]] | None:
    for i, line in enumerate(grid[:30]):
        cols = _columns(line, _list_field)
        if _REQUIRED <= set(cols):
            return i, cols
    return None


def is_project_list(path: Path | str) -> bool:
    """Whether ``path`` is a list of projects (a 项目名称 column beside the indicator and amount columns)."""
    try:
        return any(_header(grid) is not None for _, grid, _ in _grids(Path(path), head=DETECT_ROWS))
    except SelfScoreError:  # unreadable: not a list here; the reader names the problem
        return False


class _Project:
    def __init__(self, name: str, first: int) -> None:
        self.name, self.first = name, first
        self.amounts: dict[str, Typed] = {}
        self.unit = self.year = ""
        self.rows: list[ProjectIndicator] = []
        self.problems: list[Problem] = []


def _amounts(project: _Project, cells: dict[str, Typed], file: str) -> None:
    for field, label in _AMOUNTS:
        cell = cells[field]
        if not cell.text.strip():
            continue
        before = project.amounts.get(field)
        if before is not None and before.text.strip() != cell.text.strip():
            project.problems.append(Problem(f"同一项目的{label}前后不一致：“{before.text}”（{before.where}）与“{cell.text}” "
                                            "(amount differs between rows of one project)", file, cell.where))
        project.amounts.setdefault(field, cell)


def _refused_cells(grid: _Grid, i: int, cols: dict[str, int], names: dict[str, str], refused: dict[str, str],
                   file: str) -> list[Problem]:
    """The refused cells (a boolean, a formula without its value, a date, an error value) of row ``i``."""
    found = []
    for field, j in cols.items():
        if j < len(grid[i]) and grid[i][j][1] in refused:
            address = grid[i][j][1]
            found.append(Problem(refused[address], file, f"第{i + 1}行 {names[field]} ({address})"))
    return found


def _projects(grid: _Grid, header: int, cols: dict[str, int], file: str, refused: dict[str, str]) -> list[_Project]:
    names = {f: grid[header][j][0] for f, j in cols.items()}
    projects: list[_Project] = []
    level1 = level2 = ""
    for i in range(header + 1, len(grid)):
        cells = {f: _cell(grid, i, cols.get(f), names.get(f, f)) for f in _FIELDS}
        name = cells["project"].text.strip()
        if name and (not projects or projects[-1].name != name):
            projects.append(_Project(name, i + 1))
            level1 = level2 = ""
        if not projects or not any(c.text.strip() for c in cells.values()):
            continue
        current = projects[-1]
        current.problems += _refused_cells(grid, i, cols, names, refused, file)
        current.unit = current.unit or cells["unit_name"].text.strip()
        current.year = current.year or cells["year"].text.strip()
        _amounts(current, cells, file)
        level1 = cells["level1"].text or level1
        level2 = cells["level2"].text or (level2 if not cells["level1"].text else "")
        if cells["name"].text.strip():
            ind = cells["name"].text.strip()
            current.rows.append(ProjectIndicator(
                level1=level1, level2=level2, name=ind, nature=cells["nature"], target=cells["target"], unit=cells["unit"],
                actual=cells["actual"], weight=cells["weight"], score=cells["score"], reason=cells["reason"].text,
                where=f"第{i + 1}行 “{ind}”"))
    return projects


def _case(project: _Project, spec: str, file: str) -> ProjectCase | CaseError:
    if project.problems:
        return CaseError(project.problems)
    year = project.year.removesuffix("年度").removesuffix("年")
    if year and not year.isdigit():
        return CaseError([Problem(f"年度“{project.year}”不是年份 (year)", file, f"第{project.first}行 年度")])
    blank = Typed("", f"第{project.first}行")
    budget = BudgetRow(label="年度资金总额", initial=project.amounts.get("initial", blank),
                       budget=project.amounts.get("budget", Typed("", f"第{project.first}行 全年预算数")),
                       spent=project.amounts.get("spent", Typed("", f"第{project.first}行 全年执行数")),
                       where=f"第{project.first}行 {project.name}")
    return ProjectCase(spec=spec, unit=project.unit, project=project.name, year=int(year or 0), budget=(budget,),
                       indicators=tuple(project.rows), file=file)


def read_project_list(path: Path | str, spec: str) -> list[tuple[str, str, ProjectCase | CaseError]]:
    """Every project in a list file, as (``第N行`` its first row, 项目名称, case or its problems), in the file's order."""
    p = Path(path)
    for _, grid, refused in _grids(p):
        found = _header(grid)
        if found is not None:
            return [(f"第{project.first}行", project.name, _case(project, spec, str(p)))
                    for project in _projects(grid, *found, str(p), refused)]
    raise CaseError([Problem("未找到项目清单表头（项目名称、全年预算数、全年执行数、一级指标、三级指标、年度指标值、实际完成值）"
                             "(no project list header)", str(p))])
