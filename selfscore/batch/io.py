"""Reading batch inputs: a CSV or .xlsx table with a department column, or a folder of case files.

A table has one row per indicator::

    部门, 一级指标, 二级指标, 三级指标, 年度目标值, 年度实现值[, 分值][, 判断结果][, 越低越好][, 年度]

(English headers work too: department, group, category, name, target, actual,
weight, judgement, lower_is_better, year; see :data:`HEADERS`).  Rows that name a
spec item in an ``item`` (评分项) column carry what a department reports besides
indicators: the execution rate (``actual`` = ``95%``, one row per reporting period, averaged),
checklist shortcomings and summary deductions (``deduction`` 扣分 + ``reason``
扣分原因; a row without a deduction records "no shortcomings").

CSV (or tab-separated text) is read as UTF-8 with or without BOM, UTF-16 with BOM
(Excel's "Unicode 文本", tab-separated) or GBK (Excel on Chinese Windows), as every
input of selfscore is (``_io.read_text``).  Spreadsheet number cells are taken only when exact
(see :func:`selfscore.batch.parse.exact_decimal`); a percentage cell (0.95 shown
as 95%) is read as ``95%``.  Every problem is tied to its department, which is then
reported and skipped; the other departments are scored.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.dept import CodedColumn, Department, IndicatorTable, LineLabels, table_from_cases
from selfscore.batch.parse import exact_decimal
from selfscore.core.case import case_from_dict
from selfscore.core.errors import InputError, Problem, SelfScoreError, UnreadableError, UsageError
from selfscore.core.spec import Spec
from selfscore.inputs.cells import HEADERS as SHARED_HEADERS
from selfscore.inputs.cells import header_field
from selfscore.inputs.files import MAX_SHEET_BYTES, read_bytes, sniff
from selfscore.inputs.load import load_case_and_spec, load_spec
from selfscore.inputs.project_sheet import is_project_file
from selfscore.inputs.xlsx import TABLE_LIMITS, open_workbook

__all__ = ["HEADERS", "Batch", "Failure", "SpecNeeded", "read_input"]

#: Column -> accepted header spellings: the one header table (:data:`selfscore.inputs.cells.HEADERS`),
#: under batch's names (its ``group`` is the 自评表's 一级指标, ``category`` its 二级指标).
_SHARED: Final = {"group": "level1", "category": "level2"}
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    key: SHARED_HEADERS[_SHARED.get(key, key)]
    for key in ("department", "year", "spec", "group", "category", "name", "target", "actual", "weight", "judgement",
                "lower_is_better", "item", "deduction", "reason")
}
_REQUIRED: Final = ("department",)
_TRUE: Final = frozenset({"true", "yes", "1", "是", "y", "t"})
_FALSE: Final = frozenset({"false", "no", "0", "否", "n", "f"})
_SPEC_ERROR_CODE: Final = 4


class SpecNeeded(InputError, UsageError):
    """A table without a spec column was given without ``--spec`` (a usage error)."""


@attrs.frozen
class Failure:
    """An input (a file, or a department) that could not be scored at all, and why."""

    name: str
    file: str
    reason: str
    code: int = 4  # 3: unreadable, 4: invalid


@attrs.frozen(eq=False)
class Batch:
    """Departments to score under one spec."""

    spec: Spec
    table: IndicatorTable
    departments: list[Department]


def _norm_header(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_")


def _column_key(header: str) -> str | None:
    """The batch column a header names (``一级指标`` -> ``group``), or None."""
    field = header_field(header)
    key = {shared: key for key, shared in _SHARED.items()}.get(field, field) if field is not None else None
    return key if key in HEADERS else None


def _columns(header: Sequence[str], file: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = _column_key(str(raw or ""))
        if key is not None and key not in found:
            found[key] = i
    missing = [k for k in _REQUIRED if k not in found]
    if missing:
        raise InputError([Problem(
            f"缺少列 (missing column): {', '.join(missing)}；表头应包含 部门/department，"
            f"以及 一级指标/group、三级指标/name、年度目标值/target、年度实现值/actual；见到的表头: {', '.join(map(str, header))}",
            file, "表头 (header)")])
    return found


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV (or tab-separated) file in any encoding officers' files come in (see ``_io.read_text``)."""
    source = _csv_source(path, plain=False)
    assert not isinstance(source, _PlainCsv)
    return source


def _csv_source(path: Path, *, plain: bool = True) -> _PlainCsv | Iterator[list[str]]:
    """A CSV file as a :class:`_PlainCsv` when it is plain enough to be cut up in numpy, else its rows."""
    from selfscore.inputs.files import decode_text, read_bytes

    raw = read_bytes(path)
    try:
        text, encoding = decode_text(raw)
    except ValueError as exc:
        raise UnreadableError(f"{path}: {exc}") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
    if plain and (found := _PlainCsv.of(raw, text, encoding, delimiter)) is not None:
        return found
    return _split_csv(text, str(path), delimiter)


