"""Department results of a batch: the items without indicator rows from the scalar engine, and the sums.

Items without indicator rows (the execution rate, checklists, summary-level
deductions) are a handful of numbers per department; they are scored by the
scalar engine itself (``score`` on the department's case without indicators,
cached by input), so their semantics cannot drift from it.  Indicator items come
summed as integers; parts, totals, partial results and grades follow the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from selfscore.batch.parse import exact_decimal, scaled
from selfscore.batch.scoring import RowScores
from selfscore.batch.table import Department, IndicatorTable
from selfscore.batch.weights import Groups
from selfscore.core.case import Case, Indicator
from selfscore.core.engine import Result, score
from selfscore.core.errors import InputError, SelfScoreError
from selfscore.core.numbers import exact_sum, normalized_or_none
from selfscore.core.spec import Item, Spec

__all__ = ["DepartmentResult", "ItemScore", "ItemSums", "assemble_all", "decimal_at", "department_case"]


PartScore = tuple[str, str, Decimal | None, Decimal | None]  # key, name, score, max


def _normalized_parts(parts: Iterable[PartScore]) -> tuple[PartScore, ...]:
    return tuple((k, n, normalized_or_none(s), normalized_or_none(m)) for k, n, s, m in parts)


@attrs.frozen
class ItemScore:
    key: str
    name: str
    kind: str
    status: str  # scored / not_reported / unknown
    score: Decimal | None = attrs.field(converter=normalized_or_none)
    max: Decimal | None = attrs.field(converter=normalized_or_none)


@attrs.frozen
class DepartmentResult:
    """A department's scores, as ``score(spec, case)`` gives them; or ``error``, why it cannot be scored."""

    name: str
    year: int | None
    file: str
    error: str | None = None
    score: Decimal | None = attrs.field(default=None, converter=normalized_or_none)
    max: Decimal | None = attrs.field(default=None, converter=normalized_or_none)
    grade: str | None = None
    partial: bool = False
    known_score: Decimal | None = attrs.field(default=None, converter=normalized_or_none)
    known_max: Decimal | None = attrs.field(default=None, converter=normalized_or_none)
    missing: tuple[str, ...] = ()
    parts: tuple[PartScore, ...] = attrs.field(default=(), converter=_normalized_parts)  # key, name, score, max
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
    addition gives (``0 + s1 + s2 ...``); ``group[d, k]`` is department ``d``'s group for item ``k`` (-1: none)."""

    group: np.ndarray
    sums: np.ndarray
    exps: np.ndarray
    scale: int

    @classmethod
    def of(cls, scores: RowScores, g: Groups, n_dept: int, n_items: int) -> ItemSums:
        if len(scores):
            values = scores.values
            if values.dtype != object and int(values.max(initial=0)) > 2**62 // max(int(g.sizes.max()), 1):
                values = values.astype(object)
            sums = np.add.reduceat(values, g.starts)
            exps = np.minimum(np.minimum.reduceat(scores.exponents(), g.starts), 0).astype(np.int64)
        else:
            sums, exps = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        group = np.full((n_dept, n_items), -1, dtype=np.int64)
        group[g.dept, g.item] = np.arange(len(g.starts))
        return cls(group, sums, exps, scores.scale)


