"""The engine: a spec and a case in, an exact, explained result tree out.

:func:`score` is pure.  Every number in the :class:`Result` is an exact Decimal
and every step carries a trace; a case with missing parts gives a result marked
``partial`` with no total or grade.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from selfscore.core.case import Case, Deduction, Indicator, ItemInput
from selfscore.core.completion import Completion, completion
from selfscore.core.errors import CaseError, Problem, SelfScoreError
from selfscore.core.numbers import exact_sum, fmt, fmt_percent, normalized, normalized_or_none, sub
from selfscore.core.rules import apply_rule
from selfscore.core.spec import Item, Spec
from selfscore.core.split import partial_weights_problem, split_points, weights_problem
from selfscore.core.targets import Target, parse_actual, parse_target

__all__ = ["Difference", "IndicatorResult", "ItemResult", "PartResult", "Result", "compare_expected", "score"]

Status = Literal["scored", "not_reported", "unknown"]


@attrs.frozen
class IndicatorResult:
    """One scored indicator: its weight, completion and score, with the trace.

    Every number in a result is held as it prints (:func:`~selfscore.core.numbers.normalized`:
    ``Decimal("4")``, not ``Decimal("4.00")``; ``19.9``, not ``19.90``).
    """

    name: str
    group: str
    category: str
    target: Target
    actual: Target
    weight: Decimal = attrs.field(converter=normalized)
    weight_typed: bool
    completion: Completion
    score: Decimal = attrs.field(converter=normalized)
    trace: tuple[str, ...]
    reason: str = ""
    applied_rate: Fraction | None = None
    note: str = ""  # the officer's 备注

    @property
    def rate(self) -> Fraction | None:
        """The rate the rule applied: the completion's (capped), or for 部分达成 the rule's declared share."""
        return self.applied_rate if self.applied_rate is not None else self.completion.rate


@attrs.frozen
class ItemResult:
    """A level-2 item: its points, score (None when not scored) and how it was reached."""

    key: str
    name: str
    kind: str
    status: Status
    max: Decimal | None = attrs.field(converter=normalized_or_none)
    score: Decimal | None = attrs.field(converter=normalized_or_none)
    indicators: tuple[IndicatorResult, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    rate: Fraction | None = None
    trace: tuple[str, ...] = ()
    source: str = ""
    basis: str = ""


@attrs.frozen
class PartResult:
    """A level-1 part (一级指标) scored: its items, its points (``max``) and its score.

    ``score`` is None when the part is ``unknown`` in the spec or one of its items was not
    scored; ``partial`` says so.
    """

    key: str
    name: str
    max: Decimal | None = attrs.field(converter=normalized_or_none)
    score: Decimal | None = attrs.field(converter=normalized_or_none)
    items: tuple[ItemResult, ...]
    unknown: bool = False

    @property
    def partial(self) -> bool:
        return self.unknown or any(item.status != "scored" for item in self.items)


@attrs.frozen
class Result:
    """A department's self-evaluation, scored.

    ``score`` and ``grade`` are None when ``partial``: some part is unknown in the
    spec or not reported in the case (``missing`` says which).  ``known_score`` is
    the sum of what could be scored, out of ``known_max``.
    """

    spec_id: str
    spec_title: str
    department: str
    year: int
    max: Decimal = attrs.field(converter=normalized)
    score: Decimal | None = attrs.field(converter=normalized_or_none)
    grade: str | None
    partial: bool
    parts: tuple[PartResult, ...]
    known_score: Decimal = attrs.field(converter=normalized)
    known_max: Decimal = attrs.field(converter=normalized)
    missing: tuple[str, ...] = ()

    def item(self, key_or_name: str) -> ItemResult | None:
        for part in self.parts:
            for item in part.items:
                if key_or_name in (item.key, item.name):
                    return item
        return None

    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(ind for part in self.parts for item in part.items for ind in item.indicators)


def _sum(values: Sequence[Decimal]) -> Decimal:
    return exact_sum(values)


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(Problem(message=message, file=self.file, where=where))


def _weights(item: Item, inds: Sequence[Indicator], problems: _Problems) -> list[tuple[Decimal, bool]] | None:
    assert item.points is not None and item.split is not None
    typed = [ind.weight for ind in inds]
    if all(w is None for w in typed):
        shares = split_points(item.points, len(inds), places=item.split.places, leftover=item.split.leftover)  # type: ignore[arg-type]
        return [(w, False) for w in shares]
    if any(w is None for w in typed):
        missing = "、".join(ind.name for ind in inds if ind.weight is None)
        problems.add(f"二级指标 {item.name}", partial_weights_problem(missing))
        return None
    problem = weights_problem(_sum([w for w in typed if w is not None]), item.points, item.name)
    if problem is not None:
        problems.add(f"二级指标 {item.name}", problem)
        return None
    return [(w, True) for w in typed if w is not None]


def _score_indicator(item: Item, ind: Indicator, weight: Decimal, typed: bool, problems: _Problems) -> IndicatorResult | None:
    assert item.rule is not None
    where = ind.where or ind.name
    before = len(problems.items)
    target = actual = None
    try:
        target = parse_target(ind.target, lower_is_better=ind.lower_is_better)  # resolved by score() from the spec
    except SelfScoreError as exc:
        problems.add(f"{where} target", str(exc))
    if not ind.actual.strip():
        problems.add(f"{where} actual", "实现值未填写 (actual value missing)")
    else:
        try:
            actual = parse_actual(ind.actual)
        except SelfScoreError as exc:
            problems.add(f"{where} actual", str(exc))
    if len(problems.items) > before or target is None or actual is None:
        return None
    try:
        done = completion(target, actual, judgement=ind.judgement)
        scored = apply_rule(item.rule, weight, done)
    except SelfScoreError as exc:
        problems.add(where, str(exc))
        return None
    leftover = _LEFTOVER[item.split.leftover if item.split else "ends"]
    weight_line = (f"权重 {fmt(weight)}（填报）" if typed else
                   f"权重 {fmt(weight)}（{fmt(item.points or Decimal(0))} 分均分，尾差给{leftover}）")
    return IndicatorResult(name=ind.name, group=ind.group, category=ind.category, target=target, actual=actual,
                           weight=weight, weight_typed=typed, completion=done, score=scored.score,
                           trace=(weight_line, *scored.trace), reason=ind.reason, applied_rate=scored.rate,
                           note=ind.note)


_LEFTOVER = {"ends": "首尾", "first": "靠前指标", "last": "靠后指标"}


def _deduct(points: Decimal, entries: Sequence[Deduction], label: str) -> tuple[Decimal, tuple[str, ...]]:
    if not entries:
        return points, (f"{label}：无扣分记录，得满分 {fmt(points)}",)
    total = _sum([d.points for d in entries])
    left = sub(points, total)
    result = max(Decimal(0), left)
    lines = [f"{label}：扣 {fmt(d.points)} 分 — {d.reason}" for d in entries]
    lines.append(f"{fmt(points)} − {' − '.join(fmt(d.points) for d in entries)} = {fmt(left)}"
                 + (" → 0（不低于 0）" if left < 0 else ""))
    return result, tuple(lines)


def _result(item: Item, status: Status, score: Decimal | None, *, rule_applied: bool = True, **more: Any) -> ItemResult:
    sources = (item.source, item.rule_source) if rule_applied else (item.source,)
    return ItemResult(key=item.key, name=item.name, kind=item.kind, status=status, max=item.points, score=score,
                      source="；".join(s for s in sources if s), basis=item.basis, **more)


def _indicators_item(item: Item, case: Case, given: ItemInput | None, problems: _Problems) -> ItemResult:
    assert item.points is not None
    inds = [ind for ind in case.indicators if ind.group in item.groups]
    if given is not None and given.deductions is not None:
        if inds:
            problems.add(f"items.{item.key}",
                         "已列出指标时不能再按汇总扣分填报 (deductions are only for items whose indicators are not listed)")
            return _result(item, "not_reported", None)
        value, lines = _deduct(item.points, given.deductions, "按报告记录的扣分")
        return _result(item, "scored", value, rule_applied=False, deductions=given.deductions, trace=lines)
    if not inds:
        return _result(item, "not_reported", None, trace=("未填报指标 (not reported)",))
    weights = _weights(item, inds, problems)
    if weights is None:
        return _result(item, "not_reported", None)
    results = [_score_indicator(item, ind, w, typed, problems) for ind, (w, typed) in zip(inds, weights, strict=True)]
    scored = [r for r in results if r is not None]
    if len(scored) != len(results):
        return _result(item, "not_reported", None, indicators=tuple(scored))
    total = _sum([r.score for r in scored])
    line = f"{item.name} = {' + '.join(fmt(r.score) for r in scored)} = {fmt(total)}"
    return _result(item, "scored", total, indicators=tuple(scored), trace=(line,))


def _execution_item(item: Item, given: ItemInput | None) -> ItemResult:
    assert item.rule is not None and item.points is not None
    if given is None or (given.average is None and given.periods is None):
        return _result(item, "not_reported", None, trace=("未填报支出率 (not reported)",))
    if given.periods:
        rates = [p.rate for p in given.periods]
        average = sum(rates, Fraction(0)) / len(rates)
        lines = [f"{p.label}：" + (f"{fmt(p.spent)} ÷ {fmt(p.budget)} = " if p.spent is not None and p.budget is not None else "")
                 + fmt_percent(p.rate) for p in given.periods]
        lines.append(f"平均支出率 = ({' + '.join(fmt_percent(r) for r in rates)}) ÷ {len(rates)} = {fmt_percent(average)}")
    else:
        assert given.average is not None
        average = given.average
        lines = [f"年度平均支出率 {fmt_percent(average)}（填报）"]
    done = Completion("达成" if average >= 1 else "未达成", min(average, Fraction(1)), average, False, tuple(lines))
    result = apply_rule(item.rule, item.points, done)
    return _result(item, "scored", result.score, rate=average, trace=result.trace)


def _checklist_item(item: Item, given: ItemInput | None) -> ItemResult:
    assert item.points is not None
    if given is None or given.shortcomings is None:
        return _result(item, "not_reported", None, trace=("未填报 (not reported)",))
    value, lines = _deduct(item.points, given.shortcomings, "存在问题")
    return _result(item, "scored", value, deductions=given.shortcomings, trace=lines)


def _score_item(item: Item, case: Case, given: ItemInput | None, problems: _Problems) -> ItemResult:
    if item.kind == "unknown":
        return _result(item, "unknown", None, trace=("评分规则未公布 (unknown)",))
    if item.kind == "indicators":
        return _indicators_item(item, case, given, problems)
    if item.kind == "execution_rate":
        return _execution_item(item, given)
    return _checklist_item(item, given)


_ALLOWED_INPUTS = {
    "indicators": ("deductions",),
    "execution_rate": ("average", "periods"),
    "checklist": ("shortcomings",),
    "unknown": (),
}


def _check_inputs(spec: Spec, case: Case, problems: _Problems) -> dict[str, ItemInput]:
    by_key: dict[str, ItemInput] = {}
    for key, given in case.items.items():
        item = spec.item(key)
        if item is None:
            problems.add(f"items.{key}", f"评分规范 {spec.id} 中没有此二级指标 (no such item)；可用: "
                                         + ", ".join(f"{i.key}（{i.name}）" for i in spec.items()))
            continue
        for field in ("deductions", "periods", "average", "shortcomings"):
            if getattr(given, field) is not None and field not in _ALLOWED_INPUTS[item.kind]:
                problems.add(f"items.{key}.{field}", f"二级指标“{item.name}”（{item.kind}）不接受 {field}；可填: "
                                                     + (", ".join(_ALLOWED_INPUTS[item.kind]) or "无"))
        by_key[item.key] = given
    groups = {g for item in spec.items() for g in item.groups}
    for ind in case.indicators:
        if ind.group not in groups:
            problems.add(f"{ind.where} group", f"一级分组“{ind.group}”不在评分规范 {spec.id} 中 (unknown group)；可用: "
                                               + "、".join(sorted(groups)))
    return by_key


def score(spec: Spec, case: Case) -> Result:
    """Score ``case`` under ``spec``; raises :class:`CaseError` listing every problem found."""
    problems = _Problems(case.file)
    if spec.directions:  # each indicator's direction, resolved in one place (selfscore.core.directions)
        case = attrs.evolve(case, indicators=tuple(attrs.evolve(ind, lower_is_better=spec.lower_is_better(
            group=ind.group, category=ind.category, declared=ind.lower_is_better)) for ind in case.indicators))
    inputs = _check_inputs(spec, case, problems)
    parts = []
    missing: list[str] = []
    for part in spec.parts:
        if part.unknown:
            parts.append(PartResult(key=part.key, name=part.name, max=part.points, score=None, items=(), unknown=True))
            missing.append(f"{part.name}：评分规范 {spec.id} 未公布评分细则 (not published)")
            continue
        items = tuple(_score_item(item, case, inputs.get(item.key), problems) for item in part.items)
        for item in items:
            if item.status != "scored":
                why = "未填报 (not reported)" if item.status == "not_reported" else "未公布 (unknown)"
                missing.append(f"{part.name} / {item.name}：{why}")
        complete = all(i.score is not None for i in items)
        total = _sum([i.score for i in items if i.score is not None]) if complete else None
        parts.append(PartResult(key=part.key, name=part.name, max=part.points, score=total, items=items))
    if problems.items:
        raise CaseError(problems.items)
    known = [i for p in parts for i in p.items if i.score is not None]
    known_score = _sum([i.score for i in known if i.score is not None])
    known_max = _sum([i.max for i in known if i.max is not None])
    partial = bool(missing)
    total = None if partial else _sum([p.score for p in parts if p.score is not None])
    if total is not None and total > spec.total:  # pragma: no cover - guaranteed by the spec's point checks
        raise AssertionError(f"total {total} exceeds {spec.total}")
    return Result(spec_id=spec.id, spec_title=spec.title, department=case.department, year=case.year, max=spec.total,
                  score=total, grade=None if total is None else spec.grade(total), partial=partial, parts=tuple(parts),
                  known_score=known_score, known_max=known_max, missing=tuple(missing))


@attrs.frozen
class Difference:
    """An expected value of a case that the result does not reproduce."""

    path: str
    expected: str
    got: str


def _text(value: Decimal | None) -> str:
    return "（无）" if value is None else fmt(value)


def compare_expected(case: Case, result: Result) -> list[Difference]:
    """Compare a case's expected values with ``result``, as printed text (``3.30`` is not ``3.3``)."""
    diffs: list[Difference] = []
    exp: dict[str, Any] = dict(case.expected)

    def check(path: str, want: str, got: str) -> None:
        if want != got:
            diffs.append(Difference(path, want, got))

    if "score" in exp:
        check("score", exp["score"], _text(result.score))
    if "max" in exp:
        check("max", exp["max"], _text(result.max))
    if "grade" in exp:
        check("grade", exp["grade"] or "", result.grade or "（无）")
    if "partial" in exp:
        check("partial", str(exp["partial"]).lower(), str(result.partial).lower())
    for name, want in exp.get("parts", {}).items():
        part = next((p for p in result.parts if name in (p.key, p.name)), None)
        check(f"parts.{name}", want, "（无此一级指标）" if part is None else _text(part.score))
    for key, want in exp.get("items", {}).items():
        found = result.item(key)
        check(f"items.{key}", want, "（无此二级指标）" if found is None else _text(found.score))
    by_name = {ind.name: ind for ind in result.indicators()}
    for ind in case.indicators:
        got_ind = by_name.get(ind.name)
        for key, want in ind.expected.items():
            path = f"indicators.{ind.name}.{key}"
            if got_ind is None:
                check(path, want, "（未计分）")
            elif key == "weight":
                check(path, want, fmt(got_ind.weight))
            elif key == "score":
                check(path, want, fmt(got_ind.score))
            elif key == "rate":
                rate = got_ind.completion.uncapped if got_ind.completion.uncapped is not None else got_ind.rate
                check(path, want, "（部分达成）" if rate is None else fmt_percent(rate))
            elif key == "outcome":
                check(path, want, got_ind.completion.outcome)
    return diffs
