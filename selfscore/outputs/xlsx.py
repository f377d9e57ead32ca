"""The scored 自评表 as an Excel workbook (.xlsx), written atomically.

Sheet “自评表” follows the official table (一级指标, 二级指标, 三级指标, 年度目标值,
年度实现值, 完成率, 分值, 得分, 偏差原因/扣分原因) with the level-1 and level-2 names
merged over their rows, item subtotals, part totals and a totals row (总分, 等级, or
a plain “结果不完整 (partial)” note naming what is missing).  Sheet “计算过程” lists
every step of the trace.

Scores are number cells whose number format shows exactly the digits scored
(3.34 -> ``0.00``, 3.9 -> ``0.0``, 20 -> ``0``), so Excel shows what the report
prints.  Excel keeps numbers as binary doubles, so every number is checked to come
back exactly (``3.34`` -> 3.34 -> ``3.34``) before it is written; one that would not
is an error, never a silently different value.  Completion rates are percentage
cells holding the rate as printed (98.66% is 0.9866 with format ``0.00%``); the
exact fraction is in the trace.

openpyxl is imported only when a workbook is written (``pip install 'selfscore[xlsx]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from selfscore.core.engine import IndicatorResult, ItemResult, PartResult, Result
from selfscore.core.errors import DependencyError, SelfScoreError
from selfscore.core.numbers import fmt, fmt_percent, sub
from selfscore.outputs.files import atomic_write, check_output
from selfscore.outputs.render import partial_scored
from selfscore.outputs.xlsx_trace import DASH, LINE_HEIGHT, print_setup, row_lines, trace_sheet

__all__ = ["SHEET_HEADERS", "write_result_xlsx"]

#: The header row of the 自评表 sheet: the scoring table's 评分项目 (part) and 评分内容 (item), then the
#: officer's own 一级指标/二级指标 (产出指标/数量指标 …, as in the template) and the indicator columns.
SHEET_HEADERS = ("评分项目", "评分内容", "一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分",
                 "偏差原因/扣分原因")

_NCOLS = len(SHEET_HEADERS)
_LABELS = 2  # the 一级指标/二级指标 columns, inserted after 评分内容 when the table is widened
# Column widths in Excel character units (a CJK character takes about two).
_WIDTHS = (10, 18, 10, 10, 26, 22, 22, 9, 7, 7, 28)
_NUMERIC_COLS = (7, 8, 9)  # 完成率, 分值, 得分 (0-based)
_FONT = "宋体"
_FONT_SIZE = 11
_TITLE_ROWS = 2  # title and subtitle; the header row follows
_HEADER_ROW = _TITLE_ROWS + 1


# --- cell values: exact numbers with the number format that prints them -----------------------------------


@attrs.frozen
class _Num:
    """A number cell: the value Excel stores and the format that shows it as printed."""

    value: float | int
    number_format: str
    text: str  # what the report prints, for the round-trip check and tests


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _exact(value: Decimal, where: str) -> float | int:
    """``value`` as the number Excel will hold, checked to read back as the same decimal."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    as_float = float(value)
    # The double must be the one whose shortest decimal is ``value`` (so Excel shows it), and
    # openpyxl writes it as "%.16g" (9.3 as 9.300000000000001), which must read back as the same double.
    if Decimal(repr(as_float)) != value or float(f"{as_float:.16g}") != as_float:
        raise SelfScoreError(f"{where}: {fmt(value)} 无法在 Excel 中精确保存为数字 "
                             "(cannot be stored exactly as an Excel number)；请改用其他输出格式")
    return as_float


def _decimal_format(places: int, percent: bool = False) -> str:
    return ("0" if places == 0 else "0." + "0" * places) + ("%" if percent else "")


def _num(value: Decimal | None, where: str) -> _Num | str:
    if value is None:
        return DASH
    return _Num(_exact(value, where), _decimal_format(_places(value)), fmt(value))


def _pct(rate: Fraction | None, where: str) -> _Num | str:
    """A rate as a percentage cell holding the percentage as printed (``98.66%`` -> 0.9866)."""
    if rate is None:
        return DASH
    text = fmt_percent(rate)
    shown = Decimal(text[:-1])
    value = shown.scaleb(-2)
    return _Num(_exact(value, where), _decimal_format(_places(shown), percent=True), text)


