"""Reading an officer's indicator table (自评表) from CSV or .xlsx into a Case (an I/O edge).

The layout (documented in the README, written by :func:`~selfscore.outputs.template.write_template`):

- A header row, found anywhere in the first 30 rows (title and 单位名称 rows may stand
  above it; a two-row header is read too).  Required columns: 一级指标, 二级指标,
  三级指标, 年度目标值, 年度实现值.  Optional: 完成率, 分值, 得分, 偏差原因, 判断结果, 备注
  (kept on the indicator and carried to the outputs).
  Officers' synonyms are accepted (指标值 for 年度目标值, 实际完成值 for 年度实现值,
  单项分值（权重） for 分值, 单项自评得分 for 得分, 偏差原因分析及改进措施 for 偏差原因 ...);
  other columns (序号 ...) are ignored.
- Indicator rows: 一级指标 is the indicator group of the spec (产出指标, 效益指标,
  满意度指标), 二级指标 the category (数量指标 ...), 三级指标 the indicator's name.  A
  blank 一级/二级 cell means "the same as above" (merged cells).
- Item rows for level-2 items that are not indicators: 一级指标 is the item's name
  (部门预算资金支出率), or the part's name with the item's name in 二级指标 (管理效率 |
  预算编制).  The execution rate is the 年度实现值 (``95%``); a checklist item, or an
  indicators item reported only in summary, gives its 得分 and, when below its points,
  the reason in 偏差原因.  An item without a row is not reported: the result is partial.
- Sum rows (小计, 合计, 综合得分, 总分 with no target or actual) are outputs: scoring
  ignores them and ``verify`` checks them.

Numbers are read exactly: a float from openpyxl goes through its shortest repr to a
Decimal, never ``Decimal(float)``; a cell with a % number format holding 0.95 reads
``95%``, the same value with General format reads ``0.95``.  A formula saved without a
cached value, an error value or a date in a used column is an error naming the cell.
Every problem is collected and raised together in one :class:`~selfscore.CaseError`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

import attrs

from selfscore.core.case import Case, Deduction, Indicator, ItemInput, read_percent
from selfscore.core.completion import completion, read_judgement
from selfscore.core.errors import CaseError, InputError, Problem, SelfScoreError, UnreadableError
from selfscore.core.numbers import exact_sum, fmt, sub, to_decimal
from selfscore.core.spec import Item, Part, Spec
from selfscore.core.split import partial_weights_problem, weights_problem
from selfscore.core.targets import parse_actual, parse_target
from selfscore.inputs.cells import HEADERS, Cell, check_quotes, column_letter, header_field, text_cell
from selfscore.inputs.files import MAX_SHEET_BYTES, read_bytes, read_text, regular_file, sniff
from selfscore.inputs.load import load_spec
from selfscore.inputs.xlsx import SHEET_LIMITS, RawSheet, open_workbook

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "SHEET_SUFFIXES",
    "Cell",
    "RowInfo",
    "Sheet",
    "SheetRow",
    "column_letter",
    "is_sheet",
    "load_sheet_case",
    "read_number",
    "read_sheet",
    "sheet_case",
]

SHEET_SUFFIXES: Final[tuple[str, ...]] = (".csv", ".xlsx", ".xlsm")

#: The 自评表's columns (a view of the one header table, :data:`selfscore.inputs.cells.HEADERS`).
_FIELDS: Final = ("level1", "level2", "name", "target", "actual", "rate", "weight", "score", "reason", "judgement", "note")
COLUMNS: Final[dict[str, tuple[str, ...]]] = {field: HEADERS[field] for field in _FIELDS}
REQUIRED: Final[tuple[str, ...]] = ("level1", "level2", "name", "target", "actual")
_HEADER_SCAN: Final = 30
_SUM_WORDS: Final = ("合计", "小计", "总计", "总分", "综合得分")
_TOTAL_WORDS: Final = ("总分", "总计")
_FOOTER_STARTS: Final = ("注", "说明", "备注", "填表", "填报", "审核", "负责人", "联系", "制表", "单位负责人", "财务负责人",
                          "分管领导", "经办人", "签字", "签名", "盖章", "日期", "单位（盖章）", "单位(盖章)")
_DEPARTMENT_LABELS: Final = ("单位名称", "部门名称", "填报单位", "预算单位", "单位", "部门", "部门(单位)名称")
_YEAR_LABELS: Final = ("年度", "评价年度", "自评年度", "预算年度")


def is_sheet(path: Path | str) -> bool:
    """Whether ``path`` names a spreadsheet this module reads (.csv, .xlsx, .xlsm)."""
    return Path(path).suffix.lower() in SHEET_SUFFIXES


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


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _key(text: str, *, ordinal: bool = True) -> str:
    """Match key of a label: NFKC, no spaces, no bracketed notes, no leading ordinal
    (``一、产出指标（分值20）`` -> ``产出指标``)."""
    s = _squash(text)
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
    s = _squash(text)
    if s.endswith("分"):
        s = s[:-1]
    value = to_decimal(s, what="number")
    return value


# ---------------------------------------------------------------- reading files

_Grid = list[list[Cell]]
_Raw = RawSheet


def _read_csv(path: Path) -> list[_Raw]:
    text, _encoding = read_text(path, limit=MAX_SHEET_BYTES, kind="自评表")
    check_quotes(text, path)
    grids = []
    for delimiter in (",", "\t", ";"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise UnreadableError(f"{path}: CSV 格式错误 (malformed CSV): {exc}") from None
        grid = [[text_cell(value, f"{column_letter(j + 1)}{i + 1}") for j, value in enumerate(row)]
                for i, row in enumerate(rows)]
        grids.append(_Raw("", grid))
    return grids


def _read_xlsx(path: Path) -> Iterator[_Raw]:
    """The workbook's worksheets one at a time (streamed: a later sheet is read only if needed)."""
    with open_workbook(path, SHEET_LIMITS) as book:
        for index in range(len(book.sheets)):
            yield book.sheet(index)


