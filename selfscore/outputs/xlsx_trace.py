"""The 计算过程 sheet of the scored workbook (every step of the trace), and the row heights and
print layout both of its sheets use (see :mod:`selfscore.outputs.xlsx`).

openpyxl is imported only inside the functions that build a sheet.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from selfscore.core.engine import Result
from selfscore.core.numbers import fmt

__all__ = ["DASH", "LINE_HEIGHT", "print_setup", "row_lines", "trace_sheet"]

DASH = "—"
LINE_HEIGHT = 16.0  # points per wrapped line at the workbook's font size (宋体 11)


def _trace_rows(result: Result) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for part in result.parts:
        if part.unknown:
            rows.append((part.name, "", "", "评分细则未公布 (not published)，不计分"))
        for item in part.items:
            rows.append((part.name, item.name, "", f"分值 {fmt(item.max) if item.max is not None else DASH}，"
                                                   f"得分 {fmt(item.score) if item.score is not None else DASH}"))
            for ind in item.indicators:
                rows.extend((part.name, item.name, ind.name, step) for step in ind.trace)
            rows.extend((part.name, item.name, "", step) for step in item.trace)
            if item.basis:  # the plain Chinese basis; a rule's source is for auditors (JSON, --sources)
                rows.append((part.name, item.name, "", f"依据：{item.basis}"))
    return rows


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (a rough, generous estimate)."""
    usable = max(width - 1.5, 1.0)
    total = 0
    for line in text.split("\n"):
        total += max(1, -(-int(_display_width(line) * 1.08) // int(usable)))
    return total


def print_setup(ws: Any, page_setup_properties: Any, area: str, title_rows: str) -> None:
    """A4 landscape, one page wide, centred, ``title_rows`` repeated on every page, page numbers below."""
    ws.sheet_properties.pageSetUpPr = page_setup_properties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = title_rows
    ws.print_area = area
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _runs(rows: Sequence[Sequence[str]], ncols: int) -> list[tuple[int, int, int]]:
    """Vertical merges for the trace sheet: runs of rows naming the same part, item or indicator."""
    merges = []
    for col in range(ncols):
        start = 0
        for i in range(1, len(rows) + 1):
            if i < len(rows) and rows[i][col] and tuple(rows[i][:col + 1]) == tuple(rows[start][:col + 1]):
                continue
            if rows[start][col] and i - 1 > start:
                merges.append((col, start, i - 1))
            start = i
    return merges


def row_lines(texts: Sequence[Sequence[str]], widths: Sequence[float], merges: Sequence[tuple[int, int, int]],
               spans: Sequence[tuple[int, int] | None]) -> list[int]:
    """Lines per row so that every wrapped text fits: unmerged cells, then vertically merged ones."""
    lines = [1] * len(texts)
    down = {(col, i) for col, lo, hi in merges for i in range(lo, hi + 1)}
    for i, row in enumerate(texts):
        span = spans[i]
        for c, text in enumerate(row):
            if not text or (c, i) in down:
                continue
            if span is not None and span[0] <= c <= span[1]:
                if c != span[0]:
                    continue
                width = sum(widths[span[0]:span[1] + 1])
            else:
                width = widths[c]
            lines[i] = max(lines[i], _lines(text, width))
    for col, lo, hi in merges:
        need = _lines(texts[lo][col], widths[col])
        have = sum(lines[lo:hi + 1])
        if need > have:
            lines[hi] += need - have
    return lines


def trace_sheet(wb: Any, result: Result, *, font: Any, bold: Any, border: Any, header_fill: Any, align: Any) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = wb.create_sheet("计算过程")
    widths = (10, 20, 24, 90)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for col, name in enumerate(("评分项目", "评分内容", "三级指标", "计算过程"), start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = bold
        cell.fill = header_fill
        cell.border = border
        cell.alignment = align("center")
    rows = _trace_rows(result)
    for r, row in enumerate(rows, start=2):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=text or None)
            cell.font = bold if c <= 2 else font
            cell.border = border
            # names merged over many rows stand at the top, so a page break never hides them
            cell.alignment = align("center" if c == 1 else "left", "top" if c <= 3 else "center")
    merges = _runs(rows, 3)
    for r, lines in enumerate(row_lines(rows, widths, merges, [None] * len(rows)), start=2):
        ws.row_dimensions[r].height = LINE_HEIGHT * lines + 4
    for col, lo, hi in merges:
        ws.merge_cells(start_row=lo + 2, start_column=col + 1, end_row=hi + 2, end_column=col + 1)
    ws.freeze_panes = "A2"
    print_setup(ws, PageSetupProperties, f"A1:D{len(rows) + 1}", "1:1")
