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

import itertools
import mmap
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from selfscore.batch.build import Failure, SpecNeeded, _coded_chunk, _fast_chunk, _slow_row, _State
from selfscore.batch.csvsource import CodedSource, _PlainCsv, _split_csv
from selfscore.batch.table import Department, IndicatorTable, table_from_cases
from selfscore.core.errors import InputError, Problem, SelfScoreError, UnreadableError
from selfscore.core.spec import Spec
from selfscore.inputs.cells import HEADERS as SHARED_HEADERS
from selfscore.inputs.cells import header_field
from selfscore.inputs.files import MAX_SHEET_BYTES, read_bytes, sniff
from selfscore.inputs.kinds import is_project_file
from selfscore.inputs.load import load_case_and_spec, load_spec
from selfscore.inputs.xlsx import TABLE_LIMITS, open_workbook

__all__ = ["HEADERS", "Batch", "CodedSource", "Failure", "SpecNeeded", "read_csv_source", "read_input", "recorded_specs"]

_CHUNK: Final = 65_536
#: A plain CSV is first taken whole, in one pass over its columns (chunk by chunk only if some rows are not plain).
_WHOLE = True

#: Column -> accepted header spellings: the one header table (:data:`selfscore.inputs.cells.HEADERS`),
#: under batch's names (its ``group`` is the 自评表's 一级指标, ``category`` its 二级指标).
_SHARED: Final = {"group": "level1", "category": "level2"}
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    key: SHARED_HEADERS[_SHARED.get(key, key)]
    for key in ("department", "year", "spec", "group", "category", "name", "target", "actual", "weight", "judgement",
                "lower_is_better", "item", "deduction", "reason")
}
_REQUIRED: Final = ("department",)


@attrs.frozen(eq=False)
class Batch:
    """Departments to score under one spec."""

    spec: Spec
    table: IndicatorTable
    departments: Sequence[Department]  # a table's: :class:`~selfscore.batch.table.Departments`


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


#: Read plain UTF-8 CSV through pyarrow when it is installed (see :mod:`selfscore.batch.arrow`); the environment
#: variable SELFSCORE_NO_PYARROW=1 turns it off (the results are the same either way).
USE_PYARROW: bool = os.environ.get("SELFSCORE_NO_PYARROW", "") in ("", "0")


def read_csv_source(path: Path, *, plain: bool = True,
                    raw: bytes | mmap.mmap | None = None) -> CodedSource | Iterator[list[str]]:
    """A CSV file as a :class:`CodedSource` when it is plain enough to be read by columns (pyarrow where
    installed, else cut up in numpy), else its rows; ``raw``: its bytes (or map), when read already
    (:func:`~selfscore.inputs.files.map_bytes`).  pyarrow reads a map as it is; any other way reads bytes."""
    from selfscore.inputs.files import decode_text, map_bytes, sniff

    mapped = map_bytes(path) if raw is None else raw
    first_bytes = mapped[: mapped.find(b"\n") % (len(mapped) + 1)]
    tsv = path.suffix.lower() == ".tsv"
    utf8 = plain and mapped[:2] not in (b"\xff\xfe", b"\xfe\xff") and sniff(mapped) is None  # UTF-8, if anything
    delimiter = "\t" if tsv or (b"\t" in first_bytes and b"," not in first_bytes) else ","
    if utf8 and USE_PYARROW:
        from selfscore.batch.arrow import csv_source

        if (arrow := csv_source(mapped, delimiter)) is not None:
            return arrow
    raw = mapped if isinstance(mapped, bytes) else mapped[:]
    del mapped
    if utf8 and (found := _PlainCsv.of(raw, None, "", delimiter)) is not None:
        return found
    try:
        text, encoding = decode_text(raw)
    except ValueError as exc:
        raise UnreadableError(f"{path}: {exc}") from None
    first = text[: text.find("\n") % (len(text) + 1)]
    delimiter = "\t" if tsv or ("\t" in first and "," not in first) else ","
    if plain and (found := _PlainCsv.of(raw, text, encoding, delimiter)) is not None:
        return found
    return _split_csv(text, str(path), delimiter)




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




