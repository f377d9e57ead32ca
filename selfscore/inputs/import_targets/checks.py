"""Checks on what was recovered: codes, values, numbering and names (warnings)."""

from __future__ import annotations

import re

from selfscore.core.errors import TargetError
from selfscore.core.targets import parse_target

from .model import LEVEL1, LEVEL2, ImportedIndicator, ImportedProject, ImportMessage
from .text import _compact, _excerpt, _fold


def _same_name(given: str, expected: str) -> bool:
    a, b = _compact(given), _compact(expected)
    return a == b or a.removesuffix("指标") == b.removesuffix("指标")


def _level_code(ind: ImportedIndicator, level: str, code: str, name: str, known: dict[str, str]) -> ImportMessage | None:
    """The warning for one level's code (一级 or 二级): missing, unknown, or disagreeing with its name."""
    line, shown = ind.position, f"{code}-{name}"
    english = "level-1" if level == "一级" else "level-2"
    if not code:
        return ImportMessage(line, "missing-code", f"“{ind.name}”缺少{level}指标代码 (missing {english} code)")
    if code not in known:
        return ImportMessage(line, "unknown-code", f"“{ind.name}”的{level}指标代码 {shown} 不认识 (unknown {english} code)")
    if not _same_name(name, known[code]):
        return ImportMessage(line, "code-name", f"“{ind.name}”的{level}指标代码与名称不符：{shown}，代码 {code} 应为"
                                                f"{known[code]} ({english} code and name disagree; kept as given)")
    return None


def _code_warnings(ind: ImportedIndicator) -> list[ImportMessage]:
    line = ind.position
    l1 = f"{ind.level1_code}-{ind.level1_name}"
    l2 = f"{ind.level2_code}-{ind.level2_name}"
    out = [m for m in (_level_code(ind, "一级", ind.level1_code, ind.level1_name, LEVEL1),
                       _level_code(ind, "二级", ind.level2_code, ind.level2_name, LEVEL2)) if m is not None]
    if not ind.level2_code:
        return out
    if ind.level1_code and ind.level2_code[0] != ind.level1_code:
        out.append(
            ImportMessage(
                line,
                "mixed-codes",
                f"“{ind.name}”的二级指标 {l2} 不属于一级指标 {l1}，两者均原样保留 "
                "(mixed level codes: level-2 code not under the level-1 code; both kept)",
            )
        )
    return out


def _value_warnings(ind: ImportedIndicator) -> list[ImportMessage]:
    line = ind.position
    if not ind.annual_value and not ind.cycle_value:
        return [ImportMessage(line, "no-values", f"“{ind.name}”没有指标值 (no target value found)；目标值留空")]
    out: list[ImportMessage] = []
    if not ind.annual_value:
        out.append(
            ImportMessage(
                line,
                "no-annual",
                f"“{ind.name}”缺少年度指标值，目标值取实施周期指标值“{ind.cycle_value}” "
                "(annual value missing; target falls back to the cycle value)",
            )
        )
    try:
        parse_target(ind.target)
    except TargetError as exc:
        which = "年度指标值" if ind.annual_value else "实施周期指标值"
        out.append(
            ImportMessage(
                line,
                "target",
                f"“{ind.name}”的{which}“{ind.target}”无法读取，已保留原文 (target not readable; raw text kept)：{exc}",
            )
        )
    return out


#: A name longer than this is implausible.  Indicator names in the national form's 三级指标
#: column are short noun phrases: the 44 of the bundled export are at most 21 characters,
#: project names at most 18; 60 leaves room for a long formal name with a bracketed note,
#: and is far below a goal paragraph run into a name (one real case: 250 characters).
NAME_LIMIT = 60

# Goal-like prose: a sentence end or clause break (。；), or the verbs of goal paragraphs
# (通过…，…, 确保, 提高…水平, 切实, 进一步, 不断提升/加强…).  Not 通过 alone: 审核通过率 is a name.
_PROSE = re.compile(r"[。；;]|通过[^，,。]{1,30}[，,]|确保|提高[^，,。]{0,12}水平|切实|进一步|不断(?:提升|提高|加强|完善)")


def _name_warnings(line: int, what: str, name: str) -> list[ImportMessage]:
    """Warn about a name that is implausibly long or reads like a goal paragraph."""
    flat = "".join(name.split())
    out: list[ImportMessage] = []
    if len(flat) > NAME_LIMIT:
        out.append(
            ImportMessage(
                line,
                "long-name",
                f"{what}名称长达 {len(flat)} 个字（超过 {NAME_LIMIT} 字），可能混入了其他文字，请核对 "
                f"(implausibly long name, {len(flat)} characters: other text may have run into it; check it)：“{_excerpt(flat)}”",
            )
        )
    if m := _PROSE.search(_fold(flat)):
        out.append(
            ImportMessage(
                line,
                "prose-name",
                f"{what}名称中有像绩效目标的语句（“{flat[m.start() : m.end()]}”），可能混入了目标文字，请核对 "
                f"(goal-like prose in a name; check it)：“{_excerpt(flat)}”",
            )
        )
    return out


def _numbering_warnings(project: ImportedProject) -> list[list[ImportMessage]]:
    """Record numbers missing, repeated with different content, or with a gap: a list per indicator."""
    found: list[list[ImportMessage]] = []
    expected = 1
    seqs: dict[int, int] = {}
    for ind in project.indicators:
        out: list[ImportMessage] = []
        found.append(out)
        if ind.seq is None:
            out.append(ImportMessage(ind.position, "numbering", f"“{ind.name}”缺少序号 (record number missing)"))
            expected += 1
            continue
        if ind.seq in seqs:
            out.append(
                ImportMessage(
                    ind.position,
                    "numbering",
                    f"序号 {ind.seq} 与第{seqs[ind.seq]}行重复但内容不同，两条均保留 "
                    f"(number {ind.seq} used twice with different content; both kept)",
                )
            )
        elif ind.seq != expected:
            out.append(
                ImportMessage(
                    ind.position,
                    "numbering",
                    f"序号不连续：应为 {expected}，实为 {ind.seq}，可能有指标未能识别 "
                    f"(numbering gap: expected {expected}, found {ind.seq}; a record may be missing)",
                )
            )
        seqs.setdefault(ind.seq, ind.position)
        expected = max(expected, ind.seq + 1)
    return found


def _project_warnings(project: ImportedProject) -> list[ImportMessage]:
    out = _name_warnings(project.position, "项目", project.name) if project.name else []
    if not project.indicators:
        out.append(
            ImportMessage(
                project.position,
                "no-indicators",
                f"项目“{project.name}”没有可识别的绩效指标 (no indicators recovered for this project)",
            )
        )
        return out
    names: dict[str, int] = {}
    for ind, numbering in zip(project.indicators, _numbering_warnings(project), strict=True):
        out.extend(_code_warnings(ind))
        out.extend(_value_warnings(ind))
        out.extend(numbering)
        out.extend(_name_warnings(ind.position, "指标", ind.name))
        key = _compact(ind.name)
        if key in names:
            out.append(
                ImportMessage(
                    ind.position,
                    "duplicate-name",
                    f"指标名称“{ind.name}”与第{names[key]}行重复，两条均保留 (same indicator name twice; both kept)",
                )
            )
        names.setdefault(key, ind.position)
    return out
