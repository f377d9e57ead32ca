"""Columnar input through Arrow: pyarrow's CSV reader where installed, and Arrow tables or polars frames.

``pip install 'selfscore[fast]'`` installs pyarrow; without it the batch reads CSV with
its own reader (:mod:`selfscore.batch.io`), and the results are the same, byte for byte.
pyarrow reads a CSV with dictionary encoding, which is the distinct-values-plus-codes
form the batch table is built from.  It is used only for files its reading cannot
differ on: UTF-8 (with or without BOM), no quotes, NUL bytes, lone carriage returns
or blank lines, every line holding the header's number of cells.  Anything else
(GBK, UTF-16, quoted or ragged files) takes the batch's own reader.  UTF-8 is checked on
the distinct cells, not on every cell as read: cells lie between ASCII delimiters and
newlines, so the file is UTF-8 exactly when each distinct cell (and the header) is.

An Arrow table (anything with ``column_names`` and ``column(i)``) or a polars
DataFrame (``to_arrow()``) is read column by column too, with no import of either
library here (duck typing): string columns as they are, null as an empty cell,
integers and exact short-decimal floats as the decimal text they stand for.
"""

from __future__ import annotations

import mmap
import re
from decimal import Decimal
from typing import Any

import numpy as np

from selfscore.batch.csvsource import CodedSource
from selfscore.batch.parse import exact_decimal
from selfscore.core.errors import InputError, Problem

__all__ = ["ArrowSource", "csv_source", "table_source"]

_BOM = b"\xef\xbb\xbf"
_BLANK_LINE = re.compile(rb"\n\r?\n")  # one pass for both blank-line forms (~2.5x faster than two ``in`` tests)
_LONE_CR = re.compile(rb"\r(?!\n)")  # one pass (~3x faster than counting CR and CRLF, and a map has no count)


class ArrowSource(CodedSource):
    """Columns read through Arrow, as distinct texts and every row's index into them."""

    def __init__(self, header: list[str], columns: list[tuple[list[str], np.ndarray]], n: int) -> None:
        super().__init__()
        self.header = header
        self.n = n
        self._cols = columns

    def column(self, j: int) -> tuple[list[str], np.ndarray]:
        return self._cols[j]

    def rows(self, r0: int, r1: int) -> list[list[str]]:
        cols = [[values[c] for c in codes[r0:r1].tolist()] for values, codes in self._cols]
        return [list(row) for row in zip(*cols, strict=True)]


def _plain(raw: bytes | mmap.mmap, start: int, delimiter: str) -> bool:
    """Whether pyarrow reads ``raw[start:]`` (the text after a BOM) exactly as the batch's own reader does, blank
    lines aside (:func:`_blank_lines` tells them after the read).  ``raw`` (bytes or a map) is not copied: a BOM
    holds none of the bytes looked for."""
    if raw.find(b'"') >= 0 or raw.find(b"\x00") >= 0 or len(raw) == start:
        return False
    if raw[start:start + 1].isspace() and raw[start:].isspace():
        return False
    if raw.find(b"\r") >= 0 and _LONE_CR.search(raw) is not None:  # a CR not ending a line (CRLF is fine)
        return False
    return not raw[start:start + 2].startswith((b"\n", b"\r\n")) and delimiter in (",", "\t")


def _blank_lines(raw: bytes | mmap.mmap, start: int, first: list[str]) -> bool:
    """Whether ``raw[start:]`` has a blank line, given the texts of its first column as pyarrow read them: a blank
    line is read as a row of empty cells, so a first column without an empty cell means none (and the text
    need not be searched)."""
    return "" in first and _BLANK_LINE.search(raw, start) is not None


