"""Every indicator's score of a batch, as output: distinct values formatted once, rows filled by index.

:func:`indicator_columns` gives each output column as its distinct display texts
and every row's index into them: a department's name once per department, a score
once per distinct (value, exponent), a completion rate once per distinct printed
percentage.  :func:`write_csv` and :func:`write_json` then write the rows in chunks:
each distinct cell is encoded once (with its separator), and a chunk's bytes are those
pieces taken by index (Arrow's ``take`` where pyarrow is loaded, else numpy and
``bytes.join``); no Python object is made per row.  The texts are those the scalar engine's results print (``fmt``,
``fmt_percent``), and the files are byte for byte what ``csv.writer`` and
``json.dumps(..., ensure_ascii=False, indent=1)`` write for the same records.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from json.encoder import encode_basestring
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.assemble import decimal_at
from selfscore.batch.fastunique import loaded_pyarrow, stable_order
from selfscore.batch.rows import Rows
from selfscore.batch.scoring import RowScores
from selfscore.batch.table import department_columns
from selfscore.batch.vec import LIMIT
from selfscore.batch.weights import value_codes
from selfscore.core.numbers import fmt, fmt_percent

__all__ = ["KEYS", "IndicatorColumns", "close_json", "concat", "csv_size", "indicator_columns", "indicator_count",
           "json_size", "output_years", "rate_codes", "write_csv", "write_json"]

#: Output columns, in order (``json`` has them all; tables drop ``item_key``, and ``year`` when no row has one).
KEYS: Final = ("department", "year", "item", "item_key", "group", "category", "name", "target", "actual", "rate",
               "weight", "score")
CHUNK: Final = 4_096
_RATE_BLOCK: Final = 65_536
#: Where output goes: bytes, or a uint8 array (a chunk of rows), as ``BinaryIO.write`` takes them.
Sink = Callable[[Any], object]
_SPECIAL: Final = re.compile('[,"\r\n]')


@attrs.frozen(eq=False)
class IndicatorColumns:
    """Output columns as distinct values and codes: ``values[key][codes[key][r]]`` is row ``r``'s cell."""

    values: dict[str, list[Any]]
    codes: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.codes["department"])

    def cell(self, key: str, r: int) -> Any:
        return self.values[key][int(self.codes[key][r])]

    def texts(self, *, strip: bool) -> IndicatorColumns:
        """Every cell as text (``""`` for none; stripped of surrounding spaces when ``strip``)."""
        values = {k: ["" if v is None else (str(v).strip() if strip else str(v)) for v in vals]
                  for k, vals in self.values.items()}
        return IndicatorColumns(values, self.codes)

    def records(self, keys: Sequence[str]) -> Iterator[list[Any]]:
        """Rows as lists (for writers that take a row at a time: tables, xlsx)."""
        for r0 in range(0, len(self), CHUNK):
            cols = [[self.values[k][c] for c in self.codes[k][r0:r0 + CHUNK].tolist()] for k in keys]
            yield from (list(row) for row in zip(*cols, strict=True))


def concat(parts: Sequence[IndicatorColumns]) -> IndicatorColumns:
    """The rows of several batches, one after the other."""
    if len(parts) == 1:
        return parts[0]
    values: dict[str, list[Any]] = {k: [] for k in KEYS}
    codes: dict[str, list[np.ndarray]] = {k: [] for k in KEYS}
    for part in parts:
        for k in KEYS:
            codes[k].append(part.codes[k] + len(values[k]))
            values[k].extend(part.values[k])
    return IndicatorColumns(values, {k: np.concatenate(c) if c else np.zeros(0, dtype=np.int64) for k, c in codes.items()})


def indicator_count(result: Any) -> int:
    """How many indicator rows :func:`indicator_columns` gives for ``result`` (those of the departments scored)."""
    ok = result.departments.ok()
    return len(result.row_dept) if ok.all() else int(np.count_nonzero(ok[result.row_dept]))


