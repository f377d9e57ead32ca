"""``template``: a blank indicator table (自评表) for a spec, as .xlsx or CSV, to fill in by hand.

The table has the layout :mod:`selfscore.inputs.sheet` reads: a title, a 单位名称 line, the
header (一级指标, 二级指标, 三级指标, 年度目标值, 年度实现值, 完成率, 分值, 得分, 偏差原因,
判断结果), one row per indicator category of each indicator group, one row per other
level-2 item, and notes.  Rows left empty are ignored when the table is read back.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Final

from selfscore.core.errors import DependencyError, UnreadableError
from selfscore.core.numbers import fmt
from selfscore.core.spec import Spec
from selfscore.outputs.files import atomic_write

__all__ = ["HEADER", "template_rows", "write_template"]

HEADER: Final[tuple[str, ...]] = (
    "一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分", "偏差原因", "判断结果",
)
_WIDTHS: Final = (20, 16, 30, 22, 22, 10, 8, 8, 30, 10)
#: Level-2 categories printed for the usual groups (docs/domain.md §1); any text is accepted.
_CATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益", "社会效益", "生态效益", "可持续影响"),
    "满意度指标": ("服务对象满意度",),
}
_COLUMN_NOTES: Final[dict[str, str]] = {
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
    """The template as rows of text: title, 单位名称, header, rows to fill, notes."""
    width = len(HEADER)

    def row(*cells: str) -> list[str]:
        return [*cells, *([""] * (width - len(cells)))]

    rows = [row(f"{spec.year}年度部门整体支出绩效自评表（评分规范：{spec.id}）"), row("单位名称：", ""), list(HEADER)]
    for part in spec.parts:
        if part.unknown:
            continue
        for item in part.items:
            if item.kind == "indicators":
                for group in item.groups:
                    for category in _CATEGORIES.get(group, ("",)):
                        rows.append(row(group, category))
            elif item.kind == "execution_rate":
                assert item.points is not None
                rows.append(row(item.name, "", "年度平均支出率", "100%", "", "", fmt(item.points)))
            elif item.kind == "checklist":
                assert item.points is not None
                rows.append(row(part.name, item.name, "", "", "", "", fmt(item.points)))
    rows.append(row())
    rows.extend(row(note) for note in _notes(spec))
    return rows


def _write_csv(rows: list[list[str]], path: Path) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def _write_xlsx(spec: Spec, rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    header_row = 3
    body = [r for r in rows[header_row:] if any(r) and not r[0].startswith("注")]
    notes = [r[0] for r in rows if r[0].startswith("注")]
    ws.append(rows[0])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    ws.append(rows[1])
    ws["A2"].font = Font(bold=True)
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=5)
    ws["B2"].border = Border(bottom=thin)
    ws.append(rows[2])
    ws.row_dimensions[header_row].height = 24
    for j, name in enumerate(HEADER, start=1):
        cell = ws.cell(header_row, j)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.comment = Comment(_COLUMN_NOTES[name], "selfscore", width=260, height=90)
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[j - 1]
    for values in body:
        ws.append(values)
        r = ws.max_row
        for j in range(1, len(HEADER) + 1):
            cell = ws.cell(r, j)
            cell.border = border
            cell.alignment = wrap
            if cell.value == "":
                cell.value = None
        weight = ws.cell(r, HEADER.index("分值") + 1)
        if isinstance(weight.value, str) and weight.value:
            weight.value = int(weight.value) if weight.value.isdigit() else weight.value
        ws.cell(r, HEADER.index("完成率") + 1).number_format = "0.00%"
        ws.row_dimensions[r].height = 22
    last = ws.max_row
    ws.append([])
    for note in notes:
        ws.append([note])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADER))
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 30
    choices = DataValidation(type="list", formula1='"达成,部分达成,未达成"', allow_blank=True, showErrorMessage=False)
    ws.add_data_validation(choices)
    judgement = get_column_letter(HEADER.index("判断结果") + 1)
    choices.add(f"{judgement}{header_row + 1}:{judgement}{max(last, header_row + 200)}")
    level1 = [g for item in spec.items() for g in item.groups]
    level1 += [item.name for item in spec.items() if item.kind == "execution_rate"]
    level1 += [part.name for part in spec.parts if any(i.kind == "checklist" for i in part.items)]
    listed = ",".join(dict.fromkeys(level1))
    if listed and len(listed) < 250 and '"' not in listed and "," not in "".join(level1):
        groups = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(groups)
        groups.add(f"A{header_row + 1}:A{max(last, header_row + 200)}")
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    info = wb.create_sheet("填表说明")
    info.append(["填表说明"])
    info["A1"].font = Font(bold=True, size=13)
    for name in HEADER:
        info.append([name, _COLUMN_NOTES[name]])
    info.append([])
    info.append(["评分规范", f"{spec.id}  {spec.title}"])
    info.append(["依据", spec.source])
    for part in spec.parts:
        points = "未公布" if part.unknown or part.points is None else f"{fmt(part.points)} 分"
        info.append([part.name, points])
        for item in part.items:
            groups_text = f"（一级指标填：{'、'.join(item.groups)}）" if item.groups else ""
            info.append(["", f"{item.name} {fmt(item.points) if item.points is not None else '?'} 分{groups_text}"])
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 100
    info.page_setup.orientation = "landscape"
    info.page_setup.fitToWidth = 1
    info.page_setup.fitToHeight = 0
    info.sheet_properties.pageSetUpPr.fitToPage = True
    for line in info.iter_rows():
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


def write_template(spec: Spec, path: Path | str, *, overwrite: bool = False) -> None:
    """Write a blank indicator table for ``spec`` to ``path`` (.xlsx or .csv, by its suffix).

    The file is written through a temporary file.  An existing file is not replaced
    unless ``overwrite`` (it may be a table already filled in).  Raises
    :class:`~selfscore.UnreadableError` for another suffix, an existing file, a
    missing folder, or .xlsx without openpyxl installed.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UnreadableError(f"{target}: 模板须为 .xlsx 或 .csv 文件 (the template must be .xlsx or .csv)")
    if target.exists() and not overwrite:
        raise UnreadableError(f"{target}: 文件已存在，未覆盖 (file exists, not overwritten)：请换一个文件名或先删除它")
    rows = template_rows(spec)
    if suffix == ".csv":
        atomic_write(target, lambda tmp: _write_csv(rows, Path(tmp)))
        return
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise DependencyError(
            f"{target}: 写 .xlsx 需要 openpyxl (writing .xlsx needs openpyxl)：请运行 pip install 'selfscore[xlsx]'，或改用 .csv"
        ) from None
    atomic_write(target, lambda tmp: _write_xlsx(spec, rows, Path(tmp)))
