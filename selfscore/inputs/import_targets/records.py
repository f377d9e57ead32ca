"""Finding indicator records in the stream and reading their fields.

A record is ``N、1-产出指标；11-数量指标；名称；实施周期指标值:…；年度指标值:…。``
with line breaks anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from selfscore.core.targets import _read_unit

from .lines import _Line, _Stream
from .model import _LEVEL2_NAMES, ImportedIndicator, ImportMessage
from .text import (
    _ANNUAL_LABEL,
    _BARE_INT,
    _BARE_START,
    _CYCLE_LABEL,
    _GOAL_LABEL,
    _LEVEL1_FIELD,
    _LEVEL2_FIELD,
    _MARKERS,
    _NAME_LABEL,
    _SEQ_START,
    _VALUE_WORD,
    _compact,
    _excerpt,
    _fold,
    _is_amounts_line,
)

_Piece = tuple[_Line, str, str]  # a content line's part inside a range: (line, raw, folded)


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


def _value_continues(pieces: Sequence[_Piece], idx: int) -> bool:
    """A bare number inside a value, followed by its unit (消杀天数 / 22 / 天以上), is content."""
    so_far = "".join(raw for _, raw, _ in pieces[:idx])
    return bool(_VALUE_OPEN.search(so_far)) and bool(_read_unit(pieces[idx + 1][2].lstrip()))


def _page_number_inside(pieces: Sequence[_Piece], idx: int) -> ImportMessage | None:
    """A page number between two lines of text (实施周 / 2 / 期指标值), or None when the number is content."""
    line = pieces[idx][0]
    before, after = pieces[idx - 1][2].rstrip()[-1:], pieces[idx + 1][2].lstrip()[:1]
    if (
        not before
        or not after
        or re.match(r"[\d.%‰<>=≥≤~:+\-、约为达第]", before)
        or re.match(r"[\d.%‰\-、]", after)
        or _value_continues(pieces, idx)
    ):
        return None
    return ImportMessage(
        line.number,
        "page-number",
        f"指标记录中单独成行的数字“{line.text}”视为页码已剔除，请核对 "
        "(a number alone on a line inside a record was taken for a page number and removed; check it)",
    )


def _amounts_inside(pieces: Sequence[_Piece], idx: int, excluded: set[int]) -> ImportMessage:
    """An amounts row inside a record: with the project's name above it after a page break, a repeated header.

    Marks the lines to take out in ``excluded`` and says what they were.
    """
    line = pieces[idx][0]
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
        name = "".join(pieces[k][1] for k in reversed(run))
        return ImportMessage(
            pieces[run[-1]][0].number,
            "repeated-header",
            f"指标记录中分页重复的项目表头已剔除 (project header repeated inside a record after a page break; "
            f"removed)：“{_excerpt(name)}”",
        )
    return ImportMessage(
        line.number, "stray", f"指标记录中夹杂的金额行已剔除 (stray amounts row inside a record; removed)：“{line.text}”"
    )


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
            if (message := _page_number_inside(pieces, idx)) is not None:
                excluded.add(idx)
                messages.append(message)
        elif _is_amounts_line(line.fold):
            messages.append(_amounts_inside(pieces, idx, excluded))
    kept = [_Line(line.number, raw, fold, line.after_break) for idx, (line, raw, fold) in enumerate(pieces) if idx not in excluded]
    body, offset = rec.body - rec.start, 0
    for idx, (_, raw, _) in enumerate(pieces):
        if idx in excluded and offset < rec.body - rec.start:
            body -= len(raw)
        offset += len(raw)
    return _Stream(kept), body, messages


@attrs.frozen
class _GoalBlock:
    view: _Stream  # the record without the goal's lines
    text: str
    line: int


def _ends_sentence(fold: str) -> bool:
    text = fold.rstrip()
    return text.endswith("。") or (text.endswith(".") and not text[-2:-1].isdigit())


def _field_line(fold: str) -> bool:
    """A line holding record structure (a code, a label, a field separator): never goal text."""
    return bool(_MARKERS.search(fold)) or ";" in fold


def _goal_block(view: _Stream, body: int) -> _GoalBlock | None:
    """A project's goal paragraph printed in a narrow column beside the indicators, caught in a record's name.

    The goal cell, beside a taller indicators cell, is extracted as a block of whole
    lines between two lines of the indicator text.  Inside a name (between the codes
    line and the line of the first 指标值 label) a block of whole lines that ends a
    sentence (。) and is narrower than the record's own lines is such a paragraph: a
    name never holds a 。.  Limit: a piece of the name alone on a short line just above
    the block cannot be told from the goal's first line and moves with it (the
    warning shows the moved text).
    """
    labels = [m.start() for p in (_CYCLE_LABEL, _ANNUAL_LABEL) if (m := p.search(view.fold, body))]
    if not labels:
        return None
    first, last = view.index_at(body), view.index_at(min(labels))
    ends = [i for i in range(first + 1, last) if _ends_sentence(view.lines[i].fold)]
    if not ends:
        return None
    stop = ends[-1]
    width = max(len(line.text) for i, line in enumerate(view.lines) if not first < i <= stop)
    start = stop
    while start - 1 > first and len(view.lines[start - 1].text) < 0.8 * width and not _field_line(view.lines[start - 1].fold):
        start -= 1
    if _field_line(view.lines[stop].fold):
        return None
    text = "".join(line.text for line in view.lines[start : stop + 1])
    if len(text) < 10 or ("，" not in text and start == stop):
        return None
    kept = [line for i, line in enumerate(view.lines) if not start <= i <= stop]
    return _GoalBlock(_Stream(kept), text, view.lines[start].number)


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
