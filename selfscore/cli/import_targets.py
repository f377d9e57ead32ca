"""``selfscore import-targets FILE``: project target table exports -> case skeletons.

The file-facing edge of :mod:`selfscore.inputs.import_targets`: reads the export (UTF-8,
UTF-8 with BOM, or GBK), parses it, prints a summary with every notice and warning
to stderr, and writes one case skeleton per project (or one department case with
``--single``) atomically, never over an existing file unless ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from selfscore.cli.parser import Parser
from selfscore.core.errors import EXIT_INVALID, EXIT_OK, EXIT_OUTPUT, EXIT_UNREADABLE, EXIT_USAGE, OutputError, UnreadableError
from selfscore.inputs.files import decode_text, read_text
from selfscore.inputs.import_targets import (
    ImportResult,
    case_file_name,
    case_skeleton,
    department_skeleton,
    parse_target_export,
)
from selfscore.outputs.files import write_text_atomic

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_OUTPUT", "EXIT_UNREADABLE", "EXIT_USAGE", "decode_export", "main"]


_PROG = "selfscore import-targets"

_EPILOG = f"""\
退出码 (exit codes):
  {EXIT_OK}  成功 (ok)
  {EXIT_USAGE}  命令用法错误 (usage error)
  {EXIT_UNREADABLE}  输入文件无法读取：不存在、不是 UTF-8/GBK 文本 (unreadable input)
  {EXIT_INVALID}  未能识别任何指标 (invalid input: nothing recovered)
  {EXIT_OUTPUT}  无法写入输出：输出位置不是目录、文件已存在且未加 --force、会覆盖输入文件、磁盘已满等 (cannot write output)

示例 (examples):
  selfscore import-targets 2024项目支出绩效目标表.txt -o cases/2024 --year 2024
  selfscore import-targets export.txt --single --spec liwan-2024 --department 广州市荔湾区人民政府金花街道办事处
  selfscore import-targets 2024项目支出绩效目标表.txt --projects cases/项目自评 --year 2024
