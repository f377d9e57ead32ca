"""Reading .xlsx workbooks: streaming, bounded, every cell through :mod:`selfscore.inputs.cells`.

The workbook's XML is read with ``iterparse`` one row at a time (never loaded whole, never
walked up to a stray cell's row or column), so a 10 KB file with a cell at XFD1048576
is refused at once instead of allocating every cell before it.  Before any XML is
parsed, each part's uncompressed size is checked against a bound (a zip bomb is refused),
and parts are read through a counter that stops at the declared size.  A truncated XML,
a broken zip or a shared-string index out of range is an :class:`UnreadableError`.

Bounds (far above any real table, far below what would hang):

- :data:`SHEET_LIMITS`, an officer's 自评表: 10,000 rows × 100 columns, 50 MB of XML.  A
  department's 自评表 has tens of rows (the largest seen ~200) and 8 to 15 columns; the bound
  keeps the grid held in memory under ~1 million cells.
- :data:`TABLE_LIMITS`, a batch table: Excel's own 1,048,576 rows × 256 columns, 2 GB of
  XML (10^6 indicator rows of 10 columns is about 400 MB).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Final
from xml.etree.ElementTree import Element, ParseError, iterparse

import attrs

from selfscore.core.errors import UnreadableError
from selfscore.inputs.cells import Cell, column_letter, number_cell, text_cell
from selfscore.inputs.files import MAX_SHEET_BYTES, MAX_TABLE_BYTES, regular_file

__all__ = ["SHEET_LIMITS", "TABLE_LIMITS", "Limits", "RawSheet", "Workbook", "open_workbook"]


@attrs.frozen
class Limits:
    """How large a workbook may be: file bytes, uncompressed XML bytes, rows and columns."""

    file_bytes: int
    xml_bytes: int
    rows: int
    columns: int


SHEET_LIMITS: Final = Limits(MAX_SHEET_BYTES, 50 << 20, 10_000, 100)
TABLE_LIMITS: Final = Limits(MAX_TABLE_BYTES, 2 << 30, 1_048_576, 256)


@attrs.frozen
class RawSheet:
    """A worksheet as read: its title, its rows of cells (row i is spreadsheet row i + 1), merged ranges."""

    title: str
    grid: list[list[Cell]]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (min_row, min_col, max_row, max_col), 1-based


_REL_ID: Final = re.compile(r"\{[^}]*\}id$")
_ADDRESS: Final = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
_BUILTIN_PERCENT: Final = {9: "0%", 10: "0.00%"}
_BUILTIN_DATES: Final = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_date_format(code: str) -> bool:
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code).lower()
    return bare != "general" and any(ch in bare for ch in "dmyhs") and "@" not in bare


class _Capped:
    """A zip member read through a byte count: more than ``limit`` bytes is a (zip bomb) error."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self.raw, self.left, self.name = raw, limit, name

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size >= 0 else self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise _TooBig(self.name)
        return data


class _TooBig(Exception):
    pass