# --- the table as rows of values (no openpyxl here) --------------------------------------------------------

Cell = _Num | str | None


@attrs.frozen
class _Row:
    kind: str  # indicator, item, subtotal, part_total, unknown_part, total, grade, note
    cells: tuple[Cell, ...]
    span: tuple[int, int] | None = None  # 0-based columns merged across on this row
    labels: tuple[str, str] = ("", "")  # an indicator's 一级指标 (group) and 二级指标 (category)


@attrs.frozen
class _Table:
    rows: tuple[_Row, ...]
    merges: tuple[tuple[int, int, int], ...]  # (column, first row, last row), 0-based within rows


def _rate(ind: IndicatorResult, where: str) -> Cell:
    done = ind.completion
    if done.qualitative and done.rate is None:
        return done.outcome  # 部分达成: scored by the rule's declared share, not a rate
    rate = done.uncapped if done.uncapped is not None else done.rate
    return _pct(rate, where)


def _lost_note(ind: IndicatorResult) -> str:
    parts = []
    if ind.score < ind.weight:
        done = ind.completion
        rate = done.uncapped if done.uncapped is not None else done.rate
        shown = done.outcome if rate is None else f"完成率 {fmt_percent(rate)}"
        parts.append(f"扣 {fmt(sub(ind.weight, ind.score))} 分（{shown}）")
    if ind.reason:
        parts.append(f"偏差原因：{ind.reason}")
    if ind.note:
        parts.append(f"备注：{ind.note}")
    return "；".join(parts)


def _deduction_note(item: ItemResult) -> str:
    return "；".join(f"扣 {fmt(d.points)} 分" for d in item.deductions)  # d.source is for auditors (JSON)


def _item_rows(item: ItemResult) -> list[_Row]:
    where = item.name
    if item.indicators:
        rows = [_Row("indicator", (None, None, ind.name, ind.target.text.strip(), ind.actual.text.strip(),
                                   _rate(ind, f"{where} / {ind.name} 完成率"), _num(ind.weight, f"{where} / {ind.name} 分值"),
                                   _num(ind.score, f"{where} / {ind.name} 得分"), _lost_note(ind)),
                     labels=(ind.group.strip(), ind.category.strip()))
                for ind in item.indicators]
        rows.append(_Row("subtotal", (None, None, "小计", "", "", "", _num(item.max, f"{where} 分值"),
                                      _num(item.score, f"{where} 得分"), "" if item.score is not None else "未计分")))
        return rows
    cells: tuple[Cell, ...]
    if item.status == "unknown":
        cells = (None, None, "（评分细则未公布）", "", "", "", _num(item.max, where), DASH, "评分细则未公布，不计分")
    elif item.status == "not_reported":
        cells = (None, None, "（未填报）", "", "", "", _num(item.max, where), DASH, "未填报，不计分")
    elif item.kind == "execution_rate":
        rate = _pct(item.rate, f"{where} 支出率")
        note = ""
        if item.score is not None and item.max is not None and item.score < item.max and item.rate is not None:
            note = f"平均支出率 {fmt_percent(item.rate)}，扣 {fmt(sub(item.max, item.score))} 分"
        cells = (None, None, "年度平均支出率", "100%", rate, rate, _num(item.max, f"{where} 分值"),
                 _num(item.score, f"{where} 得分"), note)
    else:
        if item.deductions:
            label = "；".join(d.reason if "扣" in d.reason else f"{d.reason}（扣{fmt(d.points)}分）" for d in item.deductions)
        else:
            label = "按报告汇总：无扣分" if item.kind == "indicators" else "无扣分"
        cells = (None, None, label, "", "", "", _num(item.max, f"{where} 分值"), _num(item.score, f"{where} 得分"),
                 _deduction_note(item))
    return [_Row("item", cells)]