"""


class _Usage(Exception):
    pass


class _Unreadable(Exception):
    pass


class _Parser(Parser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=_PROG,
        description="把预算系统导出的项目支出绩效目标表转成案例骨架 (turn project target table exports into case skeletons)",
        epilog=_EPILOG,
    )
    p.add_argument("file", metavar="FILE", help="导出的文本文件 (the exported text: UTF-8, UTF-8 with BOM, or GBK)")
    p.add_argument("-o", "--output-dir", metavar="DIR", default=".", help="输出目录，默认当前目录 (output folder)")
    p.add_argument("--spec", default="", help="写入案例的评分规范名 (scoring spec id written into the cases)")
    p.add_argument("--department", metavar="NAME", help="单位名称，默认取导出文件中的“单位名称” (department name)")
    p.add_argument("--year", type=int, metavar="YEAR", help="年度，默认取标题中的年份 (year)")
    p.add_argument("--single", action="store_true", help="所有项目合成一个部门案例 (one department case for all projects)")
    p.add_argument("--projects", metavar="DIR",
                   help="每个项目写一个项目支出绩效自评案例骨架到 DIR（评分规范默认 mof-2020-project）"
                        "(write one project self-evaluation case skeleton per project into DIR)")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件 (overwrite existing output files)")
    return p


decode_export = decode_text  # kept for callers of the earlier name


def _read(path: Path) -> tuple[str, str]:
    try:
        return read_text(path)
    except UnreadableError as exc:
        raise _Unreadable(str(exc)) from None


def _project_plan(result: ImportResult, args: argparse.Namespace, source: Path) -> list[tuple[Path, str]]:
    """One project case skeleton (项目支出绩效自评表) per project with indicators, into ``--projects DIR``."""
    from selfscore.inputs.project_skeleton import project_skeleton

    department = result.department if args.department is None else args.department
    year = result.year if args.year is None else args.year
    return [(Path(args.projects) / case_file_name(index, project),
             project_skeleton(project, spec=args.spec or "mof-2020-project", unit=department, year=year,
                              amount_unit=result.amount_unit, source=source.name))
            for index, project in enumerate(result.projects, start=1) if project.indicators]


def _plan(result: ImportResult, args: argparse.Namespace, source: Path) -> list[tuple[Path, str]]:
    out = Path(args.output_dir)
    department = result.department if args.department is None else args.department
    year = result.year if args.year is None else args.year
    if args.projects:
        return _project_plan(result, args, source)
    if args.single:
        text = department_skeleton(result, source=source.name, spec=args.spec, department=department, year=year)
        return [(out / f"{source.stem}.toml", text)]
    plan = []
    for index, project in enumerate(result.projects, start=1):
        if not project.indicators:
            continue
        text = case_skeleton(
            project,
            source=source.name,
            spec=args.spec,
            department=department,
            year=year,
            amount_unit=result.amount_unit,
            messages=result.warnings,
        )
        plan.append((out / case_file_name(index, project), text))
    return plan


def _summary(result: ImportResult, source: Path, encoding: str, err: TextIO) -> None:
    print(f"{_PROG}: {source}（{encoding}）", file=err)
    if result.department or result.year:
        print(f"  单位 (department)：{result.department or '—'}；年度 (year)：{result.year or '—'}", file=err)
    print(
        f"  识别项目 {len(result.projects)} 个、指标 {result.indicator_count} 个 "
        f"(recovered {len(result.projects)} projects, {result.indicator_count} indicators)",
        file=err,
    )
    unit = f" {result.amount_unit}" if result.amount_unit else ""
    for index, project in enumerate(result.projects, start=1):
        money = "；".join(f"{label} {value}{unit}" for label, value in project.amounts)
        print(
            f"    {index:02d} {project.name or '（未识别名称 unnamed）'}：{len(project.indicators)} 个指标 (indicators)"
            + (f"，{money}" if money else "")
            + (f"（单位 unit：{project.unit}）" if project.unit else ""),
            file=err,
        )
    for title, messages in (("提示 (notices)", result.notices), ("警告 (warnings)", result.warnings)):
        print(f"  {title} {len(messages)} 条：" if messages else f"  {title}：无 (none)", file=err)
        for message in messages:
            print(f"    {message}", file=err)


def _refusal(plan: list[tuple[Path, str]], out: Path, source: Path, force: bool, err: TextIO) -> int | None:
    """The exit code when the plan must not be written (output not a folder, over the input, files exist)."""
    if out.exists() and not out.is_dir():
        print(f"{_PROG}: 无法写入输出 (cannot write output): 输出位置不是目录 (output is not a folder): {out}", file=err)
        return EXIT_OUTPUT
    try:
        source_real = source.resolve()
        clash = [path for path, _ in plan if path.resolve() == source_real]
    except OSError:
        clash = []
    if clash:
        print(f"{_PROG}: 无法写入输出 (cannot write output): 输出文件不能覆盖本次读取的输入文件 "
              f"(refusing to overwrite an input): {clash[0]}", file=err)
        return EXIT_OUTPUT
    existing = [path for path, _ in plan if path.exists()]
    if existing and not force:
        print(f"{_PROG}: 无法写入输出 (cannot write output): 输出文件已存在，未写入任何文件；如需覆盖请加 --force "
              "(output files exist; nothing written):", file=err)
        for path in existing:
            print(f"    {path}", file=err)
        return EXIT_OUTPUT
    return None


def _write(plan: list[tuple[Path, str]], out: Path, source: Path, force: bool, err: TextIO) -> int:
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, content in plan:
            write_text_atomic(path, content, inputs=[source], overwrite=force)
            written.append(path)
    except (OSError, OutputError) as exc:
        print(f"{_PROG}: 无法写入输出 (cannot write output): {exc}", file=err)
        for path in written:
            print(f"    已写入 (written): {path}", file=err)
        return EXIT_OUTPUT
    print(f"  已写入 (written) {len(written)} 个文件：", file=err)
    for path in written:
        print(f"    {path}", file=err)
    return EXIT_OK


def _is_project_spec(ref: str) -> bool:
    from selfscore.core.errors import SelfScoreError
    from selfscore.inputs.load import load_spec

    try:
        return bool(load_spec(ref, base_dir=Path.cwd()).project)
    except SelfScoreError:
        return False


def main(args: Sequence[str] | None = None) -> int:
    """Run ``selfscore import-targets`` with ``args`` (without the command name); returns the exit code."""
    err = sys.stderr
    argv = list(sys.argv[1:] if args is None else args)
    try:
        ns = _parser().parse_args(argv)
    except _Usage as exc:
        _parser().print_usage(err)
        print(f"{_PROG}: 用法错误 (usage error): {exc}", file=err)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if ns.projects and ns.single:
        print(f"{_PROG}: 用法错误 (usage error): --projects 与 --single 不能同时使用 (choose one)", file=err)
        return EXIT_USAGE
    if ns.projects and ns.spec and not _is_project_spec(ns.spec):
        print(f"{_PROG}: 用法错误 (usage error): --projects 需要项目支出评分规范 (a project spec, e.g. mof-2020-project)："
              f"{ns.spec}", file=err)
        return EXIT_USAGE
    if ns.year is not None and not 1900 <= ns.year <= 2200:
        print(f"{_PROG}: 用法错误 (usage error): 年度不合理 (implausible year): {ns.year}", file=err)
        return EXIT_USAGE
    source = Path(ns.file)
    try:
        text, encoding = _read(source)
    except _Unreadable as exc:
        print(f"{_PROG}: 无法读取 (unreadable): {exc}", file=err)
        return EXIT_UNREADABLE
    result = parse_target_export(text)
    _summary(result, source, encoding, err)
    if result.indicator_count == 0:
        print(f"{_PROG}: 未能识别任何指标，未写入文件 (nothing recovered; nothing written)", file=err)
        return EXIT_INVALID
    out = Path(ns.projects or ns.output_dir)
    plan = _plan(result, ns, source)
    refused = _refusal(plan, out, source, ns.force, err)
    return refused if refused is not None else _write(plan, out, source, ns.force, err)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
