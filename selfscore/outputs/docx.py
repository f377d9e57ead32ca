"""The 自评报告 as a Word document (.docx), in the style of Chinese government documents.

The report has a title, the 部门基本情况 as placeholders for the officer to fill in
(【请填写：…】, highlighted), the paragraphs of :func:`selfscore.outputs.narrative.narrative`
(自评结论, 履职效能/管理效率分析, 存在问题) with their sections renumbered after
基本情况, a placeholder for 下一步改进措施, a signature block, and the 自评表 as a
real Word table in a landscape 附件: the rows of :func:`selfscore.outputs.render.table_rows`,
level-1 and level-2 names merged over their rows, borders, the header row repeated
on every page, and the 等级 (or, for a partial result, a plain note on what is missing).

Page, fonts and styles (GB/T 9704-2012, 党政机关公文格式) are in :mod:`selfscore.outputs.docx_style`.

python-docx is imported only when a report is written (``pip install "selfscore[docx]"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from selfscore.core.engine import Result
from selfscore.core.numbers import fmt
from selfscore.outputs.docx_style import (
    FONT_BODY,
    FONT_H1,
    FONT_H2,
    FONT_TITLE,
    LINE,
    SIZE_2,
    SIZE_3,
    SIZE_5,
    SIZE_SMALL_2,
    add_page_numbers,
    add_run,
    append_child,
    declare_fonts,
    define_styles,
    first_line_indent,
    fixed_spacing,
    python_docx,
    set_page,
)
from selfscore.outputs.files import atomic_write, check_output
from selfscore.outputs.narrative import narrative
from selfscore.outputs.render import HEADERS, table_rows

__all__ = ["PLACEHOLDER", "build_report", "partial_notice", "report_title", "table_merges", "write_result_docx"]

#: How a placeholder for the officer starts; every one is highlighted in yellow.
PLACEHOLDER = "【请填写："

_DASH = "—"
_NUMERALS = "一二三四五六七八九十"
_H1 = re.compile(r"^[一二三四五六七八九十]+、(\S.{0,20})$")
_H2 = re.compile(r"^（[一二三四五六七八九十]+）\S.{0,20}$")
_LABEL_HEADERS = ("一级指标", "二级指标")  # the officer's own levels (产出指标/数量指标 …), as in the template
_NUMERIC_HEADERS = frozenset({"完成率", "指标完成率", "分值", "得分"})
# Relative column widths, by header; a header not listed gets 20.
_COLUMN_WEIGHTS = {"评分项目": 19, "评分内容": 28, "一级指标": 20, "二级指标": 20, "三级指标": 36, "年度目标值": 30,
                   "年度实现值": 30, "完成率": 17, "分值": 12, "得分": 12}

_BASIC_INFO = (
    ("（一）部门职能", "部门主要职能、内设机构和人员编制情况"),
    ("（二）年度总体工作和重点工作任务", "本年度总体工作和重点工作任务的完成情况"),
    ("（三）部门整体支出绩效目标", "年初设定的部门整体支出绩效目标"),
    ("（四）部门整体收支情况", "本年决算收入、决算支出（万元）及与上年对比的增减和原因"),
    ("（五）部门整体绩效管理情况", "绩效目标编制、绩效运行监控和绩效自评工作的开展情况"),
)


def report_title(result: Result) -> str:
    """The report's title, e.g. “……金花街道办事处2024年度部门整体支出绩效自评报告”."""
    return f"{result.department}{result.year}年度部门整体支出绩效自评报告"


def _table_title(result: Result) -> str:
    return f"{result.department}{result.year}年度部门整体支出绩效自评表"


# --- the report's text ---------------------------------------------------------------------------------------


def _body(doc: Any, text: str, *, placeholder: bool = False) -> Any:
    paragraph = doc.add_paragraph()
    first_line_indent(paragraph.paragraph_format, 2, SIZE_3)
    add_run(paragraph, text, FONT_BODY, SIZE_3, placeholder=placeholder)
    return paragraph


