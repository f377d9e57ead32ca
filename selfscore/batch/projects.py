"""``selfscore batch`` on project tables (项目支出绩效自评表): a folder of them, one workbook of many sheets,
or one list with a 项目名称 column (:mod:`selfscore.inputs.project_list`).

A department holds few projects, so each table is scored by the scalar path
(:func:`selfscore.core.project_score.score_project`), one by one.  The summary ranks the
scored projects by total (ties share a rank) with 项目名称, 实施单位, 总分, 等级, 执行率 and the
two part scores; a table that cannot be read or scored is listed with its reasons and
the others are still scored.  Project TOML cases carry their spec; sheets use ``--spec``,
else the national ``mof-2020-project``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TextIO

import attrs

from selfscore.core.engine import Result
from selfscore.core.errors import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNREADABLE,
    CaseError,
    InputError,
    Problem,
    SelfScoreError,
    UnreadableError,
    UsageError,
)
from selfscore.core.numbers import fmt, fmt_percent
from selfscore.core.project import ProjectCase
from selfscore.core.project_score import score_project
from selfscore.core.spec import Spec
from selfscore.inputs.kinds import is_project_file
from selfscore.inputs.load import load_spec
from selfscore.inputs.project_list import is_project_list, read_project_list
from selfscore.inputs.project_sheet import load_project_case, read_project_sheets

__all__ = ["DEFAULT_SPEC", "ProjectEntry", "handles", "project_entries", "run_projects", "summary_rows"]

DEFAULT_SPEC: Final = "mof-2020-project"
_SUFFIXES: Final = (".toml", ".xlsx", ".xlsm", ".csv")
_HEADER: Final = ("排名", "项目名称", "实施单位", "总分", "等级", "执行率", "执行得分", "指标得分", "评分规范", "文件")
_HEADER_EN: Final = ("rank", "project", "unit", "score", "grade", "execution_rate", "execution_score", "indicators_score",
                     "spec", "file")
_NUMERIC: Final = (0, 3, 5, 6, 7)


@attrs.frozen
class ProjectEntry:
    """One project table: scored (``result``) or refused (``error`` with its exit code)."""

    file: str
    sheet: str
    case: ProjectCase | None = None
    result: Result | None = None
    error: str = ""
    code: int = 0
    name: str = ""  # 项目名称 when known without a case (a refused row of a list)

    @property
    def label(self) -> str:
        return f"{self.file}#{self.sheet}" if self.sheet else self.file

    def shown(self, base: Path) -> str:
        """The label relative to the batch's folder (``2024/项目一.xlsx#Sheet1``)."""
        try:
            name = str(Path(self.file).relative_to(base)) if base.is_dir() else Path(self.file).name
        except ValueError:
            name = self.file
        return f"{name}#{self.sheet}" if self.sheet else name


def _candidates(p: Path) -> list[Path]:
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _SUFFIXES
                      and not f.name.startswith((".", "~$")))
    return [p]


def handles(path: str, spec: str | None) -> bool:
    """Whether ``batch INPUT`` is about project tables: a project spec, or every table in INPUT is one."""
    if spec:
        try:
            if load_spec(spec, base_dir=Path.cwd()).project:
                return True
        except SelfScoreError:
            pass
    p = Path(path)
    if not p.exists():
        return False
    files = _candidates(p)
    return bool(files) and all(is_project_file(f) or (f.suffix.lower() != ".toml" and is_project_list(f)) for f in files)


def _spec(ref: str, cache: dict[str, Spec], base: Path) -> Spec:
    if ref not in cache:
        cache[ref] = load_spec(ref, base_dir=base)
    return cache[ref]


def _score(file: Path, sheet: str, case: ProjectCase, spec_ref: str | None, cache: dict[str, Spec]) -> ProjectEntry:
    try:
        spec = _spec(spec_ref or case.spec or DEFAULT_SPEC, cache, file.parent)
        if not spec.project:
            raise InputError([Problem(f"评分规范 {spec.id} 不是项目支出评分规范 (not a project spec)", str(file))])
        return ProjectEntry(str(file), sheet, case, score_project(spec, attrs.evolve(case, spec=spec.id)))
    except SelfScoreError as exc:
        return _refused(file, sheet, exc, case)


