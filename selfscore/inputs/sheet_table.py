"""The 自评表's table as read from a grid, before any spec is applied (see :mod:`selfscore.inputs.sheet`).

Finds the header row (a two-row header too) and its columns, 单位名称 and 年度 above it,
fills merged 一级/二级/三级 cells, drops footers and marks sum rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

import attrs

from selfscore.core.errors import Problem
from selfscore.core.numbers import to_decimal
from selfscore.inputs.cells import HEADERS, Cell, column_letter, header_field
from selfscore.inputs.xlsx import RawSheet

__all__ = ["COLUMNS", "HEADER_SCAN", "REQUIRED", "TOTAL_WORDS", "Grid", "Sheet", "SheetRow", "find_table", "label_key",
           "read_number", "squash"]

#: The 自评表's columns (a view of the one header table, :data:`selfscore.inputs.cells.HEADERS`).
_FIELDS: Final = ("level1", "level2", "name", "target", "actual", "rate", "weight", "score", "reason", "judgement", "note")
COLUMNS: Final[dict[str, tuple[str, ...]]] = {field: HEADERS[field] for field in _FIELDS}
REQUIRED: Final[tuple[str, ...]] = ("level1", "level2", "name", "target", "actual")
HEADER_SCAN: Final = 30
_SUM_WORDS: Final = ("合计", "小计", "总计", "总分", "综合得分")
TOTAL_WORDS: Final = ("总分", "总计")
_FOOTER_STARTS: Final = ("注", "说明", "备注", "填表", "填报", "审核", "负责人", "联系", "制表", "单位负责人", "财务负责人",
                          "分管领导", "经办人", "签字", "签名", "盖章", "日期", "单位（盖章）", "单位(盖章)")
_DEPARTMENT_LABELS: Final = ("单位名称", "部门名称", "填报单位", "预算单位", "单位", "部门", "部门(单位)名称")
_YEAR_LABELS: Final = ("年度", "评价年度", "自评年度", "预算年度")

@attrs.frozen
class SheetRow:
    """A data row below the header: its cells by field and its 一级/二级 labels filled down."""

    number: int
    cells: Mapping[str, Cell]
    level1: str
    level2: str
    is_sum: bool = False

    def text(self, field: str) -> str:
        cell = self.cells.get(field)
        return cell.text if cell is not None else ""


@attrs.frozen
class Sheet:
    """An indicator table as read from a file, before the spec is applied."""

    file: str
    title: str
    header_row: int
    headers: Mapping[str, str]
    rows: tuple[SheetRow, ...]
    department: str = ""
    year: int | None = None

    def where(self, row: SheetRow | int, field: str) -> str:
        """``第5行 年度目标值 (D5)``: the row, the header as written and the cell."""
        number = row if isinstance(row, int) else row.number
        cell = None if isinstance(row, int) else row.cells.get(field)
        address = cell.address if cell is not None else ""
        return f"第{number}行 {self.headers.get(field, COLUMNS[field][0])}" + (f" ({address})" if address else "")


# ---------------------------------------------------------------- text keys


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def label_key(text: str, *, ordinal: bool = True) -> str:
    """Match key of a label: NFKC, no spaces, no bracketed notes, no leading ordinal
    (``一、产出指标（分值20）`` -> ``产出指标``)."""
    s = squash(text)
    previous = None
    while previous != s:
        previous = s
        s = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】", "", s)
    if ordinal:
        s = re.sub(r"^(?:\d+(?:\.\d+)*[、.]?|[一二三四五六七八九十]+、)(?=\D)", "", s)
    return s.strip("。.，,；;:：、*")


def _field_of(text: str) -> str | None:
    return header_field(text, _FIELDS)


# ---------------------------------------------------------------- numbers


def read_number(text: str) -> Decimal:
    """A typed 分值/得分: ``3.34``, ``4分``, ``３.９ 分`` -> exact Decimal; ValueError otherwise."""
    s = squash(text)
    if s.endswith("分"):
        s = s[:-1]
    value = to_decimal(s, what="number")
    return value

Grid = list[list[Cell]]



# ---------------------------------------------------------------- the table


def _find_header(grid: Grid) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, field -> column index, field -> header text) of the first header row."""
    for i, row in enumerate(grid[:HEADER_SCAN]):
        found: dict[str, list[int]] = {}
        for j, cell in enumerate(row):
            field = _field_of(cell.text)
            if field is not None:
                found.setdefault(field, []).append(j)
        if len(set(found) & set(REQUIRED)) < 3:
            continue
        if i > 0:  # a two-row header: vertically merged names stand in the row above
            used = {j for cols in found.values() for j in cols}
            for j, cell in enumerate(grid[i - 1]):
                field = _field_of(cell.text)
                if field is not None and field not in found and j not in used and (j >= len(row) or not row[j].text):
                    found[field] = [j]
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for field, cols in found.items():
            def header_at(j: int, i: int = i) -> str:
                return grid[i][j].text if j < len(grid[i]) and grid[i][j].text else grid[i - 1][j].text

            canonical = [j for j in cols if squash(header_at(j)) == squash(COLUMNS[field][0])]
            j = canonical[0] if canonical else cols[0]
            columns[field] = j
            headers[field] = re.sub(r"\s+", "", header_at(j))
        return i, columns, headers
    return None


