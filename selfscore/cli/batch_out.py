"""Output of ``selfscore batch``: the summary (in rank order) and every indicator's score.

The indicator output is filled by index from :mod:`selfscore.batch.output` (each distinct
value formatted once): CSV and JSON are written in chunks, xlsx through openpyxl's
write-only workbook.
"""

from __future__ import annotations

import csv
import io
import re
import string
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Final, overload

import attrs

from selfscore.core.errors import SelfScoreError, UnreadableError

_DASH: Final = "—"


class Usage(Exception):
    """A usage error found after parsing the arguments."""


def summary_entries(batches: list[tuple[Any, Any]], failures: list[Any]) -> Any:
    """The summary (:class:`selfscore.batch.summary.Summary`): columns in rank order, ranks within each group
    of comparable departments (same spec, partial, max); departments that could not be scored last."""
    from selfscore.batch.summary import summary

    return summary(batches, failures)


def duplicate_names(entries: Any) -> list[str]:
    """A warning (in Chinese) for each 单位名称 that several files or departments share, naming where each is."""
    names = entries.department
    if len(set(names)) == len(names):  # the usual case, in C: ~3 ms for 33,334 names, a loop took ~20
        return []
    seen = Counter(names)
    by_name: dict[str, list[int]] = {name: [] for name, count in seen.items() if count > 1}
    for i, name in enumerate(names):
        if name in by_name:
            by_name[name].append(i)
    lines = []
    for name, found in by_name.items():
        places = []
        for i in found:
            rank_text, year, spec = entries.rank_text(i), entries.year[i], entries.spec[i]
            bits = [Path(entries.file[i]).name if entries.file[i] else "", f"{year} 年度" if year is not None else "",
                    spec or "", f"第 {rank_text} 名" if rank_text else "无法计分"]
            places.append("，".join(b for b in bits if b))
        lines.append(f"⚠ 单位名称“{name}”出现 {len(found)} 次 (duplicate department name)，请核对是否重复或应合并："
                     + "；".join(f"（{p}）" for p in places))
    return lines


_SUMMARY_KEYS: Final = ("rank", "department", "year", "spec", "score", "max", "grade", "partial", "note", "file")
_SUMMARY_HEADERS: Final = ("排名", "部门", "年度", "评分规范", "得分", "满分", "等级", "不完整", "备注", "文件")


def _summary_column(entries: Any, key: str, english: bool, scored: list[bool]) -> list[str]:
    """One column of the summary as printed (by ``summary_rows``); ``scored``: which entries were scored."""
    n = len(entries)
    if key == "rank":
        if not english:
            return [entries.rank_text(i) for i in range(n)]
        shown = {r: str(r) if r else "" for r in set(entries.rank)}
        return list(map(shown.__getitem__, entries.rank))
    if key == "year":
        return ["" if y is None else str(y) for y in entries.year]
    if key in ("score", "max"):
        column = getattr(entries, key)
        if not english or all(scored):
            return list(column)
        return [t if ok else "" for t, ok in zip(column, scored, strict=True)]
    if key == "grade":
        return [g if not english or g != _DASH else "" for g in entries.grade]
    if key == "partial":
        shown = {None: "", True: "true", False: "false"} if english else {None: "", True: "是", False: "否"}
        return [shown[p] for p in entries.partial]
    if key == "note":
        return [note if e is None or not english else f"cannot score: {one_line(e)}"
                for note, e in zip(entries.note, entries.error, strict=True)]
    return list(getattr(entries, key))


class SummaryRows(Sequence[tuple[str, ...]]):
    """Rows held as columns of texts (what :func:`summary_rows` makes); reads like a list of row tuples, and
    csv, table and markdown are written from the columns, each distinct text laid out once (:func:`_as_text`)."""

    __slots__ = ("columns",)

    def __init__(self, columns: list[list[str]]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @overload
    def __getitem__(self, i: int) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, ...]]: ...

    def __getitem__(self, i: int | slice) -> tuple[str, ...] | list[tuple[str, ...]]:
        if isinstance(i, slice):
            return list(zip(*(c[i] for c in self.columns), strict=True))
        return tuple(c[i] for c in self.columns)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return zip(*self.columns, strict=True)


