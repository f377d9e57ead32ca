"""A scored project table as an .xlsx workbook laid out as the national 项目支出绩效自评表.

Sheet ``项目支出绩效自评表``: title and 实施单位 lines, the budget block, the indicator block
(一级/二级 merged down their rows), 总分 and 等级, then the spec and its sources.  Scores
are written as numbers whose General format shows the exact decimal; the execution rate as
a percentage; amounts, targets and actuals as typed.  :mod:`selfscore.inputs.project_sheet`
reads the file back, so a written result can be re-scored or handed to ``verify``.
A second sheet ``计算过程`` lists every step.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from selfscore.core.engine import Result
from selfscore.core.errors import DependencyError
from selfscore.core.project import ProjectCase
from selfscore.core.spec import Spec
from selfscore.outputs.files import atomic_write, check_output
from selfscore.outputs.project_render import BUDGET_HEADER, INDICATOR_HEADER, ProjectView, project_view
from selfscore.outputs.project_template import typed_cell

__all__ = ["write_project_xlsx"]

_FONT: Final = "宋体"
_WIDTHS: Final = (11, 18, 22, 12, 12, 8, 11, 7, 8, 26)
_NUMBER_COLS: Final = frozenset({7, 8})


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise DependencyError("需要安装 openpyxl：pip install 'selfscore[xlsx]' (openpyxl is needed to write .xlsx)") from None
    return openpyxl


def _layout(view: ProjectView, case: ProjectCase) -> tuple[list[list[str]], int, int]:
    """The sheet as rows of text; returns the rows, the budget header row and the indicator header row (1-based)."""
    width = len(INDICATOR_HEADER)

    def row(*cells: str) -> list[str]:
        return [*cells, *([""] * (width - len(cells)))]

    subtitle = "　".join(p for p in view.subtitle.split("　") if not p.startswith("实施单位"))
    rows = [row(view.title), row(subtitle), row("项目名称", case.project), row("实施单位", case.unit)]
    budget_header = len(rows) + 1
    rows.append(row(f"项目资金\n（{case.amount_unit}）", "", *BUDGET_HEADER[1:]))
    rows += [row("", label, *rest) for label, *rest in view.budget]
    rows.append(row())
    indicator_header = len(rows) + 1
    rows.append(list(INDICATOR_HEADER))
    rows += [list(r) for r in view.indicators]
    rows += [list(r) for r in view.footer]
    return rows, budget_header, indicator_header


def _merges(ws: Any, rows: list[list[str]], first: int, last: int) -> None:
    """Merge each 一级/二级 name down the blank cells below it (the form's merged cells)."""
    for col in (0, 1):
        start = first
        for r in range(first + 1, last + 2):
            ends = r > last or rows[r - 1][col] or (col == 1 and rows[r - 1][0])
            if ends:
                if r - 1 > start:
                    ws.merge_cells(start_row=start, start_column=col + 1, end_row=r - 1, end_column=col + 1)
                start = r


def _fill(ws: Any, rows: list[list[str]], styles: dict[str, Any], headers: tuple[int, int], boxes: tuple[range, ...]) -> None:
    for r, values in enumerate(rows, start=1):
        for c, text in enumerate(values):
            cell = ws.cell(row=r, column=c + 1)
            value = typed_cell(text)
            cell.value = value
            if isinstance(value, Decimal) and text.endswith("%"):
                places = len(text[:-1].partition(".")[2])
                cell.number_format = "0." + "0" * places + "%" if places else "0%"
            if any(r in box for box in boxes) and (c < 8 or r in boxes[-1]):  # the budget block is 8 columns wide
                cell.border = styles["border"]
            bold = r in headers or (r >= boxes[-1].stop - 2 and r in boxes[-1] and c == 0)
            cell.font = styles["bold" if bold else "font"]
            in_budget = r in boxes[0] and c >= 2
            centered = r in headers or c in _NUMBER_COLS or c == 3 or isinstance(value, Decimal) or in_budget
            cell.alignment = styles["center" if centered else "left"]
        if any(r in box for box in boxes):
            ws.row_dimensions[r].height = 14 * max([_lines(t, _WIDTHS[c]) for c, t in enumerate(values) if c > 0] + [1]) + 3


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` characters wide (CJK counts 2)."""
    from wcwidth import wcswidth

    return sum(max(1, -(-max(wcswidth(part), 0) // max(width - 1, 1))) for part in text.split("\n"))


def _build(result: Result, case: ProjectCase, spec: Spec) -> Any:
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    view = project_view(result, case)
    rows, budget_header, indicator_header = _layout(view, case)
    last = len(rows)
    rows += [[""] * 10, [f"评分规范：{spec.id} {spec.title}"] + [""] * 9, [f"依据：{spec.source}"] + [""] * 9]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    wb.properties.title, wb.properties.creator = view.title, "selfscore"
    thin = Side(style="thin", color="000000")
    styles = {"font": Font(name=_FONT, charset=134, size=10), "bold": Font(name=_FONT, charset=134, size=10, bold=True),
              "border": Border(left=thin, right=thin, top=thin, bottom=thin),
              "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
              "left": Alignment(horizontal="left", vertical="center", wrap_text=True)}
    boxes = (range(budget_header, budget_header + len(view.budget) + 1), range(indicator_header, last + 1))
    _fill(ws, rows, styles, (budget_header, indicator_header), boxes)
    ws["A1"].font = Font(name=_FONT, charset=134, size=15, bold=True)
    ws["A1"].alignment = styles["center"]
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=10)
    for r in (3, 4):
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=10)
    for r in range(last + 2, len(rows) + 1):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=10)
        ws.row_dimensions[r].height = 30
    ws.merge_cells(start_row=budget_header, start_column=1, end_row=budget_header + len(view.budget), end_column=1)
    _merges(ws, rows, indicator_header + 1, indicator_header + len(view.indicators))
    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 30
    _one_page_wide(ws)
    ws.print_area = f"A1:J{len(rows)}"
    _trace_sheet(wb, result, styles)
    return wb


def _trace_sheet(wb: Any, result: Result, styles: dict[str, Any]) -> None:
    ws = wb.create_sheet("计算过程")
    ws.append(["指标", "计算过程"])
    for cell in ws[1]:
        cell.font = styles["bold"]
    ex = next(i for p in result.parts for i in p.items if i.kind == "execution_rate")
    for name, trace in ((ex.name, ex.trace), *((ind.name, ind.trace) for ind in result.indicators())):
        for k, step in enumerate(trace):
            ws.append([name if k == 0 else "", step])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 26, 100
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.font, cell.alignment = styles["font"], styles["left"]
        ws.row_dimensions[row[0].row].height = 14 * _lines(str(row[1].value or ""), 100) + 3
    _one_page_wide(ws)


def _one_page_wide(ws: Any) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def write_project_xlsx(result: Result, case: ProjectCase, spec: Spec, path: Path, *, inputs: Sequence[Path] = (),
                       overwrite: bool = False) -> None:
    """Write the scored project table to ``path`` (.xlsx), atomically, never over an input nor,
    unless ``overwrite``, over an existing file."""
    check_output(Path(path), inputs, overwrite=overwrite)
    wb = _build(result, case, spec)
    atomic_write(Path(path), wb.save, inputs=inputs, overwrite=overwrite)
