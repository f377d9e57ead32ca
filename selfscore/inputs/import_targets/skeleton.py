"""Case skeletons (TOML text) from the import result, ready for the actual values."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import LEVEL1, NOTICE_KINDS, ImportedIndicator, ImportedProject, ImportMessage, ImportResult


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``, with quotes, backslashes and control characters escaped."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\uFFFD")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _comment(text: str) -> str:
    flat = re.sub(r"[\x00-\x08\x0a-\x1f\x7f]+", " ", text)
    flat = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in flat)
    return f"# {flat}".rstrip()


def _amounts_text(project: ImportedProject, unit: str) -> str:
    return "；".join(f"{label} {value}{(' ' + unit) if unit else ''}" for label, value in project.amounts)


def _project_note(project: ImportedProject, unit: str) -> str:
    parts = [f"项目 (project)：{project.name or '（未识别名称 unnamed）'}"]
    if project.unit:
        parts.append(f"单位 (unit)：{project.unit}")
    if project.amounts:
        parts.append(f"金额 (amounts)：{_amounts_text(project, unit)}")
    if project.goal:
        parts.append(f"绩效目标 (goal)：{project.goal}")
    return "\n".join(parts)


def _header_lines(spec: str, department: str, year: int | None, source: str, note: str) -> list[str]:
    lines = [
        _comment("由 selfscore import-targets 从项目支出绩效目标表生成的案例骨架 (case skeleton from a project target table)"),
        _comment("请为每个指标填写 actual（年度实现值）(fill in each indicator's actual value)"),
        f"spec = {toml_string(spec)}",
        f"department = {toml_string(department)}",
    ]
    if year is None:
        lines.append(_comment("year = ……  请填写年度 (fill in the year; required)"))
    else:
        lines.append(f"year = {int(year)}")
    lines.append(f"source = {toml_string(source)}")
    if note:
        lines.append(f"note = {toml_string(note)}")
    return lines


def _indicator_lines(ind: ImportedIndicator, messages: Sequence[ImportMessage]) -> list[str]:
    lines = ["", "[[indicators]]", _comment(f"来源第{ind.position}行 (source line {ind.position})")]
    for message in messages:
        if message.line == ind.position and message.kind not in NOTICE_KINDS:
            lines.append(_comment(f"警告 (warning)：{message.text}"))
    group = ind.level1_name or LEVEL1.get(ind.level1_code, "")
    lines.append(f"group = {toml_string(group)}")
    lines.append(f"category = {toml_string(ind.level2_name)}")
    if ind.level1_code:
        lines.append(f"group_code = {toml_string(ind.level1_code)}")
    if ind.level2_code:
        lines.append(f"category_code = {toml_string(ind.level2_code)}")
    lines.append(f"name = {toml_string(ind.name)}")
    lines.append(f"target = {toml_string(ind.target)}")
    lines.append(f"cycle_target = {toml_string(ind.cycle_value)}")
    if ind.nature:
        lines.append(_comment(f"指标性质 (nature)：{ind.nature} {ind.nature_symbol}"))
    if ind.lower_is_better:
        lines.append(_comment("成本指标：目标值是上限，越低越好 (cost indicator: the target is a ceiling, lower is better)"))
        lines.append("lower_is_better = true")
    lines.append('actual = ""')
    return lines


def case_skeleton(
    project: ImportedProject,
    *,
    source: str,
    spec: str = "",
    department: str = "",
    year: int | None = None,
    amount_unit: str = "",
    messages: Sequence[ImportMessage] = (),
) -> str:
    """One case (TOML text) for one project: every indicator with its target and ``actual = ""``.

    ``target`` is the annual value, or the cycle value when the annual one is
    missing; 成本指标 rows get ``lower_is_better = true`` (a bare number is a ceiling)
    and every row its 指标性质 as a comment; ``messages`` (the import's warnings) are written as comments above
    the indicators they concern.  ``year`` is left as a comment when unknown.
    """
    lines = _header_lines(spec, department, year, source, _project_note(project, amount_unit))
    for ind in project.indicators:
        lines.extend(_indicator_lines(ind, messages))
    return "\n".join(lines) + "\n"


def department_skeleton(
    result: ImportResult,
    *,
    source: str,
    spec: str = "",
    department: str | None = None,
    year: int | None = None,
    messages: Sequence[ImportMessage] | None = None,
) -> str:
    """One case (TOML text) with the indicators of every project, projects marked by comments.

    ``department`` and ``year`` default to what the export says (单位名称, the title's year).
    """
    dept = result.department if department is None else department
    when = result.year if year is None else year
    msgs = result.warnings if messages is None else messages
    note = "\n".join(
        f"{i}. {p.name or '（未识别名称 unnamed）'}" + (f"（{_amounts_text(p, result.amount_unit)}）" if p.amounts else "")
        for i, p in enumerate(result.projects, start=1)
    )
    lines = _header_lines(spec, dept, when, source, f"项目 (projects)：\n{note}" if note else "")
    for i, project in enumerate(result.projects, start=1):
        if not project.indicators:
            continue
        lines.append("")
        lines.append(_comment(f"—— 项目 {i} (project {i})：{project.name or '（未识别名称 unnamed）'} ——"))
        for ind in project.indicators:
            lines.extend(_indicator_lines(ind, msgs))
    return "\n".join(lines) + "\n"


_UNSAFE = re.compile(r"[\\/:*?\"<>|\s\x00-\x1f\x7f]+")


def case_file_name(index: int, project: ImportedProject) -> str:
    """A safe file name for a project's case: ``03-社区办公经费.toml``."""
    slug = _UNSAFE.sub("_", project.name).strip("._")[:40].rstrip("._")
    return f"{index:02d}-{slug or 'project'}.toml"