def summary_rows(entries: Any, *, english: bool) -> tuple[list[str], Sequence[Sequence[str]], list[int]]:
    """Header, rows and numeric columns of the summary; optional columns only when they say something."""
    several_specs = len({s for s in entries.spec if s}) > 1
    with_year = any(y is not None for y in entries.year)
    keep = [k for k in _SUMMARY_KEYS if (k != "year" or with_year) and (k != "spec" or several_specs or english)
            and (k != "file" or english)]
    scored = [e is None for e in entries.error]
    rows = SummaryRows([_summary_column(entries, k, english, scored) for k in keep])
    header = list(keep) if english else [_SUMMARY_HEADERS[_SUMMARY_KEYS.index(k)] for k in keep]
    numeric = [keep.index(k) for k in ("score", "max")]
    return header, rows, numeric


#: A 备注 this long, shared by several departments, is printed once under the table (``见注1``) in table/markdown.
_LONG_NOTE: Final = 24


def shared_notes(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[Sequence[Sequence[str]], list[str]]:
    """The rows with each long 备注 that several departments share replaced by ``见注N``, and the notes (注N：…)."""
    if "备注" not in header:
        return rows if isinstance(rows, SummaryRows) else list(rows), []
    col = list(header).index("备注")
    notes = rows.columns[col] if isinstance(rows, SummaryRows) else [row[col] for row in rows]
    counts = Counter(notes)
    labels: dict[str, str] = {}
    for note, n in counts.items():
        if n > 1 and len(note) > _LONG_NOTE:
            labels[note] = f"注{len(labels) + 1}"
    legend = [f"{label}：{note}（{counts[note]} 个部门）" for note, label in labels.items()]
    if isinstance(rows, SummaryRows):
        shown = [note if note not in labels else f"见{labels[note]}" for note in notes]
        return SummaryRows([shown if c == col else column for c, column in enumerate(rows.columns)]), legend
    out = [row if row[col] not in labels else (*row[:col], f"见{labels[row[col]]}", *row[col + 1:]) for row in rows]
    return out, legend


def summary_json(entries: Any) -> str:
    """The summary as JSON (:func:`selfscore.batch.summary.summary_json`)."""
    from selfscore.batch.summary import summary_json as as_json

    return as_json(entries)


def _as_text(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int], fmt_name: str) -> str:
    if fmt_name == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        if isinstance(rows, SummaryRows) and len(rows.columns) > 1:  # csv.writer's fields, each distinct one once
            fields = [_csv_fields(column) for column in rows.columns]
            out.write("\n".join(map(",".join, zip(*fields, strict=True))) + "\n")
        else:
            w.writerows(rows)
        return out.getvalue()
    from tabulate import tabulate

    align = tuple("right" if c in numeric else "left" for c in range(len(header)))
    tablefmt = "github" if fmt_name == "markdown" else "simple"
    if isinstance(rows, SummaryRows) and (text := _by_columns(header, rows, align, tablefmt)) is not None:
        return text + "\n"
    whole: str = tabulate(rows, headers=list(header), tablefmt=tablefmt, disable_numparse=True, colalign=align)
    return whole + "\n"


#: Characters that make csv.writer (QUOTE_MINIMAL, ``,`` and ``"``, lineterminator ``\n``) quote a field, or
#: that it may refuse; a field without any is written as it is (tests/test_batch_summary_out.py checks every one).
_CSV_SPECIAL: Final = (",", '"', "\r", "\n", "\x00")


def _csv_fields(column: list[str]) -> list[str]:
    """Each text of ``column`` as csv.writer writes it in a row of several fields; texts with a character it may
    quote go through csv.writer itself, once each."""
    joined = "".join(column)
    if not any(c in joined for c in _CSV_SPECIAL):
        return column
    distinct = dict.fromkeys(column)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for text in distinct:
        if any(c in text for c in _CSV_SPECIAL):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow((text, ""))
            distinct[text] = buffer.getvalue()[:-2]  # less the "," and the empty field and "\n" after it
        else:
            distinct[text] = text
    return list(map(distinct.__getitem__, column))  # type: ignore[arg-type]