def _read_table(rows: Iterable[list[str]] | CodedSource, file: str, spec_for: Callable[[str], Spec],
                progress: Callable[[int], None] | None, *, cells_checked: bool = False) -> tuple[list[Batch], list[Failure]]:
    """Rows of a table (header first) into batches.

    Chunks of rows are taken column by column when they are plain indicator rows under
    one spec: from a :class:`CodedSource` as codes into each column's distinct texts
    (:func:`_coded_chunk`; all rows at once when all are plain), else transposed into columns (``zip(*rows)``,
    :func:`_fast_chunk`).  Chunks with anything else (spec or item columns in use,
    blank or incomplete rows, yes/no words to check, spreadsheet cells that failed) go
    row by row.
    """
    plain = rows if isinstance(rows, CodedSource) else None
    it = iter(()) if plain is not None else iter(rows)  # type: ignore[arg-type]
    header = plain.header if plain is not None else next(it, None)
    if header is None:
        raise InputError([Problem("文件为空 (empty file)", file)])
    col = _columns(header, file)
    state = _State(file, spec_for, {k: col.get(k) for k in HEADERS}, len(header))
    line = 2
    if plain is not None and _WHOLE and plain.n and _coded_chunk(state, plain, 0, plain.n, line):
        line += plain.n
        if progress is not None:
            progress(plain.n)
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


