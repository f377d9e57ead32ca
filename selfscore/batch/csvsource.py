"""Plain CSV read by columns: each column's distinct texts and every row's index into them.

:class:`CodedSource` is what the table reader takes a column at a time (from pyarrow,
:mod:`selfscore.batch.arrow`, or from :class:`_PlainCsv`, which cuts a plain UTF-8
CSV with numpy); :func:`_split_csv` is the row-by-row reader for everything else.
The cell words the reader derives (stripped texts, 越低越好 yes/no) are here too.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, Final

import numpy as np

from selfscore.core.errors import InputError, Problem
from selfscore.inputs.cells import check_quotes

__all__ = ["CodedSource"]

_TRUE: Final = frozenset({"true", "yes", "1", "是", "y", "t"})
_FALSE: Final = frozenset({"false", "no", "0", "否", "n", "f"})
_LOWER: Final[dict[str, bool | None]] = {"": None, **{k: True for k in _TRUE}, **{k: False for k in _FALSE}}


def _word(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_")


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


def _bool(text: str) -> bool | str | None:
    t = _word(text)
    if not t:
        return None
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return f"越低越好 应为 是/否 (lower_is_better must be yes/no): “{text}”"


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


class CodedSource:
    """A table read column by column: each column's distinct texts and every data row's index into them.

    Subclasses give :meth:`column` and :meth:`rows`; :meth:`derived` and :meth:`any` work on the
    distinct values only.  ``n`` data rows follow the header, data row ``r`` on line ``r + 2``.
    A column's texts are distinct and each is held by some row (so a test over all rows is a test
    over the texts, and the codes of all rows use every text).
    """

    header: list[str]
    n: int

    def __init__(self) -> None:
        self._derived: dict[tuple[int, str], tuple[list[Any], np.ndarray]] = {}
        self._tests: dict[tuple[int, str, str], np.ndarray] = {}

    def column(self, j: int) -> tuple[list[str], np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def rows(self, r0: int, r1: int) -> list[list[str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def derived(self, j: int, how: str, f: Callable[[str], Any]) -> tuple[list[Any], np.ndarray]:
        """``f`` of column ``j``'s texts: its distinct results, and every row's index into them (the column's
        own codes when no two texts give the same result)."""
        key = (j, how)
        found = self._derived.get(key)
        if found is None:
            values, codes = self.column(j)
            results = list(map(f, values))
            index = {v: c for c, v in enumerate(dict.fromkeys(results))}
            if len(index) == len(results):  # one result per text: the same codes
                found = self._derived[key] = (results, codes)
            else:
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
        if r0 == 0 and r1 == self.n:  # every text is held by some row
            return bool(mask.any())
        return bool(mask[codes[r0:r1]].any())


class _PlainCsv(CodedSource):
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
        super().__init__()
        self.data = data
        self.header = header
        self.delimiter = delimiter
        self.n = len(first)
        self.first = first  # per data row: its first cell
        self.blank = blank
        self.line_start = line_start
        self.line_end = line_end
        self.seps = seps  # a cell starts after the separator before it
        self.cell_end = cell_end
        # the eight bytes from each offset on, up to the last offset with eight bytes, as one uint64 (unaligned,
        # little-endian); a short text is padded (a long one is not copied: the last words are shifted instead)
        padded = data if len(data) >= 8 else data + bytes(8)
        self.last = len(padded) - 8
        self.window = np.ndarray(shape=(self.last + 1,), dtype="<u8", buffer=padded, offset=0, strides=(1,))
        self._columns: dict[int, tuple[list[str], np.ndarray]] = {}

    @classmethod
    def of(cls, raw: bytes, text: str | None, encoding: str, delimiter: str) -> _PlainCsv | None:
        """``raw`` cut up, or None if it is not plain.  ``text``: ``raw`` decoded (as ``encoding``); None to take
        ``raw`` as UTF-8 (with or without BOM) without decoding it whole: then every column is read at once, and
        None unless each is UTF-8 (cells lie between ASCII delimiters and newlines, so the file is UTF-8 exactly
        when its distinct cells are)."""
        if text is None:
            data = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        elif encoding in ("UTF-8", "UTF-8 (BOM)"):
            data = raw[3:] if encoding == "UTF-8 (BOM)" else raw
        else:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                return None
        if b'"' in data or b"\x00" in data:
            return None
        try:
            found = cls._cut(data, delimiter)
            if found is not None and text is None:
                for j in range(len(found.header)):
                    found.column(j)
        except UnicodeDecodeError:
            return None
        return found

    @classmethod
    def _cut(cls, data: bytes, delimiter: str) -> _PlainCsv | None:
        crlf = b"\r" in data
        if crlf and data.count(b"\r") != data.count(b"\r\n"):
            return None
        buf = np.frombuffer(data, dtype=np.uint8)
        seps = _separators(buf, ord(delimiter))
        if not data.endswith(b"\n"):
            seps = np.append(seps, len(data))
        is_nl = np.ones(len(seps), dtype=bool)
        is_nl[: len(seps) - (seps[-1] == len(data))] = buf[seps[: len(seps) - (seps[-1] == len(data))]] == 10
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
            found = self._columns[j] = self._distinct(self.seps[cell - 1] + 1, self.cell_end[cell])
        return found

    def rows(self, r0: int, r1: int) -> list[list[str]]:
        """Data rows ``r0:r1`` as :func:`_split_csv` gives them."""
        if r0 >= r1:
            return []
        text = self.data[int(self.line_start[r0]): int(self.line_end[r1 - 1])].decode("utf-8").replace("\r\n", "\n")
        return [line.split(self.delimiter) if line else [] for line in text.split("\n")]

    def _words(self, starts: np.ndarray, lengths: np.ndarray, k: int) -> np.ndarray:
        """Bytes ``8k .. 8k+7`` of the cells as uint64 (zero past a cell's end)."""
        at = starts + 8 * k
        w: np.ndarray = self.window[np.minimum(at, self.last)]
        if len(at) and int(at.max()) > self.last:  # words running past the end: the last word, shifted
            late = np.flatnonzero(at > self.last)
            w[late] >>= (at[late] - self.last).astype(np.uint64) * np.uint64(8)
        masked: np.ndarray = w & _WORD_MASKS[np.minimum(lengths - 8 * k, 8)]
        return masked

    def _distinct(self, starts: np.ndarray, ends: np.ndarray) -> tuple[list[str], np.ndarray]:
        n = len(starts)
        lengths = ends - starts
        h = lengths.astype(np.uint64)
        words = [(np.arange(0), self._words(starts, lengths, 0))]  # per eight bytes: the cells that long, their words
        h ^= words[0][1]
        h *= _MIX
        k, rows = 1, np.flatnonzero(lengths > 8)  # longer cells, eight more bytes at a time
        while len(rows):
            words.append((rows, self._words(starts[rows], lengths[rows], k)))
            h[rows] = (h[rows] ^ words[-1][1]) * _MIX
            k += 1
            rows = rows[lengths[rows] > 8 * k]
        h ^= h >> np.uint64(29)
        first, codes = _unique_runs(h)
        rep = first[codes]
        # each cell equals its group's first cell, byte for byte (a cell and its first are as long, so both
        # have words up to the same k)
        same = bool(np.array_equal(lengths[rep], lengths)) and bool(np.array_equal(words[0][1], words[0][1][rep]))
        scratch = np.empty(n if len(words) > 1 else 0, dtype=np.uint64)
        for rows, w in words[1:]:
            if not same:
                break
            scratch[rows] = w
            same = bool(np.array_equal(w, scratch[rep[rows]]))
        del words, scratch
        data = self.data
        if not same:  # a 64-bit hash collision between two different cells
            texts = [data[a:b].decode("utf-8") for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
            index = {t: c for c, t in enumerate(dict.fromkeys(texts))}
            return list(index), np.fromiter(map(index.__getitem__, texts), dtype=np.int64, count=n)
        return _texts(data, starts[first], ends[first]), codes.astype(np.int64, copy=False)


def _separators(buf: np.ndarray, delimiter: int) -> np.ndarray:
    """The offsets of newlines and delimiters in ``buf``, found a block at a time (the temporaries stay small)."""
    step = 1 << 20
    parts = [np.flatnonzero((block == 10) | (block == delimiter)) + a
             for a in range(0, len(buf), step) for block in (buf[a:a + step],)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _unique_runs(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(h, return_index=True, return_inverse=True)[1:]``, sorting one element per run of equal ones
    when there are few runs (a column of departments, each on many rows in a row)."""
    n = len(h)
    change = np.ones(n, dtype=bool)
    np.not_equal(h[1:], h[:-1], out=change[1:])
    heads = np.flatnonzero(change)
    if 4 * len(heads) > n:
        _u, first, codes = np.unique(h, return_index=True, return_inverse=True)
        return first, codes.reshape(-1)
    _u, first, codes = np.unique(h[heads], return_index=True, return_inverse=True)
    return heads[first], np.repeat(codes.reshape(-1), np.diff(heads, append=n))


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
    check_quotes(text, file)  # a quote never closed would swallow the rest of the file as one cell
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise InputError([Problem(f"CSV 格式错误 (CSV syntax error): {exc}", file)]) from None