# ---------------------------------------------------------------- the table


def _find_header(grid: _Grid) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, field -> column index, field -> header text) of the first header row."""
    for i, row in enumerate(grid[:_HEADER_SCAN]):
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

            canonical = [j for j in cols if _squash(header_at(j)) == _squash(COLUMNS[field][0])]
            j = canonical[0] if canonical else cols[0]
            columns[field] = j
            headers[field] = re.sub(r"\s+", "", header_at(j))
        return i, columns, headers
    return None


def _duplicate_problems(file: str, grid: _Grid, header: int, columns: dict[str, int]) -> list[Problem]:
    problems = []
    seen: dict[str, list[int]] = {}
    for j, cell in enumerate(grid[header]):
        field = _field_of(cell.text)
        if field is not None:
            seen.setdefault(field, []).append(j)
    for field, cols in seen.items():
        canonical = [j for j in cols if _squash(grid[header][j].text) == _squash(COLUMNS[field][0])]
        if len(cols) > 1 and len(canonical) != 1:
            shown = "、".join(f"{grid[header][j].text}（{column_letter(j + 1)}列）" for j in cols)
            problems.append(Problem(f"同一列出现多次 (duplicate column): {shown}；请只保留一列", file, f"第{header + 1}行 表头"))
    return problems


def _metadata(grid: _Grid, header: int) -> tuple[str, int | None]:
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
            label_key = _key(label, ordinal=False)
            if label_key in labels:
                if not value:
                    following = next((c.text for c in row[j + 1:] if c.text), "")
                    if following and _key(re.split(r"[:：]", following)[0], ordinal=False) not in labels:
                        value = following.strip()
                if label_key in _DEPARTMENT_LABELS and value and not department:
                    department = value
                elif label_key in _YEAR_LABELS and value and year is None:
                    found = re.search(r"(?<!\d)(\d{4})(?!\d)", unicodedata.normalize("NFKC", value))
                    year = int(found.group(1)) if found else None
            elif year is None and not any(word in label_key for word in ("日期", "时间")):
                title = unicodedata.normalize("NFKC", cell.text)
                found = re.search(r"(?<!\d)(\d{4})\s*年度", title) or (
                    re.search(r"(?<!\d)(\d{4})\s*年", title) if "绩效" in title or "自评" in title else None)
                if found:
                    year = int(found.group(1))
    return department, year


def _merged_fill(raw: _Raw, columns: Mapping[str, int]) -> _Grid:
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
    return bool(filled) and all(_squash(text).startswith(_FOOTER_STARTS) for text in filled)


def _is_sum(cells: Mapping[str, Cell]) -> bool:
    labels = "".join(cells[f].text for f in ("level1", "level2", "name") if f in cells)
    return any(word in _squash(labels) for word in _SUM_WORDS) and not cells["target"].text and not cells["actual"].text


def _table(file: str, raw: _Raw) -> tuple[Sheet, list[Problem]] | None:
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
        if raw1 and _key(raw1) != _key(previous1):
            level1, level2 = raw1, raw2
        else:
            level1, level2 = raw1 or previous1, raw2 or previous2
        previous1, previous2 = level1, level2
        rows.append(SheetRow(i + 1, cells, level1, level2))
    return attrs.evolve(sheet, rows=tuple(rows), department=department, year=year), problems


def read_sheet(path: Path | str) -> Sheet:
    """Read the indicator table of a .csv or .xlsx file (no spec needed yet).

    Raises :class:`UnreadableError` for a file that cannot be opened or decoded and
    :class:`InputError` for a missing header, missing required columns, or cells
    that cannot be read (formulas without cached values, error values, dates).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SHEET_SUFFIXES or (suffix != ".csv" and not _looks_like_zip(p)):
        kind = sniff(read_bytes(p, limit=MAX_SHEET_BYTES, kind="自评表"))
        if kind is not None:
            raise UnreadableError(f"{p}: {kind}")
        if suffix in SHEET_SUFFIXES:
            raise UnreadableError(f"{p}: 不是有效的 .xlsx 文件 (not a valid .xlsx workbook)：请在 Excel 中打开并另存为 .xlsx")
        raise UnreadableError(f"{p}: 不是 .csv 或 .xlsx 文件 (not a .csv or .xlsx file)：请用 Excel 或 WPS 另存为 .xlsx 或 CSV")
    candidates = _read_xlsx(p) if suffix in (".xlsx", ".xlsm") else iter(_read_csv(p))
    titles = []
    for raw in candidates:
        table = _table(str(p), raw)
        if table is not None:
            sheet, problems = table
            if problems:
                raise CaseError(problems)
            return sheet
        titles.append(raw.title)
    names = "、".join(f"“{title}”" for title in titles if title)
    needed = "、".join(COLUMNS[f][0] for f in REQUIRED)
    raise CaseError([Problem(
        f"未找到表头行 (no header row found)：前 {_HEADER_SCAN} 行中没有含 {needed} 等列名的行"
        + (f"（已查看工作表 {names}）" if names else ""), str(p))])


