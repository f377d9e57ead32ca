"""The parser: records and project headers put together into projects."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from .checks import _project_warnings
from .headers import _Header, _read_header, _SubUnit
from .lines import _Doc, _Line, _read_lines, _Stream
from .model import NOTICE_KINDS, ImportedIndicator, ImportedProject, ImportMessage, ImportResult
from .records import _find_records, _goal_block, _parse_record, _Parsed, _Record, _record_view
from .text import _MARKERS, _PUNCT_ONLY, _compact, _excerpt, _fold


class _ProjectBuilder:
    def __init__(
        self, name: str, amounts: tuple[tuple[str, Decimal], ...], goal: str, position: int, unit: str = ""
    ) -> None:
        self.name, self.amounts, self.goal, self.position, self.unit = name, amounts, goal, position, unit
        self.indicators: list[ImportedIndicator] = []
        self.seen: dict[tuple[object, ...], int] = {}
        self.repeat: int | None = None  # line of a repeated copy of this project's block, while inside it
        self.repeated: list[str] = []  # rows of that copy dropped as repeats

    def build(self) -> ImportedProject:
        return ImportedProject(self.name, self.amounts, self.goal, tuple(self.indicators), self.position, self.unit)

    def drop(self, indicator: ImportedIndicator) -> None:
        self.indicators.remove(indicator)
        self.seen = {k: v for k, v in self.seen.items() if v != indicator.position}


def _key(ind: ImportedIndicator) -> tuple[object, ...]:
    return (
        ind.seq,
        *(_compact(v) for v in (ind.level1_code, ind.level1_name, ind.level2_code, ind.level2_name, ind.name)),
        _compact(ind.cycle_value),
        _compact(ind.annual_value),
    )


@attrs.frozen
class _Last:
    """The previous record while it may still turn out to be a row cut by a page break."""

    project: _ProjectBuilder
    record: _Record
    parsed: _Parsed
    pending: ImportMessage | None  # its unparseable warning, if any


class _Parser:
    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.stream = _Stream(doc.lines)
        self.notices: list[ImportMessage] = []
        self.warnings: list[ImportMessage] = []
        self.projects: list[_ProjectBuilder] = []
        self.current: _ProjectBuilder | None = None
        self.last: _Last | None = None
        self.unit = ""  # the sub-unit whose header line came last

    def note(self, message: ImportMessage) -> None:
        (self.notices if message.kind in NOTICE_KINDS else self.warnings).append(message)

    # -- text between records --------------------------------------------------------------

    def stray(self, items: Iterable[tuple[int, str]]) -> None:
        """Report runs of skipped text: an unparseable record when it has record markers."""
        run: list[tuple[int, str]] = []
        previous = None
        for line, piece in items:
            if previous is not None and line > previous + 1 and run:
                self._flush_stray(run)
                run = []
            run.append((line, piece))
            previous = line
        self._flush_stray(run)

    def _flush_stray(self, run: list[tuple[int, str]]) -> None:
        if not run:
            return
        joined = "".join(t for _, t in run)
        if _PUNCT_ONLY.match(_fold(joined)):
            return
        if _MARKERS.search(_fold(joined)):
            self.warnings.append(
                ImportMessage(run[0][0], "unparseable", f"无法解析的指标记录 (unparseable record)：“{_excerpt(joined)}”")
            )
        else:
            self.notices.append(ImportMessage(run[0][0], "stray", f"已跳过无关文字 (stray text skipped)：“{_excerpt(joined)}”"))

    def gap(self, start: int, end: int, next_seq: int | None, next_line: int) -> None:
        """The text between two records: a project header, stray text, or nothing."""
        pieces = self.stream.pieces(start, end)
        header = _read_header(pieces, self.doc.columns)
        if header is not None and header.name:
            self.stray(header.stray)
            self.warnings.extend(header.warnings)
            for unit in header.units:
                self._sub_unit(unit)
            self.start_project(header, next_seq)
            return
        if self._goal_between(pieces, next_seq):
            return
        self.stray((line.number, raw) for line, raw, _ in pieces)
        if next_seq is None and end >= len(self.stream.fold):
            return
        if self.current is None or (next_seq == 1 and self.current.indicators):
            self.current = _ProjectBuilder("", (), "", next_line)
            self.projects.append(self.current)
            reason = (
                "指标编号从1重新开始，但未识别到项目名称 (numbering restarts at 1 but no project header was found)"
                if self.projects[:-1]
                else "指标之前未识别到项目名称 (no project header before the first indicator)"
            )
            self.warnings.append(ImportMessage(next_line, "no-project-name", reason))

    def _sub_unit(self, unit: _SubUnit) -> None:
        """A sub-unit's header line: not a project; the projects after it belong to the unit."""
        self.unit = unit.name
        shown = _excerpt(unit.text, 60, keep_spaces=True)
        self.notices.append(
            ImportMessage(
                unit.position,
                "sub-unit",
                "下级单位的标题行（单位名称及小计）不是项目，已跳过 "
                f"(a sub-unit's header line, its name and subtotal, is not a project; skipped)：“{shown}”",
            )
        )

    def _goal_between(self, pieces: list[tuple[_Line, str, str]], next_seq: int | None) -> bool:
        """The goal paragraph of a project without one, printed beside its indicators, between two of its records."""
        current = self.current
        if current is None or current.goal or not current.indicators or next_seq in (None, 1) or not pieces:
            return False
        text = "".join(raw for _, raw, _ in pieces).strip()
        fold = _fold(text)
        if len(text) < 10 or "，" not in text or not fold.endswith(("。", ".")) or _MARKERS.search(fold):
            return False
        self._goal_found(current, text, pieces[0][0].number)
        return True

    def start_project(self, header: _Header, next_seq: int | None) -> None:
        """A new project, unless the header is the current one's repeated after a page break."""
        current = self.current
        self._end_repeat()
        if current is not None and _compact(header.name) == _compact(current.name):
            if next_seq != 1 and (not header.amounts or header.amounts == current.amounts):
                self.notices.append(
                    ImportMessage(
                        header.position,
                        "repeated-header",
                        f"分页重复的项目表头已跳过 (project header repeated after a page break; skipped)：“{_excerpt(header.name)}”",
                    )
                )
                return
            if next_seq == 1 and header.amounts and header.amounts == current.amounts:
                current.repeat = header.position  # the whole block printed again: same name, same amounts
                return
        self.current = _ProjectBuilder(header.name, header.amounts, header.goal, header.position, self.unit)
        self.projects.append(self.current)
        if not header.amounts:
            self.warnings.append(
                ImportMessage(header.position, "no-amounts", f"项目“{header.name}”未找到金额 (no amounts found for the project)")
            )

    def _end_repeat(self) -> None:
        """Close a repeated project block: one notice for the block and the rows it repeated."""
        project = self.current
        if project is None or project.repeat is None:
            return
        rows = len(project.repeated)
        self.notices.append(
            ImportMessage(
                project.repeat,
                "repeated-project",
                f"分页重复打印的项目块（名称、金额相同）只保留一次，重复的 {rows} 条指标已删除 "
                f"(project block printed twice across a page break, same name and amounts; kept once, "
                f"{rows} repeated rows dropped)：“{_excerpt(project.name)}”",
            )
        )
        project.repeat, project.repeated = None, []

    # -- records ---------------------------------------------------------------------------

    def record(self, rec: _Record) -> None:
        """Read one record into the current project."""
        current = self.current
        assert current is not None
        view, body, inner = _record_view(self.stream, rec)
        for message in inner:
            self.note(message)
        if (goal := _goal_block(view, body)) is not None:
            view = goal.view
            self._goal_found(current, goal.text, goal.line)
        parsed = _parse_record(view, body, rec.seq)
        position = self.stream.line_at(rec.start)
        self._settle_last(rec, parsed, position)
        if rec.unterminated:
            self.warnings.append(
                ImportMessage(
                    position,
                    "no-terminator",
                    "指标记录缺少结束符“。”，其后紧接项目表头，记录已在取值所在行的行末截断 "
                    "(record has no closing 。 before a project header; cut at the end of its value's line)",
                )
            )
        if parsed.merged:
            self.warnings.append(
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
            self.last = _Last(current, rec, parsed, unparseable)
            return
        if self._add(current, parsed.indicator):
            self.last = _Last(current, rec, parsed, None)

    def _goal_found(self, project: _ProjectBuilder, text: str, line: int) -> None:
        """Goal text found among the indicators joins the project's goal, with a warning to check it."""
        project.goal += text
        self.warnings.append(
            ImportMessage(
                line,
                "goal-in-record",
                "项目绩效目标的文字（打印在指标旁的窄栏中）夹在指标记录里，已移入项目的绩效目标，请核对 "
                f"(the project's goal, printed in a narrow column beside the indicators, was found inside an "
                f"indicator record; moved to the project's goal; check it)：“{_excerpt(text)}”",
            )
        )

    def _settle_last(self, rec: _Record, parsed: _Parsed, position: int) -> None:
        """Drop the previous record if it was cut by a page break and is repeated in full by this one."""
        last, self.last = self.last, None
        if last is None:
            return
        cut_rec, cut = last.record, last.parsed
        if (
            last.project is self.current
            and not cut_rec.closed
            and cut_rec.seq == rec.seq
            and parsed.compact.startswith(cut.compact)
            and parsed.compact != cut.compact
        ):
            if cut.indicator is not None:
                last.project.drop(cut.indicator)
            shown = cut.indicator.name if cut.indicator else _excerpt(cut.compact)
            self.notices.append(
                ImportMessage(
                    self.stream.line_at(cut_rec.start),
                    "truncated-duplicate",
                    f"被分页截断、并在第{position}行完整重复的指标行已删除 "
                    f"(row cut by a page break and repeated in full at line {position}; dropped)：“{shown}”",
                )
            )
        elif last.pending is not None:
            self.warnings.append(last.pending)

    def _add(self, project: _ProjectBuilder, ind: ImportedIndicator) -> bool:
        """Add an indicator unless it repeats one of the project's rows (a page repeat)."""
        key = _key(ind)
        if key in project.seen and project.repeat is not None:
            project.repeated.append(ind.name)
            return False
        self._end_repeat()
        if key in project.seen:
            self.notices.append(
                ImportMessage(
                    ind.position,
                    "duplicate",
                    f"重复的指标行已删除，与第{project.seen[key]}行相同 "
                    f"(duplicate row dropped, same as line {project.seen[key]})：“{ind.name}”",
                )
            )
            return False
        project.seen[key] = ind.position
        project.indicators.append(ind)
        return True

    # -- the whole export ------------------------------------------------------------------

    def run(self) -> ImportResult:
        stream = self.stream
        records = _find_records(stream)
        previous_end = 0
        for rec in records:
            self.gap(previous_end, rec.start, rec.seq, stream.line_at(rec.start))
            previous_end = rec.end
            self.record(rec)
        if self.last is not None and self.last.pending is not None:
            self.warnings.append(self.last.pending)
        if records:
            self.gap(previous_end, len(stream.fold), None, stream.line_at(len(stream.fold)))
        else:
            self._no_records()
        return self.result()

    def _no_records(self) -> None:
        pieces = self.stream.pieces(0, len(self.stream.fold))
        header = _read_header(pieces, self.doc.columns)
        if header is not None and header.name:
            self.projects.append(_ProjectBuilder(header.name, header.amounts, header.goal, header.position))
        else:
            self.stray((line.number, raw) for line, raw, _ in pieces)

    def result(self) -> ImportResult:
        self._end_repeat()
        built = [p.build() for p in self.projects]
        for imported in built:
            self.warnings.extend(_project_warnings(imported))
        self.notices.sort(key=lambda m: m.line)
        self.warnings.sort(key=lambda m: m.line)
        doc = self.doc
        return ImportResult(
            projects=tuple(built),
            notices=tuple(self.notices),
            warnings=tuple(self.warnings),
            department=doc.department,
            year=doc.year,
            amount_unit=doc.unit,
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
    return _Parser(_read_lines(text)).run()