def output_years(result: Any) -> set[int | None]:
    """The years of the departments with rows in :func:`indicator_columns` (what its 年度 column holds)."""
    ok = result.departments.ok()
    present = np.zeros(len(ok), dtype=bool)
    present[result.row_dept] = True
    years = department_columns(result.departments.inputs)[1]
    return {years[d] for d in np.flatnonzero(present & ok).tolist()}


def indicator_columns(result: Any) -> IndicatorColumns:
    """The indicator rows of the departments a :class:`~selfscore.batch.dept.BatchResult` scored, in input order."""
    ok = result.departments.ok()
    order = stable_order(result.row_source)
    keep = order if len(order) == 0 or ok.all() else order[ok[result.row_dept[order]]]
    src = result.row_source[keep]
    dept = result.row_dept[keep]
    item = result.row_item[keep]
    names, years, _files = department_columns(result.departments.inputs)
    values: dict[str, list[Any]] = {"department": list(names), "year": list(years),
                                    "item": [it.name for it in result.items], "item_key": [it.key for it in result.items]}
    codes: dict[str, np.ndarray] = {"department": dept, "year": dept, "item": item, "item_key": item}
    t = result.table
    # src is ascending (it follows order); every table row once, in order, when it runs 0, 1, ..., len - 1
    every_row = len(src) == len(t) and (len(src) == 0 or (src[0] == 0 and not (np.diff(src) != 1).any()))
    for key in ("group", "category", "name", "target", "actual"):
        col = getattr(t, key)
        if len(col) == 0:  # a table without categories
            values[key], codes[key] = [""], np.zeros(len(keep), dtype=np.int64)
            continue
        vals, all_codes = value_codes(col)
        values[key], codes[key] = [str(v) for v in vals], all_codes if every_row else all_codes[src]
    values["rate"], codes["rate"] = rate_codes(result.rows, keep)
    values["weight"], codes["weight"] = _decimal_codes(result.rows.weight[keep], result.rows.weight_scale,
                                                      result.rows.weight_exp[keep])
    values["score"], codes["score"] = _score_codes(result.scores, keep)
    return IndicatorColumns(values, codes)


