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
import gc
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, TextIO

from selfscore.cli import leaving
from selfscore.cli.batch_out import (
    Usage,
    duplicate_names,
    emit,
    indicator_output,
    narrative,
    one_line,
    shared_notes,
    summary_entries,
    summary_json,
    summary_rows,
    write_text,
)
from selfscore.cli.main import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE
from selfscore.cli.parser import Parser
from selfscore.core.errors import InputError, OutputError, Problem, SelfScoreError
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

输出 (output)：汇总表按名次排列；单位名称重复时给出警告。--indicators 按原表顺序输出每个三级指标
（csv/json 分块写出；xlsx 用流式写入，百万行需数分钟）。安装 pyarrow（pip install 'selfscore[fast]'）
可加快读取大型 UTF-8 CSV，结果逐字节相同。20 万行以上的表在 Linux 双核上由两个进程计分、写出，结果逐字节
相同（环境变量 SELFSCORE_ONE_PROCESS=1 只用一个进程）。

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
    p.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径；省略时，目录中的自评表用模板记录的规范 "
                                  "(spec for a table; overrides cases' own and what templates record)")
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
    collecting = gc.isenabled()
    # no cyclic garbage collection while the batch runs (a forked child inherits that): at 10^6 rows it ran ~75
    # times for ~30 ms in all, and freed nothing that mattered (the peak memory is the same without it).  Turned
    # back on after the run, unless the process ends now (selfscore.cli.run): the first collection would go
    # through every object the run made (12-16 ms at 10^6 rows)
    gc.disable()
    try:  # nothing of the batch is loaded before _run starts the read-ahead: it overlaps the loading
        return _run(ns, ind_format, progress)
    except SelfScoreError as exc:  # SpecNeeded too: a usage error, reported as one (exit 2)
        progress.close()
        from selfscore.cli.main import report_error

        return report_error(exc, prog="selfscore batch")
    except Usage as exc:
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
        if collecting and not leaving():
            gc.enable()


def _check_outputs(ns: argparse.Namespace, inputs: Sequence[Path]) -> None:
    """The one overwrite rule (selfscore.outputs.files) for -o and --indicators, before anything is written."""
    from selfscore.outputs.files import check_output

    targets = [Path(t) for t in (ns.output, ns.indicators) if t and t != "-"]
    if len(targets) == 2 and check_output(targets[0], overwrite=True) == check_output(targets[1], overwrite=True):
        raise OutputError(f"{targets[0]}: -o 与 --indicators 不能是同一个文件 (the two outputs are the same file)")
    for target in targets:
        check_output(target, inputs, overwrite=ns.force)


def _read_ahead(path: str) -> Callable[[], Any] | None:
    """Start reading a CSV input on a thread, and give what returns it once (or raises the read's error).

    The thread reads it as the batch reader does (:func:`selfscore.batch.io.read_csv_source`): the file
    mapped at once, then (once the reader's module is loaded) pyarrow's parse, which releases the GIL and
    uses its own threads, so much of the read overlaps the ~0.2 s of loading numpy, pyarrow and the
    engine.  The thread is a daemon, so Ctrl-C does not wait for it; what it read is handed over, not kept.
    """
    p = Path(path)
    if p.suffix.lower() not in (".csv", ".txt", ".tsv") or not p.is_file():
        return None
    box: list[Any] = []

    def read() -> None:
        try:
            from selfscore.inputs.files import map_bytes

            raw = map_bytes(p)  # at once: the batch reader's module is still being loaded
            from selfscore.batch.io import read_csv_source

            source = read_csv_source(p, raw=raw)
            del raw
            box.append(source)
        except BaseException as exc:  # handed to the reader, which raises it where it would have read
            box.append(exc)

    thread = threading.Thread(target=read, name="selfscore-read", daemon=True)
    thread.start()

    def result() -> Any:
        thread.join()
        got = box.pop()  # not kept here: the reader frees it when it is done with it
        if isinstance(got, BaseException):
            raise got
        return got

    return result