def _duplicate_problems(file: str, grid: Grid, header: int, columns: dict[str, int]) -> list[Problem]:
    problems = []
    seen: dict[str, list[int]] = {}
    for j, cell in enumerate(grid[header]):
        field = _field_of(cell.text)
        if field is not None:
            seen.setdefault(field, []).append(j)
    for field, cols in seen.items():
        canonical = [j for j in cols if squash(grid[header][j].text) == squash(COLUMNS[field][0])]
        if len(cols) > 1 and len(canonical) != 1:
            shown = "、".join(f"{grid[header][j].text}（{column_letter(j + 1)}列）" for j in cols)
            problems.append(Problem(f"同一列出现多次 (duplicate column): {shown}；请只保留一列", file, f"第{header + 1}行 表头"))
    return problems


def _metadata(grid: Grid, header: int) -> tuple[str, int | None]:
    """单位名称 and 年度 from the rows above the header (``单位名称：元岗街道``, a label and the
    next cell, or a title with ``2023年度``)."""
    department, year = "", None
    labels = (*_DEPARTMENT_LABELS, *_YEAR_LABELS)
    for row in grid[:header]:
        for j, cell in enumerate(row):
            if not cell.text:
                continue
            match = re.fullmatch(r"\s*([^:：]+?)\s*[:：]\s*(.*?)\s*", cell.text, flags=re.S)
            label, value = (match.group(1), match.group(2)) if match else (cell.text, "")
            key = label_key(label, ordinal=False)
            if key in labels:
                if not value:
                    following = next((c.text for c in row[j + 1:] if c.text), "")
                    if following and label_key(re.split(r"[:：]", following)[0], ordinal=False) not in labels:
                        value = following.strip()
                if key in _DEPARTMENT_LABELS and value and not department:
                    department = value
                elif key in _YEAR_LABELS and value and year is None:
                    found = re.search(r"(?<!\d)(\d{4})(?!\d)", unicodedata.normalize("NFKC", value))
                    year = int(found.group(1)) if found else None
            elif year is None and not any(word in key for word in ("日期", "时间")):
                title = unicodedata.normalize("NFKC", cell.text)
                found = re.search(r"(?<!\d)(\d{4})\s*年度", title) or (
                    re.search(r"(?<!\d)(\d{4})\s*年", title) if "绩效" in title or "自评" in title else None)
                if found:
                    year = int(found.group(1))
    return department, year


def _merged_fill(raw: RawSheet, columns: Mapping[str, int]) -> Grid:
    """Copy the top-left value of merged ranges into the 一级/二级/三级 cells they cover."""
    grid = [list(row) for row in raw.grid]
    label_cols = {columns[f] + 1 for f in ("level1", "level2", "name") if f in columns}
    for min_row, min_col, max_row, max_col in raw.merged:
        if min_row - 1 >= len(grid) or min_col - 1 >= len(grid[min_row - 1]):
            continue
        top = grid[min_row - 1][min_col - 1]
        for r in range(min_row, min(max_row, len(grid)) + 1):  # a range may reach XFD1048576: stop at the grid
            for c in sorted(col for col in label_cols if min_col <= col <= max_col):
                if (r, c) == (min_row, min_col) or c - 1 >= len(grid[r - 1]):
                    continue
                cell = grid[r - 1][c - 1]
                if not cell.text and not cell.problem:
                    grid[r - 1][c - 1] = Cell(top.text, cell.address)
    return grid


def _is_footer(cells: Mapping[str, Cell]) -> bool:
    """A note or signature line under the table (注：…; 单位负责人：王五 … 填表人：张三): every text in
    the row is one (a note may be merged across the row)."""
    filled = {c.text for c in cells.values() if c.text}
    return bool(filled) and all(squash(text).startswith(_FOOTER_STARTS) for text in filled)


def _is_sum(cells: Mapping[str, Cell]) -> bool:
    labels = "".join(cells[f].text for f in ("level1", "level2", "name") if f in cells)
    return any(word in squash(labels) for word in _SUM_WORDS) and not cells["target"].text and not cells["actual"].text


def find_table(file: str, raw: RawSheet) -> tuple[Sheet, list[Problem]] | None:
    found = _find_header(raw.grid)
    if found is None:
        return None
    header, columns, headers = found
    problems = _duplicate_problems(file, raw.grid, header, columns)
    missing = [f for f in REQUIRED if f not in columns]
    for field in missing:
        names = "、".join(n for n in COLUMNS[field] if not n.isascii())
        problems.append(Problem(f"缺少必填列 (missing required column)“{COLUMNS[field][0]}”；可用的列名: {names}",
                                file, f"第{header + 1}行 表头 (header)"))
    if missing:
        return Sheet(file, raw.title, header + 1, headers, ()), problems
    grid = _merged_fill(raw, columns)
    department, year = _metadata(raw.grid, header)
    rows: list[SheetRow] = []
    previous1 = previous2 = ""
    sheet = Sheet(file, raw.title, header + 1, headers, ())
    for i in range(header + 1, len(grid)):
        line = grid[i]
        cells = {f: (line[j] if j < len(line) else Cell("", f"{column_letter(j + 1)}{i + 1}")) for f, j in columns.items()}
        if all(not c.text and not c.problem for c in cells.values()) or _is_footer(cells):
            continue
        for field, cell in cells.items():
            if cell.problem:
                problems.append(Problem(cell.problem, file, sheet.where(SheetRow(i + 1, cells, "", ""), field)))
        raw1, raw2 = cells["level1"].text, cells["level2"].text
        if _is_sum(cells):
            rows.append(SheetRow(i + 1, cells, raw1 or previous1, raw2 or previous2, is_sum=True))
            continue
        if raw1 and label_key(raw1) != label_key(previous1):
            level1, level2 = raw1, raw2
        else:
            level1, level2 = raw1 or previous1, raw2 or previous2
        previous1, previous2 = level1, level2
        rows.append(SheetRow(i + 1, cells, level1, level2))
    return attrs.evolve(sheet, rows=tuple(rows), department=department, year=year), problems