def dense_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` without sorting when the keys span a small range."""
    if len(key) == 0:
        return key[:0], np.zeros(0, dtype=np.int64)
    lo, hi = int(key.min()), int(key.max())
    if hi - lo > 4 * len(key) + 65_536:
        uniq, inverse = np.unique(key, return_inverse=True)
        return uniq, inverse.reshape(-1).astype(np.int64)
    at = key - lo
    present = np.zeros(hi - lo + 1, dtype=bool)
    present[at] = True
    renumber = np.cumsum(present, dtype=np.int64)
    renumber -= 1
    uniq = np.flatnonzero(present) + lo
    return uniq.astype(key.dtype), renumber[at]


def _decimal_codes(n: np.ndarray, scale: int, exp: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Texts of the Decimals ``n / 10**scale`` with exponents ``exp``: each distinct one formatted once."""
    if n.dtype != object and len(n) and int(np.abs(n).max()) < 2**56 and int(np.abs(exp).max()) < 64:
        key = n * 128 + (exp.astype(np.int64) + 64)
        uniq, codes = dense_unique(key)
        texts = [fmt(decimal_at(k >> 7, scale, (k & 127) - 64)) for k in uniq.tolist()]
        return texts, codes
    pairs = [fmt(decimal_at(int(v), scale, int(e))) for v, e in zip(n.tolist(), exp.tolist(), strict=True)]
    found, codes = value_codes(pairs)
    return found, codes


def _score_codes(scores: RowScores, keep: np.ndarray) -> tuple[list[str], np.ndarray]:
    exps = scores.exponents()[keep]
    texts, codes = _decimal_codes(scores.values[keep], scores.scale, exps)
    if scores.errors:  # rows without a score (their departments are not output; kept for completeness)
        bad = np.zeros(len(scores), dtype=bool)
        bad[list(scores.errors)] = True
        codes = np.where(bad[keep], len(texts), codes)
        texts = [*texts, ""]
    return texts, codes


def rate_codes(rows: Rows, keep: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The completion rate a report prints for each row at ``keep`` (``98.66%``, or the outcome 部分达成).

    For rows reduced to numbers the rate is the scalar ``completion``'s uncapped rate:
    ``A/T``, ``T/A`` for a ceiling and for an ``==`` target overshot, met or not for a
    zero target; it is printed half-up at 0.01 % from ``round(num * 10000 / den)``, one
    text per distinct value.  Rows the reducer took through ``completion`` itself
    (``rows.shown``) and rows beyond int64 use ``fmt_percent`` on their Fraction.
    """
    q, fits = _hundredths(rows, keep)
    uniq, codes = dense_unique(q)
    texts = [f"{fmt(Decimal(k).scaleb(-2))}%" for k in uniq.tolist()]
    special = np.zeros(len(rows), dtype=bool)
    special[list(rows.shown)] = True
    special[list(rows.big)] = True
    at = np.flatnonzero(special[keep] | ~fits)
    if len(at):
        index = {t: c for c, t in enumerate(texts)}
        codes[at] = _shown_codes(rows, keep[at], index)
        texts = list(index)
    return texts, codes


def _hundredths(rows: Rows, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's rate in 0.01 % (half-up) and whether it fits int64 arithmetic, for the rows at ``keep``.

    Computed a block of ``keep`` at a time (the temporaries stay small: a dozen full-length
    int64 arrays were the batch's peak memory), only at the rows output.
    """
    q = np.zeros(len(keep), dtype=np.int64)
    fits = np.zeros(len(keep), dtype=bool)
    for r0 in range(0, len(keep), _RATE_BLOCK):
        at = keep[r0:r0 + _RATE_BLOCK]
        A, T, M = rows.actual[at], rows.target[at], rows.mask[at]
        order = 1 + (A > T).astype(np.int64) - (A < T)
        met = (M.astype(np.int64) >> order) & 1
        ceiling = ((M & 1) != 0) & ((M & 4) == 0)
        flip = (ceiling | ((M == 0b010) & (A > T))) & (A != 0)
        num = np.where(T == 0, met, np.where(flip, T, np.where(ceiling, 1, A)))
        den = np.where(T == 0, 1, np.where(flip, A, np.where(ceiling, 1, T)))
        ok = num <= LIMIT // 20_000
        n_, d_ = num[ok] * 10_000, den[ok]
        block = q[r0:r0 + len(at)]
        block[ok] = n_ // d_ + ((n_ % d_) * 2 >= d_)
        fits[r0:r0 + len(at)] = ok
    return q, fits


def _printed(shown: Fraction | str, index: dict[str, int]) -> int:
    return index.setdefault(shown if isinstance(shown, str) else fmt_percent(Fraction(shown)), len(index))


def _shown_codes(rows: Rows, rs: np.ndarray, index: dict[str, int]) -> np.ndarray:
    """Codes (into ``index``, extended) of the rates rows ``rs`` print, through ``rows.shown_rate``.

    The reducer's cache shares one rate object among the rows of a distinct text pair, so the
    rows in ``rows.shown`` are grouped by object identity (no Fraction hashed per row); the few
    others (beyond int64) are printed one by one.
    """
    by_row = np.full(len(rows), -1, dtype=np.int64)
    if rows.shown:
        values = list(rows.shown.values())
        distinct = dict(zip(map(id, values), values, strict=True))  # the objects stay alive in rows.shown
        code_of = {k: _printed(v, index) for k, v in distinct.items()}
        by_row[np.fromiter(rows.shown.keys(), dtype=np.int64, count=len(values))] = np.fromiter(
            map(code_of.__getitem__, map(id, values)), dtype=np.int64, count=len(values))
    out: np.ndarray = by_row[rs]
    for j in np.flatnonzero(out < 0).tolist():
        out[j] = _printed(rows.shown_rate(int(rs[j])), index)
    return out


# --- writers -----------------------------------------------------------------


def _pieces(encoded: list[list[bytes]]) -> tuple[list[bytes], list[int]]:
    """Every column's encoded values in one list, and where each column's values start in it."""
    pieces: list[bytes] = []
    starts = []
    for col in encoded:
        starts.append(len(pieces))
        pieces.extend(col)
    return pieces, starts


def _joiner(pieces: list[bytes]) -> Callable[[np.ndarray], Any]:
    """``join(index)``: the bytes of ``pieces[i]`` for each ``i`` in ``index``, one after the other.

    Arrow's ``take`` copies each piece once where the batch may use pyarrow
    (:func:`~selfscore.batch.fastunique.loaded_pyarrow`); otherwise numpy takes the
    pieces as objects and ``bytes.join`` copies them.  The bytes are the same (tests
    hold both to ``csv.writer``'s and ``json.dumps``'s).
    """
    pa = loaded_pyarrow()
    if pa is None:
        objects = np.empty(len(pieces), dtype=object)
        objects[:] = pieces
        return lambda index: b"".join(objects.take(index).tolist())
    ends = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)))
    offsets = np.concatenate((np.zeros(1, dtype=np.int64), ends))
    # from buffers: pa.array on a list or an ndarray imports pandas (~0.3 s)
    array = pa.Array.from_buffers(pa.large_binary(), len(pieces),
                                  [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(pieces))])
    # the compute kernels without pyarrow.compute's Python wrappers (importing those takes ~50 ms)
    from pyarrow._compute import call_function  # type: ignore[import-untyped,import-not-found,unused-ignore]
    pool = pa.system_memory_pool()  # what Arrow frees goes back to the heap numpy allocates from

    def join(index: np.ndarray) -> Any:
        index = np.ascontiguousarray(index, dtype=np.int64)
        got = call_function("take", [array, pa.Array.from_buffers(pa.int64(), len(index), [None, pa.py_buffer(index)])],
                            None, pool)
        _valid, got_offsets, data = got.buffers()
        at = np.frombuffer(got_offsets, dtype=np.int64)[got.offset:got.offset + len(got) + 1]
        return b"" if data is None else data[int(at[0]):int(at[-1])]

    return join


def _stream(cols: IndicatorColumns, keys: Sequence[str], encoded: list[list[bytes]],
            write: Sink) -> None:
    """Write each row's encoded values of ``keys`` (``encoded[c][code]``), a chunk of rows at a time."""
    pieces, starts = _pieces(encoded)
    join = _joiner(pieces)
    codes = [cols.codes[k] for k in keys]
    index = np.empty((min(CHUNK, len(cols)), len(keys)), dtype=np.intp)
    for r0 in range(0, len(cols), CHUNK):
        rows = index[:min(CHUNK, len(cols) - r0)]
        for c, (code, start) in enumerate(zip(codes, starts, strict=True)):
            np.add(code[r0:r0 + len(rows)], start, out=rows[:, c], casting="unsafe")
        write(join(rows.reshape(-1)))


def _csv_cell(value: Any) -> str:
    """A cell as ``csv.writer`` writes it inside a row (quoted when needed)."""
    text = "" if value is None else str(value)
    if not _SPECIAL.search(text):
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([text])
    return out.getvalue()[:-1]


def _csv_cells(values: Sequence[Any]) -> list[str]:
    """:func:`_csv_cell` of each value; one search of all the texts when none needs quoting (the usual case)."""
    texts = ["" if v is None else str(v) for v in values]
    return texts if not _SPECIAL.search("".join(texts)) else [_csv_cell(t) for t in texts]


def _stream_size(cols: IndicatorColumns, keys: Sequence[str], encoded: list[list[bytes]]) -> int:
    """How many bytes :func:`_stream` writes: each encoded value's length times the rows that hold it."""
    total = 0
    for k, pieces in zip(keys, encoded, strict=True):
        if len(cols) and pieces:
            lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
            total += int(np.bincount(cols.codes[k], minlength=len(pieces)) @ lengths)
    return total


def _csv_parts(cols: IndicatorColumns, keys: Sequence[str], header: Sequence[str] | None) -> tuple[bytes, list[list[bytes]]]:
    """What :func:`write_csv` writes: the header line, and each column's distinct cells encoded with their separator."""
    head = b""
    if header is not None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(list(header))
        head = out.getvalue().encode("utf-8")
    seps = ["," if c < len(keys) - 1 else "\n" for c in range(len(keys))]
    return head, [[f"{cell}{sep}".encode() for cell in _csv_cells(cols.values[k])]
                  for k, sep in zip(keys, seps, strict=True)]


def write_csv(cols: IndicatorColumns, keys: Sequence[str], header: Sequence[str] | None, write: Sink) -> None:
    """The rows as CSV (``csv.writer``, ``\\n`` line ends): each distinct cell encoded once (``header`` None: the
    rows alone, to follow other rows)."""
    head, encoded = _csv_parts(cols, keys, header)
    if head:
        write(head)
    _stream(cols, keys, encoded, write)


def csv_size(cols: IndicatorColumns, keys: Sequence[str], header: Sequence[str] | None) -> int:
    """How many bytes :func:`write_csv` writes, without writing them."""
    head, encoded = _csv_parts(cols, keys, header)
    return len(head) + _stream_size(cols, keys, encoded)


def _json_values(values: Sequence[Any]) -> list[str]:
    """``json.dumps(v, ensure_ascii=False)`` for each value: a str through the function ``json`` calls for a str
    (no encoder made per value), anything else (a year, None) once per distinct value."""
    out: list[str] = []
    memo: dict[tuple[type, Any], str] = {}
    for v in values:
        if isinstance(v, str):
            out.append(encode_basestring(v))
            continue
        try:
            text = memo.get((type(v), v))
            if text is None:
                text = memo[(type(v), v)] = json.dumps(v, ensure_ascii=False)
        except TypeError:  # unhashable
            text = json.dumps(v, ensure_ascii=False)
        out.append(text)
    return out


def close_json(f: Any, rows: int) -> None:
    """End a JSON list in the file ``f`` whose parts were all written with ``closing=False`` (:func:`write_json`),
    ``rows`` records in all, as the last part would have ended it."""
    if rows:
        f.seek(-2, 2)  # the last record's "},\n" becomes "}\n]\n"
        f.truncate()
        f.write(b"\n]\n")
    else:
        f.seek(0)
        f.truncate()
        f.write(b"[]\n")


def _json_parts(cols: IndicatorColumns, keys: Sequence[str]) -> list[list[bytes]]:
    """Each column's distinct values as :func:`write_json` writes them in a record (with the key, and what opens
    or ends the record)."""
    last = len(keys) - 1
    encoded = []
    for c, k in enumerate(keys):
        head = " {\n" if c == 0 else ""
        tail = ",\n" if c < last else "\n },\n"
        name = f"{head}  {json.dumps(k)}: "
        encoded.append([f"{name}{v}{tail}".encode() for v in _json_values(cols.values[k])])
    return encoded


def json_size(cols: IndicatorColumns, keys: Sequence[str], *, opening: bool) -> int:
    """How many bytes :func:`write_json` writes with ``closing=False`` (a part others follow), without writing them."""
    return (2 if opening else 0) + _stream_size(cols, keys, _json_parts(cols, keys))


def write_json(cols: IndicatorColumns, keys: Sequence[str], write: Sink, *, opening: bool = True,
               closing: bool = True) -> None:
    """The rows as ``json.dumps(records, ensure_ascii=False, indent=1) + "\\n"`` writes them.

    A long list can be written in parts, each part's rows in turn: the first part with
    ``closing=False``, the middle ones with neither, the last with ``opening=False`` (each
    part then needs a row).
    """
    if len(cols) == 0 and opening and closing:
        write(b"[]\n")
        return
    encoded = _json_parts(cols, keys)
    if opening:
        write(b"[\n")
    if not closing:
        _stream(cols, keys, encoded, write)
        return
    pending: list[Any] = [b""]

    def hold_last(chunk: Any) -> None:  # the last record ends "}\n]" rather than "},\n"
        write(pending[0])
        pending[0] = chunk

    _stream(cols, keys, encoded, hold_last)
    write(bytes(pending[0])[:-2] + b"\n]\n")