def _heading(doc: Any, text: str, level: int) -> None:
    paragraph = doc.add_paragraph(style=doc.styles[f"Heading {level}"])
    add_run(paragraph, text, FONT_H1 if level == 1 else FONT_H2, SIZE_3)


def _placeholder(doc: Any, what: str) -> None:
    _body(doc, f"{PLACEHOLDER}{what}】", placeholder=True)


def _title(doc: Any, text: str, size: float, *, space_after: float = 0, break_after: str = "") -> None:
    """A centred title; a line break after ``break_after`` keeps words whole (the department, then the year)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    fmt_ = paragraph.paragraph_format
    fixed_spacing(fmt_, size * 1.6)
    fmt_.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt_.space_after = Pt(space_after)
    if break_after and text.startswith(break_after) and text != break_after:
        add_run(paragraph, break_after, FONT_TITLE, size).add_break()
        text = text[len(break_after):]
    add_run(paragraph, text, FONT_TITLE, size)


def partial_notice(result: Result) -> str:
    """The plain statement, under the title, that the result is incomplete and what is missing."""
    return (f"说明：本报告的计分结果不完整。已计分部分得分{fmt(result.known_score)}分（满分{fmt(result.known_max)}分），"
            f"未计总分和等级。尚缺：{'；'.join(result.missing)}。")


def _narrative_sections(doc: Any, result: Result, first_number: int) -> int:
    """The narrative's paragraphs, its level-1 sections renumbered from ``first_number``; returns the next number."""
    number = first_number
    for line in narrative(result).splitlines():
        text = line.strip()
        if not text:
            continue
        h1 = _H1.match(text)
        if h1:
            if number > first_number and "存在问题" in h1.group(1):
                _body(doc, f"各项指标的目标值、实现值、分值和得分详见附件《{_table_title(result)}》。")
            _heading(doc, f"{_NUMERALS[number - 1]}、{h1.group(1)}", 1)
            number += 1
        elif _H2.match(text):
            _heading(doc, text, 2)
        else:
            _body(doc, text)
    return number


def _signature(doc: Any, result: Result) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the last words stand on the page of the signature
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for text, placeholder in ((result.department, False), (f"{PLACEHOLDER}成文日期，如{result.year + 1}年3月31日】", True)):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * SIZE_3)
        paragraph.paragraph_format.keep_with_next = not placeholder
        add_run(paragraph, text, FONT_BODY, SIZE_3, placeholder=placeholder)


def _report_text(doc: Any, result: Result) -> None:
    _title(doc, report_title(result), SIZE_2, space_after=LINE, break_after=result.department)
    if result.partial:
        notice = _body(doc, partial_notice(result))
        notice.runs[0].font.bold = True
    _heading(doc, "一、部门基本情况", 1)
    for heading, what in _BASIC_INFO:
        _heading(doc, heading, 2)
        _placeholder(doc, what)
    number = _narrative_sections(doc, result, 2)
    _heading(doc, f"{_NUMERALS[number - 1]}、下一步改进措施", 1)
    _placeholder(doc, "针对上述问题拟采取的改进措施")
    _signature(doc, result)


# --- the 自评表 as a Word table ---------------------------------------------------------------------------