def csv_source(raw: bytes | mmap.mmap, delimiter: str) -> ArrowSource | None:
    """``raw`` (bytes or a map) read by pyarrow, or None (pyarrow not installed, or a file it might read
    otherwise)."""
    start = len(_BOM) if raw[:len(_BOM)] == _BOM else 0
    if not _plain(raw, start, delimiter):
        return None
    try:
        import pyarrow as pa  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import pyarrow.csv as pacsv  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return None
    end = raw.find(b"\n", start)
    first = raw[start: end if end >= 0 else len(raw)].rstrip(b"\r")
    try:
        header = first.decode("utf-8").split(delimiter)
    except UnicodeDecodeError:
        return None
    names = [f"c{j}" for j in range(len(header))]
    dictionary = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw).slice(start),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, dictionary), check_utf8=False,
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        if table.num_rows == 0:
            return None
        table = table.unify_dictionaries()
        for j in range(len(names)):  # UTF-8 checked on the distinct cells only: the file is UTF-8 if they are
            table.column(j).chunk(0).dictionary.validate(full=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # ragged rows, invalid UTF-8, ...: the batch's own reader
        return None
    source = ArrowSource(header, [_coded(table.column(j), str(j), dense=True) for j in range(len(names))],
                         table.num_rows)
    del table
    pa.default_memory_pool().release_unused()  # the codes are copied out: give Arrow's buffers back
    return None if _blank_lines(raw, start, source.column(0)[0]) else source


def table_source(data: Any, *, file: str = "") -> ArrowSource:
    """An Arrow table or a polars DataFrame (duck-typed) as a source for the batch reader."""
    if hasattr(data, "to_arrow") and not hasattr(data, "column_names"):  # polars
        data = data.to_arrow()
    if not (hasattr(data, "column_names") and hasattr(data, "column")):
        raise TypeError(f"not a table: {type(data).__name__} (an Arrow table or a polars DataFrame)")
    if hasattr(data, "unify_dictionaries"):
        data = data.unify_dictionaries()
    header = [str(c) for c in data.column_names]
    columns = [_coded(data.column(j), header[j], file=file) for j in range(len(header))]
    return ArrowSource(header, columns, int(data.num_rows))


def _coded(col: Any, name: str, *, file: str = "", dense: bool = False) -> tuple[list[str], np.ndarray]:
    """A (chunked) Arrow column as its distinct texts and codes (int32 or int64); null cells read as "".

    ``dense``: the (unified) dictionary is known to hold distinct texts each held by some row, as
    pyarrow's CSV reader builds it; else the texts are made so (:class:`CodedSource` wants them so).
    """
    if not str(col.type).startswith("dictionary"):
        col = col.dictionary_encode()
    chunks = list(col.chunks) if hasattr(col, "chunks") else [col]
    if not chunks:
        return [], np.zeros(0, dtype=np.int64)
    dictionary = chunks[0].dictionary
    if str(dictionary.type) in ("string", "large_string") and not dictionary.null_count:
        values = dictionary.to_pylist()
    else:
        values = [_text(v, name, file) for v in dictionary.to_pylist()]
    # int32 codes when Arrow's are (its CSV reader's): half the fresh memory of int64 (28 MB less at 10^6 rows of
    # seven columns).  The codes only index; the one product of codes (the table reader's department and year
    # key) widens them first.
    width = np.int32 if all(str(c.indices.type) == "int32" for c in chunks) else np.int64
    codes = np.concatenate([_indices(c.indices) for c in chunks], dtype=width)
    if any(c.indices.null_count for c in chunks):
        valid = np.concatenate([_valid(c.indices) for c in chunks])
        codes[~valid] = len(values)
        values.append("")
        dense = False
    return (values, codes) if dense else _distinct_used(values, codes)


def _distinct_used(values: list[str], codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """``values[codes]`` as distinct texts, each held by some row, and each row's index into them."""
    used = np.zeros(len(values), dtype=bool)
    used[codes] = True
    index: dict[str, int] = {}
    trans = np.full(len(values), -1, dtype=np.int64)
    for k in np.flatnonzero(used).tolist():
        trans[k] = index.setdefault(values[k], len(index))
    return list(index), trans[codes]


def _indices(indices: Any) -> np.ndarray:
    """An Arrow integer array's values as numpy, read from its buffer (``to_numpy`` would import pandas)."""
    data = indices.buffers()[1]
    start, n = indices.offset, len(indices)
    width = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64, "uint8": np.uint8,
             "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64}[str(indices.type)]
    return np.frombuffer(data, dtype=width)[start:start + n] if n else np.zeros(0, dtype=width)


def _valid(indices: Any) -> np.ndarray:
    """Which cells of an Arrow array are not null."""
    validity = indices.buffers()[0]
    start, n = indices.offset, len(indices)
    if validity is None or not indices.null_count:
        return np.ones(n, dtype=bool)
    bits: np.ndarray = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
    return bits[start:start + n].astype(bool)


def _text(value: Any, name: str, file: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        d = exact_decimal(value, what=f"列 {name} (column)")
    except (TypeError, ValueError) as exc:
        raise InputError([Problem(str(exc), file, f"列 {name} (column)")]) from None
    return format(d, "f") if isinstance(d, Decimal) else str(d)
