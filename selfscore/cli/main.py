"""The ``selfscore`` command: a thin shell over the library.

The single-case path (``score``, ``check``, ``specs``) imports neither numpy nor
anything it does not need, so it starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from selfscore.cli.parser import Parser
from selfscore.core.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_MISMATCH,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    DependencyError,
    InputError,
    OutputError,
    SelfScoreError,
    UnreadableError,
    UsageError,
    exit_code,
)

__all__ = ["EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_MISMATCH", "EXIT_OK", "EXIT_OUTPUT", "EXIT_UNREADABLE",
           "EXIT_USAGE", "main", "report_error"]

_EXIT_HELP = f"""\
退出码 (exit codes):
  {EXIT_OK}    成功 (ok)
  {EXIT_MISMATCH}    核对不符：check 发现期望值与计算结果不同，或 verify 发现表中有误 (mismatch)
  {EXIT_USAGE}    命令用法错误：缺少或多余的参数、--format 与扩展名不符、自评表未指定评分规范等 (usage error)
  {EXIT_UNREADABLE}    输入文件无法读取：不存在、不是 UTF-8 文本、缺少 openpyxl 等 (unreadable input)
  {EXIT_INVALID}    输入内容有误：规范或案例中的拼写、缺项、分值不符、无法识别的目标值等 (invalid input)
  {EXIT_OUTPUT}    无法写入输出：文件已存在（需 --force）、是输入文件、不是普通文件、目录只读、磁盘已满等 (cannot write output)
  {EXIT_INTERRUPTED}  已中断 (interrupted, Ctrl-C)

写文件的命令（score -o、template、import-targets、batch -o）遵守同一规则：输出文件已存在时须加 --force
才会覆盖；本次读取的任何文件（案例、案例指定的规范及其继承的规范、自评表）都不能作为输出。
"""

_EPILOG = _EXIT_HELP + """
示例 (examples):
  selfscore score cases/jinhua-2024.toml
  selfscore score cases/yuangang-2023.toml --explain
  selfscore score cases/jinhua-2024.toml -o result.json
  selfscore score cases/jinhua-2024.toml --format narrative
  selfscore score cases/jinhua-2024.toml -o 自评表.xlsx
  selfscore check cases/
  selfscore template --spec tianhe-2023 -o 自评表.xlsx
  selfscore score 自评表.xlsx --department 元岗街道
  selfscore verify 自评表.xlsx --spec tianhe-2023
  selfscore specs