@attrs.frozen
class _Grid:
    """The 自评表 as the Word table shows it: headers, rows of text and the merged ranges."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    merges: tuple[tuple[int, int, int, int], ...]  # (first row, first column, last row, last column), no header


def _grid(result: Result) -> _Grid:
    """The rows of :func:`table_rows` and a 等级 row, with the officer's 一级指标/二级指标 (产出指标/数量指标 …)
    after 评分内容 when the indicators carry them, equal runs of them merged within an item."""
    rows = [list(row) for row in table_rows(result)]
    rows.append(["等级", *([""] * (len(HEADERS) - 2)), result.grade or _DASH])
    indicators = list(result.indicators())
    if not any(ind.group.strip() or ind.category.strip() for ind in indicators):
        return _Grid(HEADERS, tuple(map(tuple, rows)), tuple(table_merges(rows, _first_numeric(HEADERS), 2)))
    headers = (*HEADERS[:2], *_LABEL_HEADERS, *HEADERS[2:])
    pending = iter(indicators)
    due = next(pending, None)
    wide: list[list[str]] = []
    labels: list[tuple[str, str] | None] = []
    for row in rows:
        if due is not None and row[2] == due.name:  # table_rows lists the indicators in result order
            label = (due.group.strip(), due.category.strip())
            labels.append(label)
            wide.append([*row[:2], *label, *row[2:]])
            due = next(pending, None)
        else:  # 小计, a summary-level item, a total: its text spans the label columns
            labels.append(None)
            wide.append([*row[:2], row[2], "", "", *row[3:]])
    merges = table_merges(wide, _first_numeric(headers), 2 + len(_LABEL_HEADERS))
    merges += _label_merges(wide, labels)
    return _Grid(headers, tuple(map(tuple, wide)), tuple(merges))


def _label_merges(rows: list[list[str]], labels: Sequence[tuple[str, str] | None]) -> list[tuple[int, int, int, int]]:
    """Merge runs of equal 一级指标 (and, within them, 二级指标) over an item's indicator rows; blank the repeats."""
    merges = []
    for k in range(len(_LABEL_HEADERS)):
        col, start = 2 + k, 0
        for i in range(1, len(rows) + 1):
            here, first = (labels[i] if i < len(rows) else None), labels[start]
            if here is not None and first is not None and here[:k + 1] == first[:k + 1] and not rows[i][0] and not rows[i][1]:
                continue
            if first is not None and first[k] and i - 1 > start:
                merges.append((start, col, i - 1, col))
                for j in range(start + 1, i):
                    rows[j][col] = ""
            start = i
    return merges


def _first_numeric(headers: Sequence[str]) -> int:
    return next((c for c, name in enumerate(headers) if name in _NUMERIC_HEADERS), len(headers))


def table_merges(rows: Sequence[Sequence[str]], text_columns: int, name_column: int = 2) -> list[tuple[int, int, int, int]]:
    """Merged ranges ``(first row, first column, last row, last column)`` over ``rows`` (0-based, no header).

    A 评分项目 (column 0) or 评分内容 (column 1) stands over the rows below it that leave that
    column and the ones to its left blank; a text in the columns up to ``name_column`` (三级指标)
    with nothing else before the number columns (小计, 履职效能合计, 总分, a summary-level item)
    spans the blanks up to the next filled cell.
    """
    merges = []
    for col in (0, 1):
        start: int | None = None
        for r in range(len(rows) + 1):
            continues = r < len(rows) and all(not rows[r][k] for k in range(col + 1))
            if continues:
                continue
            if start is not None and r - 1 > start:
                merges.append((start, col, r - 1, col))
            start = r if r < len(rows) and rows[r][col] else None
    for r, row in enumerate(rows):
        filled = [c for c in range(text_columns) if row[c]]
        if filled and filled[-1] <= name_column:
            label = filled[-1]
            end = next((c for c in range(label + 1, len(row)) if row[c]), len(row)) - 1
            if end > label:
                merges.append((r, label, r, end))
    return merges


def _column_widths(headers: Sequence[str], total_mm: float) -> list[float]:
    weights = [_COLUMN_WEIGHTS.get(name, 20) for name in headers]
    return [total_mm * w / sum(weights) for w in weights]