def _part_rows(part: PartResult, rows: list[_Row], merges: list[tuple[int, int, int]]) -> None:
    if part.unknown:
        rows.append(_Row("unknown_part", (part.name, "（评分细则未公布）", "", "", "", "", _num(part.max, part.name), DASH,
                                          "评分细则未公布，不计分"), span=(1, 5)))
        return
    first_of_part = len(rows)
    for item in part.items:
        item_rows = _item_rows(item)
        first = len(rows)
        cells = list(item_rows[0].cells)
        cells[1] = item.name
        item_rows[0] = attrs.evolve(item_rows[0], cells=tuple(cells))
        rows.extend(item_rows)
        if len(item_rows) > 1:
            merges.append((1, first, len(rows) - 1))
    rows.append(_Row("part_total", (None, f"{part.name}合计", "", "", "", "", _num(part.max, f"{part.name}合计 分值"),
                                    _num(part.score, f"{part.name}合计 得分"), "" if part.score is not None else "未计分"),
                     span=(1, 5)))
    cells = list(rows[first_of_part].cells)
    cells[0] = part.name
    rows[first_of_part] = attrs.evolve(rows[first_of_part], cells=tuple(cells))
    merges.append((0, first_of_part, len(rows) - 1))


def _partial_note(result: Result) -> str:
    """The “结果不完整 (partial)” line: what was scored and what is missing."""
    return f"结果不完整 (partial)：{partial_scored(result)}，不计总分和等级。缺少：{'；'.join(result.missing)}"


def _table(result: Result) -> _Table:
    rows: list[_Row] = []
    merges: list[tuple[int, int, int]] = []
    for part in result.parts:
        _part_rows(part, rows, merges)
    rows.append(_Row("total", ("总分", "", "", "", "", "", _num(result.max, "总分 分值"), _num(result.score, "总分 得分"),
                               "结果不完整，不计总分" if result.partial else ""), span=(0, 5)))
    rows.append(_Row("grade", ("等级", "", "", "", "", "", "", result.grade or DASH,
                               "结果不完整，不评等级" if result.partial else ""), span=(0, 5)))
    if result.partial:
        rows.append(_Row("note", (_partial_note(result), *([""] * (_NCOLS - _LABELS - 1))), span=(0, _NCOLS - _LABELS - 1)))
    return _widen(_Table(tuple(rows), tuple(merges)))


def _widen(table: _Table) -> _Table:
    """Insert the officer's 一级指标/二级指标 columns after 评分内容; equal labels in a row run are merged."""
    rows = []
    for row in table.rows:
        span = row.span
        if span is not None:
            span = (span[0] + (_LABELS if span[0] >= 2 else 0), span[1] + (_LABELS if span[1] >= 1 else 0))
        rows.append(attrs.evolve(row, cells=(*row.cells[:2], *row.labels, *row.cells[2:]), span=span))
    merges = list(table.merges)
    for col in (2, 3):
        start = 0
        for i in range(1, len(rows) + 1):
            key = rows[start].labels[:col - 1]
            if i < len(rows) and rows[i].kind == "indicator" and rows[i].labels[:col - 1] == key:
                continue
            if rows[start].kind == "indicator" and rows[start].labels[col - 2] and i - 1 > start:
                merges.append((col, start, i - 1))
            start = i
    return _Table(tuple(rows), tuple(merges))


def _title(result: Result) -> str:
    return f"{result.department} {result.year} 年度部门整体支出绩效自评表"


def _subtitle(result: Result) -> str:
    return f"评分规范：{result.spec_id}（{result.spec_title}）；分值单位：分"


# --- writing ------------------------------------------------------------------------------------------------


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise DependencyError("需要安装 openpyxl：pip install 'selfscore[xlsx]' (openpyxl is needed to write .xlsx)") from None
    return openpyxl


@attrs.frozen
class _Styles:
    """The fonts, border, fills and alignment maker shared by both sheets."""

    font: Any
    bold: Any
    border: Any
    shaded: Any
    header_fill: Any

    @staticmethod
    def align(horizontal: str, vertical: str = "center") -> Any:
        from openpyxl.styles import Alignment

        return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)


def _styles() -> _Styles:
    from openpyxl.styles import Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return _Styles(font=Font(name=_FONT, charset=134, size=_FONT_SIZE),
                   bold=Font(name=_FONT, charset=134, size=_FONT_SIZE, bold=True),
                   border=Border(left=thin, right=thin, top=thin, bottom=thin),
                   shaded=PatternFill("solid", fgColor="F2F2F2"), header_fill=PatternFill("solid", fgColor="D9D9D9"))