"""


def _formats_help() -> str:
    from selfscore.outputs.formats import FORMATS

    return "输出格式 (output format)：" + "；".join(f"{f.name} {f.help}" for f in FORMATS.values()) + \
        "。不指定时按 -o 文件的扩展名决定，默认 table"


def _score_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from selfscore.outputs.formats import FORMATS

    p = sub.add_parser("score", help="计分并输出自评表 (score a case)", epilog=_EPILOG)
    p.add_argument("case", metavar="CASE", help="案例文件 (.toml) 或自评表 (.xlsx/.csv)")
    p.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径；自评表由 selfscore template 生成时可省略")
    p.add_argument("--department", help="单位名称，用于 .xlsx/.csv (department, for spreadsheets)")
    p.add_argument("--year", type=int, help="年度，用于 .xlsx/.csv (year, for spreadsheets)")
    p.add_argument("--format", "-f", choices=tuple(FORMATS), default=None, help=_formats_help())
    p.add_argument("--explain", action="store_true", help="列出每一步计算过程 (show every step)")
    p.add_argument("--sources", action="store_true",
                   help="计算过程中另列规则出处，供审核 (also show each rule's source, for auditors)")
    p.add_argument("--plain", action="store_true",
                   help="表格只用 ASCII 边框 + - |，适合旧版控制台 (ASCII borders for legacy consoles)")
    p.add_argument("--width", type=int, metavar="N",
                   help="表格宽度（列数）；默认为终端宽度，非终端时为 100 (table width)")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是屏幕 (write to FILE)")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件 (overwrite an existing output)")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="selfscore",
        description="部门整体支出绩效自评的精确计分 (exact scoring of department budget performance self-evaluations)",
        epilog=_EPILOG,
    )
    from selfscore import __version__

    parser.add_argument("--version", action="version", version=f"selfscore {__version__}",
                        help="显示版本并退出 (show the version)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser, title="命令 (commands)")
    _score_parser(sub)

    c = sub.add_parser("check", help="核对案例的期望值 (check cases' expected values)", epilog=_EPILOG)
    c.add_argument("paths", nargs="*", metavar="PATH", help="案例文件或目录，默认 cases/ (case files or folders)")

    s = sub.add_parser("specs", help="列出内置评分规范及其依据 (list bundled specs)", epilog=_EPILOG)
    s.add_argument("--sources", action="store_true", help="另列规则出处，供审核 (also show sources, for auditors)")

    t = sub.add_parser("template", help="生成空白自评表 (write a blank table to fill in)", epilog=_EPILOG)
    t.add_argument("--spec", required=True, help="评分规范：内置规范名或 .toml 路径")
    t.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件 (.xlsx 或 .csv)")
    t.add_argument("--force", action="store_true", help="覆盖已存在的输出文件 (overwrite an existing output)")

    v = sub.add_parser("verify", help="核对手工填写的自评表 (check a table filled in by hand)", epilog=_EPILOG)
    v.add_argument("table", metavar="FILE", help="已填写的自评表 (.xlsx 或 .csv)")
    v.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径；由 selfscore template 生成的自评表、"
                                  "项目支出 .toml 案例可省略")
    v.add_argument("--format", "-f", choices=("text", "json"), default="text", help="输出格式，默认 text")

    for name, help_text in (
        ("import-targets", "把预算系统导出的绩效目标表转成案例骨架 (import target-table exports)"),
        ("batch", "批量计分多个部门 (score many departments)"),
    ):
        extra = sub.add_parser(name, help=help_text, add_help=False)
        extra.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


_KIND_LABEL = (
    (OutputError, "无法写入输出 (cannot write output)"),
    (UsageError, "用法错误 (usage error)"),
    (DependencyError, "缺少可选依赖 (missing optional dependency)"),
    (UnreadableError, "无法读取 (unreadable)"),
)


def report_error(exc: SelfScoreError, *, prog: str = "selfscore") -> int:
    """Print a user error to stderr, one line per problem, and return its exit code (see core.errors)."""
    code = exit_code(exc)
    if isinstance(exc, InputError) and code == EXIT_INVALID:
        problems = exc.problems
        print(f"{prog}: 输入有误 (invalid input)，共 {len(problems)} 处：", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return code
    label = next((text for kind, text in _KIND_LABEL if isinstance(exc, kind)), "输入有误 (invalid input)")
    print(f"{prog}: {label}: {exc}", file=sys.stderr)
    return code


def _sheet_spec(args: argparse.Namespace, table: str) -> tuple[str, str | None]:
    """The spec for a 自评表 (--spec, else the one its template recorded) and the recorded one."""
    from selfscore.inputs.marker import spec_marker

    marked = spec_marker(table)
    if args.spec:
        named = not str(args.spec).endswith(".toml") and "/" not in args.spec and "\\" not in args.spec
        if named:  # a bundled id: warn now, before any problem the other spec may find in the table
            warn_other_spec(table, marked, str(args.spec))
            return str(args.spec), None
        return str(args.spec), marked  # a spec file: compared with its id once loaded
    if marked:
        from importlib import resources

        if not (resources.files("selfscore.scoring_specs") / f"{marked}.toml").is_file():
            raise UsageError(f"{table}: 此表按评分规范 {marked} 生成，它不是内置规范；请用 --spec 指定它的 .toml 文件")
        return marked, marked
    raise UsageError(f"{table}: 读取 .xlsx/.csv 自评表需要用 --spec 指定评分规范（如 --spec tianhe-2023）；"
                     "用 selfscore template 生成的表会自带评分规范")


def warn_other_spec(table: str, marked: str | None, spec_id: str) -> None:
    """Warn on stderr when a table's template was made for another spec than the one scoring it."""
    if marked and marked != spec_id:
        print(f"selfscore: 注意 (warning): {table} 是按评分规范 {marked} 生成的模板，现按 {spec_id} 计分", file=sys.stderr)