def _borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        outer = edge in ("top", "left", "bottom", "right")
        for key, value in (("val", "single"), ("sz", "8" if outer else "4"), ("space", "0"), ("color", "000000")):
            el.set(qn(f"w:{key}"), value)
        borders.append(el)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _row_flags(row: Any, *, header: bool) -> None:
    """Rows never split over a page; the header row repeats at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    append_child(tr_pr, "w:cantSplit")
    if header:
        append_child(tr_pr, "w:tblHeader")


def _emphasised(row: Sequence[str]) -> bool:
    return row[0] in ("总分", "等级") or row[1].endswith("合计") or (len(row) > 2 and row[2] == "小计")


def _fill_table(doc: Any, table: Any, grid: _Grid, widths: Sequence[float]) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    numeric = _first_numeric(grid.headers)
    style = doc.styles["表格文字"]
    for r, texts in enumerate([grid.headers, *grid.rows]):
        header = r == 0
        bold = not header and _emphasised(texts)
        _row_flags(table.rows[r], header=header)
        for c, (cell, text) in enumerate(zip(table.rows[r].cells, texts, strict=True)):
            cell.width = Mm(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            centred = header or c < 2 or c >= numeric or grid.headers[c] in _LABEL_HEADERS
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            if text:
                add_run(paragraph, text, FONT_H1 if header else FONT_BODY, SIZE_5, bold=bold)


def _score_table(doc: Any, result: Result, width_mm: float) -> Any:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    grid = _grid(result)
    widths = _column_widths(grid.headers, width_mm)
    table = doc.add_table(rows=len(grid.rows) + 1, cols=len(grid.headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    _borders(table)
    _fill_table(doc, table, grid, widths)
    for r0, c0, r1, c1 in grid.merges:
        table.cell(r0 + 1, c0).merge(table.cell(r1 + 1, c1))
    return table


def _attachment(doc: Any, result: Result) -> None:
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=True)
    label = doc.add_paragraph()
    add_run(label, "附件", FONT_H1, SIZE_3)
    _title(doc, _table_title(result), SIZE_SMALL_2)
    note = doc.add_paragraph()
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_run(note, f"评分规范：{result.spec_title}　　单位：分", FONT_BODY, 12.0)
    width_mm = (section.page_width - section.left_margin - section.right_margin) / 36000
    _score_table(doc, result, width_mm)
    if result.partial:
        after = doc.add_paragraph()
        after.paragraph_format.space_before = Pt(6)
        after.paragraph_format.line_spacing = 1.2
        after.paragraph_format.first_line_indent = Pt(0)
        add_run(after, partial_notice(result).replace("本报告的", "本表"), FONT_BODY, 12.0, bold=True)


def build_report(result: Result) -> Any:
    """The 自评报告 for ``result`` as a python-docx ``Document`` (raises DependencyError without python-docx)."""
    docx = python_docx()
    doc = docx.Document()
    define_styles(doc)
    declare_fonts(doc)
    set_page(doc.sections[0], landscape=False)
    add_page_numbers(doc)
    props = doc.core_properties
    props.title = report_title(result)
    props.subject = "部门整体支出绩效自评报告"
    props.author = props.last_modified_by = result.department
    props.comments = "由 selfscore 生成；【请填写：…】处请补充"
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0)
    props.revision = 1
    _report_text(doc, result)
    _attachment(doc, result)
    return doc


def write_result_docx(result: Result, path: Path, *, inputs: Sequence[Path] = (), overwrite: bool = False) -> None:
    """Write the 自评报告 for ``result`` as a .docx to ``path``.

    The document is built in full, saved to a temporary file in the same folder and
    moved into place (:func:`selfscore.outputs.files.atomic_write`), so ``path`` is the
    old file or the complete new one; ``path`` must not be one of ``inputs``, nor an
    existing file unless ``overwrite`` (:class:`~selfscore.core.errors.OutputError`).
    """
    path = Path(path)
    check_output(path, inputs, overwrite=overwrite)
    doc = build_report(result)
    atomic_write(path, doc.save, inputs=inputs, overwrite=overwrite)