def _refused(file: Path, sheet: str, exc: SelfScoreError, case: ProjectCase | None = None) -> ProjectEntry:
    if isinstance(exc, InputError):
        where = f"{sheet}: " if sheet and not sheet.startswith("第") else ""  # a list's rows name themselves
        reason = "；".join(where + (f"{pr.where}: {pr.message}" if pr.where else pr.message) for pr in exc.problems)
    else:
        reason = str(exc)
    return ProjectEntry(str(file), sheet, case, error=reason, code=EXIT_UNREADABLE if isinstance(exc, UnreadableError) else EXIT_INVALID)


def project_entries(path: str, spec: str | None) -> list[ProjectEntry]:
    """Every project table under ``path`` (a folder, a TOML case, or a workbook of sheets), scored or refused."""
    p = Path(path)
    if not p.exists():
        raise UnreadableError(f"{p}: 文件或目录不存在 (no such file or folder)")
    files = _candidates(p)
    if not files:
        raise InputError([Problem("目录中没有项目支出绩效自评表 (no project tables: *.toml, .xlsx, .csv)", str(p))])
    cache: dict[str, Spec] = {}
    entries: list[ProjectEntry] = []
    for f in files:
        try:
            if f.suffix.lower() == ".toml":
                entries.append(_score(f, "", load_project_case(f), spec, cache))
                continue
            tables = (read_project_list(f, spec or DEFAULT_SPEC) if is_project_list(f)
                      else [(sheet, "", found) for sheet, found in read_project_sheets(f, spec or DEFAULT_SPEC)])
            for sheet, name, found in tables:
                if isinstance(found, CaseError):
                    entries.append(attrs.evolve(_refused(f, sheet, found), name=name))
                else:
                    entries.append(_score(f, sheet, found, spec, cache))
        except SelfScoreError as exc:
            entries.append(_refused(f, "", exc))
    return entries


def _ranks(scores: Sequence[Decimal]) -> list[int]:
    """Competition ranks (1, 1, 3) for scores already sorted high to low."""
    ranks: list[int] = []
    for i, value in enumerate(scores):
        ranks.append(ranks[-1] if i and value == scores[i - 1] else i + 1)
    return ranks


def _parts(result: Result) -> tuple[str, str, str]:
    items = [i for p in result.parts for i in p.items]
    ex = next(i for i in items if i.kind == "execution_rate")
    ind = next(i for i in items if i.kind == "indicators")
    rate = fmt_percent(ex.rate) if ex.rate is not None else ""
    return rate, fmt(ex.score) if ex.score is not None else "", fmt(ind.score) if ind.score is not None else ""


def summary_rows(entries: Sequence[ProjectEntry], base: Path = Path(".")) -> list[list[str]]:
    """The ranked summary: scored projects high to low (file order on ties), then the refused ones."""
    scored = sorted((e for e in entries if e.result is not None), key=lambda e: -(e.result.score or 0))  # type: ignore[union-attr]
    ranks = _ranks([e.result.score or Decimal(0) for e in scored])  # type: ignore[union-attr]
    rows = []
    for rank, e in zip(ranks, scored, strict=True):
        assert e.result is not None and e.case is not None and e.result.score is not None
        rows.append([str(rank), e.case.project, e.case.unit, fmt(e.result.score), e.result.grade or "", *_parts(e.result),
                     e.result.spec_id, e.shown(base)])
    for e in entries:
        if e.result is None:
            name = e.case.project if e.case else e.name or Path(e.file).stem + (f"#{e.sheet}" if e.sheet else "")
            rows.append(["—", name, e.case.unit if e.case else "", "", "无法计分", "", "", "", "", e.shown(base)])
    return rows


_TERMINAL: Final = ((0, 4), (1, 16), (2, 12), (3, 6), (4, 8), (5, 7), (9, 22))  # (column, width) for a 100-column screen


