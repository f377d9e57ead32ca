"""Scoring a project table (项目支出绩效自评表) under a project spec, exactly.

Execution: 分值 × 全年执行数 / 全年预算数 through the spec's execution rule (one rounding).
Indicators by 指标性质: 正向 (≥ >) and 反向 in the ratio form through the spec's indicator
rule (weight × completion, met = full, no floor); 反向 in the deviation form, 等于 0, and
定性 bands by :mod:`selfscore.core.project_rules`.  The result is the engine's
:class:`~selfscore.core.engine.Result`, so every renderer works on it.  :func:`rescore`
is the lenient pass the auditor uses: every row it can score, problems kept per row.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

import attrs

from selfscore.core.case import read_percent
from selfscore.core.completion import Completion, completion
from selfscore.core.engine import IndicatorResult, ItemResult, PartResult, Result
from selfscore.core.errors import CaseError, Problem, SelfScoreError
from selfscore.core.numbers import exact_sum, fmt, fmt_percent, to_decimal
from selfscore.core.project import (
    LONG_OUTCOMES,
    ProjectCase,
    ProjectIndicator,
    ProjectRules,
    Typed,
    execution_item,
    indicators_item,
    project_rules,
    read_nature,
)
from selfscore.core.rules import ReverseDeviation, Scored, apply_rule
from selfscore.core.rules.qualitative_band import band_score
from selfscore.core.spec import Spec
from selfscore.core.split import integer_split, split_points, weights_problem
from selfscore.core.targets import Target, parse_actual, parse_target, units_compatible

__all__ = ["ProjectResult", "ProjectScores", "Row", "read_amount", "rescore", "score_project"]

_BLANKS = ("", "—", "-", "–", "－", "/", "无")
_SYMBOLS = {">=": "≥", ">": ">", "==": "=", "<": "<", "<=": "≤"}


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(Problem(message, self.file, where))


def _blank(cell: Typed) -> bool:
    return unicodedata.normalize("NFKC", cell.text).strip() in _BLANKS


def read_amount(cell: Typed, amount_unit: str) -> Decimal:
    """An amount cell: ``387664.62``, ``43.2 万元``, ``3,598.99`` -> exact Decimal (ValueError if not)."""
    text = unicodedata.normalize("NFKC", cell.text).replace(" ", "").replace(",", "")
    unit = re.search(r"(万元|元)$", text)
    if unit:
        if amount_unit and unit.group(1) != amount_unit:
            raise ValueError(f"金额单位“{unit.group(1)}”与表中声明的“{amount_unit}”不一致 (amount unit differs from the table's)")
        text = text[: unit.start()]
    if text in ("?", "？"):
        raise ValueError("金额无法辨认 (illegible amount “?”)")
    return to_decimal(text, what="amount")


@attrs.frozen
class Row:
    """One scored row of the table: the budget row (``kind = "execution"``) or an indicator."""

    kind: str
    name: str
    where: str
    weight: Decimal | None
    score: Decimal | None
    typed: str
    trace: tuple[str, ...] = ()
    problem: str = ""
    met: bool = False
    actual_share: Fraction | None = None  # the actual as a share, for the "weight × actual" mis-rule


@attrs.frozen
class ProjectScores:
    """What :func:`rescore` found: each row's score under the spec, or the problem that stopped it."""

    spec_id: str
    rows: tuple[Row, ...]


# ---------------------------------------------------------------- execution