#: How tabulate lays out a row of cells in the formats _by_columns handles: (a row, the line under the header)
#: as (begin, separator, end), and what a marker column ``x`` adds at the end of a row and of that line.
_LAYOUTS: Final = {"simple": (("", "  ", ""), "  x", "  ---"), "github": (("|", "|", "|"), "| x   |", "|-----|")}


#: Texts tabulate lays out alike when their digits and Latin letters are swapped for others: printable ASCII and
#: CJK unified ideographs only (one column each, or two; nothing combines with a neighbour).
_PLAIN: Final = re.compile("[ -~\u4e00-\u9fff]*")
_SHAPE: Final = bytes.maketrans(b"0123456789" + string.ascii_letters.encode(),
                                 b"0" * 10 + b"a" * len(string.ascii_letters))


_SHAPES_FROM: Final = 64  # distinct texts in a column from which it pays to lay out their shapes


def _shape(text: str) -> str:
    """A text that tabulate pads as it pads ``text`` (the same width, the same whitespace at its ends)."""
    return text.encode().translate(_SHAPE).decode() if _PLAIN.fullmatch(text) else text  # ASCII bytes: one byte each


def _by_columns(header: Sequence[str], rows: SummaryRows, align: Sequence[str], tablefmt: str) -> str | None:
    """tabulate's table of ``rows``, laid out column by column: tabulate pads each column's distinct texts (and
    header) once, beside a marker column that keeps the padding; the rows are then joined as tabulate joins
    them.  None (ask tabulate for the whole table) for texts on several lines, escape codes, or no rows."""
    from tabulate import tabulate

    (begin, sep, end), row_mark, line_mark = _LAYOUTS[tablefmt]
    every = "".join(header) + "".join("".join(column) for column in rows.columns)
    if not len(rows) or any(c in every for c in "\n\r\x1b"):
        return None
    heads, lines, padded = [], [], []
    for title, column, a in zip(header, rows.columns, align, strict=True):
        distinct = list(dict.fromkeys(column))
        shapes = [_shape(text) for text in distinct] if len(distinct) > _SHAPES_FROM else distinct
        shown = list(dict.fromkeys(shapes))
        laid = tabulate([(text, "x") for text in shown], headers=[title, "x"], tablefmt=tablefmt,
                        disable_numparse=True, colalign=(a, "left")).split("\n")
        if (len(laid) != len(shown) + 2 or not laid[1].startswith(begin) or not laid[1].endswith(line_mark)
                or not all(t.startswith(begin) and t.endswith(row_mark) for t in [laid[0], *laid[2:]])):
            return None  # not laid out as expected: tabulate lays out the whole table
        heads.append(laid[0][len(begin):-len(row_mark)])
        lines.append(laid[1][len(begin):-len(line_mark)])
        pads = {}  # each shape's padding before and after its text (stripped, as tabulate strips it)
        for shape, t in zip(shown, laid[2:], strict=True):
            cell, core = t[len(begin):-len(row_mark)], shape.strip()
            before = len(cell) - len(cell.lstrip(" "))
            if cell[before:before + len(core)] != core or cell.strip(" ") != core:
                return None
            pads[shape] = (" " * before, " " * (len(cell) - before - len(core)))
        cells = {text: f"{pads[shape][0]}{text.strip()}{pads[shape][1]}" for text, shape in zip(distinct, shapes,
                                                                                                  strict=True)}
        padded.append(list(map(cells.__getitem__, column)))
    out = [begin + sep.join(heads) + end, begin + sep.join(lines) + end]
    out += map(f"{begin}{{}}{end}".format, map(sep.join, zip(*padded, strict=True)))
    return "\n".join(map(str.rstrip, out))


IND_KEYS: Final = ("department", "year", "item", "group", "category", "name", "target", "actual", "rate", "weight", "score")
# 一级指标/二级指标 as the input reads them (group, category), so the output can be read back; the spec item a row
# counts in is 所属评分项 (not 评分项, which marks an item row in the input)
IND_HEADERS: Final = ("部门", "年度", "所属评分项", "一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率",
                      "分值", "得分")