def _load(args: argparse.Namespace) -> tuple[Any, Any, list[Path]]:
    """The case and spec of ``args``, and every file read to get them (the inputs)."""
    from selfscore.inputs.files import recording_reads
    from selfscore.inputs.kinds import is_sheet
    from selfscore.inputs.load import load_case_and_spec

    with recording_reads() as read:
        if is_sheet(args.case):
            from selfscore.inputs.sheet import load_sheet_case

            spec_ref, marked = _sheet_spec(args, args.case)
            case, spec = load_sheet_case(args.case, spec_ref, department=args.department, year=args.year)
            warn_other_spec(args.case, marked, spec.id)
        else:
            case, spec = load_case_and_spec(args.case, args.spec)
    inputs = [*read, Path(args.case)]
    if args.spec and Path(args.spec).is_file():
        inputs.append(Path(args.spec))
    return case, spec, inputs


def _score(args: argparse.Namespace) -> int:
    from selfscore.cli import project
    from selfscore.core.engine import score
    from selfscore.outputs.files import check_output, write_text_atomic
    from selfscore.outputs.formats import choose_format, load_writer
    from selfscore.outputs.render import render

    fmt = choose_format(args.format, args.output)
    args.format = fmt.name
    if args.output:  # refuse a bad destination before any work
        check_output(Path(args.output), [Path(args.case)], overwrite=args.force)
    if project.handles(args.case, args.spec):
        return project.score(args)
    case, spec, inputs = _load(args)
    result = score(spec, case)
    if fmt.writer:
        load_writer(fmt)(result, Path(args.output), inputs=inputs, overwrite=args.force)
    else:
        text = render(result, fmt.renderer, explain=args.explain or args.sources, sources=args.sources, plain=args.plain,
                      width=args.width if args.width else _terminal_width(args.output))
        if not args.output:
            sys.stdout.write(text)
            return EXIT_OK
        write_text_atomic(Path(args.output), text, inputs=inputs, overwrite=args.force)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return EXIT_OK


def _terminal_width(output: str | None) -> int:
    """The table width: the terminal's when printing to one, else 100 columns."""
    if output or not sys.stdout.isatty():
        return 100
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _case_files(paths: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(p.rglob("*.toml")))
        elif p.exists():
            found.append(p)
        else:
            raise UnreadableError(f"{p}: 文件或目录不存在 (no such file or folder)")
    return found