class Workbook:
    """An open .xlsx: its sheet names, and each sheet read on demand (:meth:`rows`, :meth:`sheet`)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits = path, limits
        info = regular_file(path)
        if info.st_size > limits.file_bytes:
            raise UnreadableError(f"{path}: 文件过大 (file too large)：最多 {limits.file_bytes >> 20} MB")
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise self._broken(exc) from None
        total = sum(i.file_size for i in self.zip.infolist() if i.filename.endswith((".xml", ".rels")))
        if total > limits.xml_bytes:
            self.zip.close()
            raise UnreadableError(f"{path}: 解压后过大 (uncompressed size {total >> 20} MB，最多 {limits.xml_bytes >> 20} MB)，"
                                  "像是压缩炸弹或不是正常的表格 (a zip bomb?)")
        try:
            self.sheets = self._sheet_parts()
            self.strings = self._shared_strings()
            self.formats = self._formats()
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.sheets]

    def _broken(self, exc: BaseException) -> UnreadableError:
        detail = f"：{exc}" if str(exc) else ""
        return UnreadableError(f"{self.path}: 不是有效的 .xlsx 文件或文件已损坏 (not a valid .xlsx workbook{detail})；"
                               "请在 Excel 中打开并另存为 .xlsx")

    def _events(self, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Element]]:
        """``iterparse`` events of a zip member, bounded by its declared size; failures are UnreadableError."""
        try:
            member = self.zip.getinfo(name)
            with self.zip.open(member) as raw:
                source = _Capped(raw, min(member.file_size, self.limits.xml_bytes), name)
                yield from iterparse(source, events=events)  # type: ignore[arg-type]
        except KeyError:
            raise self._broken(KeyError(f"缺少 {name} (missing part)")) from None
        except _TooBig:
            raise UnreadableError(f"{self.path}: {name} 解压后超出声明的大小 (larger than declared)，文件已损坏") from None
        except ParseError as exc:
            raise UnreadableError(f"{self.path}: {name} 的 XML 不完整或已损坏 (truncated or broken XML: {exc})；"
                                  "请在 Excel 中打开并另存为 .xlsx") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise self._broken(exc) from None

    def _rels(self, part: str) -> dict[str, str]:
        folder = PurePosixPath(part).parent
        name = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
        found = {}
        if name in self.zip.namelist():
            for _, el in self._events(name):
                if _local(el.tag) == "Relationship":
                    target = el.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else str(folder / target)
                    found[el.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", path)
        return found

    def _sheet_parts(self) -> list[tuple[str, str]]:
        main = next((n for n in ("xl/workbook.xml",) if n in self.zip.namelist()), None)
        if main is None:
            raise self._broken(KeyError("缺少 xl/workbook.xml (missing workbook part)"))
        rels = self._rels(main)
        sheets = []
        for _, el in self._events(main):
            if _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if _REL_ID.match(k)), "")
                if rid in rels:
                    sheets.append((el.get("name", ""), rels[rid]))
        self.rels = rels
        return sheets

    def _shared_strings(self) -> list[str]:
        name = next((p for p in self.rels.values() if p.endswith("sharedStrings.xml")), "xl/sharedStrings.xml")
        strings: list[str] = []
        if name not in self.zip.namelist():
            return strings
        for _, el in self._events(name):
            if _local(el.tag) == "si":
                strings.append(_text_of(el))
                el.clear()
        return strings

    def _formats(self) -> list[str]:
        name = next((p for p in self.rels.values() if p.endswith("styles.xml")), "xl/styles.xml")
        if name not in self.zip.namelist():
            return []
        custom: dict[int, str] = {}
        formats: list[str] = []
        in_xfs = False
        for event, el in self._events(name, ("start", "end")):
            tag = _local(el.tag)
            if tag == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                custom[_int(el.get("numFmtId"))] = el.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_xfs:
                fid = _int(el.get("numFmtId"))
                formats.append(custom.get(fid) or _BUILTIN_PERCENT.get(fid) or ("yyyy-mm-dd" if fid in _BUILTIN_DATES else ""))
        return formats

    def sheet(self, index: int) -> RawSheet:
        """Worksheet ``index`` (0-based) read whole into a grid, within the row and column bounds."""
        grid: list[list[Cell]] = []
        merged: list[tuple[int, int, int, int]] = []
        for number, cells in self.rows(index, merged):
            while len(grid) < number - 1:
                grid.append([])
            grid.append(cells)
        return RawSheet(self.sheets[index][0], grid, tuple(merged))

    def rows(self, index: int, merged: list[tuple[int, int, int, int]] | None = None) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells from column A) of each row holding a cell with a value, in order."""
        title, part = self.sheets[index]
        container: Element | None = None
        next_row = 1
        for event, el in self._events(part, ("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                if tag == "sheetData":
                    container = el
                continue
            if tag == "row":
                number = _int(el.get("r")) or next_row
                next_row = number + 1
                cells = self._row(el, number, title)
                if container is not None:
                    container.clear()
                if cells:
                    yield number, cells
            elif tag == "mergeCell" and merged is not None:
                found = _range(el.get("ref", ""))
                if found is not None:
                    merged.append(found)

    def _row(self, row: Element, number: int, title: str) -> list[Cell]:
        cells: list[Cell] = []
        column = 0
        for c in row:
            if _local(c.tag) != "c":
                continue
            ref = _ADDRESS.match(c.get("r", ""))
            column = _column_number(ref.group(1)) if ref else column + 1
            cell = self._cell(c, f"{column_letter(column)}{number}")
            if cell is None:
                continue
            if number > self.limits.rows or column > self.limits.columns:
                raise UnreadableError(
                    f"{self.path}: 工作表“{title}”的单元格 {cell.address} 有内容，超出可读取的范围 (beyond "
                    f"{self.limits.rows} rows × {self.limits.columns} columns)：请删除表格以外的内容后另存")
            while len(cells) < column:
                cells.append(Cell("", f"{column_letter(len(cells) + 1)}{number}"))
            cells[column - 1] = cell  # cells out of order (a hand-edited file) still land in their column
        return cells

    def _cell(self, c: Element, address: str) -> Cell | None:
        kind = c.get("t", "n")
        formula = v = inline = None
        for child in c:
            tag = _local(child.tag)
            if tag == "f":
                formula = child
            elif tag == "v":
                v = child.text
            elif tag == "is":
                inline = _text_of(child)
        if formula is not None and (v is None or (v == "" and kind != "str")):
            shown = f"={formula.text}" if formula.text else "（共享公式 shared formula）"
            return Cell("", address, problem=f"公式没有缓存值 (formula without a cached value) {shown}：请在 Excel 中打开并"
                                             "保存，或改为数值")
        if kind == "inlineStr":
            return text_cell(inline or "", address) if inline else None
        if v is None:
            return None
        if kind == "s":
            index = _int(v, -1)
            if not 0 <= index < len(self.strings):
                raise UnreadableError(f"{self.path}: 单元格 {address} 引用的共享字符串不存在 (shared string index {v} out "
                                      f"of range)，文件已损坏：请在 Excel 中打开并另存为 .xlsx")
            return text_cell(self.strings[index], address)
        if kind == "str":
            return text_cell(v, address)
        if kind == "b":
            return Cell("", address, problem=f"单元格是逻辑值 (boolean) {'TRUE' if v.strip() == '1' else 'FALSE'}，"
                                             "请改为文本（如 达成）或数值")
        if kind == "e":
            return Cell(v, address, problem=f"单元格是错误值 (error value) {v}：请改为数值或文本")
        if kind == "d":
            return Cell("", address, problem=f"单元格是日期或时间 (date/time) {v}，请改为文本，如“12月底前完成”")
        return self._number(c, v, address)

    def _number(self, c: Element, v: str, address: str) -> Cell:
        style = _int(c.get("s"))
        number_format = self.formats[style] if 0 <= style < len(self.formats) else ""
        if number_format and _is_date_format(number_format):
            return Cell("", address, problem="单元格是日期或时间 (date/time)，请改为文本，如“12月底前完成”")
        return number_cell(v, number_format, address)


def _text_of(el: Element) -> str:
    """The text of a shared or inline string: its ``t`` runs, without phonetic (``rPh``) runs."""
    parts: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None and len(text) < 12 else default
    except ValueError:
        return default


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _range(ref: str) -> tuple[int, int, int, int] | None:
    ends = [_ADDRESS.match(p) for p in ref.split(":")]
    if len(ends) != 2 or ends[0] is None or ends[1] is None:
        return None
    (c1, r1), (c2, r2) = ((m.group(1), int(m.group(2))) for m in ends)  # type: ignore[union-attr]
    return r1, _column_number(c1), r2, _column_number(c2)


def open_workbook(path: Path, limits: Limits = SHEET_LIMITS) -> Workbook:
    """Open an .xlsx for reading within ``limits`` (a context manager); problems are UnreadableError."""
    return Workbook(Path(path), limits)