_WORD_MASKS: Final = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
_MIX: Final = np.uint64(0x9E3779B97F4A7C15)


def _texts(data: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The cells ``data[starts[i]:ends[i]]`` as texts: gathered with newlines between them and decoded at once
    (a cell holds no newline)."""
    if len(starts) < 64:
        return [data[a:b].decode("utf-8") for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    sizes = ends - starts + 1  # each cell and a newline
    out_start = np.cumsum(sizes) - sizes
    index = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(starts - out_start, sizes)
    gathered = np.frombuffer(data, dtype=np.uint8)[np.minimum(index, len(data) - 1)]
    gathered[out_start + sizes - 1] = 10
    texts: list[str] = gathered[:-1].tobytes().decode("utf-8").split("\n")
    return texts


class _PlainCsv:
    """A CSV text without quotes or lone carriage returns, every line holding the header's number of
    cells (or none: a blank line), cut into cells with numpy on its UTF-8 bytes.

    Such a text is what :func:`_split_csv` splits at newlines and delimiters (``csv.reader``
    would read it alike), so a cell is the bytes between two delimiters, decoded.  Each
    column is read as its distinct texts and every row's index into them
    (:meth:`column`): cells are hashed eight bytes at a time, grouped by hash, and every
    cell is then compared with the first cell of its group, byte for byte, so that the
    grouping is exact (on the rare collision the column is grouped by its decoded texts).
    Only the distinct texts become Python strings.
    """

    def __init__(self, data: bytes, header: list[str], delimiter: str, seps: np.ndarray, cell_end: np.ndarray,
                 first: np.ndarray, blank: np.ndarray, line_start: np.ndarray, line_end: np.ndarray) -> None:
        self.data = data
        self.header = header
        self.delimiter = delimiter
        self.n = len(first)
        self.first = first  # per data row: its first cell
        self.blank = blank
        self.line_start = line_start
        self.line_end = line_end
        self.cell_start = np.concatenate(([0], seps[:-1] + 1)) if len(seps) else seps
        self.cell_end = cell_end
        # the eight bytes from each offset on, as one uint64 (unaligned, little-endian)
        self.window = np.ndarray(shape=(len(data) + 8,), dtype="<u8", buffer=data + bytes(16), offset=0, strides=(1,))
        self._columns: dict[int, tuple[list[str], np.ndarray]] = {}
        self._derived: dict[tuple[int, str], tuple[list[Any], np.ndarray]] = {}
        self._tests: dict[tuple[int, str, str], np.ndarray] = {}

    @classmethod
    def of(cls, raw: bytes, text: str, encoding: str, delimiter: str) -> _PlainCsv | None:
        if '"' in text or "\x00" in text:
            return None
        if encoding == "UTF-8":
            data = raw
        elif encoding == "UTF-8 (BOM)":
            data = raw[3:]
        else:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                return None
        crlf = b"\r" in data
        if crlf and data.count(b"\r") != data.count(b"\r\n"):
            return None
        buf = np.frombuffer(data, dtype=np.uint8)
        seps = np.flatnonzero((buf == 10) | (buf == ord(delimiter)))
        if not data.endswith(b"\n"):
            seps = np.append(seps, len(data))
        is_nl = np.ones(len(seps), dtype=bool)
        is_nl[seps < len(data)] = buf[seps[seps < len(data)]] == 10
        ends = np.flatnonzero(is_nl)  # per line: the index of the separator that ends it
        if len(ends) < 2:
            return None
        cells = np.diff(ends, prepend=-1)
        line_start = np.concatenate(([0], seps[ends[:-1]] + 1))
        cell_end = seps
        if crlf:  # a CR before LF ends the line's last cell (as "\r\n" -> "\n" leaves it)
            cell_end = seps.copy()
            at = ends[seps[ends] < len(data)]
            cr = at[buf[seps[at] - 1] == 13] if len(at) else at
            cell_end[cr] -= 1
        line_end = cell_end[ends]
        header = data[: line_end[0]].decode("utf-8").split(delimiter) if line_end[0] else []
        width = len(header)
        if width == 0:
            return None
        blank = line_end == line_start
        if not ((cells == width) | blank)[1:].all():
            return None
        first = ends - cells + 1
        return cls(data, header, delimiter, seps, cell_end, first[1:], blank[1:], line_start[1:], line_end[1:])

    def column(self, j: int) -> tuple[list[str], np.ndarray]:
        """Column ``j``'s distinct texts and every data row's index into them."""
        found = self._columns.get(j)
        if found is None:
            cell = np.where(self.blank, self.first, self.first + j)
            found = self._columns[j] = self._distinct(self.cell_start[cell], self.cell_end[cell])
        return found

    def derived(self, j: int, how: str, f: Callable[[str], Any]) -> tuple[list[Any], np.ndarray]:
        """``f`` of column ``j``'s texts: its distinct results, and every row's index into them."""
        key = (j, how)
        found = self._derived.get(key)
        if found is None:
            values, codes = self.column(j)
            results = list(map(f, values))
            index = {v: c for c, v in enumerate(dict.fromkeys(results))}
            trans = np.fromiter(map(index.__getitem__, results), dtype=np.int64, count=len(results))
            found = self._derived[key] = (list(index), trans[codes])
        return found

    def any(self, j: int, how: str, test: Callable[[Any], bool], r0: int, r1: int) -> bool:
        """Whether ``test`` holds for any of rows ``r0:r1`` of column ``j`` (``how``: as :meth:`derived` gives it)."""
        values, codes = self.column(j) if not how else self.derived(j, how, _DERIVED[how])
        key = (j, how, test.__name__)
        mask = self._tests.get(key)
        if mask is None:
            mask = self._tests[key] = np.fromiter(map(test, values), dtype=bool, count=len(values))
        return bool(mask[codes[r0:r1]].any())

    def rows(self, r0: int, r1: int) -> list[list[str]]:
        """Data rows ``r0:r1`` as :func:`_split_csv` gives them."""
        if r0 >= r1:
            return []
        text = self.data[int(self.line_start[r0]): int(self.line_end[r1 - 1])].decode("utf-8").replace("\r\n", "\n")
        return [line.split(self.delimiter) if line else [] for line in text.split("\n")]

    def _words(self, starts: np.ndarray, lengths: np.ndarray, k: int) -> np.ndarray:
        """Bytes ``8k .. 8k+7`` of the cells as uint64 (zero past a cell's end)."""
        w: np.ndarray = self.window[starts + 8 * k]
        masked: np.ndarray = w & _WORD_MASKS[np.minimum(lengths - 8 * k, 8)]
        return masked

    def _distinct(self, starts: np.ndarray, ends: np.ndarray) -> tuple[list[str], np.ndarray]:
        n = len(starts)
        lengths = ends - starts
        h = lengths.astype(np.uint64)
        h ^= self._words(starts, lengths, 0)
        h *= _MIX
        k, rows = 1, np.flatnonzero(lengths > 8)  # longer cells, eight more bytes at a time
        while len(rows):
            h[rows] = (h[rows] ^ self._words(starts[rows], lengths[rows], k)) * _MIX
            k += 1
            rows = rows[lengths[rows] > 8 * k]
        h ^= h >> np.uint64(29)
        _u, first, codes = np.unique(h, return_index=True, return_inverse=True)
        codes = codes.reshape(-1)
        rep = first[codes]
        rep_starts = starts[rep]
        same = bool(np.array_equal(lengths[rep], lengths)) and bool(
            np.array_equal(self._words(starts, lengths, 0), self._words(rep_starts, lengths, 0)))
        k, rows = 1, np.flatnonzero(lengths > 8)
        while same and len(rows):
            ln = lengths[rows]
            same = bool(np.array_equal(self._words(starts[rows], ln, k), self._words(rep_starts[rows], ln, k)))
            k += 1
            rows = rows[lengths[rows] > 8 * k]
        data = self.data
        if not same:  # a 64-bit hash collision between two different cells
            texts = [data[a:b].decode("utf-8") for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
            index = {t: c for c, t in enumerate(dict.fromkeys(texts))}
            return list(index), np.fromiter(map(index.__getitem__, texts), dtype=np.int64, count=n)
        return _texts(data, starts[first], ends[first]), codes.astype(np.int64, copy=False)


def _split_csv(text: str, file: str, delimiter: str = ",") -> Iterator[list[str]]:
    """Rows of a CSV text, as :func:`csv.reader` reads them.

    A text without quotes, NUL or a lone carriage return has nothing for the csv
    module to interpret: each line split at the delimiter is exactly what it would
    return (and several times faster).
    """
    if '"' not in text and "\x00" not in text:
        plain = text.replace("\r\n", "\n") if "\r" in text else text
        if "\r" not in plain:
            lines = plain.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            for line in lines:
                yield line.split(delimiter) if line else []
            return
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise InputError([Problem(f"CSV 格式错误 (CSV syntax error): {exc}", file)]) from None


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[str]]:
    """The rows of a workbook's sheet as texts, through the one cell reader (:mod:`selfscore.inputs.xlsx`):
    a cell it refuses (TRUE/FALSE, a formula without a cached value, an error value, a date)
    becomes ``"\x00"`` and its message, reported with the row's department."""
    with open_workbook(path, TABLE_LIMITS) as wb:
        if sheet is not None and sheet not in wb.names:
            raise InputError([Problem(f"没有名为“{sheet}”的工作表 (no such sheet)；已有: {', '.join(wb.names)}", str(path))])
        if not wb.names:
            raise UnreadableError(f"{path}: 工作簿中没有工作表 (no worksheet)")
        line = 1
        used: set[int] | None = None  # the header's columns: a refused cell elsewhere (a 备注 date) does not matter
        for number, cells in wb.rows(wb.names.index(sheet) if sheet is not None else 0):
            while line < number:  # rows without a value keep their place (line numbers stay right)
                yield []
                line += 1
            if used is None:
                used = {j for j, c in enumerate(cells) if _column_key(c.text) is not None}
            yield [f"\x00{c.problem} ({c.address})" if c.problem and j in used else c.text for j, c in enumerate(cells)]
            line += 1


def _bool(text: str) -> bool | str | None:
    t = _norm_header(text)
    if not t:
        return None
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return f"越低越好 应为 是/否 (lower_is_better must be yes/no): “{text}”"


class _TableBuilder:
    """Collects the rows of one spec's departments."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.index: dict[tuple[str, str], int] = {}
        self.names: list[tuple[str, str]] = []
        self.problems: list[list[str]] = []
        self.items: list[dict[str, dict[str, Any]]] = []
        self.files: list[str] = []
        self.cols: dict[str, _Column] = {k: _Column() for k in ("group", "name", "target", "actual", "weight",
                                                                  "judgement", "lower_is_better", "category")}
        self.department = _Ints()
        self.lines = _Ints()

    def dept(self, name: str, year: str, file: str) -> int:
        key = (name, year)
        d = self.index.get(key)
        if d is None:
            d = self.index[key] = len(self.names)
            self.names.append(key)
            self.problems.append([])
            self.items.append({})
            self.files.append(file)
        return d

    def build(self) -> tuple[IndicatorTable, list[Department]]:
        departments = []
        for d, (name, year) in enumerate(self.names):
            problems = list(self.problems[d])
            year_int: int | None = None
            if year:
                try:
                    year_int = int(year)
                except ValueError:
                    problems.append(f"年度应为整数 (year must be an integer): “{year}”")
            items = {}
            if self.items[d]:
                try:
                    case = case_from_dict({"spec": self.spec.id, "department": name, "year": year_int or self.spec.year,
                                           "items": self.items[d]}, file=self.files[d])
                    items = dict(case.items)
                except InputError as exc:
                    problems.extend(str(attrs.evolve(p, file="")) for p in exc.problems)
            departments.append(Department(name=name, year=year_int, items=items, file=self.files[d],
                                          problems=tuple(problems)))
        c = {k: col.build() for k, col in self.cols.items()}
        table = IndicatorTable(department=self.department.build(), group=c["group"], name=c["name"],
                               target=c["target"], actual=c["actual"], weight=c["weight"], judgement=c["judgement"],
                               lower_is_better=c["lower_is_better"], category=c["category"],
                               where=LineLabels(self.lines.build()))
        return table, departments


class _Column:
    """One column of a table being read: runs of values, or of codes into a table of distinct values."""

    def __init__(self) -> None:
        self.parts: list[tuple[list[Any], np.ndarray | None]] = []
        self.pending: list[Any] = []

    def append(self, value: Any) -> None:
        self.pending.append(value)

    def extend(self, values: Iterable[Any]) -> None:
        self.pending.extend(values)

    def extend_coded(self, values: list[Any], codes: np.ndarray) -> None:
        """Rows ``values[codes[r]]`` (``values`` should be shared between calls: it is translated once)."""
        self._flush()
        self.parts.append((values, codes))

    def _flush(self) -> None:
        if self.pending:
            self.parts.append((self.pending, None))
            self.pending = []

    def build(self) -> CodedColumn:
        self._flush()
        index: dict[Any, int] = {}
        translated: dict[int, np.ndarray] = {}
        out = []
        for values, codes in self.parts:
            trans = translated.get(id(values)) if codes is not None else None
            if trans is None:
                new = [v for v in dict.fromkeys(values) if v not in index]
                index.update(zip(new, range(len(index), len(index) + len(new)), strict=True))
                trans = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
                if codes is None:
                    out.append(trans)
                    continue
                translated[id(values)] = trans
            out.append(trans[codes])
        codes_all = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
        values_all = list(index)
        used = np.zeros(len(values_all), dtype=bool)
        used[codes_all] = True
        if not used.all():  # values only rows read otherwise referred to: keep the ones in use
            keep = np.flatnonzero(used)
            renumber = np.cumsum(used) - 1
            values_all = [values_all[k] for k in keep.tolist()]
            codes_all = renumber[codes_all]
        return CodedColumn(values_all, codes_all)


class _Ints:
    """An int64 column being read, from single values and arrays."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.pending: list[int] = []

    def append(self, value: int) -> None:
        self.pending.append(value)

    def extend(self, values: Iterable[int] | np.ndarray) -> None:
        if isinstance(values, np.ndarray):
            self._flush()
            self.parts.append(values.astype(np.int64, copy=False))
        else:
            self.pending.extend(values)

    def _flush(self) -> None:
        if self.pending:
            self.parts.append(np.asarray(self.pending, dtype=np.int64))
            self.pending = []

    def build(self) -> np.ndarray:
        self._flush()
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int64)


_CHUNK: Final = 65_536
_LOWER: Final[dict[str, bool | None]] = {"": None, **{k: True for k in _TRUE}, **{k: False for k in _FALSE}}


def _read_table(rows: Iterable[list[str]] | _PlainCsv, file: str, spec_for: Callable[[str], Spec],
                progress: Callable[[int], None] | None, *, cells_checked: bool = False) -> tuple[list[Batch], list[Failure]]:
    """Rows of a table (header first) into batches.

    Chunks of rows are taken column by column when they are plain indicator rows under
    one spec: from a :class:`_PlainCsv` as codes into each column's distinct texts
    (:func:`_coded_chunk`), else transposed into columns (``zip(*rows)``,
    :func:`_fast_chunk`).  Chunks with anything else (spec or item columns in use,
    blank or incomplete rows, yes/no words to check, spreadsheet cells that failed) go
    row by row.
    """
    plain = rows if isinstance(rows, _PlainCsv) else None
    it = iter(()) if plain is not None else iter(rows)  # type: ignore[arg-type]
    header = plain.header if plain is not None else next(it, None)
    if header is None:
        raise InputError([Problem("文件为空 (empty file)", file)])
    col = _columns(header, file)
    state = _State(file, spec_for, {k: col.get(k) for k in HEADERS}, len(header))
    line = 2
    while True:
        if plain is not None:
            r0 = line - 2
            r1 = min(r0 + _CHUNK, plain.n)
            if r0 >= r1:
                break
            if _coded_chunk(state, plain, r0, r1, line):
                line += r1 - r0
                if progress is not None:
                    progress(line - 2)
                continue
            chunk = plain.rows(r0, r1)
        else:
            chunk = list(itertools.islice(it, _CHUNK))
        if not chunk:
            break
        longer = False
        if any(len(r) != state.width for r in chunk):
            longer = any(len(r) > state.width for r in chunk)  # extra cells: row by row (they are ignored there)
            chunk = [r + [""] * (state.width - len(r)) if len(r) < state.width else r for r in chunk]
        if (not longer and not (cells_checked and any("\x00" in c for r in chunk for c in r))
                and _fast_chunk(state, chunk, line)):
            pass
        else:
            for offset, row in enumerate(chunk):
                _slow_row(state, row, line + offset)
        line += len(chunk)
        if progress is not None:
            progress(line - 2)
    batches = []
    for b in state.builders.values():
        table, departments = b.build()
        batches.append(Batch(b.spec, table, departments))
    return batches, state.failures


class _State:
    """What reading one table collects: a builder per spec, and failures."""

    def __init__(self, file: str, spec_for: Callable[[str], Spec], index: dict[str, int | None], width: int) -> None:
        self.file = file
        self.spec_for = spec_for
        self.i = index
        self.width = width
        self.builders: dict[str, _TableBuilder] = {}
        self.failures: list[Failure] = []
        self.failed_specs: set[str] = set()

    def builder(self, ref: str, where: str) -> _TableBuilder | None:
        try:
            spec = self.spec_for(ref)
        except SpecNeeded:
            raise
        except SelfScoreError as exc:
            if ref not in self.failed_specs:
                self.failed_specs.add(ref)
                self.failures.append(Failure(f"评分规范 {ref}", self.file, f"{where}: {exc}",
                                             3 if isinstance(exc, UnreadableError) else 4))
            return None
        b = self.builders.get(spec.id)
        if b is None:
            b = self.builders[spec.id] = _TableBuilder(spec)
        return b


def _fast_chunk(state: _State, chunk: list[list[str]], line0: int) -> bool:
    """Take a chunk of plain indicator rows column by column; False (nothing taken) if it is not plain."""
    i = state.i
    if i["spec"] is not None or i["group"] is None or i["target"] is None:
        return False
    cols = list(zip(*chunk, strict=True))
    if i["item"] is not None and any(cols[i["item"]]):
        return False
    depts = [x.strip() for x in cols[i["department"]]]  # type: ignore[index]
    groups = [x.strip() for x in cols[i["group"]]]
    targets = cols[i["target"]]
    if not (all(depts) and all(groups) and all(t.strip() for t in targets)):
        return False
    lower: list[bool | None]
    if i["lower_is_better"] is not None:
        words = [x.strip().lower() for x in cols[i["lower_is_better"]]]
        if any(w not in _LOWER for w in words):
            return False
        lower = [_LOWER[w] for w in words]
    else:
        lower = [None] * len(chunk)
    b = state.builder("", f"第{line0}行")
    if b is None:
        return True
    years = [y.strip() for y in cols[i["year"]]] if i["year"] is not None else [""] * len(chunk)
    index, file = b.index, state.file
    codes = [index[k] if k in index else b.dept(k[0], k[1], file) for k in zip(depts, years, strict=True)]
    lines = range(line0, line0 + len(chunk))
    c = b.cols
    b.department.extend(codes)
    c["group"].extend(groups)
    c["name"].extend([n.strip() or f"第{n_}行" for n, n_ in zip(cols[i["name"]], lines, strict=True)]
                     if i["name"] is not None else [f"第{n_}行" for n_ in lines])
    c["target"].extend(targets)
    c["actual"].extend(cols[i["actual"]] if i["actual"] is not None else [""] * len(chunk))
    c["weight"].extend([w.strip() or None for w in cols[i["weight"]]] if i["weight"] is not None else [None] * len(chunk))
    c["judgement"].extend([j.strip() or None for j in cols[i["judgement"]]] if i["judgement"] is not None
                          else [None] * len(chunk))
    c["lower_is_better"].extend(lower)
    c["category"].extend([x.strip() for x in cols[i["category"]]] if i["category"] is not None else [""] * len(chunk))
    b.lines.extend(lines)
    return True


_EMPTY: Final[list[Any]] = [""]
_NONE: Final[list[Any]] = [None]
_BAD_WORD: Final = object()


def _strip(text: str) -> str:
    return text.strip()


def _strip_or_none(text: str) -> str | None:
    return text.strip() or None


def _lower_word(text: str) -> object:
    return _LOWER.get(text.strip().lower(), _BAD_WORD)


def _blank(text: str) -> bool:
    return not text.strip()


def _bad_word(value: object) -> bool:
    return value is _BAD_WORD


_DERIVED: Final[dict[str, Callable[[str], Any]]] = {"strip": _strip, "lower": _lower_word}


def _coded_chunk(state: _State, src: _PlainCsv, r0: int, r1: int, line0: int) -> bool:
    """:func:`_fast_chunk` for data rows ``r0:r1`` of a plain CSV, on codes: the same decision, the same columns."""
    i = state.i
    if i["spec"] is not None or i["group"] is None or i["target"] is None:
        return False
    m = r1 - r0
    if i["item"] is not None and src.any(i["item"], "", bool, r0, r1):
        return False
    if (src.any(i["department"], "strip", _blank, r0, r1) or src.any(i["group"], "strip", _blank, r0, r1)  # type: ignore[arg-type]
            or src.any(i["target"], "", _blank, r0, r1)):
        return False
    if i["lower_is_better"] is not None and src.any(i["lower_is_better"], "lower", _bad_word, r0, r1):
        return False
    d_values, d_codes = src.derived(i["department"], "strip", _strip)  # type: ignore[arg-type]
    g_values, g_codes = src.derived(i["group"], "strip", _strip)
    t_values, t_codes = src.column(i["target"])
    dc, gc, tc = d_codes[r0:r1], g_codes[r0:r1], t_codes[r0:r1]
    b = state.builder("", f"第{line0}行")
    if b is None:
        return True
    if i["year"] is not None:
        y_values, y_codes = src.derived(i["year"], "strip", _strip)
        yc = y_codes[r0:r1]
    else:
        y_values, yc = _EMPTY, np.zeros(m, dtype=np.int64)
    # departments in the order they first appear, as the row-by-row reader numbers them
    key = dc * len(y_values) + yc
    _u, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    number = np.empty(len(first), dtype=np.int64)
    index, file = b.index, state.file
    for j, k in zip(order.tolist(), key[first[order]].tolist(), strict=True):
        name_year = (d_values[k // len(y_values)], y_values[k % len(y_values)])
        number[j] = index[name_year] if name_year in index else b.dept(name_year[0], name_year[1], file)
    b.department.extend(number[inverse.reshape(-1)])
    c = b.cols
    c["group"].extend_coded(g_values, gc)
    lines = np.arange(line0, line0 + m, dtype=np.int64)
    if i["name"] is not None:
        n_values, n_codes = src.derived(i["name"], "strip", _strip)
        nc = n_codes[r0:r1]
        if all(n_values[c_] for c_ in np.unique(nc).tolist()):
            c["name"].extend_coded(n_values, nc)
        else:
            c["name"].extend([n_values[c_] or f"第{n_}行" for c_, n_ in zip(nc.tolist(), lines.tolist(), strict=True)])
    else:
        c["name"].extend([f"第{n_}行" for n_ in lines.tolist()])
    c["target"].extend_coded(t_values, tc)
    zeros = np.zeros(m, dtype=np.int64)
    for key_, j_, how, f in (("actual", i["actual"], "", None), ("weight", i["weight"], "strip_or_none", _strip_or_none),
                             ("judgement", i["judgement"], "strip_or_none", _strip_or_none),
                             ("lower_is_better", i["lower_is_better"], "lower", _lower_word),
                             ("category", i["category"], "strip", _strip)):
        if j_ is None:
            c[key_].extend_coded(_NONE if key_ in ("weight", "judgement", "lower_is_better") else _EMPTY, zeros)
        else:
            values, codes = src.column(j_) if f is None else src.derived(j_, how, f)
            c[key_].extend_coded(values, codes[r0:r1])
    b.lines.extend(lines)
    return True


def _slow_row(state: _State, row: list[str], line: int) -> None:
    i = state.i
    if not any(row):
        return
    where = f"第{line}行"
    ref = row[i["spec"]].strip() if i["spec"] is not None else ""
    b = state.builder(ref, where)
    if b is None:
        return
    dept = row[i["department"]].strip()  # type: ignore[index]
    year = row[i["year"]].strip() if i["year"] is not None else ""
    if not dept:
        state.failures.append(Failure(f"（{where}）", state.file, f"{where}: 部门名称为空 (department is empty)"))
        return
    d = b.dept(dept, year, state.file)
    bad = [cell[1:] for cell in row if cell.startswith("\x00")]
    if bad:
        b.problems[d].append(f"{where}: " + "；".join(bad))
        return
    item_ref = row[i["item"]].strip() if i["item"] is not None else ""
    if item_ref:
        _item_row(b, d, item_ref, row, where, i["name"], i["actual"], i["deduction"], i["reason"])
        return
    missing = [k for k, j in (("一级指标/group", i["group"]), ("年度目标值/target", i["target"])) if j is None or not row[j].strip()]
    if missing:
        b.problems[d].append(f"{where}: 缺少 {', '.join(missing)} (missing)")
        return
    lower = _bool(row[i["lower_is_better"]]) if i["lower_is_better"] is not None else None
    if isinstance(lower, str):
        b.problems[d].append(f"{where}: {lower}")
        lower = None
    name = row[i["name"]].strip() if i["name"] is not None else ""
    c = b.cols
    b.department.append(d)
    c["group"].append(row[i["group"]].strip())  # type: ignore[index]
    c["name"].append(name or where)
    c["target"].append(row[i["target"]])  # type: ignore[index]
    c["actual"].append(row[i["actual"]] if i["actual"] is not None else "")
    c["weight"].append((row[i["weight"]].strip() if i["weight"] is not None else "") or None)
    c["judgement"].append((row[i["judgement"]].strip() if i["judgement"] is not None else "") or None)
    c["lower_is_better"].append(lower)
    c["category"].append(row[i["category"]].strip() if i["category"] is not None else "")
    b.lines.append(line)


def _item_row(b: _TableBuilder, d: int, ref: str, row: list[str], where: str, i_name: int | None,
              i_actual: int | None, i_ded: int | None, i_reason: int | None) -> None:
    item = b.spec.item(ref)
    if item is None:
        b.problems[d].append(f"{where}: 评分规范 {b.spec.id} 中没有评分项“{ref}” (no such item)；可用: "
                             + ", ".join(f"{i.key}（{i.name}）" for i in b.spec.items()))
        return
    given = b.items[d].setdefault(item.key, {})
    actual = row[i_actual].strip() if i_actual is not None else ""
    deduction = row[i_ded].strip() if i_ded is not None else ""
    reason = row[i_reason].strip() if i_reason is not None else ""
    label = row[i_name].strip() if i_name is not None else ""
    if item.kind == "execution_rate":
        if not actual:
            b.problems[d].append(f"{where}: 支出率行须在 年度实现值/actual 填写百分数，如 95% (execution rate needs actual)")
            return
        given.setdefault("periods", []).append({"rate": actual, **({"label": label} if label else {})})
        return
    if item.kind in ("checklist", "indicators"):
        field = "shortcomings" if item.kind == "checklist" else "deductions"
        entries = given.setdefault(field, [])
        if deduction:
            try:
                points = exact_decimal(deduction, what="扣分 (deduction)")
            except (TypeError, ValueError) as exc:
                b.problems[d].append(f"{where}: {exc}")
                return
            entries.append({"points": points, "reason": reason or "（未写原因）", **({"indicator": label} if label else {})})
        return
    b.problems[d].append(f"{where}: 评分项“{item.name}”（{item.kind}）不接受填报 (takes no input)")


def read_input(
    path: str | Path,
    *,
    spec: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Batch], list[Failure]]:
    """Read a CSV/xlsx table or a folder of case files into batches (one per spec) and failures.

    Raises UnreadableError (exit 3) when the input itself cannot be read and
    InputError (exit 4) when it cannot be understood at all (no department column,
    no spec for a table); problems of single departments become their own failures.
    """
    p = Path(path)
    if p.is_dir():
        return _read_folder(p, spec)
    if not p.exists():
        raise UnreadableError(f"{p}: 文件或目录不存在 (no such file or folder)")
    suffix = p.suffix.lower()
    if suffix == ".toml":
        return _read_folder(p, spec)
    specs: dict[str, Spec] = {}

    def spec_for(ref: str) -> Spec:
        name = ref or spec
        if not name:
            raise SpecNeeded([Problem("表格输入须指定评分规范：--spec NAME，或提供 spec/评分规范 列 "
                                      "(a table needs --spec or a spec column)", str(p))])
        found = specs.get(name)
        if found is None:
            found = specs[name] = load_spec(name, base_dir=p.parent)
        return found

    if spec is not None:
        spec_for(spec)  # an unknown --spec is an error of the whole run, reported before reading
    if suffix in (".xlsx", ".xlsm"):
        rows: Iterable[list[str]] = _xlsx_rows(p, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_source(p)  # type: ignore[assignment]
    else:
        kind = sniff(read_bytes(p, limit=MAX_SHEET_BYTES))  # an .xls, .et or .ods: say what to do with it
        raise UnreadableError(f"{p}: {kind}" if kind else
                              f"{p}: 不支持的输入格式 (unsupported input) “{p.suffix}”；可用 .csv、.xlsx 或案例目录")
    from selfscore.batch.rows import paused_gc

    with paused_gc():
        batches, failures = _read_table(rows, str(p), spec_for if spec is None else (lambda _ref: spec_for(spec)),
                                        progress, cells_checked=suffix in (".xlsx", ".xlsm"))
    if spec is None and not batches and not failures:
        raise InputError([Problem("表格中没有数据行 (no data rows)", str(p))])
    return batches, failures


_SHEET_SUFFIXES: Final = (".xlsx", ".xlsm", ".csv", ".xls", ".et", ".ods", ".xlsb")  # the last four: refused, by name


def _sheet_case(f: Path, spec: str | None) -> tuple[Any, Spec]:
    """An officer's 自评表 in the folder: its 单位名称 line names the department, else the file name."""
    from selfscore.inputs.sheet import read_sheet, sheet_case

    if spec is None:
        raise InputError([Problem("自评表文件须用 --spec 指定评分规范 (spreadsheets need --spec)", str(f))])
    sp = load_spec(spec, base_dir=Path.cwd())
    sheet = read_sheet(f)
    built = sheet_case(sheet, sp, department=sheet.department or f.stem)
    if built.problems:
        raise InputError(built.problems)
    return built.case, sp


def _read_folder(p: Path, spec: str | None) -> tuple[list[Batch], list[Failure]]:
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.suffix.lower() in (".toml", *_SHEET_SUFFIXES)
                       and not f.name.startswith((".", "~$")))
    else:
        files = [p]
    if not files:
        raise InputError([Problem("目录中没有案例文件或自评表 (no *.toml cases or .xlsx/.csv tables)", str(p))])
    by_spec: dict[str, tuple[Spec, list[Any]]] = {}
    failures: list[Failure] = []
    for f in files:
        if f.suffix.lower() == ".toml" and is_project_file(f):
            failures.append(Failure(f.stem, str(f), "项目支出绩效自评表请用 selfscore score / verify 逐个处理 "
                                    "(project tables are not batched yet)", 4))
            continue
        try:
            case, sp = _sheet_case(f, spec) if f.suffix.lower() in _SHEET_SUFFIXES else load_case_and_spec(f, spec)
        except UnreadableError as exc:
            failures.append(Failure(f.stem, str(f), str(exc), 3))
            continue
        except InputError as exc:
            failures.append(Failure(f.stem, str(f), "；".join(str(pr) for pr in exc.problems), 4))
            continue
        except SelfScoreError as exc:  # pragma: no cover - load_case_and_spec raises InputError subclasses
            failures.append(Failure(f.stem, str(f), str(exc), 4))
            continue
        if spec is not None:
            case = attrs.evolve(case, spec=sp.id)
        by_spec.setdefault(sp.id, (sp, []))[1].append(case)
    batches = []
    for sp, cases in by_spec.values():
        table, departments = table_from_cases(cases)
        batches.append(Batch(sp, table, departments))
    return batches, failures
