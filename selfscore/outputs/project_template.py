"""The national project form (项目支出绩效自评表) as rows, blank or filled from a project case, in CSV or .xlsx.

:mod:`selfscore.inputs.project_sheet` reads back what this writes: title, 项目名称 / 主管部门 /
实施单位, the budget block, the indicator block, 总分 and 等级, and notes.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from selfscore.core.errors import DependencyError, UsageError
from selfscore.core.numbers import fmt, mul
from selfscore.core.project import ProjectCase, execution_item, indicators_item, project_rules
from selfscore.core.spec import Spec
from selfscore.outputs.files import atomic_write, check_output

__all__ = ["INDICATOR_HEADER", "project_rows", "typed_cell", "write_project_form"]

INDICATOR_HEADER: Final[tuple[str, ...]] = (
    "一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
)
_FUNDING: Final = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
_BLANK_LEVELS: Final = (
    ("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
    ("效益指标", "经济效益指标"), ("效益指标", "社会效益指标"), ("效益指标", "生态效益指标"), ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
)


def _notes(spec: Spec) -> list[str]:
    rules = project_rules(spec)
    ex, ind = execution_item(spec), indicators_item(spec)
    assert ex.points is not None and ind.points is not None
    bands = "、".join(f"{b.outcome} {b.label}" for b in rules.bands)
    return [
        f"注1：预算执行率得分 = {fmt(ex.points)} × 全年执行数 ÷ 全年预算数；金额单位见“项目资金”一栏（万元或元）。",
        "注2：指标性质填 ≥ ＞ ＝ ＜ ≤ 或代码 1–6（1 ≥，2 ＞，3 ＝，4 ＜，5 ≤，6 定性）；年度指标值、实际完成值填数字，单位写在度量单位列。",
        f"注3：各指标分值合计 {fmt(ind.points)} 分（评分规范 {spec.id}）。未得满分的指标须填写偏差原因。",
        f"注4：定性指标在实际完成值列选 达成 / 部分达成 / 未达成，得分须在区间内：{bands}（× 分值）。",
    ]


def project_rows(spec: Spec, case: ProjectCase | None = None) -> list[list[str]]:
    """The form as rows of text (10 columns); ``case`` fills it in as printed."""
    width = len(INDICATOR_HEADER)

    def row(*cells: str) -> list[str]:
        return [*cells, *([""] * (width - len(cells)))]

    ex = execution_item(spec)
    assert ex.points is not None
    unit = case.amount_unit if case else "万元"
    rows = [row("项目支出绩效自评表"), row(f"（{case.year}年度）" if case and case.year else "（　　　　年度）"),
            row("项目名称", case.project if case else ""), row("主管部门", "", "", "", "实施单位", case.unit if case else ""),
            row(f"项目资金（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")]
    if case:
        rows += [row("", b.label, b.initial.text, b.budget.text, b.spent.text, b.weight.text, b.rate.text, b.score.text)
                 for b in case.budget]
    else:
        rows += [row("", label, "", "", "", fmt(ex.points) if k == 0 else "") for k, label in enumerate(_FUNDING)]
    rows += [row(), list(INDICATOR_HEADER)]
    if case:
        rows += [row(i.level1, i.level2, i.name, i.nature.text, i.target.text, i.unit.text, i.actual.text, i.weight.text,
                     i.score.text, i.reason) for i in case.indicators]
        rows.append(row("总分", "", "", "", "", "", "", fmt(spec.total), case.total.text))
        rows.append(row("等级", case.grade.text))
    else:
        rows += [row(*levels) for levels in _BLANK_LEVELS]
        rows += [row("总分", "", "", "", "", "", "", fmt(spec.total)), row("等级")]
    rows.append(row())
    rows += [row(note) for note in _notes(spec)]
    return rows


def typed_cell(text: str) -> str | Decimal | None:
    """A cell as an officer types it: numbers as numbers (98% as 0.98 in a % cell), the rest as text."""
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?%", text):
        return mul(Decimal(text[:-1]), Decimal("0.01"))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return Decimal(text)
    return text


def _style(ws: Any, rows: list[list[str]]) -> int:
    """Borders round both blocks, the title centred, notes across the sheet, one page wide; returns the indicator header row."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin", color="000000")
    box, wrap = Border(left=thin, right=thin, top=thin, bottom=thin), Alignment(vertical="center", wrap_text=True)
    budget = next(i for i, r in enumerate(rows, start=1) if r[0].startswith("项目资金"))
    header = next(i for i, r in enumerate(rows, start=1) if r[0] == "一级指标")
    last = next(i for i, r in enumerate(rows, start=1) if r[0] == "等级")
    for r, columns in [*((r, 8) for r in range(budget, header - 1)), *((r, 10) for r in range(header, last + 1))]:
        for c in range(1, columns + 1):
            cell = ws.cell(r, c)
            cell.border, cell.alignment = box, wrap
            if r in (budget, header):
                cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=10)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    ws["A1"].font = Font(bold=True, size=14)
    ws.row_dimensions[budget].height = 30
    ws.merge_cells(start_row=budget, start_column=1, end_row=header - 2, end_column=1)
    ws.merge_cells(start_row=3, start_column=2, end_row=3, end_column=10)
    for r in range(last + 2, len(rows) + 1):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=10)
        ws.cell(r, 1).alignment = wrap
        ws.row_dimensions[r].height = 30
    for column, width in zip("ABCDEFGHIJ", (16, 18, 24, 12, 12, 10, 12, 8, 8, 28), strict=True):
        ws.column_dimensions[column].width = width
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = "landscape", 1, 0
    return header


def _write_xlsx(rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    for values in rows:
        ws.append([typed_cell(v) for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, Decimal) and values[cell.column - 1].endswith("%"):
                cell.number_format = "0.00%" if "." in values[cell.column - 1] else "0%"
    header = _style(ws, rows)
    natures = DataValidation(type="list", formula1='"≥,＞,＝,＜,≤,定性"', allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(natures)
    natures.add(f"D{header + 1}:D{header + 200}")
    ws.freeze_panes = ws.cell(header + 1, 1)
    ws.page_setup.orientation = "landscape"
    wb.save(path)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8-sig", newline="")


def write_project_form(spec: Spec, path: Path | str, case: ProjectCase | None = None, *, overwrite: bool = False) -> None:
    """Write the form (blank, or filled from ``case``) to ``path`` (.xlsx or .csv), through a temporary file."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"{target}: 模板须为 .xlsx 或 .csv 文件 (the template must be .xlsx or .csv)")
    check_output(target, overwrite=overwrite)  # the one overwrite rule (selfscore.outputs.files)
    rows = project_rows(spec, case)
    if suffix == ".csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        atomic_write(target, lambda tmp: _write_text(Path(tmp), buffer.getvalue()), overwrite=overwrite)
        return
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise DependencyError(f"{target}: 写 .xlsx 需要 openpyxl：请运行 pip install 'selfscore[xlsx]'，或改用 .csv") from None
    atomic_write(target, lambda tmp: _write_xlsx(rows, Path(tmp)), overwrite=overwrite)