def _looks_like_zip(path: Path) -> bool:
    """Whether ``path`` (a regular file) starts as a zip archive does (an .xlsx is one)."""
    regular_file(path)
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror or exc}") from None


# ---------------------------------------------------------------- applying the spec

RowKind = Literal["indicator", "item", "sum"]
Scope = Literal["indicator", "item", "part", "total"]


@attrs.frozen
class RowInfo:
    """A classified row: an indicator of an item, an item row, or a sum over an item, part or the total."""

    row: SheetRow
    kind: RowKind
    scope: Scope
    item: Item | None = None
    part: Part | None = None
    index: int = -1  # the indicator's position among its item's indicators


@attrs.frozen
class _Built:
    case: Case
    rows: tuple[RowInfo, ...]
    problems: tuple[Problem, ...]
    weights_used: Mapping[str, bool]  # item key -> typed weights taken as explicit


def _spec_labels(spec: Spec) -> tuple[dict[str, tuple[str, Item]], dict[str, Item], dict[str, Part]]:
    groups: dict[str, tuple[str, Item]] = {}
    items: dict[str, Item] = {}
    parts: dict[str, Part] = {}
    for part in spec.parts:
        for label in (part.key, part.name):
            parts[_key(label)] = part
        for item in part.items:
            for label in (item.key, item.name):
                items[_key(label)] = item
            for group in item.groups:
                groups[_key(group)] = (group, item)
    return groups, items, parts


def _part_of(spec: Spec, item: Item) -> Part:
    return next(p for p in spec.parts if item in p.items)


