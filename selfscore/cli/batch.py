"""``selfscore batch INPUT``: score many departments at once.

INPUT is a CSV or .xlsx table with a department column (see :mod:`selfscore.batch.io`)
or a folder of case files.  Output: a summary table with one row per department
(rank, score, max, grade, partial), optionally every indicator's score in any of
the score formats, a progress bar on stderr for long runs on a terminal, and one
line on stderr for each department that could not be scored, with the reason;
the other departments are scored regardless.

Exit codes: 0 every department scored; 2 usage; 3 the input (or a case file) could
not be read; 4 invalid input (the input as a whole, or some departments: these are
listed and the rest are still scored).

This module (and numpy) is imported only by ``selfscore batch``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TextIO

from selfscore.cli.main import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE
from selfscore.cli.parser import Parser
from selfscore.core.errors import OutputError, SelfScoreError, UnreadableError
from selfscore.inputs.files import recording_reads

__all__ = ["main"]


SUMMARY_FORMATS: Final = ("table", "markdown", "json", "csv", "xlsx")
INDICATOR_FORMATS: Final = ("table", "markdown", "json", "csv", "xlsx", "narrative")
_EXTENSIONS: Final = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "table",
                      ".xlsx": "xlsx"}
_DASH: Final = "—"

_EPILOG = """\
输入 (INPUT)：
  CSV/xlsx 表格，每行一个三级指标，列：部门, 一级指标, 二级指标, 三级指标, 年度目标值, 年度实现值
  [, 分值][, 判断结果][, 越低越好][, 年度][, 评分规范]（英文列名亦可：department, group, category, name,
  target, actual, weight, judgement, lower_is_better, year, spec）。支出率、扣分等写在“评分项 (item)”列
  指明评分项的行中（年度实现值 = 95%；扣分 + 扣分原因）。或：案例文件 (*.toml) 所在的目录。

排名 (rank)：按得分从高到低，同分同名次 (1, 2, 2, 4)；不完整 (partial) 的部门只与满分相同的
不完整部门比较，名次加括号。

退出码 (exit codes)：0 全部计分；2 用法错误；3 输入无法读取；4 输入有误（部分部门无法计分时，
逐个列出原因，其余部门照常计分）；5 无法写入输出（文件已存在且未加 --force、是输入文件等）。

示例 (examples)：
  selfscore batch departments.csv --spec tianhe-2023
  selfscore batch cases/ --format csv -o summary.csv
  selfscore batch departments.xlsx --spec liwan-2024 --indicators indicators.csv
"""


class _Parser(Parser):  # Chinese usage, help and messages
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"selfscore batch: 用法错误 (usage error): {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="selfscore batch", description="批量计分多个部门 (score many departments at once)",
                epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT", help="CSV/xlsx 表格，或案例目录 (a table, or a folder of case files)")
    p.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径 (spec for a table; overrides cases' own)")
    p.add_argument("--sheet", help="xlsx 工作表名，默认第一个 (sheet name)")
    p.add_argument("--format", "-f", choices=SUMMARY_FORMATS, default="table", help="汇总表格式 (summary format)")
    p.add_argument("-o", "--output", metavar="FILE", help="汇总表写入文件 (write the summary to FILE)")
    p.add_argument("--indicators", metavar="FILE",
                   help="另输出每个三级指标的得分到 FILE（- 为屏幕）(also write every indicator's score)")
    p.add_argument("--indicators-format", choices=INDICATOR_FORMATS,
                   help="三级指标输出格式，默认按扩展名 (.csv .json .md .txt)，否则 table；"
                        "narrative 为各部门的自评报告文字 (per-department report text)")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条 (no progress bar)")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件 (overwrite existing outputs)")
    return p


class _Progress:
    """A one-line progress bar on stderr: only on a terminal, only once a run has taken a moment."""

    def __init__(self, stream: TextIO, enabled: bool, delay: float = 0.5) -> None:
        self.stream = stream
        self.enabled = enabled
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.delay or (now - self.last < 0.1 and (total is None or done < total)):
            return
        self.last = now
        label = {"read": "读取 read", "reduce": "解析 parse", "score": "计分 score", "aggregate": "汇总 sum",
                 "write": "输出 write"}.get(stage, stage)
        if total:
            frac = min(done / total, 1.0)
            bar = "█" * int(frac * 30) + "░" * (30 - int(frac * 30))
            text = f"\r{label:<10} {bar} {frac * 100:5.1f}%  {done:,}/{total:,}"
        else:
            text = f"\r{label:<10} {done:,}"
        self.stream.write(text + " " * 4)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
            self.shown = False


def _dec(value: Decimal | None) -> str:
    from selfscore.core.numbers import fmt

    return _DASH if value is None else fmt(value)


def _ranks(entries: list[dict[str, Any]]) -> None:
    """Competition ranks by score within each group of comparable departments (same spec, partial, max)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for e in entries:
        if e["error"] is None:
            groups.setdefault((e["spec"], e["partial"], e["max_value"]), []).append(e)
    for (_spec, partial, _max), members in groups.items():
        members.sort(key=lambda e: e["score_value"], reverse=True)
        rank = 0
        previous: Decimal | None = None
        for position, e in enumerate(members, start=1):
            if previous is None or e["score_value"] != previous:
                rank = position
                previous = e["score_value"]
            e["rank"] = rank
            e["rank_text"] = f"({rank})" if partial else str(rank)