def _execution(spec: Spec, rules: ProjectRules, case: ProjectCase, problems: _Problems) -> tuple[Scored, Fraction] | None:
    item = execution_item(spec)
    assert item.points is not None and item.rule is not None
    if not case.budget:
        problems.add("预算执行", "缺少预算执行情况（年度资金总额行）(missing budget block)")
        return None
    row = case.budget[0]
    before = len(problems.items)
    values: dict[str, Decimal | None] = {}
    for field, cell, label in (("budget", row.budget, "全年预算数"), ("spent", row.spent, "全年执行数")):
        if _blank(cell):
            values[field] = None
            continue
        try:
            values[field] = read_amount(cell, case.amount_unit)
        except ValueError as exc:
            problems.add(cell.where or f"{row.where} {label}", f"{label}“{cell.text}”有误：{exc}")
    if len(problems.items) > before:
        return None
    budget, spent = values.get("budget"), values.get("spent")
    if budget is None and spent is None and row.rate:
        try:
            rate = read_percent(unicodedata.normalize("NFKC", row.rate.text))
        except (TypeError, ValueError) as exc:
            problems.add(row.rate.where, f"执行率“{row.rate.text}”有误：{exc}")
            return None
        lines: list[str] = [f"执行率 {fmt_percent(rate)}（表中填报，金额未列）"]
    elif budget is None:
        problems.add(row.budget.where or f"{row.where} 全年预算数", "缺少全年预算数 (missing adjusted budget)，无法计算执行率")
        return None
    elif spent is None:
        problems.add(row.spent.where or f"{row.where} 全年执行数", "缺少全年执行数 (missing amount spent)，无法计算执行率")
        return None
    elif budget == 0:
        problems.add(row.budget.where, "全年预算数为 0 (zero budget)，无法计算执行率")
        return None
    else:
        rate = Fraction(spent) / Fraction(budget)
        lines = [f"执行率 = 全年执行数 {fmt(spent)} ÷ 全年预算数 {fmt(budget)} = {fmt_percent(rate)}"]
    if rate > 1:
        if rules.execution_above == "error":
            problems.add(row.spent.where or row.where, f"执行率 {fmt_percent(rate)} 超过 100% (execution above 100%)：评分规范 "
                         f"{spec.id} 不封顶也不计超额，请核对全年预算数与全年执行数（{rules.execution_source}）")
            return None
        lines.append(f"执行率超过 100%，按 100% 封顶计分（{rules.execution_source}）")
    done = Completion("达成" if rate >= 1 else "未达成", min(rate, Fraction(1)), rate, False, tuple(lines))
    return apply_rule(item.rule, item.points, done), rate


# ---------------------------------------------------------------- indicators


def _weights(spec: Spec, rules: ProjectRules, case: ProjectCase, problems: _Problems, *, lenient: bool) -> list[Decimal | None]:
    item = indicators_item(spec)
    assert item.points is not None
    typed: list[Decimal | None] = []
    for ind in case.indicators:
        if _blank(ind.weight):
            typed.append(None)
            continue
        try:
            typed.append(to_decimal(ind.weight.text.strip().removesuffix("分"), what="weight"))
        except ValueError:
            problems.add(ind.weight.where, f"分值“{ind.weight.text}”不是数值 (weight is not a number)")
            typed.append(None)
    if all(w is None for w in typed):
        if rules.level_points:
            shares = list(integer_split(rules.level_points, [ind.level1 for ind in case.indicators]))
            for ind, share in zip(case.indicators, shares, strict=True):
                if share is None and not lenient:
                    problems.add(ind.where, f"一级指标“{ind.level1}”在评分规范 {spec.id} 中没有分值，无法均分 (level has no points)；"
                                 f"可用: {'、'.join(rules.level_points)}")
            return shares
        return list(split_points(item.points, len(typed))) if typed else []
    if lenient:
        return typed
    if any(w is None for w in typed):
        for ind, w in zip(case.indicators, typed, strict=True):
            if w is None:
                problems.add(ind.weight.where, "分值未填写 (weight missing)：分值须全部填写或全部留空")
        return typed
    wrong = weights_problem(exact_sum([w for w in typed if w is not None]), item.points, item.name)
    if wrong is not None:
        first, last = case.indicators[0].weight.where, case.indicators[-1].weight.where
        problems.add(f"{first} … {last}", wrong)
    return typed


def _outcome(ind: ProjectIndicator) -> tuple[str, tuple[str, ...]]:
    word = re.sub(r"\s+", "", ind.actual.text)
    if word in LONG_OUTCOMES:
        return LONG_OUTCOMES[word], (f"定性指标：选择“{word}” → {LONG_OUTCOMES[word]}",)
    target = parse_target(ind.target.text, qualitative=True)
    done = completion(target, parse_target(ind.actual.text, qualitative=True))
    return done.outcome, done.trace


def _quantity(cell: Typed, unit: str, label: str) -> Target:
    """A bare number (or number with the declared unit) typed in 年度指标值 / 实际完成值."""
    parsed = parse_actual(cell.text)
    if parsed.kind != "quantitative" or parsed.value is None:
        raise SelfScoreError(f"{label}“{cell.text}”不是数值 (not a number)")
    if not units_compatible(unit, parsed.unit):
        raise SelfScoreError(f"{label}“{cell.text}”的单位“{parsed.unit}”与度量单位“{unit}”不一致 (unit differs from 度量单位)")
    return attrs.evolve(parsed, unit=unit or parsed.unit)


_NEGATIVE = re.compile(r"\s*[-−－]\s*(\d+(?:\.\d+)?)\s*(.*)")