def _sum_scope(spec: Spec, row: SheetRow) -> tuple[Scope, Item | None, Part | None]:
    groups, items, parts = _spec_labels(spec)
    text = _squash("".join(row.cells[f].text for f in ("level1", "level2", "name")))
    if any(word in text for word in _TOTAL_WORDS):
        return "total", None, None
    for part in spec.parts:
        if part.name and _squash(part.name) in text:
            return "part", None, part
    for item in spec.items():
        if _squash(item.name) in text:
            return "item", item, _part_of(spec, item)
    for key, (_group, item) in groups.items():
        stem = key[:-2] if key.endswith("指标") and len(key) > 2 else key
        if stem and stem in text:
            return "item", item, _part_of(spec, item)
    if row.cells["level1"].text:  # 合计 written in the first column: the whole table
        return "total", None, None
    context = _key(row.level1)
    if context in groups:
        item = groups[context][1]
        return "item", item, _part_of(spec, item)
    if context in items:
        return "item", items[context], _part_of(spec, items[context])
    if context in parts:
        return "part", None, parts[context]
    return "total", None, None


def _resolve(spec: Spec, row: SheetRow) -> tuple[str, Item] | Item | None:
    """A group (name, item) for an indicator row, an Item for an item row, or None."""
    groups, items, parts = _spec_labels(spec)
    key1, key2 = _key(row.level1), _key(row.level2)
    if key1 in groups:
        return groups[key1]
    if key1 in items:
        return items[key1]
    if key1 in parts and key2 in items and items[key2] in parts[key1].items:
        return items[key2]
    return None


def _unknown_label(spec: Spec, sheet: Sheet, row: SheetRow) -> Problem:
    groups = [g for item in spec.items() for g in item.groups]
    others = [i.name for i in spec.items() if i.kind != "indicators"]
    unknown_parts = [p.name for p in spec.parts if p.unknown]
    text = row.level1 or row.level2
    if not text:
        message = f"一级指标为空 (group missing)；可填: {'、'.join(dict.fromkeys(groups))}" + (
            f"；或二级指标名称: {'、'.join(others)}" if others else "")
    elif _key(text) in {_key(p) for p in unknown_parts}:
        message = (f"评分规范 {spec.id} 未公布“{text}”的评分细则 (not published in the spec)，此行无法计分；"
                   "请删除此行，或改用含有该部分的评分规范")
    else:
        message = (f"“{text}”不是评分规范 {spec.id} 的指标分组或二级指标 (unknown group or item)；"
                   f"一级指标可填: {'、'.join(dict.fromkeys(groups))}"
                   + (f"；或二级指标名称: {'、'.join(others)}" if others else ""))
    field = "level1" if row.cells["level1"].text or not row.cells["level2"].text else "level2"
    return Problem(message, sheet.file, sheet.where(row, field))


def _typed_number(sheet: Sheet, row: SheetRow, field: str, problems: list[Problem]) -> Decimal | None:
    text = row.text(field)
    if not text:
        return None
    try:
        value = read_number(text)
    except (TypeError, ValueError):
        problems.append(Problem(f"不是数值 (not a number): “{text}”", sheet.file, sheet.where(row, field)))
        return None
    if value < 0:
        problems.append(Problem(f"不能为负数 (must be >= 0): “{text}”", sheet.file, sheet.where(row, field)))
        return None
    return value


def _indicator(sheet: Sheet, row: SheetRow, group: str, problems: list[Problem]) -> Indicator | None:
    before = len(problems)

    def problem(field: str, message: str) -> None:
        problems.append(Problem(message, sheet.file, sheet.where(row, field)))

    name, target_text, actual_text = row.text("name"), row.text("target"), row.text("actual")
    judgement = row.text("judgement") or None
    if not name:
        problem("name", "三级指标（指标名称）为空 (indicator name missing)")
    target = actual = None
    if not target_text:
        problem("target", "年度目标值为空 (target missing)")
    else:
        try:
            target = parse_target(target_text)
        except SelfScoreError as exc:
            problem("target", str(exc))
    if not actual_text:
        problem("actual", "年度实现值为空 (actual missing)")
    else:
        try:
            actual = parse_actual(actual_text)
        except SelfScoreError as exc:
            problem("actual", str(exc))
    if judgement is not None:
        try:
            read_judgement(judgement)
        except SelfScoreError as exc:
            problem("judgement", str(exc))
            judgement = None
    if target is not None and actual is not None and len(problems) == before:
        try:
            completion(target, actual, judgement=judgement)
        except SelfScoreError as exc:
            problem("judgement" if judgement is not None and "judgement" in row.cells else "actual", str(exc))
    weight = _typed_number(sheet, row, "weight", problems)
    if len(problems) > before:
        return None
    return Indicator(name=name, group=group, target=target_text, actual=actual_text, category=row.level2.strip(),
                     weight=weight, judgement=judgement, reason=row.text("reason"), note=row.text("note"),
                     where=f"第{row.number}行 “{name}”")