JSON_KEYS: Final = ("department", "year", "item", "item_key", "group", "category", "name", "target", "actual", "rate",
                    "weight", "score")


@attrs.frozen(eq=False)
class ChildPart:
    """Departments a child process scored (:mod:`selfscore.cli.batch_halves`), as this process knows them: their
    results (for the summary), and the indicator rows the child writes: how many, and their years."""

    departments: Any  # selfscore.batch.assemble.DepartmentResults
    count: int
    years: frozenset[int | None]


@attrs.define(eq=False)
class Begun:
    """A csv/json indicator file begun early: its temporary file (:class:`~selfscore.outputs.files.AtomicOutput`),
    open after the rows written as its first part (others follow)."""

    output: Any
    file: BinaryIO

    def discard(self) -> None:
        self.file.close()
        self.output.discard()


@attrs.define(eq=False)
class Pending:
    """What :func:`indicator_output` finishes: the ``child`` writing the last batch's rows (a :class:`ChildPart`),
    and the file begun with the rows before them (or None); :meth:`cancel` ends both if the run stops first."""

    child: Any  # selfscore.cli.forked.Child
    begun: Begun | None = None
    at: int | None = None  # where in the begun file the child writes its rows itself (None: we append them)

    def cancel(self) -> None:
        self.child.cancel()
        if self.begun is not None:
            self.begun.discard()


def indicator_output(scored: list[tuple[Any, Any]], fmt_name: str, target: str, inputs: Sequence[Path],
                     pending: Pending | None = None) -> None:
    """Every scored indicator, in input order, as ``fmt_name`` (csv, json, table, markdown, xlsx) to ``target``.

    csv and json only: the last batch may be a :class:`ChildPart`, whose rows ``pending.child``
    (sent the columns already) writes; if it fails, its departments are scored again here and
    their rows written here.
    """
    from selfscore.batch.output import concat, indicator_columns

    keys = indicator_keys(scored)
    if fmt_name in ("csv", "json"):
        _write_rows_file(scored, fmt_name, keys, target, inputs, pending)
        return
    cols = concat([indicator_columns(result) for _batch, result in scored]).texts(strip=True)
    header = [IND_HEADERS[IND_KEYS.index(k)] for k in keys]
    numeric = [keys.index("weight"), keys.index("score")]
    if fmt_name == "xlsx":
        _write_xlsx(target, "三级指标", header, cols.records(keys), numeric, inputs)
        return
    text = _as_text(header, list(cols.records(keys)), numeric, fmt_name)
    if target == "-":
        sys.stdout.write(text)
    else:
        write_text(target, text, inputs)


def indicator_keys(scored: list[tuple[Any, Any]]) -> list[str]:
    """The indicator table's columns: 年度 only when some row has a year."""
    from selfscore.batch.output import output_years

    def years(result: Any) -> set[int | None] | frozenset[int | None]:
        return result.years if isinstance(result, ChildPart) else output_years(result)

    return [k for k in IND_KEYS if k != "year" or any(years(result) - {None} for _b, result in scored)]


class RowsOut:
    """The batches' indicator rows as csv (columns ``keys``) or json, as a part of the output: ``rows(write,
    first=, last=)`` writes them as the ``first`` part (with the header or the opening bracket) and/or the
    ``last`` (with the closing one); :meth:`size` tells how many bytes a part others follow takes."""

    def __init__(self, scored: list[tuple[Any, Any]], fmt_name: str, keys: Sequence[str]) -> None:
        self.scored, self.fmt_name, self.keys = scored, fmt_name, keys
        self._cols: Any = None

    def cols(self) -> Any:
        if self._cols is None:
            from selfscore.batch.output import concat, indicator_columns

            cols = concat([indicator_columns(result) for _b, result in self.scored])
            self._cols = cols if self.fmt_name == "json" else cols.texts(strip=False)
        return self._cols

    def size(self, *, first: bool) -> int:
        """The bytes :meth:`__call__` writes with ``last=False``."""
        from selfscore.batch.output import csv_size, json_size

        if self.fmt_name == "json":
            return json_size(self.cols(), JSON_KEYS, opening=first)
        return csv_size(self.cols(), self.keys, self.keys if first else None)

    def __call__(self, write: Callable[[Any], object], *, first: bool, last: bool) -> None:
        from selfscore.batch.output import write_csv, write_json

        if self.fmt_name == "json":
            write_json(self.cols(), JSON_KEYS, write, opening=first, closing=last)
        else:
            write_csv(self.cols(), self.keys, self.keys if first else None, write)


