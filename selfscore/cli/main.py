"""The ``selfscore`` command: a thin shell over the library.

The single-case path (``score``, ``check``, ``specs``) imports neither numpy nor
anything it does not need, so it starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from selfscore.core.errors import DependencyError, InputError, SelfScoreError, UnreadableError

__all__ = ["EXIT_INVALID", "EXIT_MISMATCH", "EXIT_OK", "EXIT_UNREADABLE", "EXIT_USAGE", "main", "report_error"]

EXIT_OK = 0
EXIT_MISMATCH = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INVALID = 4

_EPILOG = """\
退出码 (exit codes):
  0  成功 (ok)
  1  核对不符：check 发现期望值与计算结果不同，或 verify 发现表中有误 (mismatch)
  2  命令用法错误 (usage error)
  3  输入文件无法读取：不存在、不是 UTF-8 文本、缺少 openpyxl 等 (unreadable input)
  4  输入内容有误：规范或案例中的拼写、缺项、分值不符、无法识别的目标值等 (invalid input)

示例 (examples):
  selfscore score cases/jinhua-2024.toml
  selfscore score cases/yuangang-2023.toml --explain
  selfscore score cases/jinhua-2024.toml --format json -o result.json
  selfscore score cases/jinhua-2024.toml --format narrative
  selfscore score cases/jinhua-2024.toml --format xlsx -o 自评表.xlsx
  selfscore score cases/jinhua-2024.toml --format docx -o 自评报告.docx
  selfscore check cases/
  selfscore template --spec tianhe-2023 -o 自评表.xlsx
  selfscore score 自评表.xlsx --spec tianhe-2023 --department 元岗街道 --year 2023
  selfscore verify 自评表.xlsx --spec tianhe-2023
  selfscore specs
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"selfscore: 用法错误 (usage error): {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="selfscore",
        description="部门整体支出绩效自评的精确计分 (exact scoring of department budget performance self-evaluations)",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from selfscore import __version__

    parser.add_argument("--version", action="version", version=f"selfscore {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("score", help="计分并输出自评表 (score a case)", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("case", metavar="CASE", help="案例文件 (.toml) 或自评表 (.xlsx/.csv，需 --spec)")
    p.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径 (overrides the case's spec; required for .xlsx/.csv)")
    p.add_argument("--department", help="单位名称，用于 .xlsx/.csv (department, for spreadsheets)")
    p.add_argument("--year", type=int, help="年度，用于 .xlsx/.csv (year, for spreadsheets)")
    p.add_argument("--format", "-f", choices=("table", "markdown", "json", "narrative", "xlsx", "docx"), default="table",
                   help="输出格式 (output format), 默认 table；narrative 为自评报告文字；xlsx、docx（Word 自评报告）需配合 -o")
    p.add_argument("--explain", action="store_true", help="列出每一步计算过程 (show every step)")
    p.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是屏幕 (write to FILE)")

    c = sub.add_parser("check", help="核对案例的期望值 (check cases' expected values)", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("paths", nargs="*", metavar="PATH", help="案例文件或目录，默认 cases/ (case files or folders)")

    sub.add_parser("specs", help="列出内置评分规范及其依据 (list bundled specs)")

    t = sub.add_parser("template", help="生成空白自评表 (write a blank table to fill in)", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("--spec", required=True, help="评分规范：内置规范名或 .toml 路径")
    t.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件 (.xlsx 或 .csv)")
    t.add_argument("--force", action="store_true", help="覆盖已存在的文件 (overwrite an existing file)")

    v = sub.add_parser("verify", help="核对手工填写的自评表 (check a table filled in by hand)", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("table", metavar="FILE", help="已填写的自评表 (.xlsx 或 .csv)")
    v.add_argument("--spec", help="评分规范：内置规范名或 .toml 路径（项目支出 .toml 案例可省略）")
    v.add_argument("--format", "-f", choices=("text", "json"), default="text", help="输出格式，默认 text")

    for name, help_text in (
        ("import-targets", "把预算系统导出的绩效目标表转成案例骨架 (import target-table exports)"),
        ("batch", "批量计分多个部门 (score many departments)"),
    ):
        extra = sub.add_parser(name, help=help_text, add_help=False)
        extra.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def report_error(exc: SelfScoreError, *, prog: str = "selfscore") -> int:
    """Print a user error to stderr, one line per problem, and return its exit code."""
    if isinstance(exc, InputError):
        problems = exc.problems
        print(f"{prog}: 输入有误 (invalid input)，共 {len(problems)} 处：", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID
    if isinstance(exc, DependencyError):
        print(f"{prog}: 缺少可选依赖 (missing optional dependency): {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if isinstance(exc, UnreadableError):
        print(f"{prog}: 无法读取 (unreadable): {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"{prog}: 输入有误 (invalid input): {exc}", file=sys.stderr)
    return EXIT_INVALID


def _score(args: argparse.Namespace) -> int:
    from selfscore.cli import project

    if args.format in ("xlsx", "docx") and not args.output:
        print(f"selfscore: 用法错误 (usage error): --format {args.format} 需要用 -o FILE.{args.format} 指定输出文件", file=sys.stderr)
        return EXIT_USAGE
    if project.handles(args.case, args.spec):
        if args.format == "docx":
            print("selfscore: 用法错误 (usage error): --format docx 写的是部门整体支出绩效自评报告，"
                  "项目支出绩效自评表请用 --format xlsx、markdown 或 json", file=sys.stderr)
            return EXIT_USAGE
        return project.score(args)
    from selfscore.core.engine import score
    from selfscore.inputs.load import load_case_and_spec
    from selfscore.inputs.sheet import is_sheet
    from selfscore.outputs.files import write_text_atomic
    from selfscore.outputs.render import render

    if is_sheet(args.case):
        if not args.spec:
            print("selfscore: 用法错误 (usage error): 读取 .xlsx/.csv 自评表需要 --spec 指定评分规范", file=sys.stderr)
            return EXIT_USAGE
        from selfscore.inputs.sheet import load_sheet_case

        case, spec = load_sheet_case(args.case, args.spec, department=args.department, year=args.year)
    else:
        case, spec = load_case_and_spec(args.case, args.spec)
    result = score(spec, case)
    inputs = [Path(args.case)] + ([Path(args.spec)] if args.spec and Path(args.spec).is_file() else [])
    if args.format == "xlsx":
        from selfscore.outputs.xlsx import write_result_xlsx

        write_result_xlsx(result, Path(args.output), inputs=inputs)
    elif args.format == "docx":
        from selfscore.outputs.docx import write_result_docx

        write_result_docx(result, Path(args.output), inputs=inputs)
    else:
        text = render(result, args.format, explain=args.explain)
        if not args.output:
            sys.stdout.write(text)
            return EXIT_OK
        write_text_atomic(Path(args.output), text, inputs=inputs)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return EXIT_OK


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
            worst_error = max(worst_error, EXIT_INVALID if not isinstance(exc, UnreadableError) else EXIT_UNREADABLE)
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
    from selfscore.inputs.load import load_spec
    from selfscore.outputs.template import write_template

    if Path(args.output).exists() and not args.force:
        print(f"selfscore: 输出文件已存在，未覆盖 (output exists, not overwritten): {args.output}；"
              "如需覆盖请加 --force", file=sys.stderr)
        return EXIT_USAGE
    from selfscore.cli import project

    if project.handles(None, args.spec):
        return project.template(args)
    write_template(load_spec(args.spec, base_dir=Path.cwd()), args.output, overwrite=args.force)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    import json

    from selfscore.cli import project
    from selfscore.inputs.load import load_spec
    from selfscore.outputs.verify import differences_to_json, render_differences, verify

    if project.handles(args.table, args.spec):
        return project.verify(args)
    if not args.spec:
        print("selfscore: 用法错误 (usage error): verify 需要 --spec 指定评分规范", file=sys.stderr)
        return EXIT_USAGE
    diffs = verify(args.table, load_spec(args.spec, base_dir=Path.cwd()))
    if args.format == "json":
        sys.stdout.write(json.dumps(differences_to_json(diffs), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_differences(diffs, file=args.table))
    return EXIT_MISMATCH if diffs else EXIT_OK


def _specs(_args: argparse.Namespace) -> int:
    from selfscore.core.numbers import fmt
    from selfscore.inputs.load import bundled_specs

    for spec in bundled_specs():
        parts = " + ".join(f"{p.name} {'?' if p.unknown or p.points is None else fmt(p.points)}" for p in spec.parts)
        print(f"{spec.id}  {spec.title}")
        print(f"    {fmt(spec.total)} 分 = {parts}" + (f"；继承 (extends) {spec.extends}" if spec.extends else ""))
        print(f"    依据 (source): {spec.source}")
    return EXIT_OK


def _delegate(command: str, rest: list[str]) -> int:
    if command == "import-targets":
        from selfscore.cli.import_targets import main as import_main

        return int(import_main(rest))
    from selfscore.cli.batch import main as batch_main

    return int(batch_main(rest))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in ("import-targets", "batch"):
        # these commands parse their own options (including --help)
        try:
            return _delegate(args_list[0], args_list[1:])
        except SelfScoreError as exc:
            return report_error(exc)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        commands = {"score": _score, "check": _check, "specs": _specs, "template": _template, "verify": _verify}
        return commands[args.command](args)
    except SelfScoreError as exc:
        return report_error(exc)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
