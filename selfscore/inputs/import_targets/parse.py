"""The parser: records and project headers put together into projects."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .checks import _project_warnings
from .headers import _read_header
from .lines import _read_lines, _Stream
from .model import NOTICE_KINDS, ImportedIndicator, ImportedProject, ImportMessage, ImportResult
from .records import _find_records, _parse_record, _Parsed, _Record, _record_view
from .text import _MARKERS, _PUNCT_ONLY, _compact, _excerpt, _fold


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
