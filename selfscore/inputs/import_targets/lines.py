"""Reading the export into content lines: page furniture, titles and table headers dropped.

The department (单位名称), the year (from the title), the amount unit and the amount
columns of the table header are read on the way.  :class:`_Stream` joins the content
lines without separators and maps offsets back to line numbers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Final

import attrs

from .text import (
    _AMOUNT_LABEL_RE,
    _AMOUNT_LABELS,
    _BARE_INT,
    _CONTINUED,
    _DEFAULT_AMOUNT_COLUMNS,
    _DEPARTMENT,
    _HEADER_WORD_RE,
    _MARKERS,
    _ORGANISATION,
    _PAGE,
    _SEQ_TAIL,
    _SIGNATURE,
    _TITLE,
    _TOTAL_ROW,
    _TRAILING_UNIT,
    _UNIT,
    _WRAPPED_END,
    _YEAR,
    _fold,
)


@attrs.frozen
class _Line:
    number: int
    text: str
    fold: str
    after_break: bool


@attrs.frozen
class _Doc:
    lines: tuple[_Line, ...]
    department: str
    year: int | None
    unit: str
    columns: tuple[str, ...]


# Header words that may stand alone on a line as text: parts of records and values.
_NEVER_LONE_HEADER: Final[frozenset[str]] = frozenset({"指标值", "实施周期指标值", "年度指标值", "万元", "元", "单位", "金额"})


def _table_header(fold: str) -> str:
    """``"header"`` for a table header line, ``"lone"`` for a lone header word, else ``""``.

    A lone word (``绩效指标``, a header cell wrapped onto its own line) counts only next
    to other page furniture: a line break can leave ``指标值`` alone inside a record.
    """
    words = _HEADER_WORD_RE.findall(fold)
    if not words or re.sub(r"[\s()（）:：/、,，|]", "", _HEADER_WORD_RE.sub("", fold)):
        return ""
    if len(words) >= 2:
        return "header"
    return "" if re.sub(r"\s+", "", words[0]) in _NEVER_LONE_HEADER else "lone"


@attrs.define
class _Meta:
    """What the page furniture says: department, year, amount unit and amount columns."""

    department: str = ""
    year: int | None = None
    unit: str = ""
    columns: tuple[str, ...] = ()


def _join_department(kinds: list[str], folds: list[str], meta: _Meta) -> None:
    """The department's name wrapped onto the next line (…街道办事 / 处): join the end back on.

    Only a short run of Chinese characters that completes an organisation's name
    (办事处, 委员会, 中心 …) is joined, alone or followed by 单位：万元.
    """
    if "department" not in kinds:
        return
    at = kinds.index("department")
    kinds[at] = "drop"
    nxt = next((i for i in range(at + 1, len(kinds)) if kinds[i] != "blank"), None)
    if nxt is None or kinds[nxt] != "content" or not (m := _WRAPPED_END.match(folds[nxt])):
        return
    rest = m.group("rest") or ""
    unit = _UNIT.match(rest)
    end, name = m.group("end"), meta.department
    complete = _ORGANISATION.search(name) and not (name.endswith("街道") and end == "办事处")
    if (rest and not unit) or complete or not _ORGANISATION.search(name + end):
        return
    meta.department += end
    meta.unit = meta.unit or (unit.group("unit") if unit else "")
    kinds[nxt] = "drop"


def _kind(stripped: str, fold: str, meta: _Meta) -> str:
    """One line's kind: blank, int (a bare number), lone (a lone header word), drop or content."""
    if not stripped:
        return "blank"
    if _BARE_INT.match(fold):
        return "int"
    if _PAGE.match(fold) or _CONTINUED.match(fold) or _SIGNATURE.match(fold) or _TOTAL_ROW.match(fold):
        return "drop"
    if _TITLE.search(fold) and not _MARKERS.search(fold):
        if meta.year is None and (m := _YEAR.search(fold)):
            meta.year = int(m.group(1))
        return "drop"
    if m := _UNIT.match(fold):
        meta.unit = meta.unit or m.group("unit")
        return "drop"
    header = _table_header(fold)
    if header == "lone":
        return "lone"
    if header:
        found = tuple(re.sub(r"\s+", "", m.group(0)) for m in re.finditer(_AMOUNT_LABEL_RE, fold))
        if found:
            meta.columns = found
        if "万元" in fold and not meta.unit:
            meta.unit = "万元"
        return "drop"
    if m := _DEPARTMENT.match(fold):
        if not meta.department:
            name, fold_name = stripped[m.start("name") :].strip(), fold[m.start("name") :].strip()
            if u := _TRAILING_UNIT.search(fold_name):
                name = name[: u.start()].rstrip()
                meta.unit = meta.unit or u.group("unit")
            meta.department = name
        return "department"
    return "content"