def _cells(sheet: Sheet, rows: Sequence[SheetRow], field: str) -> str:
    addresses = [r.cells[field].address for r in rows if field in r.cells]
    if not addresses:
        return ""
    return addresses[0] if len(addresses) == 1 else f"{addresses[0]}:{addresses[-1]}"


def _item_row(sheet: Sheet, spec: Spec, row: SheetRow, item: Item, *, lenient: bool,
              problems: list[Problem]) -> ItemInput | None:
    """An item's input from its row, or None when the row reports nothing (the item stays not reported)."""

    def problem(field: str, message: str) -> None:
        problems.append(Problem(message, sheet.file, sheet.where(row, field)))

    typed_points = _typed_number(sheet, row, "weight", problems)
    if typed_points is not None and item.points is not None and typed_points != item.points and not lenient:
        problem("weight", f"分值 {fmt(typed_points)} 与评分规范 {spec.id} 中“{item.name}”的分值 {fmt(item.points)} 不符 "
                          "(points differ from the spec)")
    if item.kind == "unknown":
        problem("level1", f"评分规范 {spec.id} 未公布“{item.name}”的评分细则 (not published)，此行无法计分")
        return None
    if item.kind == "execution_rate":
        text = row.text("actual")
        if not text:
            if row.text("score") and not lenient:
                problem("actual", "支出率填在年度实现值列，如 95%；得分由规范计算 (the rate goes in 年度实现值; the score is computed)")
            return None
        try:
            average = read_percent(unicodedata.normalize("NFKC", text).replace(" ", ""))
        except (TypeError, ValueError) as exc:
            problem("actual", f"年度平均支出率{exc}")
            return None
        return ItemInput(average=average, average_text=text)
    score = _typed_number(sheet, row, "score", problems)
    if score is None:
        if row.text("actual") and not lenient:
            problem("score", f"“{item.name}”按得分填报：请在得分列填写得分，低于分值时在偏差原因列写明扣分原因 "
                             "(give the item's score; a deduction needs a reason)")
        return None
    assert item.points is not None
    lost = sub(item.points, score)
    entries: tuple[Deduction, ...] = ()
    if lost < 0:
        if not lenient:
            problem("score", f"得分 {fmt(score)} 高于分值 {fmt(item.points)} (score above points)")
    elif lost > 0:
        reason = row.text("reason")
        if not reason:
            if not lenient:
                problem("reason" if "reason" in row.cells else "score",
                        f"得分 {fmt(score)} 低于分值 {fmt(item.points)}，须写明扣分原因 (a deduction needs a reason)")
            reason = "（未填写扣分原因）"
        entries = (Deduction(points=lost, reason=reason, source=f"{Path(sheet.file).name} 第{row.number}行"),)
    if item.kind == "indicators":
        return ItemInput(deductions=entries)
    return ItemInput(shortcomings=entries)


def _skippable(row: SheetRow, indicator: bool) -> bool:
    """An unused template row: nothing typed besides its labels (and 分值)."""
    fields = ("name", "target", "actual", "score") if indicator else ("actual", "score", "reason", "rate")
    return all(not row.text(f) for f in fields)


