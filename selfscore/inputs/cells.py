"""One cell reader and one header table for every table selfscore reads (自评表, ``verify``, ``batch``).

A cell becomes exact text, or a refusal that names it: a boolean (TRUE is not 达成), a
formula saved without its value, an error value (``#DIV/0!``, ``#N/A``, ``#VALUE!`` …,
whether the workbook types it as an error or it was typed as text), a date or time.
Numbers are read exactly: a % formatted cell holding 0.95 reads ``95%``, the same value
in a General cell ``0.95``; a number beyond :func:`~selfscore.core.numbers.check_magnitude`
is refused.

.xlsx files are read by :mod:`selfscore.inputs.xlsx` (streaming, bounded); CSV cells by
:func:`text_cell`.  :data:`HEADERS` holds every column name officers and programs use.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from selfscore.core.errors import UnreadableError
from selfscore.core.numbers import check_magnitude, fmt, mul
from selfscore.core.validate import error_literal

__all__ = [
    "HEADERS",
    "Cell",
    "check_quotes",
    "column_letter",
    "header_field",
    "number_cell",
    "percent_format",
    "text_cell",
    "unbalanced_quote",
]


@attrs.frozen
class Cell:
    """One cell as read: exact text (numbers as exact decimal text, % cells as ``95%``), or a problem
    (an error cell keeps the text it shows, ``#DIV/0!``, which every target reader refuses too)."""

    text: str
    address: str
    number: bool = False
    problem: str = ""


#: Column fields: the canonical Chinese header first, then the synonyms officers use and the
#: English names programs write (the project forms' 年初目标值, 全年完成值, 指标权重 … among them).
#: The 自评表 reader uses the indicator columns (level1 … judgement),
#: ``batch`` all of them (level1 is its ``group``, level2 its ``category``).
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "level1": ("一级指标", "group"),
    "level2": ("二级指标", "category"),
    "name": ("三级指标", "指标名称", "三级指标名称", "name"),
    "target": ("年度目标值", "指标值", "目标值", "年度指标值", "全年目标值", "年度目标", "年初目标值", "target"),
    "actual": ("年度实现值", "实际完成值", "完成值", "实现值", "年度实际完成值", "实际值", "全年实际完成值", "年度完成值",
               "全年完成值", "全年实际值", "actual"),
    "rate": ("完成率", "指标完成率", "年度完成率", "rate"),
    "weight": ("分值", "权重", "分值（权重）", "单项分值", "单项分值（权重）", "指标分值", "权重（分值）", "权重分值", "指标权重",
               "weight"),
    "score": ("得分", "自评得分", "单项自评得分", "单项得分", "指标得分", "score"),
    "reason": ("偏差原因", "偏差原因分析及改进措施", "偏差原因分析", "偏差原因及改进措施", "未完成原因", "未完成原因分析",
               "扣分原因", "原因", "reason"),
    "judgement": ("判断结果", "达成情况", "是否达成", "判断", "judgement"),
    "note": ("备注", "note"),
    "department": ("部门", "部门名称", "单位", "单位名称", "预算单位", "department"),
    "year": ("年度", "year"),
    "spec": ("评分规范", "spec"),
    "lower_is_better": ("越低越好", "lower_is_better"),
    "item": ("评分项", "item"),
    "deduction": ("扣分", "deduction"),
}


def _header_key(text: str) -> str:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*:：").lower()
    return key.replace("_", "")


_BY_KEY: Final[dict[str, str]] = {_header_key(name): field for field, names in HEADERS.items() for name in names}


def header_field(text: str, fields: tuple[str, ...] | None = None) -> str | None:
    """The field a header names (``实际完成值`` -> ``actual``, ``Lower Is Better`` -> ``lower_is_better``),
    among ``fields`` (all when None): spaces, full-width forms, ``*``/``：`` marks and a bracketed
    note at the end (``分值(10分)``) do not matter."""
    key = _header_key(text)
    field = _BY_KEY.get(key)
    if field is None:
        field = _BY_KEY.get(re.sub(r"\([^()]*\)$", "", key))
    return field if field is not None and (fields is None or field in fields) else None


def column_letter(index: int) -> str:
    """1 -> ``A``, 27 -> ``AA`` (1-based, as spreadsheets number columns)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def text_cell(text: str, address: str) -> Cell:
    """A cell holding text (a CSV cell, an .xlsx text cell): stripped; an error literal is refused."""
    value = text.strip()
    error = error_literal(value)
    if error is not None:
        return Cell(value, address, problem=f"单元格是错误值 (error value) {error}：请改为数值或文本")
    return Cell(value, address)


def percent_format(number_format: str) -> bool:
    """Whether a number format shows a percentage (``0.00%``; not a quoted or escaped ``%``)."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "")
    return "%" in bare


#: Significant digits a double holds exactly for any decimal (a spreadsheet number cell is a double).
_FLOAT_DIGITS: Final = 15


def number_cell(value: str, number_format: str, address: str) -> Cell:
    """A number cell from its stored text (``0.95``, ``3.3399999999999999``, ``1E-3``) shown with
    ``number_format``: exact text, ``95%`` under a % format; an out-of-range number is refused."""
    try:
        exact = Decimal(value.strip())
    except InvalidOperation:
        return Cell("", address, problem=f"单元格数值无法读取 (unreadable number) “{value[:24]}”")
    if not exact.is_finite():
        return Cell("", address, problem=f"单元格不是有限数值 (not a finite number) {value[:24]}")
    if len(exact.as_tuple().digits) > _FLOAT_DIGITS:  # Excel stores a double's 17 digits: take its shortest repr
        try:
            exact = Decimal(repr(float(exact)))
        except OverflowError:
            pass
        if len(exact.normalize().as_tuple().digits) > _FLOAT_DIGITS:
            return Cell("", address, problem=f"单元格数值 {exact} 不是精确的短小数 (a binary float, not an exact short "
                                             "decimal)，多为公式计算结果：请用 ROUND 取到应有的位数，或改为文本")
    try:
        check_magnitude(exact, what="单元格数值")
    except ValueError as exc:
        return Cell("", address, problem=str(exc))
    if percent_format(number_format):
        return Cell(f"{fmt(mul(exact, Decimal(100)))}%", address, number=True)
    return Cell(fmt(exact), address, number=True)


def unbalanced_quote(text: str) -> int | None:
    """The line (from 1) where a CSV text opens a quote it never closes, or None when quotes pair up.

    ``csv.reader`` would read such a quote as one cell running to the end of the file.
    """
    if text.count('"') % 2 == 0:
        return None
    line, opened, inside = 1, 0, False
    for ch in text:
        if ch == '"':
            inside = not inside
            if inside:
                opened = line
        elif ch == "\n":
            line += 1
    return opened if inside else None


def check_quotes(text: str, file: object) -> None:
    """Refuse a CSV text with an unbalanced quote (:func:`unbalanced_quote`), in the one wording
    every CSV reader (自评表, project table, batch) gives."""
    line = unbalanced_quote(text)
    if line is not None:
        raise UnreadableError(f"{file}: 第{line}行有未配对的引号 (unbalanced quote “\"”)：引号须成对出现；"
                              "请删去这个引号，或在 Excel 中打开后另存为 CSV")
