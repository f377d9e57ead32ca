"""The auditor: which declared variant explains a filled project table, and what no variant explains.

:func:`audit` takes a project table as printed (its typed 分值, 得分, 总分) and

(a) checks its arithmetic: funding rows that do not add up to 年度资金总额, a 总分 that is
    not the sum of the scores, weights that do not add up to the spec's total, a score
    above its weight, a met indicator scored below its weight without a 偏差原因;
(b) rescores every row under every bundled variant of the table's spec family, says
    which variant reproduces the most rows, and lists the rows no variant explains with
    the value expected under the best variant and its arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from selfscore.core.errors import SelfScoreError
from selfscore.core.numbers import Rounding, div_round, exact_sum, fmt, fmt_percent, mul, to_decimal
from selfscore.core.project import ProjectCase, Typed, indicators_item, project_rules
from selfscore.core.project_score import ProjectScores, Row, read_amount, rescore
from selfscore.core.spec import Spec
from selfscore.inputs.load import bundled_specs

__all__ = ["Audit", "Finding", "Verdict", "audit", "audit_to_json", "family_specs", "render_audit"]

#: Kinds of arithmetic finding, with their Chinese label.
FINDINGS: Final[dict[str, str]] = {
    "budget_sum": "资金合计不等于各来源之和",
    "total": "总分不等于各项得分之和",
    "weights": "分值合计不等于规范总分",
    "above_weight": "得分高于分值",
    "docked": "达成却未得满分且无偏差原因",
}


@attrs.frozen
class Finding:
    """One arithmetic problem: its kind, place, what the table says and what it should say, and why
    (``name``: the row's indicator or budget line, where the problem is one row's)."""

    kind: str
    where: str
    says: str
    should: str
    why: str
    name: str = ""


@attrs.frozen
class Verdict:
    """One printed score and which variants reproduce it."""

    name: str
    where: str
    typed: str
    explained_by: tuple[str, ...]
    expected: str
    arithmetic: str
    note: str = ""


@attrs.frozen
class VariantCount:
    id: str
    title: str
    explained: int
    compared: int


@attrs.frozen
class Audit:
    file: str
    spec: str
    family: str
    best: str
    variants: tuple[VariantCount, ...]
    rows: tuple[Verdict, ...]
    arithmetic: tuple[Finding, ...]

    @property
    def unexplained(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.rows if not v.explained_by and not v.note.startswith("无法核对"))

    @property
    def clean(self) -> bool:
        return not self.unexplained and not self.arithmetic


def family_specs(spec: Spec) -> list[Spec]:
    """``spec`` first, then every bundled spec of its project family (by id)."""
    family = project_rules(spec).family
    others = [s for s in bundled_specs() if s.project and s.id != spec.id and str(s.project.get("family")) == family]
    return [spec, *sorted(others, key=lambda s: (s.id != family, s.id))]


def _number(cell: Typed | str) -> Decimal | None:
    text = cell.text if isinstance(cell, Typed) else cell
    try:
        return to_decimal(text.strip().removesuffix("分"), what="score") if text.strip() else None
    except ValueError:
        return None


def _same(typed: str, computed: Decimal | None) -> bool:
    value = _number(typed)
    return value is not None and computed is not None and value == computed


def audit(case: ProjectCase, spec: Spec) -> Audit:
    """Audit ``case`` against ``spec`` and every bundled variant of its family."""
    specs = family_specs(spec)
    scores = [rescore(s, case) for s in specs]
    total, grade = _number(case.total), case.grade.text.strip()
    graded = tuple(s.id for s in specs if total is not None and grade and s.grade(total) == grade)
    counts = []
    for s, sc in zip(specs, scores, strict=True):
        compared = [r for r in sc.rows if r.typed.strip() and r.score is not None]
        extra = int(total is not None and bool(grade))
        counts.append(VariantCount(s.id, s.title, sum(_same(r.typed, r.score) for r in sc.rows) + int(s.id in graded),
                                   len(compared) + extra))
    best_index = max(range(len(specs)), key=lambda i: (counts[i].explained, -i))
    best, best_scores = specs[best_index], scores[best_index]
    found = [_verdict(i, specs, scores, best, best_scores) for i in range(len(best_scores.rows))]
    verdicts = [v for v in found if v is not None]
    if total is not None and grade:
        should = best.grade(total) or "—"
        note = "" if graded else "等级与任何已声明的等级划分都不符"
        how = f"总分 {fmt(total)} → {should}（{best.grades_source}）"
        verdicts.append(Verdict("等级", case.grade.where, grade, graded, should, how, note))
    return Audit(case.file, spec.id, project_rules(spec).family, best.id, tuple(counts), tuple(verdicts),
                 tuple(_arithmetic(case, best, best_scores)))


def _verdict(i: int, specs: Sequence[Spec], scores: Sequence[ProjectScores], best: Spec, best_scores: ProjectScores) -> Verdict | None:
    row = best_scores.rows[i]
    if not row.typed.strip():
        return None
    by = tuple(s.id for s, sc in zip(specs, scores, strict=True) if _same(row.typed, sc.rows[i].score))
    if row.score is None:
        problems = {sc.rows[i].problem for sc in scores if sc.rows[i].score is None}
        return Verdict(row.name, row.where, row.typed, by, "—", "", "无法核对 (cannot check)：" + "；".join(sorted(problems)))
    return Verdict(row.name, row.where, row.typed, by, fmt(row.score), "；".join(row.trace), "" if by else _why(row, best))


def _why(row: Row, spec: Spec) -> str:
    """A plain reading of a score no variant explains."""
    typed = _number(row.typed)
    if typed is None or row.weight is None:
        return "得分不是数值 (not a number)"
    if row.met and typed < row.weight:
        note = f"已达成，应得满分 {fmt(row.weight)}，表中扣至 {fmt(typed)}"
    elif typed > row.weight:
        note = f"得分 {fmt(typed)} 高于分值 {fmt(row.weight)}"
    else:
        note = "得分与任何已声明的计分方式都不符"
    rule = indicators_item(spec).rule
    assert rule is not None
    share = row.actual_share
    if row.kind == "indicator" and share is not None and share < 1:
        for places in (rule.rounding.places, 2, 1, 0):
            shown = div_round(mul(row.weight, Decimal(share.numerator)), Decimal(share.denominator), Rounding(places, "half_up"))
            if shown == typed:
                return (note + f"；表中按 分值 × 实际完成值 计算：{fmt(row.weight)} × {fmt_percent(share, places=4)} = {fmt(shown)}"
                        "，未按完成率计分 (weight × actual instead of weight × completion)")
    return note


def _arithmetic(case: ProjectCase, spec: Spec, scores: ProjectScores) -> list[Finding]:
    found = _budget_sums(case)
    if case.excerpt:
        return found + _rows(case, scores)
    typed_scores = [_number(r.typed) for r in scores.rows]
    if case.total and all(v is not None for v in typed_scores):
        total = _number(case.total)
        added = exact_sum([v for v in typed_scores if v is not None])
        if total is not None and total != added:
            shown = " + ".join(fmt(v) for v in typed_scores if v is not None)
            found.append(Finding("total", case.total.where, fmt(total), fmt(added),
                                 f"总分 {fmt(total)} 不等于各项得分之和 {shown} = {fmt(added)} (total is not the sum)"))
    typed_weights = [_number(ind.weight) for ind in case.indicators]
    if all(w is not None for w in typed_weights) and typed_weights:
        ind_total = exact_sum([w for w in typed_weights if w is not None])
        budget_weight = _number(case.budget[0].weight) if case.budget else None
        whole = exact_sum([ind_total, budget_weight or Decimal(0)])
        if whole != spec.total:
            found.append(Finding("weights", "分值", fmt(whole), fmt(spec.total),
                                 f"分值合计 {fmt(budget_weight or Decimal(0))} + {fmt(ind_total)} = {fmt(whole)}，不等于评分规范 "
                                 f"{spec.id} 的总分 {fmt(spec.total)} (weights do not add up to the spec's total)"))
    return found + _rows(case, scores)


def _rows(case: ProjectCase, scores: ProjectScores) -> list[Finding]:
    found: list[Finding] = []
    budget_weight = _number(case.budget[0].weight) if case.budget else None
    for row, ind_reason in zip(scores.rows, ["", *(ind.reason for ind in case.indicators)], strict=True):
        typed, weight = _number(row.typed), row.weight if row.kind == "indicator" else budget_weight
        if typed is None or weight is None:
            continue
        if typed > weight:
            found.append(Finding("above_weight", row.where, fmt(typed), f"≤ {fmt(weight)}",
                                 f"“{row.name}”得分 {fmt(typed)} 高于分值 {fmt(weight)} (score above its weight)", row.name))
        elif row.kind == "indicator" and row.met and typed < weight and not ind_reason.strip():
            found.append(Finding("docked", row.where, fmt(typed), fmt(weight),
                                 f"“{row.name}”已达成，得分 {fmt(typed)} 低于分值 {fmt(weight)}，且未填写偏差原因 "
                                 "(a met indicator scored below its weight without a reason)", row.name))
    return found


def _budget_sums(case: ProjectCase) -> list[Finding]:
    found: list[Finding] = []
    if len(case.budget) < 2:
        return found
    head, rest = case.budget[0], case.budget[1:]
    for field, label in (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数")):
        cell: Typed = getattr(head, field)
        parts = []
        for row in rest:
            try:
                parts.append(read_amount(getattr(row, field), case.amount_unit))
            except (ValueError, SelfScoreError):
                continue
        try:
            total = read_amount(cell, case.amount_unit)
        except (ValueError, SelfScoreError):
            continue
        if parts and exact_sum(parts) != total:
            found.append(Finding("budget_sum", cell.where, fmt(total), fmt(exact_sum(parts)),
                                 f"{head.label} {label} {fmt(total)} 不等于各资金来源之和 {' + '.join(fmt(p) for p in parts)} = "
                                 f"{fmt(exact_sum(parts))} (total is not the sum of its rows)"))
    return found


def audit_to_json(result: Audit) -> dict[str, Any]:
    """The audit as JSON-ready data (numbers as exact decimal strings)."""
    return {
        "file": result.file, "spec": result.spec, "family": result.family, "best": result.best,
        "variants": [attrs.asdict(v) for v in result.variants],
        "rows": [attrs.asdict(v) | {"explained_by": list(v.explained_by)} for v in result.rows],
        "unexplained": [v.name for v in result.unexplained],
        "arithmetic": [attrs.asdict(f) | {"label": FINDINGS[f.kind]} for f in result.arithmetic],
    }


def _block(first: str, more: list[str], width: int = 96) -> list[str]:
    """``first`` at two spaces, then each of ``more`` wrapped under it at six (a 100-column screen)."""
    from selfscore.outputs.render import _wrap  # the one CJK-width wrapper

    lines = ["  " + _wrap(first, width).replace("\n", "\n    ")]
    lines += ["      " + _wrap(text, width - 4).replace("\n", "\n      ") for text in more if text]
    return lines


def render_audit(result: Audit) -> str:
    """The audit as a Chinese report for reviewers, each finding a block that fits 100 columns."""
    lines = [f"{result.file}：项目支出绩效自评表核查（规范族 {result.family}）", "", "各计分变体能复现的得分行数："]
    for count in result.variants:
        mark = "  ← 最符合" if count.id == result.best else ""
        title = count.title.removeprefix("项目支出绩效自评表").strip("（）")
        lines.append(f"  {count.id:<27}{count.explained:>3} / {count.compared:<3} {title}{mark}")
    lines.append("")
    unexplained = result.unexplained
    if unexplained:
        lines.append(f"没有任何变体能解释的得分 {len(unexplained)} 行（按 {result.best} 计算）：")
        for v in unexplained:
            lines += _block(f"{v.where}：表中得分 {v.typed}，应得 {v.expected}", [f"计算过程：{v.arithmetic}", v.note])
    else:
        lines.append(f"全部得分均可由 {result.best} 解释。")
    for v in (v for v in result.rows if v.note.startswith("无法核对")):
        lines += _block(f"{v.where}：表中得分 {v.typed}", [v.note])
    lines.append("")
    if result.arithmetic:
        lines.append(f"算术核对发现 {len(result.arithmetic)} 处问题：")
        for f in result.arithmetic:
            lines += _block(f"[{FINDINGS[f.kind]}] {f.where}：表中 {f.says}，应为 {f.should}", [f.why])
    else:
        lines.append("算术核对无误。")
    return "\n".join(lines) + "\n"
