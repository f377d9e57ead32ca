"""The CLI's project-table commands (项目支出绩效自评): score, verify (the auditor), template, check.

``main`` routes here when the case is a project case (TOML with ``project`` and ``[[budget]]``)
or the spec is a project spec (it has a ``[project]`` table).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from selfscore.core.errors import SelfScoreError, UnreadableError, UsageError
from selfscore.inputs.kinds import is_project_file
from selfscore.inputs.load import load_spec

if TYPE_CHECKING:
    from selfscore.core.spec import Spec

__all__ = ["check_file", "handles", "score", "template", "verify"]


def _spec(ref: str | None) -> Spec | None:
    if not ref:
        return None
    try:
        return load_spec(ref, base_dir=Path.cwd())
    except SelfScoreError:
        return None


def handles(path: str | None, spec_ref: str | None) -> bool:
    """Whether a command on ``path`` with ``--spec spec_ref`` is about a project table."""
    spec = _spec(spec_ref)
    if spec is not None and spec.project:
        return True
    return bool(path) and is_project_file(path or "")


def _load(path: str, spec_ref: str | None, args: argparse.Namespace) -> tuple[object, Spec]:
    from selfscore.inputs.project_sheet import load_project_case

    case = load_project_case(path, spec_ref, unit=getattr(args, "department", None), year=getattr(args, "year", None))
    return case, load_spec(case.spec, base_dir=Path(path).parent)


def score(args: argparse.Namespace) -> int:
    from selfscore.core.project_score import score_project
    from selfscore.outputs.files import write_text_atomic
    from selfscore.outputs.render import render

    if args.format == "docx":
        raise UsageError("--format docx 写的是部门整体支出绩效自评报告，项目支出绩效自评表请用 --format xlsx、markdown 或 json")
    case, spec = _load(args.case, args.spec, args)
    result = score_project(spec, case)  # type: ignore[arg-type]
    if args.format == "xlsx":
        from selfscore.outputs.project_xlsx import write_project_xlsx

        write_project_xlsx(result, case, spec, Path(args.output), inputs=[Path(args.case)],  # type: ignore[arg-type]
                           overwrite=args.force)
    else:
        text = render(result, args.format, explain=args.explain)
        if not args.output:
            sys.stdout.write(text)
            return 0
        write_text_atomic(Path(args.output), text, inputs=[Path(args.case)], overwrite=args.force)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return 0


def verify(args: argparse.Namespace) -> int:
    from selfscore.outputs.audit import audit, audit_to_json, render_audit

    case, spec = _load(args.table, args.spec, args)
    found = audit(case, spec)  # type: ignore[arg-type]
    if args.format == "json":
        sys.stdout.write(json.dumps(audit_to_json(found), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_audit(found))
    return 0 if found.clean else 1


def template(args: argparse.Namespace) -> int:
    from selfscore.outputs.project_template import write_project_form

    write_project_form(load_spec(args.spec, base_dir=Path.cwd()), args.output, overwrite=args.force)
    print(f"已写入 (written): {args.output}", file=sys.stderr)
    return 0


def check_file(file: Path) -> tuple[bool, list[str]]:
    """A golden project case: the audit must name its declared variant and exactly its unexplained rows."""
    from selfscore.outputs.audit import audit

    case, spec = _load(str(file), None, argparse.Namespace())
    expected = dict(case.expected)  # type: ignore[attr-defined]
    if not expected:
        raise UnreadableError(f"{file}: 无期望值 (no expected values)")
    found = audit(case, spec)  # type: ignore[arg-type]
    lines = []
    if "variant" in expected and found.best != expected["variant"]:
        lines.append(f"variant: 期望 (expected) {expected['variant']}，核查 (got) {found.best}")
    for key, got in (("unexplained", [v.name for v in found.unexplained]),
                     ("arithmetic", [f.name or f.where for f in found.arithmetic])):
        if key in expected and sorted(map(str, expected[key])) != sorted(got):
            lines.append(f"{key}: 期望 (expected) {sorted(map(str, expected[key]))}，核查 (got) {sorted(got)}")
    return not lines, lines
