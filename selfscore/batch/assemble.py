"""Department results of a batch: the items without indicator rows from the scalar engine, and the sums.

Items without indicator rows (the execution rate, checklists, summary-level
deductions) are a handful of numbers per department; they are scored by the
scalar engine itself (``score`` on the department's case without indicators,
cached by input), so their semantics cannot drift from it.  Indicator items come
summed as integers; parts, totals, partial results and grades follow the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from selfscore.batch.parse import exact_decimal, scaled
from selfscore.batch.rows import RowScores
from selfscore.batch.table import Department, IndicatorTable
from selfscore.batch.weights import Groups
from selfscore.core.case import Case, Indicator
from selfscore.core.engine import Result, score
from selfscore.core.errors import InputError, SelfScoreError
from selfscore.core.spec import Item, Spec

__all__ = ["DepartmentResult", "ItemScore", "ItemSums", "assemble_all", "decimal_at", "department_case"]


@attrs.frozen
class ItemScore:
    key: str
    name: str
    kind: str
    status: str  # scored / not_reported / unknown
    score: Decimal | None
    max: Decimal | None


@attrs.frozen
class DepartmentResult:
    """A department's scores, as ``score(spec, case)`` gives them; or ``error``, why it cannot be scored."""

    name: str
    year: int | None
    file: str
    error: str | None = None
    score: Decimal | None = None
    max: Decimal | None = None
    grade: str | None = None
    partial: bool = False
    known_score: Decimal | None = None
    known_max: Decimal | None = None
    missing: tuple[str, ...] = ()
    parts: tuple[tuple[str, str, Decimal | None, Decimal | None], ...] = ()  # key, name, score, max
    items: tuple[ItemScore, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def decimal_at(n: int, scale: int, exponent: int) -> Decimal:
    """``n / 10**scale`` as a Decimal with ``exponent`` (exact: the value has no finer digits)."""
    k = scale + exponent
    return Decimal(n // 10**k if k >= 0 else n * 10**-k).scaleb(exponent)


def _exp(d: Decimal) -> int:
    e = d.as_tuple().exponent
    assert isinstance(e, int)
    return e


class _Others:
    """The scalar engine on a department's case without indicators, cached by its item inputs."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.cache: dict[Any, Result | str] = {}

    def get(self, dept: Department) -> Result | str:
        key = tuple(sorted(dept.items.items()))
        found = self.cache.get(key)
        if found is not None:
            return found
        case = Case(spec=self.spec.id, department=dept.name, year=dept.year or self.spec.year, items=dict(dept.items))
        result: Result | str
        try:
            result = score(self.spec, case)
        except InputError as exc:
            result = "；".join(str(p) for p in exc.problems)
        except (SelfScoreError, TypeError, ValueError, ArithmeticError) as exc:
            result = str(exc) or type(exc).__name__
        self.cache[key] = result
        return result


def department_case(spec: Spec, dept: Department, table: IndicatorTable, rows: Sequence[int]) -> Case:
    """The department as a case for the scalar engine (its own case when it was read from one)."""
    if dept.case is not None:
        return dept.case
    inds = []
    for i in rows:
        w = table.weight[i]
        inds.append(Indicator(
            name=table.name[i], group=table.group[i], target=table.target[i], actual=table.actual[i] or "",
            category=table.category[i] if len(table.category) else "",
            weight=None if w is None else exact_decimal(w, what="weight"),
            judgement=table.judgement[i], lower_is_better=table.lower_is_better[i], where=table.label(i)))
    return Case(spec=spec.id, department=dept.name, year=dept.year or spec.year, indicators=tuple(inds),
                items=dict(dept.items), file=dept.file)


def _scalar_reason(spec: Spec, dept: Department, table: IndicatorTable, rows: Sequence[int]) -> str | None:
    """Why the scalar engine refuses this department (None if it scores it)."""
    try:
        score(spec, department_case(spec, dept, table, rows))
    except InputError as exc:
        return "；".join(str(p) for p in exc.problems)
    except (SelfScoreError, TypeError, ValueError, ArithmeticError) as exc:
        return str(exc) or type(exc).__name__
    return None


@attrs.frozen(eq=False)
class ItemSums:
    """Indicator items' scores per (department, item) group: integers at ``scale``, with the exponent Decimal
    addition gives (``0 + s1 + s2 ...``)."""

    at: dict[tuple[int, int], int]  # (department, item index) -> group
    sums: list[int]
    exps: list[int]
    scale: int

    @classmethod
    def of(cls, scores: RowScores, g: Groups) -> ItemSums:
        if len(scores):
            values = scores.values
            if values.dtype != object and int(values.max(initial=0)) > 2**62 // max(int(g.sizes.max()), 1):
                values = values.astype(object)
            sums = np.add.reduceat(values, g.starts).tolist()
            exps = np.minimum(np.minimum.reduceat(scores.exponents(), g.starts), 0).tolist()
        else:
            sums, exps = [], []
        at = {(d, k): i for i, (d, k) in enumerate(zip(g.dept.tolist(), g.item.tolist(), strict=True))}
        return cls(at, sums, exps, scores.scale)


def assemble_all(spec: Spec, table: IndicatorTable, departments: Sequence[Department], problems: list[list[str]],
                 items: tuple[Item, ...], sums: ItemSums, tick: Callable[[str, int, int], None]) -> list[DepartmentResult]:
    """Every department's result, or why it cannot be scored (``problems`` found so far, and the scalar
    engine's own reason for a department read from a case file)."""
    others = _Others(spec)
    index = {it.key: k for k, it in enumerate(items)}
    results: list[DepartmentResult] = []
    rows_of: dict[int, list[int]] = {}
    n_dept = len(departments)
    tick("aggregate", 0, n_dept)
    for d, dept in enumerate(departments):
        other = others.get(dept) if not dept.problems else "；".join(dept.problems)
        if isinstance(other, str):
            if not dept.problems:
                problems[d].append(other)
        else:
            for it in items:
                given = dept.items.get(it.key, dept.items.get(it.name))
                if given is not None and given.deductions is not None and (d, index[it.key]) in sums.at:
                    problems[d].append(f"items.{it.key}: 已列出指标时不能再按汇总扣分填报 "
                                       "(deductions are only for items whose indicators are not listed)")
        if problems[d]:
            reason = None
            if dept.case is not None and not dept.problems:
                # a case file's department is explained by the scalar engine itself (the message `selfscore
                # check` gives); a table's by the problems found here, which name the table's rows
                if not rows_of:
                    for i, dd in enumerate(np.asarray(table.department).tolist()):
                        rows_of.setdefault(dd, []).append(i)
                reason = _scalar_reason(spec, dept, table, rows_of.get(d, []))
            results.append(DepartmentResult(name=dept.name, year=dept.year, file=dept.file,
                                            error=reason or "；".join(problems[d])))
        else:
            assert isinstance(other, Result)
            results.append(_assemble(spec, dept, other, [sums.at.get((d, index.get(it.key, -1)))
                                                         for p in other.parts for it in p.items], sums))
        if d % 2000 == 0:
            tick("aggregate", d, n_dept)
    tick("aggregate", n_dept, n_dept)
    return results


def _picked(other: Result, groups: list[int | None], sums: ItemSums) -> tuple[int, list[tuple[int, int] | None]]:
    """Each item's score (spec order) as ``(value at the returned scale, exponent)``, or None when not scored:
    indicator items from the batch's sums, the others from the scalar engine."""
    own = [it.score for p in other.parts for it in p.items]
    scale = max([sums.scale] + [-_exp(sc) for sc, g in zip(own, groups, strict=True) if sc is not None and g is None])
    picked: list[tuple[int, int] | None] = []
    for sc, g in zip(own, groups, strict=True):
        if g is not None:
            picked.append((sums.sums[g] * 10 ** (scale - sums.scale), sums.exps[g]))
        elif sc is not None:
            n_, s_ = scaled(sc)
            picked.append((n_ * 10 ** (scale - s_), _exp(sc)))
        else:
            picked.append(None)
    return scale, picked


def _assemble(spec: Spec, dept: Department, other: Result, groups: list[int | None], sums: ItemSums) -> DepartmentResult:
    """One department's parts and totals, summed as integers at one scale.

    ``other`` is the scalar engine's result for the department without indicators:
    it gives the status and score of every item without indicator rows, and what is
    missing in its own words (less the indicator items scored here).
    """
    scale, picked = _picked(other, groups, sums)
    out_items: list[ItemScore] = []
    parts_out: list[tuple[str, str, Decimal | None, Decimal | None]] = []
    missing = iter(other.missing)
    still_missing: list[str] = []
    known, known_exp, known_max = 0, 0, Decimal(0)
    total, total_exp = 0, 0
    pos = 0
    for part in other.parts:
        if part.unknown:
            parts_out.append((part.key, part.name, None, part.max))
            still_missing.append(next(missing))
            continue
        part_sum, part_exp, complete = 0, 0, True
        for it in part.items:
            got, scored_here = picked[pos], groups[pos] is not None
            pos += 1
            if it.status != "scored" and (entry := next(missing)) and not scored_here:
                still_missing.append(entry)
            if got is None:
                complete = False
                out_items.append(ItemScore(it.key, it.name, it.kind, it.status, None, it.max))
                continue
            value, exp = got
            out_items.append(ItemScore(it.key, it.name, it.kind, "scored" if scored_here else it.status,
                                       decimal_at(value, scale, exp), it.max))
            part_sum, part_exp = part_sum + value, min(part_exp, exp)
            known, known_exp = known + value, min(known_exp, exp)
            known_max += it.max if it.max is not None else 0
        parts_out.append((part.key, part.name, decimal_at(part_sum, scale, part_exp) if complete else None, part.max))
        if complete:
            total, total_exp = total + part_sum, min(total_exp, part_exp)
    final = None if still_missing else decimal_at(total, scale, total_exp)
    return DepartmentResult(
        name=dept.name, year=dept.year, file=dept.file, score=final, max=other.max,
        grade=None if final is None else spec.grade(final), partial=bool(still_missing),
        known_score=decimal_at(known, scale, known_exp), known_max=known_max, missing=tuple(still_missing),
        parts=tuple(parts_out), items=tuple(out_items))