def read_input(
    path: str | Path | Any,
    *,
    spec: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
    ahead: Callable[[], CodedSource | Iterator[list[str]]] | None = None,
) -> tuple[list[Batch], list[Failure]]:
    """Read a CSV/xlsx table or a folder of case files into batches (one per spec) and failures.

    ``path`` may also be a table in memory: an Arrow table or a polars DataFrame (duck-typed,
    see :func:`selfscore.batch.arrow.table_source`), with the same columns as a CSV file.
    ``ahead``, for a CSV file, gives it as :func:`read_csv_source` reads it (or raises what it
    raises): the CLI starts that read on a thread while it loads the batch engine.

    Raises UnreadableError (exit 3) when the input itself cannot be read and
    InputError (exit 4) when it cannot be understood at all (no department column,
    no spec for a table); problems of single departments become their own failures.
    """
    if not isinstance(path, (str, os.PathLike)):
        from selfscore.batch.arrow import table_source

        return _read_rows(table_source(path), "", Path.cwd(), spec, progress, cells_checked=False)
    p = Path(path)
    if p.is_dir():
        return _read_folder(p, spec)
    if not p.exists():
        raise UnreadableError(f"{p}: 文件或目录不存在 (no such file or folder)")
    suffix = p.suffix.lower()
    if suffix == ".toml":
        return _read_folder(p, spec)
    if spec is not None:
        load_spec(spec, base_dir=p.parent)  # an unknown --spec is an error of the whole run, reported before reading
    if suffix in (".xlsx", ".xlsm"):
        rows: Iterable[list[str]] | CodedSource = _xlsx_rows(p, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = read_csv_source(p) if ahead is None else ahead()
    else:
        kind = sniff(read_bytes(p, limit=MAX_SHEET_BYTES))  # an .xls, .et or .ods: say what to do with it
        raise UnreadableError(f"{p}: {kind}" if kind else
                              f"{p}: 不支持的输入格式 (unsupported input) “{p.suffix}”；可用 .csv、.xlsx 或案例目录")
    return _read_rows(rows, str(p), p.parent, spec, progress, cells_checked=suffix in (".xlsx", ".xlsm"))


def _read_rows(rows: Iterable[list[str]] | CodedSource, file: str, base_dir: Path, spec: str | None,
               progress: Callable[[int], None] | None, *, cells_checked: bool) -> tuple[list[Batch], list[Failure]]:
    """A table's rows into batches, loading each spec it names once (``spec``, when given, for every row)."""
    from selfscore.batch.rows import paused_gc

    specs: dict[str, Spec] = {}

    def spec_for(ref: str) -> Spec:
        name = spec or ref
        if not name:
            raise SpecNeeded([Problem("表格输入须指定评分规范：--spec NAME，或提供 spec/评分规范 列 "
                                      "(a table needs --spec or a spec column)", file)])
        found = specs.get(name)
        if found is None:
            found = specs[name] = load_spec(name, base_dir=base_dir)
        return found

    with paused_gc():
        batches, failures = _read_table(rows, file, spec_for, progress, cells_checked=cells_checked)
    if spec is None and not batches and not failures:
        raise InputError([Problem("表格中没有数据行 (no data rows)", file)])
    return batches, failures


_SHEET_SUFFIXES: Final = (".xlsx", ".xlsm", ".csv", ".xls", ".et", ".ods", ".xlsb")  # the last four: refused, by name


def _sheet_case(f: Path, spec: str | None) -> tuple[Any, Spec]:
    """An officer's 自评表 in the folder: its 单位名称 line names the department, else the file name."""
    from selfscore.inputs.sheet import read_sheet, sheet_case

    if spec is None:
        raise InputError([Problem("自评表文件须用 --spec 指定评分规范 (spreadsheets need --spec)；"
                                  "用 selfscore template 生成的表会自带评分规范", str(f))])
    sp = load_spec(spec, base_dir=Path.cwd())
    sheet = read_sheet(f)
    built = sheet_case(sheet, sp, department=sheet.department or f.stem)
    if built.problems:
        raise InputError(built.problems)
    return built.case, sp


def _folder_files(p: Path) -> list[Path]:
    """The case files and 自评表 of a folder (Excel's lock files and hidden files left out), sorted."""
    if not p.is_dir():
        return [p]
    return sorted(f for f in p.rglob("*") if f.suffix.lower() in (".toml", *_SHEET_SUFFIXES)
                  and not f.name.startswith((".", "~$")))


def recorded_specs(folder: Path | str) -> dict[Path, str]:
    """The spec each 自评表 template in ``folder`` records (:mod:`selfscore.inputs.marker`, as ``score``
    and ``verify`` read it); tables that record none are left out."""
    from selfscore.inputs.marker import spec_marker

    files = _folder_files(Path(folder)) if Path(folder).is_dir() else []
    return {f: m for f in files if f.suffix.lower() in _SHEET_SUFFIXES and (m := spec_marker(f)) is not None}


def _recorded_specs(folder: Path, spec: str | None) -> dict[Path, str]:
    """Without ``--spec``: the specs the folder's templates record; different ones are a usage error."""
    if spec is not None:
        return {}
    marks = recorded_specs(folder)
    if len(set(marks.values())) > 1:
        by_spec: dict[str, list[str]] = {}
        for f, m in marks.items():
            by_spec.setdefault(m, []).append(f.name)
        shown = "；".join(f"{m}（{'、'.join(names[:3])}{f' 等 {len(names)} 个' if len(names) > 3 else ''}）"
                         for m, names in by_spec.items())
        raise SpecNeeded([Problem(f"这些自评表的模板记录了不同的评分规范 (the templates record different specs)：{shown}；"
                                  "请用 --spec 指定按哪个规范计分", str(folder))])
    return marks


def _read_folder(p: Path, spec: str | None) -> tuple[list[Batch], list[Failure]]:
    files = _folder_files(p)
    if not files:
        raise InputError([Problem("目录中没有案例文件或自评表 (no *.toml cases or .xlsx/.csv tables)", str(p))])
    recorded = _recorded_specs(p, spec)
    by_spec: dict[str, tuple[Spec, list[Any]]] = {}
    failures: list[Failure] = []
    for f in files:
        if f.suffix.lower() == ".toml" and is_project_file(f):
            failures.append(Failure(f.stem, str(f), "这是项目支出绩效自评表：请把项目表放在单独的目录中用 selfscore batch 计分，"
                                    "或加 --spec mof-2020-project (a project table among department cases)", 4))
            continue
        try:
            case, sp = (_sheet_case(f, spec or recorded.get(f)) if f.suffix.lower() in _SHEET_SUFFIXES
                        else load_case_and_spec(f, spec))
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
