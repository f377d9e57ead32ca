"""Project case skeletons from a target-table export (``import-targets`` output).

Each imported project becomes one project case (TOML text, :mod:`selfscore.core.project_case`):
the budget block with the export's total in 年初预算数 and 全年预算数 / 全年执行数 left to fill,
and one indicator row per imported indicator with its 一级/二级 names, its 指标性质 read from
the target's comparator (≥ ＞ ＝ ＜ ≤, 定性 for a qualitative target), the target as a bare
number with its 度量单位, and ``actual``, ``weight`` and ``score`` empty.  Once the actuals
(and the weights, or the spec's equal split) are filled in, it scores under ``mof-2020-project``.
"""

from __future__ import annotations

from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import fmt
from selfscore.core.targets import parse_target
from selfscore.inputs.import_targets import ImportedIndicator, ImportedProject, ImportResult, toml_string

__all__ = ["project_skeleton", "project_skeletons"]

_SYMBOLS = {">=": "≥", ">": "＞", "==": "＝", "<": "＜", "<=": "≤"}


def _target_lines(ind: ImportedIndicator) -> list[str]:
    text = ind.target
    try:
        parsed = parse_target(text, lower_is_better=True if ind.level2_code == "14" or "成本" in ind.level2_name else None)
    except SelfScoreError as exc:
        return [f"# 目标值无法读取，请改写 (target not readable): {exc}", 'nature = ""', f"target = {toml_string(text)}", 'unit = ""']
    if parsed.kind == "qualitative" or parsed.value is None or parsed.comparator is None:
        return ['nature = "定性"', f"target = {toml_string(text)}", 'unit = ""',
                "# 定性指标：actual 填 达成 / 部分达成 / 未达成，并在区间内填写 score"]
    return [f"nature = {toml_string(_SYMBOLS[parsed.comparator])}", f"target = {toml_string(fmt(parsed.value))}",
            f"unit = {toml_string(parsed.unit)}"]


def project_skeleton(project: ImportedProject, *, spec: str = "mof-2020-project", unit: str = "", year: int | None = None,
                     amount_unit: str = "", source: str = "") -> str:
    """One project case (TOML text) for ``project``."""
    total = project.amount("总计") if project.amount("总计") is not None else (project.amounts[0][1] if project.amounts else None)
    lines = [
        f"# 项目支出绩效自评：{project.name}（由 selfscore 从绩效目标表生成；请填写 budget、spent 和各指标的 actual）",
        f"spec = {toml_string(spec)}",
        f"unit = {toml_string(unit)}",
        f"project = {toml_string(project.name)}",
        f"year = {year}" if year else "year = 0  # 请填写年度 (year)",
        f"amount_unit = {toml_string(amount_unit or '万元')}",
        f"source = {toml_string(source)}",
        "",
        "[[budget]]",
        'row = "年度资金总额"',
        f"initial = {toml_string(fmt(total) if total is not None else '')}  # 年初预算数（绩效目标表）",
        'budget = ""  # 全年预算数 (A)：请填写',
        'spent = ""   # 全年执行数 (B)：请填写',
    ]
    for ind in project.indicators:
        lines += ["", "[[indicators]]", f"level1 = {toml_string(ind.level1_name)}", f"level2 = {toml_string(ind.level2_name)}",
                  f"name = {toml_string(ind.name)}", *_target_lines(ind), 'actual = ""', 'weight = ""', 'score = ""', 'reason = ""']
    return "\n".join(lines) + "\n"


def project_skeletons(result: ImportResult, *, spec: str = "mof-2020-project", source: str = "") -> list[str]:
    """One skeleton per imported project, in the export's order."""
    return [project_skeleton(p, spec=spec, unit=result.department, year=result.year, amount_unit=result.amount_unit,
                             source=source) for p in result.projects]