def sheet_case(sheet: Sheet, spec: Spec, *, department: str | None = None, year: int | None = None,
               lenient: bool = False) -> _Built:
    """Apply ``spec`` to a read sheet: classify its rows and build the Case.

    ``lenient`` (used by ``verify``) records what the table says instead of refusing
    it: weights that do not add up are replaced by the spec's split, a missing
    deduction reason or a score above the points does not stop the build.
    """
    problems: list[Problem] = []
    infos: list[RowInfo] = []
    indicators: list[Indicator] = []
    by_item: dict[str, list[tuple[SheetRow, Indicator]]] = {}
    item_rows: dict[str, SheetRow] = {}
    items: dict[str, ItemInput] = {}
    for row in sheet.rows:
        if row.is_sum:
            scope, item, part = _sum_scope(spec, row)
            infos.append(RowInfo(row, "sum", scope, item, part))
            continue
        resolved = _resolve(spec, row)
        if resolved is None:
            if not _skippable(row, indicator=True) or not (row.level1 or row.level2):
                problems.append(_unknown_label(spec, sheet, row))
            continue
        if isinstance(resolved, tuple):
            group, item = resolved
            if _skippable(row, indicator=True):
                continue
            found = _indicator(sheet, row, group, problems)
            if found is not None:
                position = len(by_item.setdefault(item.key, []))
                by_item[item.key].append((row, found))
                indicators.append(found)
                infos.append(RowInfo(row, "indicator", "indicator", item, _part_of(spec, item), position))
            continue
        item = resolved
        if _skippable(row, indicator=False) and not row.text("weight"):
            continue
        if item.key in item_rows:
            problems.append(Problem(f"“{item.name}”已在第{item_rows[item.key].number}行填报，每个二级指标只能有一行 "
                                    "(one row per item)", sheet.file, sheet.where(row, "level1")))
            continue
        item_rows[item.key] = row
        given = _item_row(sheet, spec, row, item, lenient=lenient, problems=problems)
        infos.append(RowInfo(row, "item", "item", item, _part_of(spec, item)))
        if given is not None:
            items[item.key] = given
    weights_used: dict[str, bool] = {}
    final: list[Indicator] = []
    replaced: dict[int, Indicator] = {}
    for key, entries in by_item.items():
        item = next(i for i in spec.items() if i.key == key)
        assert item.points is not None
        if key in item_rows and key in items:
            row = item_rows[key]
            problems.append(Problem(f"“{item.name}”已逐项列出指标，不能再按汇总得分填报 (indicators are listed; "
                                    "remove the summary row)", sheet.file, sheet.where(row, "level1")))
        typed = [ind.weight for _, ind in entries]
        rows = [r for r, _ in entries]
        complete = all(w is not None for w in typed)
        wrong = weights_problem(exact_sum(w for w in typed if w is not None), item.points, item.name) if complete else None
        weights_used[key] = complete and wrong is None
        if weights_used[key] or all(w is None for w in typed):
            continue
        if not lenient:
            if not complete:
                blank = "、".join(r.cells["weight"].address for r, ind in entries if ind.weight is None)
                wrong = partial_weights_problem(blank)
            assert wrong is not None
            problems.append(Problem(wrong, sheet.file, f"{sheet.headers.get('weight', '分值')} ({_cells(sheet, rows, 'weight')})"))
        for _, ind in entries:
            replaced[id(ind)] = attrs.evolve(ind, weight=None)
    final = [replaced.get(id(ind), ind) for ind in indicators]
    name_department = department if department is not None else sheet.department
    if not name_department and not lenient:
        problems.append(Problem("缺少单位名称 (department)：请用 --department 指定，或在表头上方写“单位名称：…”", sheet.file))
    case = Case(spec=spec.id, department=name_department or "", year=year or sheet.year or spec.year,
                indicators=tuple(final), items=items, file=sheet.file, name=Path(sheet.file).stem,
                source=Path(sheet.file).name + (f"（工作表“{sheet.title}”）" if sheet.title else ""))
    return _Built(case, tuple(infos), tuple(problems), weights_used)


def load_sheet_case(path: Path | str, spec_ref: str | Spec, *, department: str | None = None,
                    year: int | None = None) -> tuple[Case, Spec]:
    """Read an indicator table (.csv or .xlsx) and its spec into a Case ready for :func:`~selfscore.score`.

    ``spec_ref`` is a bundled spec id, a spec path or a :class:`Spec`.  ``department``
    and ``year`` override what the sheet says above its header (单位名称：…, a title
    with ``2023年度``); the year defaults to the spec's.  Raises
    :class:`UnreadableError` (file cannot be read) or :class:`InputError` listing every
    problem, each naming the row and cell.
    """
    problems: list[Problem] = []
    sheet: Sheet | None = None
    built: _Built | None = None
    try:
        sheet = read_sheet(path)
    except InputError as exc:
        problems.extend(exc.problems)
    spec: Spec | None = spec_ref if isinstance(spec_ref, Spec) else None
    if spec is None:
        try:
            spec = load_spec(str(spec_ref))
        except InputError as exc:
            problems.extend(exc.problems)
    if sheet is not None and spec is not None:
        built = sheet_case(sheet, spec, department=department, year=year)
        problems.extend(built.problems)
    if problems:
        raise CaseError(problems)
    assert spec is not None and built is not None
    return built.case, spec