def _resolve_lone(kinds: list[str], folds: list[str], content_like: list[int]) -> tuple[str, ...]:
    """A lone header word next to page furniture is furniture, else text; returns lone amount columns.

    Header cells one per line are a run of lone words, or one next to other furniture.
    """
    lone = [kinds[i] == "lone" for i in content_like]
    header_columns: tuple[str, ...] = ()
    lone_columns: list[str] = []
    for pos, i in enumerate(content_like):
        if lone[pos]:
            near = [p for p in (pos - 1, pos + 1) if 0 <= p < len(content_like)]
            furniture = any(lone[p] or kinds[content_like[p]] == "drop" for p in near)
            kinds[i] = "drop" if furniture else "content"
            word = re.sub(r"\s+", "", folds[i])
            if furniture and word in _AMOUNT_LABELS and not header_columns:
                lone_columns.append(word)
        elif lone_columns:
            header_columns, lone_columns = tuple(lone_columns), []
    if lone_columns and not header_columns:
        header_columns = tuple(lone_columns)
    return header_columns


def _resolve_ints(kinds: list[str], folds: list[str], content_like: list[int]) -> None:
    """A bare number next to page furniture (or at either end of the file) is a page number.

    Unless it is a record's number broken off its 、 (``1`` / ``第3页`` / ``、1-产出指标``).
    """
    original = list(kinds)
    for pos, i in enumerate(content_like):
        if kinds[i] != "int":
            continue
        before = kinds[content_like[pos - 1]] if pos > 0 else "edge"
        after = kinds[content_like[pos + 1]] if pos + 1 < len(content_like) else "edge"
        ahead = [k for k in content_like[pos + 1 : pos + 8] if kinds[k] in ("content", "int")][:3]
        if ahead and _SEQ_TAIL.match("".join(folds[k] for k in ahead)):
            direct = pos + 1 < len(content_like) and content_like[pos + 1] == ahead[0]
            if direct or pos == 0 or original[content_like[pos - 1]] == "content":
                kinds[i] = "content"
                continue
        kinds[i] = "page-number" if "drop" in (before, after) or "edge" in (before, after) else "content"


def _read_lines(text: str) -> _Doc:
    """The export's content lines (numbered from 1), with what its page furniture says."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    folds = [_fold(line) for line in raw]
    meta = _Meta()
    kinds = [_kind(line, fold, meta) for line, fold in zip(raw, folds, strict=True)]
    _join_department(kinds, folds, meta)
    content_like = [i for i, k in enumerate(kinds) if k != "blank"]
    header_columns = _resolve_lone(kinds, folds, content_like)
    _resolve_ints(kinds, folds, content_like)
    lines: list[_Line] = []
    after_break = True
    for number, (line, fold, kind) in enumerate(zip(raw, folds, kinds, strict=True), start=1):
        if kind in ("drop", "page-number"):
            after_break = True
        elif kind == "content":
            lines.append(_Line(number, line, fold, after_break))
            after_break = False
    columns = meta.columns or header_columns or _DEFAULT_AMOUNT_COLUMNS
    return _Doc(tuple(lines), meta.department, meta.year, meta.unit, columns)


class _Stream:
    """The content lines joined without separators, with a map back to line numbers."""

    def __init__(self, lines: Sequence[_Line]) -> None:
        self.lines = tuple(lines)
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line.text)
        self.raw = "".join(line.text for line in self.lines)
        self.fold = "".join(line.fold for line in self.lines)
        self.ends = {self.starts[i] + len(line.text) for i, line in enumerate(self.lines)}

    def index_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def line_at(self, offset: int) -> int:
        return self.lines[self.index_at(offset)].number if self.lines else 1

    def line_end_after(self, offset: int) -> int:
        i = self.index_at(offset)
        return self.starts[i] + len(self.lines[i].text)

    def pieces(self, start: int, end: int) -> list[tuple[_Line, str, str]]:
        """The parts of content lines inside [start, end): (line, raw, folded)."""
        found: list[tuple[_Line, str, str]] = []
        if start >= end:
            return found
        for i in range(self.index_at(start), len(self.lines)):
            s = self.starts[i]
            if s >= end:
                break
            line = self.lines[i]
            a, b = max(start, s) - s, min(end, s + len(line.text)) - s
            if a < b:
                found.append((line, line.text[a:b], line.fold[a:b]))
        return found