def _head(ws: Any, result: Result, st: _Styles) -> None:
    """Column widths, the title and subtitle merged across the table, and the header row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last_col = get_column_letter(_NCOLS)
    ws["A1"] = _title(result)
    ws["A1"].font = Font(name=_FONT, charset=134, size=15, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 28
    ws["A2"] = _subtitle(result)
    ws["A2"].font = Font(name=_FONT, charset=134, size=10)
    ws["A2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"A2:{last_col}2")
    ws.row_dimensions[2].height = 18
    for col, name in enumerate(SHEET_HEADERS, start=1):
        cell = ws.cell(row=_HEADER_ROW, column=col, value=name)
        cell.font = st.bold
        cell.fill = st.header_fill
        cell.border = st.border
        cell.alignment = st.align("center")
    ws.row_dimensions[_HEADER_ROW].height = LINE_HEIGHT + 10


def _fill_cell(cell: Any, row: _Row, c: int, value: Cell, st: _Styles) -> None:
    """One cell of the table: its value (a number with its format, or text), font, border and alignment."""
    from openpyxl.styles import Font

    emphasis = row.kind in ("subtotal", "part_total", "unknown_part", "total", "grade")
    cell.border = st.border
    cell.font = st.bold if emphasis or c < 2 else st.font
    if row.kind in ("part_total", "total", "grade"):
        cell.fill = st.shaded
    if isinstance(value, _Num):
        cell.value = value.value
        cell.number_format = value.number_format
        cell.alignment = st.align("center" if c in _NUMERIC_COLS else "left")  # 95% as 实现值 stands like its texts
    else:
        cell.value = value if value else None
        if c in _NUMERIC_COLS:
            cell.alignment = st.align("center")
        elif c < 2 or (row.span and row.span[0] == c and row.kind != "note"):
            cell.alignment = st.align("left" if row.kind in ("part_total", "unknown_part") and c == 1 else "center")
        else:
            cell.alignment = st.align("left")
    if row.kind == "note":
        cell.font = Font(name=_FONT, charset=134, size=_FONT_SIZE, bold=True, color="C00000")


def _build(result: Result) -> Any:
    openpyxl = _openpyxl()
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    table = _table(result)  # every number is checked before anything is built
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    wb.properties.title = _title(result)
    wb.properties.creator = "selfscore"
    st = _styles()
    _head(ws, result, st)
    first = _HEADER_ROW + 1
    for i, row in enumerate(table.rows):
        for c, value in enumerate(row.cells):
            _fill_cell(ws.cell(row=first + i, column=c + 1), row, c, value, st)
        if row.span is not None:
            lo, hi = row.span
            ws.merge_cells(start_row=first + i, start_column=lo + 1, end_row=first + i, end_column=hi + 1)
    texts = [[value if isinstance(value, str) else "" for value in row.cells] for row in table.rows]
    lines = row_lines(texts, _WIDTHS, table.merges, [row.span for row in table.rows])
    for i, n in enumerate(lines):
        ws.row_dimensions[first + i].height = LINE_HEIGHT * n + 4
    for col, lo, hi in table.merges:
        ws.merge_cells(start_row=first + lo, start_column=col + 1, end_row=first + hi, end_column=col + 1)
    last_row = first + len(table.rows) - 1
    ws.freeze_panes = ws.cell(row=first, column=1)
    print_setup(ws, PageSetupProperties, f"A1:{get_column_letter(_NCOLS)}{last_row}", f"{_HEADER_ROW}:{_HEADER_ROW}")
    trace_sheet(wb, result, font=st.font, bold=st.bold, border=st.border, header_fill=st.header_fill, align=st.align)
    return wb


def write_result_xlsx(result: Result, path: Path, *, inputs: Sequence[Path] = (), overwrite: bool = False) -> None:
    """Write ``result`` as an .xlsx 自评表 to ``path``.

    The workbook is built in full, saved to a temporary file in the same folder and
    moved into place with :func:`os.replace`, so ``path`` is either the old file or
    the complete new one, never half-written.  ``path`` must not be one of
    ``inputs``, nor an existing file unless ``overwrite`` (:class:`OutputError`, see
    :mod:`selfscore.outputs.files`).  A number that Excel could not hold exactly
    raises :class:`SelfScoreError` before anything is written.
    """
    path = Path(path)
    check_output(path, inputs, overwrite=overwrite)
    wb = _build(result)
    atomic_write(path, wb.save, inputs=inputs, overwrite=overwrite)