def _run(ns: argparse.Namespace, ind_format: str | None, progress: _Progress) -> int:
    ahead = _read_ahead(ns.input)
    from selfscore.batch import projects  # project tables (项目支出绩效自评表): scored one by one

    if projects.handles(ns.input, ns.spec):
        return projects.run_projects(ns, sys.stdout, sys.stderr)
    from selfscore.batch.io import read_input
    from selfscore.batch.parse import Reducer
    from selfscore.cli.batch_halves import score_all

    if ns.format == "xlsx" and not ns.output:
        raise Usage("--format xlsx 需要用 -o FILE.xlsx 指定输出文件 (xlsx needs -o FILE)")
    if ind_format == "xlsx" and ns.indicators == "-":
        raise Usage("--indicators 的 xlsx 格式需要输出文件 (xlsx needs a file)")
    inputs = [Path(ns.input)] + ([Path(ns.spec)] if ns.spec and Path(ns.spec).is_file() else [])
    _check_outputs(ns, inputs)
    with recording_reads() as read:  # every case, spec and extends base read is an input too
        batches, failures = read_input(ns.input, spec=ns.spec, sheet=ns.sheet, progress=lambda n: progress("read", n),
                                       ahead=ahead)
    inputs += read
    _check_outputs(ns, inputs)
    if not batches and not failures:  # a table with its header and no rows: nothing to rank, say so
        raise InputError([Problem("表中只有表头，没有指标行 (no indicator rows)", str(ns.input))])
    _warn_recorded(ns, batches)
    scored, pending = score_all(batches, Reducer(), progress, ind_format, ns.indicators, inputs)
    try:
        entries = summary_entries(scored, failures)
        ind_text = narrative(scored, progress) if ns.indicators and ind_format == "narrative" else None
        progress.close()
        _summary(ns, entries, inputs)
        if ns.indicators:
            if ns.indicators == "-":
                sys.stdout.write("\n")
            if ind_text is not None:
                write_text(ns.indicators, ind_text, inputs)
            else:
                assert ind_format is not None
                indicator_output(scored, ind_format, ns.indicators, inputs, pending)
    finally:
        if pending is not None:
            pending.cancel()  # nothing left to stop once indicator_output finished it
    return _report(ns, entries, failures)


def _warn_recorded(ns: argparse.Namespace, batches: Sequence[Any]) -> None:
    """With --spec on a folder: warn about each template made for another spec, as ``score`` does."""
    if not ns.spec or not batches or not Path(ns.input).is_dir():
        return
    from selfscore.batch.io import recorded_specs
    from selfscore.cli.main import warn_other_spec

    for table, marked in recorded_specs(ns.input).items():
        warn_other_spec(str(table), marked, batches[0].spec.id)


def _summary(ns: argparse.Namespace, entries: Any, inputs: list[Path]) -> None:
    if ns.format in ("table", "markdown"):  # a long 备注 shared by many departments: once, under the table
        header, rows, numeric = summary_rows(entries, english=False)
        rows, legend = shared_notes(header, rows)
        emit("format", ns.format, ns.output, header, rows, numeric, inputs, legend)
    elif ns.format != "json":
        emit("format", ns.format, ns.output, *summary_rows(entries, english=ns.format == "csv"), inputs)
    elif ns.output:
        write_text(ns.output, summary_json(entries), inputs)
    else:
        sys.stdout.write(summary_json(entries))


def _report(ns: argparse.Namespace, entries: Any, failures: list[Any]) -> int:
    """Warnings and failures on stderr, and the exit code."""
    for line in duplicate_names(entries):
        print(line, file=sys.stderr)
    failed = [i for i, e in enumerate(entries.error) if e is not None]
    for i in failed:
        file = entries.file[i]
        where = f"（{file}）" if file and file != ns.input else ""
        print(f"✗ {entries.department[i]}{where}: 无法计分 (cannot score): {one_line(entries.error[i])}", file=sys.stderr)
    if not failed:
        return EXIT_OK
    print(f"{len(entries) - len(failed)} 个部门已计分，{len(failed)} 个无法计分 "
          f"(scored {len(entries) - len(failed)}, could not score {len(failed)})", file=sys.stderr)
    all_unreadable = all(f.code == EXIT_UNREADABLE for f in failures) and len(failures) == len(failed)
    return EXIT_UNREADABLE if all_unreadable else EXIT_INVALID
