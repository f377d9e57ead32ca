"""``template``: a blank indicator table (自评表) for a spec, as .xlsx or CSV, to fill in by hand.

The table has the layout of the official 自评表 that :mod:`selfscore.inputs.sheet` reads: a
title naming the spec, a 单位名称 line, the header (序号, 一级指标, 二级指标, 三级指标,
年度目标值, 年度实现值, 完成率, 分值, 得分, 偏差原因, 判断结果), a few numbered rows per
indicator category of each indicator group, one row per other level-2 item, a signature
block and notes.  Rows left empty are ignored when the table is read back.

The template records its spec (see :mod:`selfscore.inputs.marker`): an .xlsx carries the
document property ``selfscore-spec``, a CSV names it in its title line, so ``selfscore
score 表.xlsx`` needs no ``--spec``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from selfscore.core.errors import DependencyError, UsageError
from selfscore.core.numbers import fmt
from selfscore.core.spec import Spec
from selfscore.inputs.marker import MARKER_PROPERTY
from selfscore.outputs.files import atomic_write, check_output

__all__ = ["HEADER", "template_rows", "write_template"]

HEADER: Final[tuple[str, ...]] = (
    "序号", "一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分", "偏差原因", "判断结果",
)
_WIDTHS: Final = (6, 20, 16, 30, 22, 22, 10, 8, 8, 30, 10)
_HEADER_ROW: Final = 3  # 1-based row of the header in the sheet
_ROWS_PER_CATEGORY: Final = 3  # numbered rows offered under each category; more can be inserted
_SIGNATURE: Final = "单位负责人：　　　　　　　　填表人：　　　　　　　　联系电话：　　　　　　　　填报日期：　　　年　　月　　日"
#: Level-2 categories printed for the usual groups (docs/domain.md §1); any text is accepted.
_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益", "社会效益", "生态效益", "可持续影响"),
    "满意度指标": ("服务对象满意度",),
}
_COLUMN_NOTES: Final[dict[str, str]] = {
    "序号": "指标序号，可不填；计分时不读取。",
    "一级指标": ("指标分组：产出指标、效益指标、满意度指标；或其他二级指标的名称（如 部门预算资金支出率），或 管理效率。"
                 "合并单元格或留空视为同上。"),
    "二级指标": "指标类别：数量指标、质量指标、时效指标、成本指标、经济效益、社会效益……；管理效率各行填项目名称。",
    "三级指标": "指标名称。",
    "年度目标值": "照绩效目标表填写，如 ≥95%、≤2个小时、0次、达标、500 万元。上限类指标写 ≤。",
    "年度实现值": "实际完成情况，如 98%、493.3 万元、达标。支出率一行填年度平均支出率，如 95%。",
    "完成率": "可不填；填写后 selfscore verify 会核对。",
    "分值": "指标行可留空（按评分规范均分）；填写时须填满该项所有指标，合计等于该项分值。",
    "得分": "指标行可不填（verify 会核对）；管理效率各行填得分。",
    "偏差原因": "未得满分的指标须写明偏差原因；管理效率扣分须写明扣分原因。",
    "判断结果": "仅用于实现值无法直接判断的定性指标：达成 / 部分达成 / 未达成。",
}


def _notes(spec: Spec) -> list[str]:
    notes = [
        "一级指标填指标分组，二级指标填指标类别，三级指标填指标名称；行不够可插入行，未用的行留空或删除均可。",
        "年度目标值、年度实现值照绩效目标表填写（如 ≥95%、≤2个小时、0次、达标、500 万元）；数值带单位时照写。",
    ]
    splits = "；".join(f"{item.name} {fmt(item.points)} 分" for item in spec.items() if item.kind == "indicators" and item.points)
    notes.append(f"指标行的分值留空时按评分规范 {spec.id} 均分（{splits}）；填写时须填满该项所有指标，合计等于该项分值。")
    kinds = {item.kind for item in spec.items()}
    if "execution_rate" in kinds:
        notes.append("部门预算资金支出率一行在年度实现值列填年度平均支出率（如 95%），得分由规范计算。")
    if "checklist" in kinds:
        checklist_parts = "、".join(p.name for p in spec.parts if any(i.kind == "checklist" for i in p.items))
        notes.append(f"{checklist_parts}各行在得分列填得分，低于分值时在偏差原因列写明扣分原因。")
    notes.append("未填写的二级指标不计分，计分结果标为不完整 (partial)。完成率、得分可不填，填写后可用 selfscore verify 核对。")
    unknown = [part.name for part in spec.parts if part.unknown] + [i.name for i in spec.items() if i.kind == "unknown"]
    if unknown:
        notes.append(f"评分规范 {spec.id} 未公布“{'、'.join(unknown)}”的评分细则，本表不含此部分，计分结果将标为不完整。")
    return [f"注{k}：{note}" for k, note in enumerate(notes, start=1)]


def template_rows(spec: Spec) -> list[list[str]]:
    """The template as rows of text: title, 单位名称, header, rows to fill, signature, notes."""
    width = len(HEADER)

    def row(*cells: str) -> list[str]:
        return [*cells, *([""] * (width - len(cells)))]

    rows = [row(f"{spec.year}年度部门整体支出绩效自评表（评分规范：{spec.id}）"), row("单位名称：", ""), list(HEADER)]
    number = 0
    for part in spec.parts:
        if part.unknown:
            continue
        for item in part.items:
            if item.kind == "indicators":
                for group in item.groups:
                    for c, category in enumerate(_CATEGORIES.get(group, ("",))):
                        for k in range(_ROWS_PER_CATEGORY):
                            number += 1
                            rows.append(row(str(number), group if c == 0 and k == 0 else "", category if k == 0 else ""))
            elif item.kind == "execution_rate":
                assert item.points is not None
                number += 1
                rows.append(row(str(number), item.name, "", "年度平均支出率", "100%", "", "", fmt(item.points)))
            elif item.kind == "checklist":
                assert item.points is not None
                number += 1
                rows.append(row(str(number), part.name, item.name, "", "", "", "", fmt(item.points)))
    rows.append(row())
    rows.append(row(_SIGNATURE))
    rows.append(row())
    rows.extend(row(note) for note in _notes(spec))
    return rows


def _write_csv(rows: list[list[str]], path: Path) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin", color="808080")
    return {"thin": thin, "border": Border(left=thin, right=thin, top=thin, bottom=thin),
            "wrap": Alignment(wrap_text=True, vertical="center"),
            "center": Alignment(horizontal="center", vertical="center")}


def _head(ws: Any, rows: list[list[str]], style: dict[str, Any]) -> None:
    """Title, 单位名称 line and the header row with a note on each column."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(rows[0])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(rows[1])
    ws["A2"].font = Font(bold=True)
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=5)
    ws["B2"].border = Border(bottom=style["thin"])
    ws.append(rows[2])
    ws.row_dimensions[_HEADER_ROW].height = 24
    for j, name in enumerate(HEADER, start=1):
        cell = ws.cell(_HEADER_ROW, j)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = style["border"]
        cell.comment = Comment(_COLUMN_NOTES[name], "selfscore", width=260, height=90)
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[j - 1]