def _actual(rules: ProjectRules, ind: ProjectIndicator, unit: str, zero: bool) -> tuple[Target, tuple[str, ...]]:
    """实际完成值 as a quantity; a negative one counts as 0 against a zero target when the spec says so."""
    negative = _NEGATIVE.fullmatch(unicodedata.normalize("NFKC", ind.actual.text))
    if negative is None:
        return _quantity(ind.actual, unit, "实际完成值"), ()
    if not zero or rules.negative_actual != "as_zero":
        why = "目标值不为 0" if not zero else "评分规范未声明负数按 0 计"
        raise SelfScoreError(f"实际完成值“{ind.actual.text}”为负数 (negative actual)，{why}，无法计分")
    zeroed = _quantity(Typed("0" + negative.group(2), ind.actual.where), unit, "实际完成值")
    return zeroed, (f"实际完成值 {ind.actual.text.strip()} 为负数，按 0 计（{rules.negative_source}）",)


def _score_row(rules: ProjectRules, spec: Spec, ind: ProjectIndicator, weight: Decimal) -> IndicatorResult:
    """Score one indicator; raises SelfScoreError with a Chinese message naming the problem."""
    item = indicators_item(spec)
    assert item.rule is not None
    nature = read_nature(ind.nature.text)
    if nature is None:
        raise SelfScoreError(f"指标性质“{ind.nature.text}”无法识别 (unknown 指标性质)：应为 ≥ ＞ ＝ ＜ ≤ 或代码 1–6")
    for cell, label in ((ind.target, "年度指标值"), (ind.actual, "实际完成值")):
        if not cell.text.strip():
            raise SelfScoreError(f"{label}未填写 ({'target' if label == '年度指标值' else 'actual'} missing)")
    numeric = re.fullmatch(r"\s*[\d.,，]+\s*%?\s*", unicodedata.normalize("NFKC", ind.target.text)) is not None
    if nature == "qualitative" or (nature == "" and not numeric):
        outcome, lines = _outcome(ind)
        typed = None if _blank(ind.score) else to_decimal(ind.score.text.strip().removesuffix("分"), what="score")
        scored = band_score(rules.band(outcome), weight, typed, rules.untyped, rules.bands_source, rules.untyped_source)
        target, actual = parse_target(ind.target.text, qualitative=True), parse_target(ind.actual.text or outcome, qualitative=True)
        rate = {"达成": Fraction(1), "部分达成": None, "未达成": Fraction(0)}[outcome]
        done = Completion(outcome, rate, rate, True, lines)  # type: ignore[arg-type]
        return _indicator(ind, target, actual, weight, done, Scored(scored.score, lines + scored.trace))
    unit = ind.unit.text.strip()
    value = _quantity(ind.target, unit, "年度指标值")
    comparator = nature or ">="
    assert value.value is not None
    zero = value.value == 0 and comparator in ("==", "<", "<=")
    actual, negative = _actual(rules, ind, unit, zero)
    assert actual.value is not None
    unit = value.unit or actual.unit
    shown = f"{_SYMBOLS[comparator]}{ind.target.text.strip()}" + ("" if ind.target.text.strip().endswith(unit) else unit)
    at_least = comparator == "==" and not zero and rules.equal == "at_least"
    applied = "<=" if zero else ">=" if at_least else comparator
    target = Target(text=shown, kind="quantitative", comparator=applied, value=value.value, unit=unit)  # type: ignore[arg-type]
    done = completion(target, attrs.evolve(actual, comparator="=="))
    note = (f"等于非零目标值按正向计分：实际 ≥ 目标得满分，否则按比例（{rules.equal_source}）",) if at_least else ()
    done = attrs.evolve(done, trace=negative + note + done.trace)
    if comparator in ("<", "<=") and not zero and rules.reverse == "deviation":
        return _indicator(ind, target, actual, weight, done, apply_rule(ReverseDeviation(rounding=item.rule.rounding), weight, done))
    return _indicator(ind, target, actual, weight, done, apply_rule(item.rule, weight, done))


def _indicator(ind: ProjectIndicator, target: Target, actual: Target, weight: Decimal, done: Completion,
               scored: Scored) -> IndicatorResult:
    return IndicatorResult(name=ind.name, group=ind.level1, category=ind.level2, target=target, actual=actual,
                           weight=weight, weight_typed=bool(ind.weight), completion=done, score=scored.score,
                           trace=(f"分值 {fmt(weight)}", *scored.trace), reason=ind.reason)


# ---------------------------------------------------------------- whole table


@attrs.frozen
class ProjectResult(Result):
    """A scored project table: a :class:`Result` that keeps the table it was scored from,
    so :func:`selfscore.render` and :func:`selfscore.result_to_json` give the project layout."""

    case: ProjectCase = attrs.field(kw_only=True)