def rows_writer(scored: list[tuple[Any, Any]], fmt_name: str, keys: Sequence[str]) -> RowsOut:
    """The batches' indicator rows, to write (:class:`RowsOut`)."""
    return RowsOut(scored, fmt_name, keys)


def begin_rows_file(here: list[tuple[Any, Any]], fmt_name: str, keys: Sequence[str], target: str,
                    inputs: Sequence[Path], told: Callable[[str, int], None] | None = None) -> Begun | None:
    """``target``'s temporary file with the rows of ``here`` written as its first part (others follow); None
    when that failed (the rows are then written at the usual time, where a failure is reported).
    ``told(path, end)``, before the rows are written: the temporary file, and where the next part begins."""
    from selfscore.outputs.files import AtomicOutput

    try:
        output = AtomicOutput(Path(target), inputs, overwrite=True)  # the rule was applied by _check_outputs
    except SelfScoreError:
        return None
    f = None
    try:
        f = open(output.tmp, "r+b")  # not "wb": see atomic_write
        rows = rows_writer(here, fmt_name, keys)
        end = rows.size(first=True)
        if told is not None:
            told(output.tmp, end)
        rows(f.write, first=True, last=False)
        f.flush()
        if f.tell() == end:  # else (it cannot be) as if the write had failed
            return Begun(output, f)
    except OSError:
        pass
    if f is not None:
        f.close()
    output.discard()
    return None


def _write_rows_file(scored: list[tuple[Any, Any]], fmt_name: str, keys: list[str], target: str,
                     inputs: Sequence[Path], pending: Pending | None) -> None:
    """csv/json indicator rows to ``target`` ("-": stdout), a child's part (the last batch) after the others."""
    here = [(b, r) for b, r in scored if not isinstance(r, ChildPart)]
    there = next((r for _b, r in scored if isinstance(r, ChildPart)), None)
    write_rows = rows_writer(here, fmt_name, keys)
    if target == "-":
        assert there is None, "a child writes to a file only"
        write_rows(lambda chunk: sys.stdout.write(bytes(chunk).decode("utf-8")), first=True, last=True)
        return
    from selfscore.outputs.files import AtomicOutput

    begun = pending.begun if pending is not None else None
    # the rule was applied by _check_outputs
    output = AtomicOutput(Path(target), inputs, overwrite=True) if begun is None else begun.output

    def save() -> None:
        if begun is not None:
            with begun.file as f:
                _rest(f, scored, fmt_name, keys, pending)
            return
        with open(output.tmp, "r+b") as f:  # not "wb": see atomic_write
            write_rows(f.write, first=True, last=there is None)
            if there is not None:
                _rest(f, scored, fmt_name, keys, pending)

    output.write(save)
    print(f"已写入 (written): {target}", file=sys.stderr)


def _rest(f: BinaryIO, scored: list[tuple[Any, Any]], fmt_name: str, keys: list[str], pending: Pending | None) -> None:
    """After the rows written here (as a part others follow): the child's rows, or (it failed) the same rows
    written here; a json list with no rows after them is closed as :func:`write_json` closes it."""
    from selfscore.batch.output import close_json, indicator_count

    batch, there = scored[-1]
    if pending is not None and pending.at is not None:  # the child writes its rows into f itself
        written = pending.child.ended_well()
        if not written:  # what it may have written is dropped
            f.seek(pending.at)
            f.truncate()
    else:  # its rows, if it wrote them into its own file, appended here
        written = pending is not None and pending.child.append_to(f)
    if there.count and not written:  # the child failed: its departments scored and written here
        from selfscore.batch.dept import score_batch

        result = score_batch(batch.spec, batch.table, batch.departments)
        rows_writer([(batch, result)], fmt_name, keys)(f.write, first=False, last=True)
    elif not there.count and fmt_name == "json":
        close_json(f, sum(indicator_count(r) for _b, r in scored[:-1]))