def _terminal(rows: list[list[str]]) -> str:
    """The summary for a terminal: rank, name, unit, total, grade, rate and file, wrapped to fit 100 columns."""
    import tabulate as tabulate_module
    from tabulate import tabulate

    from selfscore.outputs.render import _wrap  # the one CJK-width wrapper

    cells = [[_wrap(row[k], width) for k, width in _TERMINAL] for row in rows]
    header = [_HEADER[k] for k, _ in _TERMINAL]
    align = tuple("right" if k in _NUMERIC else "left" for k, _ in _TERMINAL)
    padding, tabulate_module.MIN_PADDING = tabulate_module.MIN_PADDING, 0
    try:
        return str(tabulate(cells, headers=header, tablefmt="simple_grid", disable_numparse=True, colalign=align)) + "\n"
    finally:
        tabulate_module.MIN_PADDING = padding


def _text(rows: list[list[str]], fmt_name: str) -> str:
    from tabulate import tabulate

    if fmt_name == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([list(_HEADER_EN), *rows])
        return out.getvalue()
    if fmt_name == "json":
        data = [dict(zip(_HEADER_EN, row, strict=True)) for row in rows]
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt_name == "table":
        return _terminal(rows)
    align = tuple("right" if k in _NUMERIC else "left" for k in range(len(_HEADER)))
    return str(tabulate(rows, headers=_HEADER, tablefmt="github", disable_numparse=True, colalign=align)) + "\n"


def _xlsx(rows: list[list[str]], target: Path, inputs: Sequence[Path], overwrite: bool) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        from selfscore.core.errors import DependencyError

        raise DependencyError("需要安装 openpyxl：pip install 'selfscore[xlsx]' (openpyxl is needed to write .xlsx)") from None
    from selfscore.outputs.files import atomic_write

    wb = Workbook()
    ws = wb.active
    ws.title = "项目汇总"
    ws.append(list(_HEADER))
    for row in rows:
        ws.append([Decimal(c) if k in _NUMERIC and c and c[-1].isdigit() else c for k, c in enumerate(row)])
    for column, width in zip("ABCDEFGHIJ", (6, 30, 24, 8, 8, 10, 12, 10, 24, 40), strict=True):
        ws.column_dimensions[column].width = width
    from openpyxl.styles import Font

    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    atomic_write(target, wb.save, inputs=inputs, overwrite=overwrite)


def run_projects(ns: Any, out: TextIO, err: TextIO) -> int:
    """``selfscore batch`` for project tables; returns the exit code (0 all scored, 4/3 some refused)."""
    if getattr(ns, "indicators", None):
        raise UsageError("项目支出绩效自评表的批量计分暂不支持 --indicators；请用 selfscore score 逐个输出 "
                         "(--indicators is not available for project tables yet)")
    entries = project_entries(ns.input, ns.spec)
    rows = summary_rows(entries, Path(ns.input))
    inputs = [Path(ns.input)]
    force = bool(getattr(ns, "force", False))
    if ns.format == "xlsx":
        if not ns.output:
            raise UsageError("--format xlsx 需要用 -o FILE.xlsx 指定输出文件 (xlsx needs -o FILE)")
        _xlsx(rows, Path(ns.output), inputs, force)
    elif ns.output:
        from selfscore.outputs.files import write_text_atomic

        write_text_atomic(Path(ns.output), _text(rows, ns.format), inputs=inputs, overwrite=force)
    else:
        out.write(_text(rows, ns.format))
    refused = [e for e in entries if e.result is None]
    for e in refused:
        print(f"✗ {e.label}: 无法计分 (cannot score): {e.error}", file=err)
    print(f"{len(entries) - len(refused)} 个项目已计分，{len(refused)} 个无法计分 "
          f"(scored {len(entries) - len(refused)}, could not score {len(refused)})", file=err)
    if not refused:
        return EXIT_OK
    return EXIT_UNREADABLE if all(e.code == EXIT_UNREADABLE for e in refused) and len(refused) == len(entries) else EXIT_INVALID