def score_project(spec: Spec, case: ProjectCase) -> ProjectResult:
    """Score ``case`` under the project ``spec``; raises :class:`CaseError` listing every problem."""
    rules = project_rules(spec)
    problems = _Problems(case.file)
    execution = _execution(spec, rules, case, problems)
    points = execution_item(spec).points
    typed = case.budget[0].weight if case.budget else None
    if typed and points is not None and typed.text.strip().removesuffix("分") != fmt(points):
        problems.add(typed.where, f"预算执行率分值“{typed.text}”与评分规范 {spec.id} 的 {fmt(points)} 分不符 "
                     "(weight differs from the spec)")
    weights = _weights(spec, rules, case, problems, lenient=False)
    found: list[IndicatorResult] = []
    for ind, weight in zip(case.indicators, weights, strict=True):
        if weight is None:
            continue
        try:
            found.append(_score_row(rules, spec, ind, weight))
        except SelfScoreError as exc:
            problems.add(ind.where, str(exc))
    if not case.indicators:
        problems.add("indicators", "缺少绩效指标 (no indicators)")
    if problems.items or execution is None:
        raise CaseError(problems.items)
    return _result(spec, case, execution, tuple(found))


def _result(spec: Spec, case: ProjectCase, execution: tuple[Scored, Fraction], found: tuple[IndicatorResult, ...]) -> ProjectResult:
    ex_item, ind_item = execution_item(spec), indicators_item(spec)
    scored, rate = execution
    ex = ItemResult(key=ex_item.key, name=ex_item.name, kind="execution_rate", status="scored", max=ex_item.points,
                    score=scored.score, rate=rate, trace=scored.trace, source=ex_item.rule_source)
    total_ind = exact_sum([r.score for r in found])
    line = f"{ind_item.name} = {' + '.join(fmt(r.score) for r in found)} = {fmt(total_ind)}"
    ind = ItemResult(key=ind_item.key, name=ind_item.name, kind="indicators", status="scored", max=exact_sum([r.weight for r in found]),
                     score=total_ind, indicators=found, trace=(line,), source=ind_item.rule_source)
    parts = []
    for part in spec.parts:
        items = tuple(i for i in (ex, ind) if any(i.key == it.key for it in part.items))
        parts.append(PartResult(key=part.key, name=part.name, max=part.points, score=exact_sum([i.score or Decimal(0) for i in items]),
                                items=items))
    total = exact_sum([scored.score, total_ind])
    return ProjectResult(spec_id=spec.id, spec_title=spec.title, department=f"{case.unit} {case.project}".strip(), year=case.year,
                         max=spec.total, score=total, grade=spec.grade(total), partial=False, parts=tuple(parts),
                         known_score=total, known_max=spec.total, case=case)


def rescore(spec: Spec, case: ProjectCase) -> ProjectScores:
    """Every row's score under ``spec``, with the table's typed weights; a row that cannot be
    scored carries its problem instead of a score (the auditor's lenient pass)."""
    rules = project_rules(spec)
    rows: list[Row] = []
    problems = _Problems(case.file)
    execution = _execution(spec, rules, case, problems)
    ex_item = execution_item(spec)
    budget = case.budget[0] if case.budget else None
    rows.append(Row("execution", budget.label if budget else "预算执行率", budget.where if budget else "", ex_item.points,
                    execution[0].score if execution else None, budget.score.text if budget else "",
                    execution[0].trace if execution else (), "；".join(p.message for p in problems.items),
                    met=bool(execution and execution[1] >= 1), actual_share=execution[1] if execution else None))
    weights = _weights(spec, rules, case, _Problems(case.file), lenient=True)
    for ind, weight in zip(case.indicators, weights, strict=True):
        rows.append(_lenient_row(rules, spec, ind, weight))
    return ProjectScores(spec.id, tuple(rows))


def _lenient_row(rules: ProjectRules, spec: Spec, ind: ProjectIndicator, weight: Decimal | None) -> Row:
    if weight is None:
        return Row("indicator", ind.name, ind.where, None, None, ind.score.text, (), "分值未填写 (weight missing)")
    try:
        found = _score_row(rules, spec, ind, weight)
    except SelfScoreError as exc:
        return Row("indicator", ind.name, ind.where, weight, None, ind.score.text, (), str(exc))
    share = None
    if found.actual.kind == "quantitative" and found.actual.value is not None and "%" in (found.target.unit, found.actual.unit):
        share = Fraction(found.actual.value) / 100
    return Row("indicator", ind.name, ind.where, weight, found.score, ind.score.text, found.trace[1:],
               met=found.completion.met, actual_share=share)