def _body(ws: Any, body: list[list[str]], style: dict[str, Any]) -> None:
    """The rows to fill in, bordered, numbers as numbers."""
    for values in body:
        ws.append(values)
        r = ws.max_row
        for j in range(1, len(HEADER) + 1):
            cell = ws.cell(r, j)
            cell.border = style["border"]
            cell.alignment = style["wrap"]
            if cell.value == "":
                cell.value = None
        for field in ("序号", "分值"):
            cell = ws.cell(r, HEADER.index(field) + 1)
            if isinstance(cell.value, str) and cell.value.isdigit():
                cell.value = int(cell.value)
            cell.alignment = style["center"]
        ws.cell(r, HEADER.index("完成率") + 1).number_format = "0.00%"
        ws.row_dimensions[r].height = 22


def _foot(ws: Any, lines: list[str]) -> None:
    """The signature block and the notes, each merged across the table."""
    from openpyxl.styles import Alignment, Font

    for line in lines:
        ws.append([line] if line else [])
        if not line:
            continue
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="center" if line == _SIGNATURE else "top")
        if line == _SIGNATURE:
            ws.cell(r, 1).font = Font(bold=True)
        ws.row_dimensions[r].height = 36 if line == _SIGNATURE else 30


def _validations(ws: Any, spec: Spec, last: int) -> None:
    """Drop-down lists for 判断结果 and 一级指标 (typing anything else is still allowed)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    end = max(last, _HEADER_ROW + 200)
    choices = DataValidation(type="list", formula1='"达成,部分达成,未达成"', allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(choices)
    judgement = get_column_letter(HEADER.index("判断结果") + 1)
    choices.add(f"{judgement}{_HEADER_ROW + 1}:{judgement}{last}")
    level1 = [g for item in spec.items() for g in item.groups]
    level1 += [item.name for item in spec.items() if item.kind == "execution_rate"]
    level1 += [part.name for part in spec.parts if any(i.kind == "checklist" for i in part.items)]
    listed = ",".join(dict.fromkeys(level1))
    if listed and len(listed) < 250 and '"' not in listed and "," not in "".join(level1):
        groups = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(groups)
        column = get_column_letter(HEADER.index("一级指标") + 1)
        groups.add(f"{column}{_HEADER_ROW + 1}:{column}{end}")


def _info_sheet(wb: Any, spec: Spec) -> None:
    """Sheet 填表说明: what each column means and the spec's parts and items, with its plain 依据."""
    from openpyxl.styles import Alignment, Font

    info = wb.create_sheet("填表说明")
    info.append(["填表说明"])
    info["A1"].font = Font(bold=True, size=13)
    for name in HEADER:
        info.append([name, _COLUMN_NOTES[name]])
    info.append([])
    info.append(["评分规范", f"{spec.id}  {spec.title}"])
    if spec.basis:
        info.append(["依据", spec.basis])
    for part in spec.parts:
        points = "未公布" if part.unknown or part.points is None else f"{fmt(part.points)} 分"
        info.append([part.name, points])
        for item in part.items:
            groups_text = f"（一级指标填：{'、'.join(item.groups)}）" if item.groups else ""
            info.append(["", f"{item.name} {fmt(item.points) if item.points is not None else '?'} 分{groups_text}"])
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 100
    _landscape(info)
    for line in info.iter_rows():
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _landscape(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_xlsx(spec: Spec, rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    wb = Workbook()
    wb.custom_doc_props.append(StringProperty(name=MARKER_PROPERTY, value=spec.id))
    wb.properties.title = rows[0][0]
    wb.properties.creator = "selfscore"
    ws = wb.active
    ws.title = "自评表"
    style = _styles()
    _head(ws, rows, style)
    tail = next(i for i in range(len(rows) - 1, _HEADER_ROW - 1, -1) if rows[i][0] == _SIGNATURE)
    body = [r for r in rows[_HEADER_ROW:tail] if any(r)]
    _body(ws, body, style)
    last = ws.max_row
    _foot(ws, [r[0] for r in rows[tail - 1:]])
    _validations(ws, spec, last)
    ws.freeze_panes = ws.cell(_HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    _landscape(ws)
    _info_sheet(wb, spec)
    wb.save(path)


def write_template(spec: Spec, path: Path | str, *, overwrite: bool = False, inputs: Sequence[Path] = ()) -> None:
    """Write a blank indicator table for ``spec`` to ``path`` (.xlsx or .csv, by its suffix).

    The file is written through a temporary file, under the one overwrite rule of
    :mod:`selfscore.outputs.files`: an existing file is replaced only with ``overwrite``
    (it may be a table already filled in), never an input.  Raises
    :class:`~selfscore.core.errors.UsageError` for another suffix,
    :class:`~selfscore.core.errors.OutputError` for a destination that may not be
    written, and :class:`~selfscore.core.errors.DependencyError` for .xlsx without openpyxl.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"{target}: 模板须为 .xlsx 或 .csv 文件 (the template must be .xlsx or .csv)")
    check_output(target, inputs, overwrite=overwrite)
    rows = template_rows(spec)
    if suffix == ".csv":
        atomic_write(target, lambda tmp: _write_csv(rows, Path(tmp)), inputs=inputs, overwrite=overwrite)
        return
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise DependencyError(
            f"{target}: 写 .xlsx 需要 openpyxl (writing .xlsx needs openpyxl)：请运行 pip install 'selfscore[xlsx]'，或改用 .csv"
        ) from None
    atomic_write(target, lambda tmp: _write_xlsx(spec, rows, Path(tmp)), inputs=inputs, overwrite=overwrite)
