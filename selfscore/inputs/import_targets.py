"""Importing project target tables (项目支出绩效目标表) exported from the budget system.

The export is PDF text.  Each project's indicators run together as numbered records::

    1、1-产出指标；11-数量指标；开展示例活动次数；实施周期指标值:≥3次；年度指标值:≥3
    次。2、2-效益指标；22-社会效益；示例覆盖率；实施周期指标值:100%；年
    度指标值:100%。

preceded by the project's name, its amounts (总计, 财政拨款, 其他资金) and its goal
text.  Line breaks fall anywhere (inside codes, names, values and the labels
实施周期指标值 / 年度指标值), pages repeat rows, and page headers, table headers and
stray numbers sit between records.

:func:`parse_target_export` recovers every record it can and says what it dropped
or could not read, with line numbers; :func:`case_skeleton` and
:func:`department_skeleton` write case files (TOML) ready for the actual values.
Everything here is pure: no file I/O, no printing, no floats.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

import attrs

from selfscore.core.errors import TargetError
from selfscore.core.targets import _read_unit, parse_target

__all__ = [
    "LEVEL1",
    "LEVEL2",
    "NOTICE_KINDS",
    "ImportMessage",
    "ImportResult",
    "ImportedIndicator",
    "ImportedProject",
    "case_file_name",
    "case_skeleton",
    "department_skeleton",
    "parse_target_export",
    "toml_string",
]

#: Level-1 codes (一级指标) of project target tables.
LEVEL1: Final[dict[str, str]] = {"1": "产出指标", "2": "效益指标", "3": "满意度指标"}

#: Level-2 codes (二级指标); the first digit is the level-1 code.
LEVEL2: Final[dict[str, str]] = {
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "14": "成本指标",
    "21": "经济效益",
    "22": "社会效益",
    "23": "生态效益",
    "24": "可持续影响",
    "31": "服务对象满意度",
}

_LEVEL2_NAMES: Final[frozenset[str]] = frozenset(name.removesuffix("指标") for name in LEVEL2.values())

# Message kinds.  Notices: things dropped on purpose.  Warnings: things to look at.
NOTICE_KINDS: Final[frozenset[str]] = frozenset({"duplicate", "truncated-duplicate", "stray", "repeated-header"})


# ---------------------------------------------------------------------------------------------
# Result types


@attrs.frozen
class ImportMessage:
    """A notice or warning about one place in the input (``line`` is 1-based).

    ``kind`` names the case.  Notices (:data:`NOTICE_KINDS`, text dropped on purpose):
    ``duplicate``, ``truncated-duplicate``, ``repeated-header``, ``stray``.  Warnings
    (to look at): ``mixed-codes``, ``code-name``, ``unknown-code``, ``missing-code``,
    ``unparseable``, ``no-values``, ``no-annual``, ``target``, ``numbering``,
    ``duplicate-name``, ``merged``, ``page-number``, ``no-terminator``, ``no-project-name``, ``no-indicators``,
    ``no-amounts``, ``amount-columns``.  ``text`` is Chinese with the English term.
    """

    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.text}"


@attrs.frozen
class ImportedIndicator:
    """One indicator record of a project target table, as exported.

    ``seq`` is the record's number (``None`` when the export lost it); codes are
    ASCII digit text (``"1"``, ``"11"``, also from full-width ``１１``; empty when
    missing); names and values are the raw text with line breaks removed (and the
    record's closing 。 dropped); ``annual_value`` is empty when the record had none.
    ``position`` is the input line where the record starts.
    """

    seq: int | None
    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    name: str
    cycle_value: str
    annual_value: str
    position: int

    @property
    def target(self) -> str:
        """The value a case scores against: the annual value, else the cycle value."""
        return self.annual_value or self.cycle_value


@attrs.frozen
class ImportedProject:
    """A project (项目) with its amounts (label, exact Decimal, in text order), goal and indicators."""

    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    indicators: tuple[ImportedIndicator, ...]
    position: int

    def amount(self, label: str) -> Decimal | None:
        """The amount with this label (总计, 财政拨款, 其他资金 ...), or None."""
        for key, value in self.amounts:
            if key == label:
                return value
        return None


@attrs.frozen
class ImportResult:
    """What :func:`parse_target_export` recovered, and what it dropped or could not read."""

    projects: tuple[ImportedProject, ...]
    notices: tuple[ImportMessage, ...]
    warnings: tuple[ImportMessage, ...]
    department: str = ""
    year: int | None = None
    amount_unit: str = ""

    @property
    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


# ---------------------------------------------------------------------------------------------
# Characters and patterns.  Matching runs on a per-character normalised copy of the text
# (full-width digits and punctuation folded to ASCII), so offsets match the raw text and
# every value is cut from the raw text unchanged.

_FOLD: Final[dict[str, str]] = {"—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-", "～": "~"}


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _fold(text: str) -> str:
    return "".join(_fold_char(ch) for ch in text)


def _compact(text: str) -> str:
    """Text for comparisons: folded, without whitespace."""
    return re.sub(r"\s+", "", _fold(text))


def _spaced(word: str) -> str:
    """A regex for ``word`` that allows whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


_SEQ_START = re.compile(
    r"(?P<seq>\d{1,3})\s*[、.]\s*(?P<code>\d)\s*-\s*"
    r"(?=[^;。]{0,12}?指\s*标|[^;。]{0,12}?;\s*\d\s*\d\s*-)"
)
# A record whose number was lost: only with a level-1 name we know.
_BARE_START = re.compile(r"(?<![\d.、])(?P<code>\d)\s*-\s*(?=(?:产\s*出|效\s*益|满\s*意\s*度)\s*指\s*标)")
_CYCLE_LABEL = re.compile(_spaced("实施周期指标值") + r"\s*:?")
_ANNUAL_LABEL = re.compile(_spaced("年度指标值") + r"\s*:?")
_LEVEL1_FIELD = re.compile(r"^(\d)\s*-\s*(.*)$", re.S)
_LEVEL2_FIELD = re.compile(r"^(\d)\s*(\d)\s*-\s*(.*)$", re.S)
_VALUE_WORD = re.compile(r"指\s*标\s*值")
_MARKERS = re.compile(r"指\s*标\s*值|\d\s*-\s*(?:产出|效益|满意度)\s*指\s*标|;\s*\d\d\s*-")

_PAGE = re.compile(
    r"^(?:第\s*\d+\s*页\s*(?:[,/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*(?:[,/]?\s*第\s*\d+\s*页)?"
    r"|-\s*\d+\s*-|\d+\s*/\s*\d+|page\s*\d+(?:\s*(?:of|/)\s*\d+)?)$",
    re.I,
)
_BARE_INT = re.compile(r"^\d{1,4}$")
_SEQ_TAIL = re.compile(r"^[、.]\s*\d\s*-")
# a title line ends with 绩效目标表, perhaps with (2024年) or (续)
_TITLE = re.compile(r"绩\s*效\s*目\s*标\s*表\s*(?:\([^()]*\))?\s*$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CONTINUED = re.compile(r"^[(\[]?\s*续\s*(?:表|上页|前页)?\s*[)\]]?$")
_SIGNATURE = re.compile(r"^(?:填报人|联系人|联系电话|审核人|负责人|制表人|单位负责人|财务负责人|填报日期|打印时间)\s*[:：]")
# a totals row of the whole table (a project's own 合计：… has a colon)
_TOTAL_ROW = re.compile(r"^(?:本\s*页\s*)?(?:合\s*计|小\s*计)\s*[\d,.\s]+$")
_DEPARTMENT = re.compile(r"^(?:单位名称|预算单位|填报单位|部门名称)\s*[:\s]\s*(?P<name>\S.*)$")
_UNIT = re.compile(r"^(?:金额)?单\s*位\s*[:]\s*(?P<unit>万元|元|千元)\s*$")

# Words of table headers; a line made only of these is a table header.
_HEADER_WORDS: Final[tuple[str, ...]] = tuple(
    sorted(
        {
            "单位名称", "项目名称", "项目编码", "项目代码", "项目类型", "项目类别", "序号", "总计", "合计",
            "资金总额", "项目总额", "财政拨款", "财政资金", "其他资金", "上年结转", "单位资金", "专户资金",
            "项目绩效目标", "年度绩效目标", "总体绩效目标", "绩效目标", "绩效指标", "一级指标", "二级指标",
            "三级指标", "指标值", "实施周期指标值", "年度指标值", "指标内容", "单位", "万元", "元", "金额",
            "预算金额", "资金来源", "项目支出", "预算数",
        },
        key=len,
        reverse=True,
    )
)
_HEADER_WORD_RE = re.compile("|".join(_spaced(w) for w in _HEADER_WORDS))

_AMOUNT_LABELS: Final[tuple[str, ...]] = (
    "资金总额", "项目总额", "总计", "合计", "财政拨款", "财政资金", "其他资金", "上年结转", "单位资金", "专户资金",
)
_AMOUNT_LABEL_RE = "|".join(_spaced(w) for w in _AMOUNT_LABELS)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_LABELLED_AMOUNT = re.compile(rf"(?P<label>{_AMOUNT_LABEL_RE})\s*(?:\(\s*(?:万元|元)\s*\))?\s*:?\s*(?P<value>{_NUMBER})")
_AMOUNTS_ONLY = re.compile(rf"^(?:{_NUMBER})(?:\s+(?:{_NUMBER}))*$")
# 社区办公经费 120.00 120.00 0.00 开展…: name, amounts and goal on one line (layout-preserving exports)
_INLINE_AMOUNTS = re.compile(
    rf"^(?P<pre>.*?[^\d\s,.])\s+(?P<nums>(?:{_NUMBER})(?:\s+(?:{_NUMBER}))*)(?:\s+(?P<post>[^\d\s万元%].*))?$"
)
_NAME_LABEL = re.compile(r"^项\s*目\s*名\s*称\s*[:]\s*(?P<rest>.*)$")
_GOAL_LABEL = re.compile(r"^(?:项\s*目)?\s*(?:年\s*度|总\s*体|中\s*期)?\s*(?:绩\s*效)?\s*目\s*标\s*[:]\s*(?P<rest>.*)$")
_DEFAULT_AMOUNT_COLUMNS: Final[tuple[str, ...]] = ("总计", "财政拨款", "其他资金")
_PUNCT_ONLY = re.compile(r"^[\s。.,;:、!?！？，；：…·\-()（）\"'“”‘’]*$")


def _excerpt(text: str, limit: int = 40) -> str:
    flat = re.sub(r"\s+", "", text)
    return flat if len(flat) <= limit else flat[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# Lines and the joined stream


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


def _read_lines(text: str) -> _Doc:
    if text.startswith("\ufeff"):
        text = text[1:]
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kinds: list[str] = []  # "blank", "drop", "content", "int"
    department, year, unit = "", None, ""
    columns: tuple[str, ...] = ()
    for line in raw:
        stripped = line.strip()
        fold = _fold(stripped)
        if not stripped:
            kinds.append("blank")
            continue
        if _BARE_INT.match(fold):
            kinds.append("int")
            continue
        if _PAGE.match(fold) or _CONTINUED.match(fold) or _SIGNATURE.match(fold) or _TOTAL_ROW.match(fold):
            kinds.append("drop")
            continue
        if _TITLE.search(fold) and not _MARKERS.search(fold):
            if year is None and (m := _YEAR.search(fold)):
                year = int(m.group(1))
            kinds.append("drop")
            continue
        if m := _UNIT.match(fold):
            unit = unit or m.group("unit")
            kinds.append("drop")
            continue
        header = _table_header(fold)
        if header == "lone":
            kinds.append("lone")
            continue
        if header:
            found = tuple(
                re.sub(r"\s+", "", m.group(0)) for m in re.finditer(_AMOUNT_LABEL_RE, fold)
            )
            if found:
                columns = found
            if "万元" in fold and not unit:
                unit = "万元"
            kinds.append("drop")
            continue
        if m := _DEPARTMENT.match(fold):
            department = department or stripped[m.start("name") :].strip()
            kinds.append("drop")
            continue
        kinds.append("content")
    # A lone header word next to page furniture is furniture.  A bare number next to page
    # furniture (or at either end of the file) is a page number, unless it is a record's
    # number broken off its 、 (``1`` / ``第3页`` / ``、1-产出指标``).
    content_like = [i for i, k in enumerate(kinds) if k != "blank"]
    lone = [kinds[i] == "lone" for i in content_like]
    header_columns: tuple[str, ...] = ()
    lone_columns: list[str] = []

    def fold_of(i: int) -> str:
        return _fold(raw[i].strip())

    for pos, i in enumerate(content_like):
        if lone[pos]:
            # header cells one per line: a run of lone words, or one next to other furniture
            near = [p for p in (pos - 1, pos + 1) if 0 <= p < len(content_like)]
            furniture = any(lone[p] or kinds[content_like[p]] == "drop" for p in near)
            kinds[i] = "drop" if furniture else "content"
            word = re.sub(r"\s+", "", fold_of(i))
            if furniture and word in _AMOUNT_LABELS and not header_columns:
                lone_columns.append(word)
        elif lone_columns:
            header_columns, lone_columns = tuple(lone_columns), []
    if lone_columns and not header_columns:
        header_columns = tuple(lone_columns)
    columns = columns or header_columns
    original = list(kinds)
    for pos, i in enumerate(content_like):
        if kinds[i] != "int":
            continue
        before = kinds[content_like[pos - 1]] if pos > 0 else "edge"
        after = kinds[content_like[pos + 1]] if pos + 1 < len(content_like) else "edge"
        ahead = [k for k in content_like[pos + 1 : pos + 8] if kinds[k] in ("content", "int")][:3]
        if ahead and _SEQ_TAIL.match("".join(fold_of(k) for k in ahead)):
            direct = pos + 1 < len(content_like) and content_like[pos + 1] == ahead[0]
            if direct or pos == 0 or original[content_like[pos - 1]] == "content":
                kinds[i] = "content"
                continue
        kinds[i] = "page-number" if "drop" in (before, after) or "edge" in (before, after) else "content"
    lines: list[_Line] = []
    after_break = True
    for number, (line, kind) in enumerate(zip(raw, kinds, strict=True), start=1):
        if kind in ("drop", "page-number"):
            after_break = True
        elif kind == "content":
            stripped = line.strip()
            lines.append(_Line(number, stripped, _fold(stripped), after_break))
            after_break = False
    return _Doc(tuple(lines), department, year, unit, columns or _DEFAULT_AMOUNT_COLUMNS)


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


# ---------------------------------------------------------------------------------------------
# Records


@attrs.frozen
class _Record:
    start: int
    end: int
    seq: int | None
    code: str
    body: int  # offset of the level-1 code
    closed: bool = True  # ends with its terminator (。)
    unterminated: bool = False  # cut before a project header for want of a terminator


def _find_records(stream: _Stream) -> list[_Record]:
    fold = stream.fold
    starts: list[tuple[int, int | None, str, int]] = []
    line_starts = set(stream.starts)
    pos = 0
    previous_seq = 0
    while m := _SEQ_START.search(fold, pos):
        start, seq_text = m.start(), m.group("seq")
        # a number glued to digits before it is not a record number, unless a line starts there
        if start > 0 and fold[start - 1] in "0123456789." and start not in line_starts:
            pos = start + 1
            continue
        # a line holding only a number just before the record: a page number, or the first
        # digit of a record number broken across lines; the numbering decides
        if int(seq_text) != previous_seq + 1:
            for split in range(start + 1, m.end("seq")):
                if split in line_starts and int(fold[split : m.end("seq")]) in (previous_seq + 1, previous_seq, 1):
                    start, seq_text = split, fold[split : m.end("seq")]
                    break
        starts.append((start, int(seq_text), m.group("code"), m.start("code")))
        previous_seq = int(seq_text)
        pos = m.end()
    for m in _BARE_START.finditer(fold):
        if not any(s <= m.start() <= body for s, _, _, body in starts):
            starts.append((m.start(), None, m.group("code"), m.start()))
    starts.sort()
    records: list[_Record] = []
    for i, (start, seq, code, body) in enumerate(starts):
        limit = starts[i + 1][0] if i + 1 < len(starts) else len(fold)
        end, closed, unterminated = _record_end(stream, body, limit)
        records.append(_Record(start, end, seq, code, body, closed, unterminated))
    return records


def _is_terminator(fold: str, k: int) -> bool:
    ch = fold[k]
    return ch == "。" or (ch == "." and (k == 0 or not fold[k - 1].isdigit()))


def _record_end(stream: _Stream, body: int, limit: int) -> tuple[int, bool, bool]:
    """Where a record ends, whether it ends with a terminator, and whether it was cut for want of one.

    A record ends at the first 。 after its last label that closes a line (else at the
    first 。 after it), or where the next record starts.  A record whose value has no
    。 must not swallow the next project's header: at an amounts row (or a 项目名称：
    / 绩效目标： line) with no indicator text after it, the record ends with the
    line its value starts on.
    """
    fold = stream.fold
    annual = _ANNUAL_LABEL.search(fold, body, limit)
    cycle = _CYCLE_LABEL.search(fold, body, limit)
    anchor = annual.end() if annual else cycle.end() if cycle else body
    value = anchor
    while value < limit and fold[value].isspace():
        value += 1
    value_end = min(stream.line_end_after(value), limit) if value < limit else limit
    stop = limit
    i = stream.index_at(value_end)
    while i < len(stream.lines) and stream.starts[i] < limit:
        line, at = stream.lines[i], stream.starts[i]
        if (
            at >= value_end
            and (_NAME_LABEL.match(line.fold) or _GOAL_LABEL.match(line.fold) or _is_amounts_line(line.fold))
            and not _VALUE_WORD.search(fold, at, limit)
        ):
            stop = at
            break
        i += 1
    anywhere = None
    for k in range(anchor, stop):
        if _is_terminator(fold, k):
            if k + 1 in stream.ends or k + 1 == limit:
                return k + 1, True, False
            if anywhere is None:
                anywhere = k + 1
    if anywhere is not None:
        return anywhere, True, False
    if stop < limit:
        return value_end, False, True
    return limit, False, False


def _split_fields(raw: str, fold: str) -> list[tuple[int, str]]:
    """Fields separated by ；/; as (offset, stripped text), empty fields left out."""
    fields, last = [], 0
    for m in [*re.finditer(";", fold), None]:
        end = m.start() if m else len(raw)
        piece = raw[last:end]
        if piece.strip():
            fields.append((last + len(piece) - len(piece.lstrip()), piece.strip()))
        if m:
            last = m.end()
    return fields


def _clean_value(raw: str, *, final: bool) -> str:
    value = raw.strip()
    while value and _fold(value[-1]) == ";":
        value = value[:-1].rstrip()
    if final and value and _fold(value[-1]) in "。." and not (len(value) > 1 and value[-2].isdigit() and value[-1] == "."):
        value = value[:-1].rstrip()
    return value


@attrs.frozen
class _Parsed:
    indicator: ImportedIndicator | None
    compact: str
    merged: bool = False  # a label occurs twice: text of another record ran into this one


_VALUE_OPEN = re.compile(r"指标值\s*[:：][^;；]*$")


def _value_continues(pieces: Sequence[tuple[_Line, str, str]], idx: int) -> bool:
    """A bare number inside a value, followed by its unit (消杀天数 / 22 / 天以上), is content."""
    so_far = "".join(raw for _, raw, _ in pieces[:idx])
    return bool(_VALUE_OPEN.search(so_far)) and bool(_read_unit(pieces[idx + 1][2].lstrip()))


def _record_view(stream: _Stream, rec: _Record) -> tuple[_Stream, int, list[ImportMessage]]:
    """The record's own text, without amounts rows (and a repeated project header) inside it.

    A page break inside a record can bring the project's name and amounts, or a bare
    page number, into the middle of it; such whole lines are taken out.  Returns the
    view, the record body's offset in it, and the messages saying what was taken out.
    """
    pieces = stream.pieces(rec.start, rec.end)
    excluded: set[int] = set()
    messages: list[ImportMessage] = []
    offsets = [rec.start]
    for _, raw, _ in pieces:
        offsets.append(offsets[-1] + len(raw))
    for idx in range(1, len(pieces) - 1):
        line, raw, _ = pieces[idx]
        if raw != line.text or offsets[idx] <= rec.body:
            continue
        if _BARE_INT.match(line.fold):
            # a page number between two lines of text: 实施周 / 2 / 期指标值
            before, after = pieces[idx - 1][2].rstrip()[-1:], pieces[idx + 1][2].lstrip()[:1]
            if (
                before
                and after
                and not re.match(r"[\d.%‰<>=≥≤~:+\-、约为达第]", before)
                and not re.match(r"[\d.%‰\-、]", after)
                and not _value_continues(pieces, idx)
            ):
                excluded.add(idx)
                messages.append(
                    ImportMessage(
                        line.number,
                        "page-number",
                        f"指标记录中单独成行的数字“{line.text}”视为页码已剔除，请核对 "
                        "(a number alone on a line inside a record was taken for a page number and removed; check it)",
                    )
                )
            continue
        if not _is_amounts_line(line.fold):
            continue
        excluded.add(idx)
        run: list[int] = []
        j = idx - 1
        while j >= 1 and j not in excluded and not _MARKERS.search(pieces[j][2]) and ";" not in pieces[j][2]:
            run.append(j)
            if pieces[j][0].after_break:
                break
            j -= 1
        if run and pieces[run[-1]][0].after_break:
            excluded.update(run)
            first = pieces[run[-1]][0].number
            name = "".join(pieces[k][1] for k in reversed(run))
            messages.append(
                ImportMessage(
                    first,
                    "repeated-header",
                    f"指标记录中分页重复的项目表头已剔除 (project header repeated inside a record after a page break; "
                    f"removed)：“{_excerpt(name)}”",
                )
            )
        else:
            messages.append(
                ImportMessage(
                    line.number,
                    "stray",
                    f"指标记录中夹杂的金额行已剔除 (stray amounts row inside a record; removed)：“{line.text}”",
                )
            )
    kept = [
        _Line(line.number, raw, fold, line.after_break)
        for idx, (line, raw, fold) in enumerate(pieces)
        if idx not in excluded
    ]
    body, offset = rec.body - rec.start, 0
    for idx, (_, raw, _) in enumerate(pieces):
        if idx in excluded and offset < rec.body - rec.start:
            body -= len(raw)
        offset += len(raw)
    return _Stream(kept), body, messages


def _parse_record(view: _Stream, body: int, seq: int | None) -> _Parsed:
    raw, fold = view.raw, view.fold
    end = len(raw)
    labels = sorted(
        (m.start(), m.end(), kind)
        for kind, pattern in (("cycle", _CYCLE_LABEL), ("annual", _ANNUAL_LABEL))
        if (m := pattern.search(fold, body, end))
    )
    merged = any(len(pattern.findall(fold, body, end)) > 1 for pattern in (_CYCLE_LABEL, _ANNUAL_LABEL))
    head_end = labels[0][0] if labels else end
    values = {"cycle": "", "annual": ""}
    for i, (_, label_end, kind) in enumerate(labels):
        stop = labels[i + 1][0] if i + 1 < len(labels) else end
        values[kind] = _clean_value(raw[label_end:stop], final=i + 1 == len(labels))
    head_text, head_fold = raw[body:head_end], fold[body:head_end]
    fields = _split_fields(head_text, head_fold)
    l1_code = l1_name = l2_code = l2_name = ""
    if fields and (m := _LEVEL1_FIELD.match(_fold(fields[0][1]))):
        l1_code, l1_name = m.group(1), fields[0][1][m.start(2) :].strip()
        fields = fields[1:]
    if fields and (m := _LEVEL2_FIELD.match(_fold(fields[0][1]))):
        l2_code, l2_name = m.group(1) + m.group(2), fields[0][1][m.start(3) :].strip()
        fields = fields[1:]
    elif len(fields) > 1 and _compact(fields[0][1]).removesuffix("指标") in _LEVEL2_NAMES:
        l2_name = fields[0][1]  # 数量指标 without its code
        fields = fields[1:]
    # the name is everything after the codes, separators inside it kept as written
    name = _clean_value(head_text[fields[0][0] :], final=not labels) if fields else ""
    compact = _compact(raw)
    if not name:
        return _Parsed(None, compact, merged)
    indicator = ImportedIndicator(
        seq=seq,
        level1_code=l1_code,
        level1_name=l1_name,
        level2_code=l2_code,
        level2_name=l2_name,
        name=name,
        cycle_value=values["cycle"],
        annual_value=values["annual"],
        position=view.line_at(0),
    )
    return _Parsed(indicator, compact, merged)


# ---------------------------------------------------------------------------------------------
# Project headers


def _is_amounts_line(fold: str) -> bool:
    text = fold.strip()
    if not _AMOUNTS_ONLY.match(text):
        return False
    numbers = text.split()
    return len(numbers) >= 2 or "." in text or "," in text


def _labelled_amounts_only(fold: str) -> bool:
    rest = _LABELLED_AMOUNT.sub("", fold)
    rest = re.sub(r"[\s,;，；、:()（）]|万元|元", "", rest)
    return bool(_LABELLED_AMOUNT.search(fold)) and not rest


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


@attrs.frozen
class _Header:
    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    position: int
    stray: tuple[tuple[int, str], ...]  # text before the header: (line, text)
    warnings: tuple[ImportMessage, ...]


def _strip_pair(raw: str, fold: str) -> tuple[str, str]:
    """Strip a raw piece and its folded twin by the same offsets."""
    lead = len(raw) - len(raw.lstrip())
    stop = len(raw.rstrip())
    return raw[lead:stop], fold[lead:stop]


def _split_inline(items: list[tuple[_Line, str, str]]) -> list[tuple[_Line, str, str]]:
    """Split lines that hold a name and its amounts side by side into separate items."""
    out: list[tuple[_Line, str, str]] = []
    for line, raw, fold in items:
        m = _NAME_LABEL.match(fold)
        if m and (a := _LABELLED_AMOUNT.search(fold, m.start("rest"))) and _labelled_amounts_only(fold[a.start() :]):
            out.append((line, raw[: a.start()].rstrip(), fold[: a.start()].rstrip()))
            out.append((line, raw[a.start() :], fold[a.start() :]))
            continue
        m = _INLINE_AMOUNTS.match(fold)
        if (
            m
            and not _NAME_LABEL.match(fold)
            and not _GOAL_LABEL.match(fold)
            and not _labelled_amounts_only(fold)
            and _is_amounts_line(m.group("nums"))
        ):
            for group in ("pre", "nums", "post"):
                if m.group(group):
                    lo, hi = m.span(group)
                    out.append((line, raw[lo:hi], fold[lo:hi]))
            continue
        out.append((line, raw, fold))
    return out


def _after(pattern: re.Pattern[str], raw: str, fold: str) -> str:
    m = pattern.match(fold)
    return raw[m.start("rest") :].strip() if m else raw


def _read_header(pieces: list[tuple[_Line, str, str]], columns: tuple[str, ...]) -> _Header | None:
    """A project header in a gap between records, or None when the gap holds none."""
    items = _split_inline([(line, *_strip_pair(raw, fold)) for line, raw, fold in pieces if raw.strip()])
    if not items:
        return None
    kinds = []
    for _line, _raw, fold in items:
        if _NAME_LABEL.match(fold):
            kinds.append("name")
        elif _labelled_amounts_only(fold):
            kinds.append("labelled")
        elif _is_amounts_line(fold):
            kinds.append("amounts")
        elif _GOAL_LABEL.match(fold):
            kinds.append("goal")
        else:
            kinds.append("text")
    warnings: list[ImportMessage] = []
    amounts: list[tuple[str, Decimal]] = []
    goal_parts: list[str] = []
    col = 0  # amount columns used so far by unlabelled amounts (one per line or all on one)
    if "name" in kinds:
        # labelled form: 项目名称：… / 总计：… / 绩效目标：…
        first = kinds.index("name")
        parts = [_after(_NAME_LABEL, items[first][1], items[first][2])]
        j = first + 1
        while j < len(items) and kinds[j] == "text":
            parts.append(items[j][1])
            j += 1
        name = "".join(parts)
        in_goal = False
        for k in range(j, len(items)):
            line, raw, fold = items[k]
            if kinds[k] in ("labelled", "amounts"):
                got = _amounts_of(raw, fold, kinds[k], columns[col:], line.number, warnings)
                col += len(got) if kinds[k] == "amounts" else 0
                amounts.extend(got)
                in_goal = False
            elif kinds[k] == "goal":
                goal_parts.append(_after(_GOAL_LABEL, raw, fold))
                in_goal = True
            elif in_goal or not goal_parts:
                goal_parts.append(raw)
                in_goal = True
        stray = tuple((line.number, raw) for line, raw, _ in items[:first])
        return _Header(name, tuple(amounts), "".join(goal_parts), items[first][0].number, stray, tuple(warnings))
    money = [k for k, kind in enumerate(kinds) if kind in ("amounts", "labelled")]
    if not money:
        return None
    first_money = money[0]
    # table form: the name is the text just before the amounts, back to a page or table break
    k = first_money
    while k > 0 and kinds[k - 1] == "text":
        k -= 1
        if items[k][0].after_break:
            break
    if k == first_money:
        return None
    name = "".join(raw for _, raw, _ in items[k:first_money])
    j = first_money
    while j < len(items) and kinds[j] in ("amounts", "labelled"):
        got = _amounts_of(items[j][1], items[j][2], kinds[j], columns[col:], items[j][0].number, warnings)
        col += len(got) if kinds[j] == "amounts" else 0
        amounts.extend(got)
        j += 1
    goal_parts = [_after(_GOAL_LABEL, raw, fold) for _, raw, fold in items[j:]]
    stray = tuple((line.number, raw) for line, raw, _ in items[:k])
    return _Header(name, tuple(amounts), "".join(goal_parts), items[k][0].number, stray, tuple(warnings))


def _amounts_of(
    raw: str, fold: str, kind: str, columns: tuple[str, ...], line: int, warnings: list[ImportMessage]
) -> list[tuple[str, Decimal]]:
    found: list[tuple[str, Decimal]] = []
    if kind == "labelled":
        for m in _LABELLED_AMOUNT.finditer(fold):
            value = _decimal(m.group("value"))
            if value is not None:
                found.append((re.sub(r"\s+", "", m.group("label")), value))
        return found
    numbers = fold.split()
    if len(numbers) > len(columns):
        warnings.append(
            ImportMessage(
                line,
                "amount-columns",
                f"金额个数多于表头的金额列 ({'、'.join(columns) or '无'})，多出的金额未读取 "
                f"(more amounts than amount columns; extra amounts not read)：“{raw}”",
            )
        )
    for label, number in zip(columns, numbers, strict=False):
        value = _decimal(number)
        if value is not None:
            found.append((label, value))
    return found


# ---------------------------------------------------------------------------------------------
# Checks


def _same_name(given: str, expected: str) -> bool:
    a, b = _compact(given), _compact(expected)
    return a == b or a.removesuffix("指标") == b.removesuffix("指标")


def _code_warnings(ind: ImportedIndicator) -> list[ImportMessage]:
    out: list[ImportMessage] = []
    line = ind.position
    l1 = f"{ind.level1_code}-{ind.level1_name}"
    l2 = f"{ind.level2_code}-{ind.level2_name}"
    if not ind.level1_code:
        out.append(ImportMessage(line, "missing-code", f"“{ind.name}”缺少一级指标代码 (missing level-1 code)"))
    elif ind.level1_code not in LEVEL1:
        out.append(ImportMessage(line, "unknown-code", f"“{ind.name}”的一级指标代码 {l1} 不认识 (unknown level-1 code)"))
    elif not _same_name(ind.level1_name, LEVEL1[ind.level1_code]):
        out.append(
            ImportMessage(
                line,
                "code-name",
                f"“{ind.name}”的一级指标代码与名称不符：{l1}，代码 {ind.level1_code} 应为"
                f"{LEVEL1[ind.level1_code]} (level-1 code and name disagree; kept as given)",
            )
        )
    if not ind.level2_code:
        out.append(ImportMessage(line, "missing-code", f"“{ind.name}”缺少二级指标代码 (missing level-2 code)"))
        return out
    if ind.level2_code not in LEVEL2:
        out.append(ImportMessage(line, "unknown-code", f"“{ind.name}”的二级指标代码 {l2} 不认识 (unknown level-2 code)"))
    elif not _same_name(ind.level2_name, LEVEL2[ind.level2_code]):
        out.append(
            ImportMessage(
                line,
                "code-name",
                f"“{ind.name}”的二级指标代码与名称不符：{l2}，代码 {ind.level2_code} 应为"
                f"{LEVEL2[ind.level2_code]} (level-2 code and name disagree; kept as given)",
            )
        )
    if ind.level1_code and ind.level2_code[0] != ind.level1_code:
        out.append(
            ImportMessage(
                line,
                "mixed-codes",
                f"“{ind.name}”的二级指标 {l2} 不属于一级指标 {l1}，两者均原样保留 "
                "(mixed level codes: level-2 code not under the level-1 code; both kept)",
            )
        )
    return out


def _value_warnings(ind: ImportedIndicator) -> list[ImportMessage]:
    line = ind.position
    if not ind.annual_value and not ind.cycle_value:
        return [ImportMessage(line, "no-values", f"“{ind.name}”没有指标值 (no target value found)；目标值留空")]
    out: list[ImportMessage] = []
    if not ind.annual_value:
        out.append(
            ImportMessage(
                line,
                "no-annual",
                f"“{ind.name}”缺少年度指标值，目标值取实施周期指标值“{ind.cycle_value}” "
                "(annual value missing; target falls back to the cycle value)",
            )
        )
    try:
        parse_target(ind.target)
    except TargetError as exc:
        which = "年度指标值" if ind.annual_value else "实施周期指标值"
        out.append(
            ImportMessage(
                line,
                "target",
                f"“{ind.name}”的{which}“{ind.target}”无法读取，已保留原文 (target not readable; raw text kept)：{exc}",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# The parser


class _ProjectBuilder:
    def __init__(self, name: str, amounts: tuple[tuple[str, Decimal], ...], goal: str, position: int) -> None:
        self.name, self.amounts, self.goal, self.position = name, amounts, goal, position
        self.indicators: list[ImportedIndicator] = []
        self.seen: dict[tuple[object, ...], int] = {}

    def build(self) -> ImportedProject:
        return ImportedProject(self.name, self.amounts, self.goal, tuple(self.indicators), self.position)


def _key(ind: ImportedIndicator) -> tuple[object, ...]:
    return (
        ind.seq,
        *(
            _compact(v)
            for v in (ind.level1_code, ind.level1_name, ind.level2_code, ind.level2_name, ind.name)
        ),
        _compact(ind.cycle_value),
        _compact(ind.annual_value),
    )


def parse_target_export(text: str) -> ImportResult:
    """Recover projects and indicator records from a project target table export.

    Never invents a value: what the text does not say stays empty.  Exact duplicate
    rows (page repeats) and rows cut by a page break and repeated are dropped with a
    notice; stray text between records is skipped with a notice; every record that
    cannot be read, every mixed code and every target that
    :func:`~selfscore.parse_target` cannot read is a warning with its line number.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    doc = _read_lines(text)
    stream = _Stream(doc.lines)
    records = _find_records(stream)
    notices: list[ImportMessage] = []
    warnings: list[ImportMessage] = []
    projects: list[_ProjectBuilder] = []
    current: _ProjectBuilder | None = None

    def stray(items: Iterable[tuple[int, str]]) -> None:
        run: list[tuple[int, str]] = []

        def flush() -> None:
            if not run:
                return
            joined = "".join(t for _, t in run)
            if _PUNCT_ONLY.match(_fold(joined)):
                run.clear()
                return
            if _MARKERS.search(_fold(joined)):
                warnings.append(
                    ImportMessage(run[0][0], "unparseable", f"无法解析的指标记录 (unparseable record)：“{_excerpt(joined)}”")
                )
            else:
                notices.append(ImportMessage(run[0][0], "stray", f"已跳过无关文字 (stray text skipped)：“{_excerpt(joined)}”"))
            run.clear()

        previous = None
        for line, piece in items:
            if previous is not None and line > previous + 1 and run:
                flush()
            run.append((line, piece))
            previous = line
        flush()

    def gap(start: int, end: int, next_seq: int | None, next_line: int) -> None:
        nonlocal current
        pieces = stream.pieces(start, end)
        header = _read_header(pieces, doc.columns)
        if header is not None and header.name:
            stray(header.stray)
            warnings.extend(header.warnings)
            if (
                current is not None
                and _compact(header.name) == _compact(current.name)
                and next_seq != 1
                and (not header.amounts or header.amounts == current.amounts)
            ):
                notices.append(
                    ImportMessage(
                        header.position,
                        "repeated-header",
                        f"分页重复的项目表头已跳过 (project header repeated after a page break; skipped)：“{_excerpt(header.name)}”",
                    )
                )
                return
            current = _ProjectBuilder(header.name, header.amounts, header.goal, header.position)
            projects.append(current)
            if not header.amounts:
                warnings.append(
                    ImportMessage(header.position, "no-amounts", f"项目“{header.name}”未找到金额 (no amounts found for the project)")
                )
            return
        stray((line.number, raw) for line, raw, _ in pieces)
        if next_seq is None and end >= len(stream.fold):
            return
        if current is None or (next_seq == 1 and current.indicators):
            current = _ProjectBuilder("", (), "", next_line)
            projects.append(current)
            reason = (
                "指标编号从1重新开始，但未识别到项目名称 (numbering restarts at 1 but no project header was found)"
                if projects[:-1]
                else "指标之前未识别到项目名称 (no project header before the first indicator)"
            )
            warnings.append(ImportMessage(next_line, "no-project-name", reason))

    previous_end = 0
    # the previous record while it may still turn out to be a row cut by a page break:
    # (project, record, parsed, its unparseable warning if any)
    last: tuple[_ProjectBuilder, _Record, _Parsed, ImportMessage | None] | None = None
    for rec in records:
        gap(previous_end, rec.start, rec.seq, stream.line_at(rec.start))
        previous_end = rec.end
        assert current is not None
        view, body, inner = _record_view(stream, rec)
        for message in inner:
            (notices if message.kind in NOTICE_KINDS else warnings).append(message)
        parsed = _parse_record(view, body, rec.seq)
        position = stream.line_at(rec.start)
        if last is not None:
            project, cut_rec, cut, pending = last
            last = None
            if (
                project is current
                and not cut_rec.closed
                and cut_rec.seq == rec.seq
                and parsed.compact.startswith(cut.compact)
                and parsed.compact != cut.compact
            ):
                # a row cut by a page break and printed again in full: keep the full one
                if cut.indicator is not None:
                    project.indicators.remove(cut.indicator)
                    project.seen = {k: v for k, v in project.seen.items() if v != cut.indicator.position}
                shown = cut.indicator.name if cut.indicator else _excerpt(cut.compact)
                notices.append(
                    ImportMessage(
                        stream.line_at(cut_rec.start),
                        "truncated-duplicate",
                        f"被分页截断、并在第{position}行完整重复的指标行已删除 "
                        f"(row cut by a page break and repeated in full at line {position}; dropped)：“{shown}”",
                    )
                )
            elif pending is not None:
                warnings.append(pending)
        if rec.unterminated:
            warnings.append(
                ImportMessage(
                    position,
                    "no-terminator",
                    "指标记录缺少结束符“。”，其后紧接项目表头，记录已在取值所在行的行末截断 "
                    "(record has no closing 。 before a project header; cut at the end of its value's line)",
                )
            )
        if parsed.merged:
            warnings.append(
                ImportMessage(
                    position,
                    "merged",
                    "指标记录中标签重复出现，可能混入了另一条记录的文字，请核对 "
                    f"(a label occurs twice: text of another record may have run into this one; check it)：“{_excerpt(view.raw, 60)}”",
                )
            )
        if parsed.indicator is None:
            unparseable = ImportMessage(
                position,
                "unparseable",
                f"无法解析的指标记录，缺少指标名称 (unparseable record: no indicator name)：“{_excerpt(view.raw)}”",
            )
            last = (current, rec, parsed, unparseable)
            continue
        ind = parsed.indicator
        key = _key(ind)
        if key in current.seen:
            notices.append(
                ImportMessage(
                    ind.position,
                    "duplicate",
                    f"重复的指标行已删除，与第{current.seen[key]}行相同 "
                    f"(duplicate row dropped, same as line {current.seen[key]})：“{ind.name}”",
                )
            )
            continue
        current.seen[key] = ind.position
        current.indicators.append(ind)
        last = (current, rec, parsed, None)
    if last is not None and last[3] is not None:
        warnings.append(last[3])
    if records:
        gap(previous_end, len(stream.fold), None, stream.line_at(len(stream.fold)))
    else:
        pieces = stream.pieces(0, len(stream.fold))
        header = _read_header(pieces, doc.columns)
        if header is not None and header.name:
            projects.append(_ProjectBuilder(header.name, header.amounts, header.goal, header.position))
        else:
            stray((line.number, raw) for line, raw, _ in pieces)

    built = [p.build() for p in projects]
    for imported in built:
        warnings.extend(_project_warnings(imported))
    notices.sort(key=lambda m: m.line)
    warnings.sort(key=lambda m: m.line)
    return ImportResult(
        projects=tuple(built),
        notices=tuple(notices),
        warnings=tuple(warnings),
        department=doc.department,
        year=doc.year,
        amount_unit=doc.unit,
    )


def _project_warnings(project: ImportedProject) -> list[ImportMessage]:
    out: list[ImportMessage] = []
    if not project.indicators:
        out.append(
            ImportMessage(
                project.position,
                "no-indicators",
                f"项目“{project.name}”没有可识别的绩效指标 (no indicators recovered for this project)",
            )
        )
        return out
    expected = 1
    names: dict[str, int] = {}
    seqs: dict[int, int] = {}
    for ind in project.indicators:
        out.extend(_code_warnings(ind))
        out.extend(_value_warnings(ind))
        if ind.seq is None:
            out.append(ImportMessage(ind.position, "numbering", f"“{ind.name}”缺少序号 (record number missing)"))
            expected += 1
        else:
            if ind.seq in seqs:
                out.append(
                    ImportMessage(
                        ind.position,
                        "numbering",
                        f"序号 {ind.seq} 与第{seqs[ind.seq]}行重复但内容不同，两条均保留 "
                        f"(number {ind.seq} used twice with different content; both kept)",
                    )
                )
            elif ind.seq != expected:
                out.append(
                    ImportMessage(
                        ind.position,
                        "numbering",
                        f"序号不连续：应为 {expected}，实为 {ind.seq}，可能有指标未能识别 "
                        f"(numbering gap: expected {expected}, found {ind.seq}; a record may be missing)",
                    )
                )
            seqs.setdefault(ind.seq, ind.position)
            expected = max(expected, ind.seq + 1)
        key = _compact(ind.name)
        if key in names:
            out.append(
                ImportMessage(
                    ind.position,
                    "duplicate-name",
                    f"指标名称“{ind.name}”与第{names[key]}行重复，两条均保留 (same indicator name twice; both kept)",
                )
            )
        names.setdefault(key, ind.position)
    return out


# ---------------------------------------------------------------------------------------------
# Case skeletons (TOML)


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``, with quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\uFFFD")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _comment(text: str) -> str:
    flat = re.sub(r"[\x00-\x08\x0a-\x1f\x7f]+", " ", text)
    flat = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in flat)
    return f"# {flat}".rstrip()


def _amounts_text(project: ImportedProject, unit: str) -> str:
    return "；".join(f"{label} {value}{(' ' + unit) if unit else ''}" for label, value in project.amounts)


def _project_note(project: ImportedProject, unit: str) -> str:
    parts = [f"项目 (project)：{project.name or '（未识别名称 unnamed）'}"]
    if project.amounts:
        parts.append(f"金额 (amounts)：{_amounts_text(project, unit)}")
    if project.goal:
        parts.append(f"绩效目标 (goal)：{project.goal}")
    return "\n".join(parts)


def _header_lines(spec: str, department: str, year: int | None, source: str, note: str) -> list[str]:
    lines = [
        _comment("由 selfscore import-targets 从项目支出绩效目标表生成的案例骨架 (case skeleton from a project target table)"),
        _comment("请为每个指标填写 actual（年度实现值）(fill in each indicator's actual value)"),
        f"spec = {toml_string(spec)}",
        f"department = {toml_string(department)}",
    ]
    if year is None:
        lines.append(_comment("year = ……  请填写年度 (fill in the year; required)"))
    else:
        lines.append(f"year = {int(year)}")
    lines.append(f"source = {toml_string(source)}")
    if note:
        lines.append(f"note = {toml_string(note)}")
    return lines


def _indicator_lines(ind: ImportedIndicator, messages: Sequence[ImportMessage]) -> list[str]:
    lines = ["", "[[indicators]]", _comment(f"来源第{ind.position}行 (source line {ind.position})")]
    for message in messages:
        if message.line == ind.position and message.kind not in NOTICE_KINDS:
            lines.append(_comment(f"警告 (warning)：{message.text}"))
    group = ind.level1_name or LEVEL1.get(ind.level1_code, "")
    lines.append(f"group = {toml_string(group)}")
    lines.append(f"category = {toml_string(ind.level2_name)}")
    if ind.level1_code:
        lines.append(f"group_code = {toml_string(ind.level1_code)}")
    if ind.level2_code:
        lines.append(f"category_code = {toml_string(ind.level2_code)}")
    lines.append(f"name = {toml_string(ind.name)}")
    lines.append(f"target = {toml_string(ind.target)}")
    lines.append(f"cycle_target = {toml_string(ind.cycle_value)}")
    lines.append('actual = ""')
    return lines


def case_skeleton(
    project: ImportedProject,
    *,
    source: str,
    spec: str = "",
    department: str = "",
    year: int | None = None,
    amount_unit: str = "",
    messages: Sequence[ImportMessage] = (),
) -> str:
    """One case (TOML text) for one project: every indicator with its target and ``actual = ""``.

    ``target`` is the annual value, or the cycle value when the annual one is
    missing; ``messages`` (the import's warnings) are written as comments above
    the indicators they concern.  ``year`` is left as a comment when unknown.
    """
    lines = _header_lines(spec, department, year, source, _project_note(project, amount_unit))
    for ind in project.indicators:
        lines.extend(_indicator_lines(ind, messages))
    return "\n".join(lines) + "\n"


def department_skeleton(
    result: ImportResult,
    *,
    source: str,
    spec: str = "",
    department: str | None = None,
    year: int | None = None,
    messages: Sequence[ImportMessage] | None = None,
) -> str:
    """One case (TOML text) with the indicators of every project, projects marked by comments.

    ``department`` and ``year`` default to what the export says (单位名称, the title's year).
    """
    dept = result.department if department is None else department
    when = result.year if year is None else year
    msgs = result.warnings if messages is None else messages
    note = "\n".join(
        f"{i}. {p.name or '（未识别名称 unnamed）'}" + (f"（{_amounts_text(p, result.amount_unit)}）" if p.amounts else "")
        for i, p in enumerate(result.projects, start=1)
    )
    lines = _header_lines(spec, dept, when, source, f"项目 (projects)：\n{note}" if note else "")
    for i, project in enumerate(result.projects, start=1):
        if not project.indicators:
            continue
        lines.append("")
        lines.append(_comment(f"—— 项目 {i} (project {i})：{project.name or '（未识别名称 unnamed）'} ——"))
        for ind in project.indicators:
            lines.extend(_indicator_lines(ind, msgs))
    return "\n".join(lines) + "\n"


_UNSAFE = re.compile(r"[\\/:*?\"<>|\s\x00-\x1f\x7f]+")


def case_file_name(index: int, project: ImportedProject) -> str:
    """A safe file name for a project's case: ``03-社区办公经费.toml``."""
    slug = _UNSAFE.sub("_", project.name).strip("._")[:40].rstrip("._")
    return f"{index:02d}-{slug or 'project'}.toml"