def assemble_all(spec: Spec, table: IndicatorTable, departments: Sequence[Department], problems: list[list[str]],
                 items: tuple[Item, ...], sums: ItemSums, tick: Callable[[str, int, int], None]) -> list[DepartmentResult]:
    """Every department's result, or why it cannot be scored (``problems`` found so far, and the scalar
    engine's own reason for a department read from a case file).

    Departments with the same scalar result for their other items and the same indicator items
    scored are assembled together, in numpy (:func:`_cohort`).
    """
    others = _Others(spec)
    index = {it.key: k for k, it in enumerate(items)}
    results: list[DepartmentResult | None] = [None] * len(departments)
    cohorts: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    found: dict[int, Result] = {}
    has = sums.group >= 0
    tick("aggregate", 0, len(departments))
    for d, dept in enumerate(departments):
        other = others.get(dept) if not dept.problems else "；".join(dept.problems)
        if isinstance(other, str):
            if not dept.problems:
                problems[d].append(other)
        elif dept.items:
            for k, it in enumerate(items):
                given = dept.items.get(it.key, dept.items.get(it.name))
                if given is not None and given.deductions is not None and has[d, k]:
                    problems[d].append(f"items.{it.key}: 已列出指标时不能再按汇总扣分填报 "
                                       "(deductions are only for items whose indicators are not listed)")
        if problems[d] or isinstance(other, str):
            results[d] = _refused(spec, table, dept, d, problems[d])
            continue
        found[id(other)] = other
        ks = tuple(index[it.key] if it.key in index and has[d, index[it.key]] else -1 for p in other.parts for it in p.items)
        cohorts.setdefault((id(other), ks), []).append(d)
    tick("aggregate", len(departments) // 2, len(departments))
    for (oid, ks), ds in cohorts.items():
        for d, r in zip(ds, _cohort(spec, found[oid], ks, np.asarray(ds, dtype=np.int64), sums, departments), strict=True):
            results[d] = r
    tick("aggregate", len(departments), len(departments))
    return results  # type: ignore[return-value]


def _refused(spec: Spec, table: IndicatorTable, dept: Department, d: int, problems: list[str]) -> DepartmentResult:
    reason = None
    if dept.case is not None and not dept.problems:
        # a case file's department is explained by the scalar engine itself (the message `selfscore check`
        # gives); a table's by the problems found here, which name the table's rows
        rows = np.flatnonzero(np.asarray(table.department) == d).tolist()
        reason = _scalar_reason(spec, dept, table, rows)
    return DepartmentResult(name=dept.name, year=dept.year, file=dept.file, error=reason or "；".join(problems))


def _columns(other: Result, ks: tuple[int, ...], ds: np.ndarray,
             sums: ItemSums) -> tuple[int, list[tuple[np.ndarray, np.ndarray] | None]]:
    """Each spec item's scores over the cohort as ``(values at the returned scale, exponents)``, or None when not
    scored: indicator items from the batch's sums, the others from the scalar engine."""
    own = [it.score for p in other.parts for it in p.items]
    scale = max([sums.scale] + [-_exp(sc) for sc, k in zip(own, ks, strict=True) if sc is not None and k < 0])
    m = len(ds)
    cols: list[tuple[np.ndarray, np.ndarray] | None] = []
    for sc, k in zip(own, ks, strict=True):
        if k >= 0:
            at = sums.group[ds, k]
            v = sums.sums[at]
            factor = 10 ** (scale - sums.scale)
            if factor != 1:
                big = v.dtype == object or int(np.abs(v).max(initial=0)) > 2**62 // factor
                v = (v.astype(object) if big else v) * factor
            cols.append((v, sums.exps[at]))
        elif sc is not None:
            n_, s_ = scaled(sc)
            cols.append((np.full(m, n_ * 10 ** (scale - s_), dtype=object if abs(n_) >= 2**40 else np.int64),
                         np.full(m, _exp(sc), dtype=np.int64)))
        else:
            cols.append(None)
    return scale, cols


def _sum(cols: list[tuple[np.ndarray, np.ndarray]], m: int) -> tuple[np.ndarray, np.ndarray]:
    """Sums of some columns and the exponent of the Decimal sum (``min(0, exponents...)``)."""
    total: np.ndarray = np.zeros(m, dtype=np.int64)
    exp = np.zeros(m, dtype=np.int64)
    for v, e in cols:
        total = total + v
        exp = np.minimum(exp, e)
    return total, exp


def _cohort(spec: Spec, other: Result, ks: tuple[int, ...], ds: np.ndarray, sums: ItemSums,
            departments: Sequence[Department]) -> list[DepartmentResult]:
    """The results of departments sharing ``other`` (the scalar engine's result without indicators) and the
    indicator items scored (``ks``): parts and totals summed as integers at one scale, in numpy.  What is
    missing is ``other``'s own list, less the indicator items scored here."""
    scale, cols = _columns(other, ks, ds, sums)
    m = len(ds)
    cache: dict[tuple[int, int], Decimal] = {}

    def decimals(col: tuple[np.ndarray, np.ndarray]) -> list[Decimal]:
        out = []
        for key in zip(col[0].tolist(), col[1].tolist(), strict=True):
            found = cache.get(key)
            if found is None:
                found = cache[key] = decimal_at(key[0], scale, key[1])
            out.append(found)
        return out

    missing = iter(other.missing)
    still_missing: list[str] = []
    per_item: list[list[ItemScore]] = []
    per_part: list[list[tuple[str, str, Decimal | None, Decimal | None]]] = []
    known_cols: list[tuple[np.ndarray, np.ndarray]] = []
    complete_parts: list[tuple[np.ndarray, np.ndarray]] = []
    maxima: list[Decimal] = []
    pos = 0
    for part in other.parts:
        if part.unknown:
            per_part.append([(part.key, part.name, None, part.max)] * m)
            still_missing.append(next(missing))
            continue
        mine = []
        for it in part.items:
            col, here = cols[pos], ks[pos] >= 0
            pos += 1
            if it.status != "scored" and (entry := next(missing)) and not here:
                still_missing.append(entry)
            if col is None:
                per_item.append([ItemScore(it.key, it.name, it.kind, it.status, None, it.max)] * m)
                continue
            status = "scored" if here else it.status
            values = decimals(col)  # one Decimal object per distinct (digits, exponent): 4.0 is not 4.00
            made = {k: ItemScore(it.key, it.name, it.kind, status, v, it.max) for k, v in {id(v): v for v in values}.items()}
            per_item.append([made[id(v)] for v in values])
            mine.append(col)
            if it.max is not None:
                maxima.append(it.max)
        known_cols.extend(mine)
        complete = len(mine) == len(part.items)
        part_total = _sum(mine, m)
        if complete:
            complete_parts.append(part_total)
        per_part.append([(part.key, part.name, v, part.max) for v in decimals(part_total)] if complete
                        else [(part.key, part.name, None, part.max)] * m)
    known = decimals(_sum(known_cols, m))
    known_max = exact_sum(maxima)
    finals: list[Decimal | None] = [None] * m if still_missing else list(decimals(_sum(complete_parts, m)))
    grades: dict[Decimal, str | None] = {}
    out = []
    for j, d in enumerate(ds.tolist()):
        dept, final = departments[d], finals[j]
        out.append(DepartmentResult(
            name=dept.name, year=dept.year, file=dept.file, score=final, max=other.max,
            grade=None if final is None else (grades[final] if final in grades else grades.setdefault(final, spec.grade(final))),
            partial=bool(still_missing), known_score=known[j], known_max=known_max, missing=tuple(still_missing),
            parts=tuple(p[j] for p in per_part), items=tuple(i[j] for i in per_item)))
    return out