def narrative(scored: list[tuple[Any, Any]], progress: Callable[..., None]) -> str:
    """Each scored department's 自评报告 text, from the scalar engine (it needs every trace)."""
    from selfscore.core.engine import score
    from selfscore.outputs.render import render

    parts = []
    for batch, result in scored:
        for d, dept in enumerate(batch.departments):
            if result.departments[d].ok:
                title = f"【{dept.name}{f' {dept.year} 年度' if dept.year else ''}】"
                parts.append(title + "\n" + render(score(batch.spec, result.case(d, dept)), "narrative"))
            progress("write", d + 1, len(batch.departments))
    return "\n".join(parts)


def write_text(path: str, text: str, inputs: Sequence[Path]) -> None:
    from selfscore.outputs.files import write_text_atomic

    if path == "-":
        sys.stdout.write(text)
        return
    write_text_atomic(Path(path), text, inputs=inputs, overwrite=True)  # the rule was applied by _check_outputs
    print(f"已写入 (written): {path}", file=sys.stderr)


def _excel_number(text: str) -> tuple[Any, str | None]:
    """A decimal text as an Excel number cell showing exactly its digits, when the double holds it exactly."""
    try:
        d = Decimal(text)
    except ArithmeticError:
        return text, None
    f = float(d)
    exp = d.as_tuple().exponent
    if not d.is_finite() or not isinstance(exp, int) or Decimal(repr(f)) != d or len(d.as_tuple().digits) > 15:
        return text, None
    places = max(0, -exp)
    return (int(d) if places == 0 else f), ("0" if places == 0 else "0." + "0" * places)


def _write_xlsx(path: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[str]],
                numeric: Sequence[int], inputs: Sequence[Path]) -> None:
    """Rows as one sheet; columns in ``numeric`` as exact number cells (text when a double cannot hold one)."""
    try:
        import openpyxl
        from openpyxl.cell import WriteOnlyCell
    except ImportError:  # pragma: no cover - depends on the environment
        raise UnreadableError("写入 .xlsx 需要 openpyxl (pip install 'selfscore[xlsx]')") from None
    from selfscore.outputs.files import atomic_write

    def save(tmp: str) -> None:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet(title)
        ws.append(list(headers))
        numbers: dict[str, Any] = {}  # each distinct text converted once
        for row in rows:
            cells: list[Any] = list(row)
            for c in numeric:
                value = cells[c]
                if value in ("", _DASH):
                    continue
                number = numbers.get(value)
                if number is None:
                    number = numbers[value] = _excel_number(value)
                cell = WriteOnlyCell(ws, value=number[0])
                if number[1]:
                    cell.number_format = number[1]
                cells[c] = cell
            ws.append(cells)
        wb.save(tmp)

    atomic_write(Path(path), save, inputs=inputs, overwrite=True)  # the rule was applied by _check_outputs
    print(f"已写入 (written): {path}", file=sys.stderr)


def one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def emit(kind: str, fmt_name: str, target: str | None, header: list[str], rows: Sequence[Sequence[str]],
          numeric: list[int], inputs: Sequence[Path], legend: Sequence[str] = ()) -> None:
    """Write one output (the summary or the indicators) to ``target`` (None or "-": stdout); ``legend``
    lines follow a table or markdown text."""
    if fmt_name == "xlsx":
        if target in (None, "-"):
            raise Usage(f"--{kind} xlsx 需要输出文件 (xlsx output needs a file): "
                         + ("-o FILE.xlsx" if kind == "format" else "--indicators FILE.xlsx"))
        assert target is not None
        _write_xlsx(target, "汇总" if kind == "format" else "三级指标", header, rows, numeric, inputs)
        return
    text = _as_text(header, rows, numeric, fmt_name)
    if legend:
        text += "\n" + "".join(f"{line}\n" for line in legend)
    if target in (None, "-"):
        sys.stdout.write(text)
    else:
        assert target is not None
        write_text(target, text, inputs)


