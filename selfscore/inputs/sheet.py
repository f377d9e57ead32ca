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
from collections.abc import Iterator
from pathlib import Path

from selfscore.core.case import Case
from selfscore.core.errors import CaseError, InputError, Problem, UnreadableError
from selfscore.core.spec import Spec
from selfscore.inputs.cells import Cell, check_quotes, column_letter, text_cell
from selfscore.inputs.files import MAX_SHEET_BYTES, read_bytes, read_text, regular_file, sniff
from selfscore.inputs.kinds import SHEET_SUFFIXES
from selfscore.inputs.load import load_spec
from selfscore.inputs.sheet_build import Built, sheet_case
from selfscore.inputs.sheet_rows import RowInfo
from selfscore.inputs.sheet_table import COLUMNS, HEADER_SCAN, REQUIRED, Sheet, SheetRow, find_table, read_number
from selfscore.inputs.xlsx import SHEET_LIMITS, RawSheet, open_workbook

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "Cell",
    "RowInfo",
    "Sheet",
    "SheetRow",
    "column_letter",
    "load_sheet_case",
    "read_number",
    "read_sheet",
    "sheet_case",
]

# The module is the entry: reading the grid lives here, the table in :mod:`~selfscore.inputs.sheet_table`,
# the rows under a spec in :mod:`~selfscore.inputs.sheet_rows` and the Case in :mod:`~selfscore.inputs.sheet_build`.

# ---------------------------------------------------------------- reading files

def _read_csv(path: Path) -> list[RawSheet]:
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
        grids.append(RawSheet("", grid))
    return grids


def _read_xlsx(path: Path) -> Iterator[RawSheet]:
    """The workbook's worksheets one at a time (streamed: a later sheet is read only if needed)."""
    with open_workbook(path, SHEET_LIMITS) as book:
        for index in range(len(book.sheets)):
            yield book.sheet(index)


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
        table = find_table(str(p), raw)
        if table is not None:
            sheet, problems = table
            if problems:
                raise CaseError(problems)
            return sheet
        titles.append(raw.title)
    names = "、".join(f"“{title}”" for title in titles if title)
    needed = "、".join(COLUMNS[f][0] for f in REQUIRED)
    raise CaseError([Problem(
        f"未找到表头行 (no header row found)：前 {HEADER_SCAN} 行中没有含 {needed} 等列名的行"
        + (f"（已查看工作表 {names}）" if names else ""), str(p))])


def _looks_like_zip(path: Path) -> bool:
    """Whether ``path`` (a regular file) starts as a zip archive does (an .xlsx is one)."""
    regular_file(path)
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror or exc}") from None



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
    built: Built | None = None
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