def _missing_short(missing: Sequence[str]) -> str:
    return "缺 " + "、".join(m.split("：")[0] for m in missing) if missing else ""


def _summary_entries(batches: list[tuple[Any, Any]], failures: list[Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for batch, result in batches:
        for d in result.departments:
            e: dict[str, Any] = {"department": d.name, "year": d.year, "file": d.file, "spec": batch.spec.id,
                                 "error": d.error, "rank": None, "rank_text": ""}
            if d.error is None:
                score = d.score if not d.partial else d.known_score
                top = d.max if not d.partial else d.known_max
                e.update(score_value=score, max_value=top, score=_dec(score), max=_dec(top), grade=d.grade or _DASH,
                         partial=d.partial, note=_missing_short(d.missing) if d.partial else "",
                         missing=list(d.missing), total=None if d.score is None else _dec(d.score),
                         known_score=_dec(d.known_score), known_max=_dec(d.known_max),
                         parts={name: _dec(v) for _k, name, v, _m in d.parts},
                         items={i.key: _dec(i.score) for i in d.items})
            else:
                e.update(score_value=None, max_value=None, score=_DASH, max=_DASH, grade=_DASH, partial=None,
                         note="无法计分 (cannot score)")
            entries.append(e)
    for f in failures:
        entries.append({"department": f.name, "year": None, "file": f.file, "spec": "", "error": f.reason,
                        "rank": None, "rank_text": "", "score_value": None, "max_value": None, "score": _DASH,
                        "max": _DASH, "grade": _DASH, "partial": None, "note": "无法计分 (cannot score)"})
    _ranks(entries)
    return entries


_SUMMARY_KEYS: Final = ("rank", "department", "year", "spec", "score", "max", "grade", "partial", "note", "file")
_SUMMARY_HEADERS: Final = ("排名", "部门", "年度", "评分规范", "得分", "满分", "等级", "不完整", "备注", "文件")


def _summary_rows(entries: list[dict[str, Any]], *, english: bool) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and numeric columns of the summary; optional columns only when they say something."""
    several_specs = len({e["spec"] for e in entries if e["spec"]}) > 1
    with_year = any(e["year"] is not None for e in entries)
    keep = [k for k in _SUMMARY_KEYS if (k != "year" or with_year) and (k != "spec" or several_specs or english)
            and (k != "file" or english)]
    rows = []
    for e in entries:
        partial = "" if e["partial"] is None else (("true" if e["partial"] else "false") if english
                                                   else ("是" if e["partial"] else "否"))
        cells = {
            "rank": (str(e["rank"]) if e["rank"] else "") if english else e["rank_text"],
            "department": e["department"], "year": "" if e["year"] is None else str(e["year"]), "spec": e["spec"],
            "score": e["score"] if not english or e["score_value"] is not None else "",
            "max": e["max"] if not english or e["max_value"] is not None else "",
            "grade": e["grade"] if not english or e["grade"] != _DASH else "", "partial": partial,
            "note": e["note"] if e["error"] is None or not english else f"cannot score: {_one_line(e['error'])}",
            "file": e["file"],
        }
        rows.append([cells[k] for k in keep])
    header = list(keep) if english else [_SUMMARY_HEADERS[_SUMMARY_KEYS.index(k)] for k in keep]
    numeric = [keep.index(k) for k in ("score", "max")]
    return header, rows, numeric


def _summary_json(entries: list[dict[str, Any]]) -> str:
    keys = ("rank", "department", "year", "spec", "file", "total", "grade", "partial", "known_score", "known_max",
            "missing", "parts", "items", "error")
    data = []
    for e in entries:
        d = {k: e.get(k) for k in keys}
        d["score"] = d.pop("total")
        d["max"] = None if e["error"] is not None or e["partial"] else e["max"]
        data.append(d)
    return json.dumps({"departments": data, "scored": sum(e["error"] is None for e in entries),
                       "failed": sum(e["error"] is not None for e in entries)}, ensure_ascii=False, indent=2) + "\n"


def _as_text(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int], fmt_name: str) -> str:
    if fmt_name == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return out.getvalue()
    from tabulate import tabulate

    align = tuple("right" if c in numeric else "left" for c in range(len(header)))
    tablefmt = "github" if fmt_name == "markdown" else "simple"
    text: str = tabulate(rows, headers=list(header), tablefmt=tablefmt, disable_numparse=True, colalign=align)
    return text + "\n"


_IND_KEYS: Final = ("department", "year", "item", "group", "category", "name", "target", "actual", "rate", "weight", "score")
_IND_HEADERS: Final = ("部门", "年度", "二级指标", "一级指标", "指标类别", "三级指标", "年度目标值", "年度实现值", "完成率",
                       "分值", "得分")


def _indicator_rows(scored: list[tuple[Any, Any]], *, english: bool) -> tuple[list[str], list[list[str]], list[int]]:
    records = [r for _batch, result in scored for r in result.indicator_rows()]
    with_year = any(r["year"] is not None for r in records)
    keep = [k for k in _IND_KEYS if (k != "year" or with_year) and (english or k not in ("group", "category"))]
    rows = [[("" if r[k] is None else str(r[k])) if english else ("" if r[k] is None else str(r[k]).strip()) for k in keep]
            for r in records]
    header = list(keep) if english else [_IND_HEADERS[_IND_KEYS.index(k)] for k in keep]
    return header, rows, [keep.index("weight"), keep.index("score")]


def _narrative(scored: list[tuple[Any, Any]], progress: _Progress) -> str:
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


def _write(path: str, text: str, inputs: Sequence[Path]) -> None:
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


def _write_xlsx(path: str, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
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
        for row in rows:
            cells = []
            for c, value in enumerate(row):
                if c in numeric and value not in ("", _DASH):
                    number, number_format = _excel_number(value)
                    cell = WriteOnlyCell(ws, value=number)
                    if number_format:
                        cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(value)
            ws.append(cells)
        wb.save(tmp)

    atomic_write(Path(path), save, inputs=inputs, overwrite=True)  # the rule was applied by _check_outputs
    print(f"已写入 (written): {path}", file=sys.stderr)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def main(args: list[str]) -> int:
    """Run ``selfscore batch`` with ``args`` (the words after ``batch``); returns the exit code."""
    try:
        ns = _parser().parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    ind_format = ns.indicators_format
    if ns.indicators and ind_format is None:
        ind_format = _EXTENSIONS.get(Path(ns.indicators).suffix.lower(), "table")
    if ns.indicators_format and not ns.indicators:
        print("selfscore batch: 用法错误 (usage error): --indicators-format 需要 --indicators FILE", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(sys.stderr, enabled=not ns.no_progress and sys.stderr.isatty())
    from selfscore.batch.io import SpecNeeded

    try:
        return _run(ns, ind_format, progress)
    except SpecNeeded as exc:
        progress.close()
        print(f"selfscore batch: 用法错误 (usage error): {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SelfScoreError as exc:
        progress.close()
        from selfscore.cli.main import report_error

        return report_error(exc, prog="selfscore batch")
    except _Usage as exc:
        progress.close()
        print(f"selfscore batch: 用法错误 (usage error): {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        progress.close()
        return 130
    finally:
        progress.close()


def _emit(kind: str, fmt_name: str, target: str | None, header: list[str], rows: list[list[str]],
          numeric: list[int], inputs: Sequence[Path]) -> None:
    """Write one output (the summary or the indicators) to ``target`` (None or "-": stdout)."""
    if fmt_name == "xlsx":
        if target in (None, "-"):
            raise _Usage(f"--{kind} xlsx 需要输出文件 (xlsx output needs a file): "
                         + ("-o FILE.xlsx" if kind == "format" else "--indicators FILE.xlsx"))
        assert target is not None
        _write_xlsx(target, "汇总" if kind == "format" else "三级指标", header, rows, numeric, inputs)
        return
    text = _as_text(header, rows, numeric, fmt_name)
    if target in (None, "-"):
        sys.stdout.write(text)
    else:
        assert target is not None
        _write(target, text, inputs)


class _Usage(Exception):
    pass


def _check_outputs(ns: argparse.Namespace, inputs: Sequence[Path]) -> None:
    """The one overwrite rule (selfscore.outputs.files) for -o and --indicators, before anything is written."""
    from selfscore.outputs.files import check_output

    targets = [Path(t) for t in (ns.output, ns.indicators) if t and t != "-"]
    if len(targets) == 2 and check_output(targets[0], overwrite=True) == check_output(targets[1], overwrite=True):
        raise OutputError(f"{targets[0]}: -o 与 --indicators 不能是同一个文件 (the two outputs are the same file)")
    for target in targets:
        check_output(target, inputs, overwrite=ns.force)


def _run(ns: argparse.Namespace, ind_format: str | None, progress: _Progress) -> int:
    from selfscore.batch.dept import score_batch
    from selfscore.batch.io import read_input
    from selfscore.batch.parse import Reducer

    if ns.format == "xlsx" and not ns.output:
        raise _Usage("--format xlsx 需要用 -o FILE.xlsx 指定输出文件 (xlsx needs -o FILE)")
    if ind_format == "xlsx" and ns.indicators == "-":
        raise _Usage("--indicators 的 xlsx 格式需要输出文件 (xlsx needs a file)")
    inputs = [Path(ns.input)] + ([Path(ns.spec)] if ns.spec and Path(ns.spec).is_file() else [])
    _check_outputs(ns, inputs)
    with recording_reads() as read:  # every case, spec and extends base read is an input too
        batches, failures = read_input(ns.input, spec=ns.spec, sheet=ns.sheet, progress=lambda n: progress("read", n))
    inputs += read
    _check_outputs(ns, inputs)
    reducer = Reducer()
    scored = []
    for batch in batches:
        result = score_batch(batch.spec, batch.table, batch.departments, reducer=reducer, progress=progress)
        scored.append((batch, result))
    entries = _summary_entries(scored, failures)
    english = ns.format in ("csv", "json")
    if ns.format == "json":
        summary_text: str | None = _summary_json(entries)
    else:
        summary_text = None
        header, rows, numeric = _summary_rows(entries, english=ns.format == "csv")
    ind_text: str | None = None
    ind_table = None
    if ns.indicators:
        if ind_format == "narrative":
            ind_text = _narrative(scored, progress)
        elif ind_format == "json":
            ind_text = json.dumps([r for _b, res in scored for r in res.indicator_rows()], ensure_ascii=False,
                                  indent=1) + "\n"
        else:
            ind_table = _indicator_rows(scored, english=ind_format == "csv")
    progress.close()
    if summary_text is not None:
        if ns.output:
            _write(ns.output, summary_text, inputs)
        else:
            sys.stdout.write(summary_text)
    else:
        _emit("format", ns.format, ns.output, header, rows, numeric, inputs)
    del english
    if ns.indicators:
        if ns.indicators == "-":
            sys.stdout.write("\n")
        if ind_text is not None:
            _write(ns.indicators, ind_text, inputs)
        else:
            assert ind_table is not None and ind_format is not None
            _emit("indicators", ind_format, ns.indicators, *ind_table, inputs)
    failed = [e for e in entries if e["error"] is not None]
    for e in failed:
        where = f"（{e['file']}）" if e["file"] and e["file"] != ns.input else ""
        print(f"✗ {e['department']}{where}: 无法计分 (cannot score): {_one_line(e['error'])}", file=sys.stderr)
    if not failed:
        return EXIT_OK
    print(f"{len(entries) - len(failed)} 个部门已计分，{len(failed)} 个无法计分 "
          f"(scored {len(entries) - len(failed)}, could not score {len(failed)})", file=sys.stderr)
    all_unreadable = all(f.code == EXIT_UNREADABLE for f in failures) and len(failures) == len(failed)
    return EXIT_UNREADABLE if all_unreadable else EXIT_INVALID