def _check(args: argparse.Namespace) -> int:
    from selfscore.core.engine import compare_expected, score
    from selfscore.inputs.load import load_case_and_spec

    files = _case_files(args.paths or ["cases"])
    if not files:
        print("selfscore: 没有找到案例文件 (no case files found)", file=sys.stderr)
        return EXIT_USAGE
    mismatched = failed = 0
    worst_error = EXIT_OK
    from selfscore.cli import project

    for file in files:
        if project.handles(str(file), None):
            ok, lines = project.check_file(file)
            print(("✓ " if ok else "✗ ") + str(file) + ("" if ok else f": {len(lines)} 处不符 (mismatches)"))
            print("".join(f"    {line}\n" for line in lines), end="")
            mismatched += not ok
            continue
        try:
            case, spec = load_case_and_spec(file)
            diffs = compare_expected(case, score(spec, case))
        except SelfScoreError as exc:
            failed += 1
            print(f"✗ {file}: 无法计分 (cannot score)")
            if isinstance(exc, InputError):
                for problem in exc.problems:
                    print(f"    {problem}")
            else:
                print(f"    {exc}")
            worst_error = max(worst_error, exit_code(exc))
            continue
        if not case.expected and not any(ind.expected for ind in case.indicators):
            print(f"- {file}: 无期望值，未核对 (no expected values)")
        elif diffs:
            mismatched += 1
            print(f"✗ {file}: {len(diffs)} 处不符 (mismatches)")
            for d in diffs:
                print(f"    {d.path}: 期望 (expected) {d.expected}，计算 (got) {d.got}")
        else:
            print(f"✓ {file}")
    passed = len(files) - mismatched - failed
    print(f"{passed} passed, {mismatched + failed} failed")
    if failed:
        return worst_error
    return EXIT_MISMATCH if mismatched else EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from selfscore.cli import project
    from selfscore.inputs.files import recording_reads
    from selfscore.inputs.load import load_spec
    from selfscore.outputs.files import check_output
    from selfscore.outputs.template import write_template

    check_output(Path(args.output), overwrite=args.force)  # the one overwrite rule, before any work
    if project.handles(None, args.spec):
        return project.template(args)
    with recording_reads() as read:
        spec = load_spec(args.spec, base_dir=Path.cwd())
    write_template(spec, args.output, overwrite=args.force, inputs=read)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    import json

    from selfscore.cli import project
    from selfscore.inputs.load import load_spec
    from selfscore.outputs.verify import differences_to_json, render_differences, verify

    if project.handles(args.table, args.spec):
        return project.verify(args)
    spec_ref, marked = _sheet_spec(args, args.table)
    spec = load_spec(spec_ref, base_dir=Path.cwd())
    warn_other_spec(args.table, marked, spec.id)
    diffs = verify(args.table, spec)
    if args.format == "json":
        sys.stdout.write(json.dumps(differences_to_json(diffs), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_differences(diffs, file=args.table))
    return EXIT_MISMATCH if diffs else EXIT_OK


def _specs(args: argparse.Namespace) -> int:
    from selfscore.core.numbers import fmt
    from selfscore.inputs.load import bundled_specs

    for spec in bundled_specs():
        parts = " + ".join(f"{p.name} {'未公布' if p.unknown or p.points is None else fmt(p.points)}" for p in spec.parts)
        print(f"{spec.id}  {spec.title}")
        print(f"    {fmt(spec.total)} 分 = {parts}" + (f"；继承 {spec.extends}" if spec.extends else ""))
        print(f"    依据：{spec.basis or '（规范未写明）'}")
        if args.sources:
            print(f"    出处 (source): {spec.source}")
            for item in spec.items():
                for text in (item.source, item.rule_source):
                    if text:
                        print(f"      {item.name}: {text}")
    return EXIT_OK


def _delegate(command: str, rest: list[str]) -> int:
    if command == "import-targets":
        from selfscore.cli.import_targets import main as import_main

        return int(import_main(rest))
    from selfscore.cli.batch import main as batch_main

    return int(batch_main(rest))


def _run(args_list: list[str]) -> int:
    if args_list and args_list[0] in ("import-targets", "batch"):
        # these commands parse their own options (including --help)
        return _delegate(args_list[0], args_list[1:])
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    commands = {"score": _score, "check": _check, "specs": _specs, "template": _template, "verify": _verify}
    return int(commands[args.command](args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see :mod:`selfscore.core.errors`)."""
    try:
        code = _run(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()
        return code
    except SelfScoreError as exc:
        return report_error(exc)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("selfscore: 已中断 (interrupted)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # inputs are read through UnreadableError: this is the screen output failing (> /dev/full)
        from selfscore.outputs.files import describe_os_error

        _silence_stdout()
        print(f"selfscore: 无法写入输出 (cannot write output): 标准输出 (stdout): {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_OUTPUT


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit cannot fail a second time."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
