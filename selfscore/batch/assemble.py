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
from typing import Any, overload

import attrs
import numpy as np

from selfscore.batch.parse import exact_decimal, scaled
from selfscore.batch.scoring import RowScores
from selfscore.batch.table import Department, IndicatorTable, special_departments
from selfscore.batch.weights import Groups
from selfscore.core.case import Case, Indicator
from selfscore.core.engine import Result, score
from selfscore.core.errors import InputError, SelfScoreError
from selfscore.core.numbers import exact_sum, normalized_or_none
from selfscore.core.spec import Item, Spec

__all__ = ["Cohort", "DepartmentResult", "DepartmentResults", "ItemScore", "ItemSums", "assemble_all", "decimal_at", "department_case"]


Column = tuple[np.ndarray, np.ndarray]  # integers at a scale, and the exponents of their Decimals
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

    def get(self, departments: Sequence[Department], d: int, dept: Department | None) -> Result | str:
        """Department ``d``'s result (``dept``: it, or None for one with no items)."""
        key = tuple(sorted(dept.items.items())) if dept is not None and dept.items else ()
        found = self.cache.get(key)
        if found is not None:
            return found
        dept = dept or departments[d]
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
                 items: tuple[Item, ...], sums: ItemSums, tick: Callable[[str, int, int], None]) -> DepartmentResults:
    """Every department's result, or why it cannot be scored (``problems`` found so far, and the scalar
    engine's own reason for a department read from a case file).

    Departments with the same scalar result for their other items and the same indicator items
    scored are assembled together, in numpy (:func:`_cohort`).
    """
    others = _Others(spec)
    index = {it.key: k for k, it in enumerate(items)}
    refused: dict[int, DepartmentResult] = {}
    cohorts: dict[tuple[int, int], list[int]] = {}  # (the other items' result, which indicator items scored)
    found: dict[int, Result] = {}
    has = sums.group >= 0
    patterns, pattern_of = _patterns(has)
    tick("aggregate", 0, len(departments))
    special = special_departments(departments)
    for d in range(len(departments)):
        dept = departments[d] if special is None else special.get(d)  # None: a table's, with no items or problems
        own = dept.problems if dept is not None else ()
        other = others.get(departments, d, dept) if not own else "；".join(own)
        if isinstance(other, str):
            if not own:
                problems[d].append(other)
        elif dept is not None and dept.items:
            for k, it in enumerate(items):
                given = dept.items.get(it.key, dept.items.get(it.name))
                if given is not None and given.deductions is not None and has[d, k]:
                    problems[d].append(f"items.{it.key}: 已列出指标时不能再按汇总扣分填报 "
                                       "(deductions are only for items whose indicators are not listed)")
        if problems[d] or isinstance(other, str):
            refused[d] = _refused(spec, table, dept or departments[d], d, problems[d])
            continue
        found[id(other)] = other
        cohorts.setdefault((id(other), pattern_of[d]), []).append(d)
    tick("aggregate", len(departments) // 2, len(departments))
    cohort_list = []
    for (oid, at), ds in cohorts.items():
        other, row = found[oid], patterns[at].tolist() if len(patterns) else []
        ks = tuple(index[it.key] if it.key in index and row[index[it.key]] else -1 for p in other.parts for it in p.items)
        cohort_list.append(_cohort(spec, other, ks, np.asarray(ds, dtype=np.int64), sums))
    tick("aggregate", len(departments), len(departments))
    return DepartmentResults(departments, refused, cohort_list)


def _patterns(has: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The distinct rows of a boolean matrix and each row's index into them, as ``np.unique(axis=0)`` gives them
    (a row read as the bits of one integer, its first column the highest, when it is at most 62 wide)."""
    if not has.size:
        return has[:1], [0] * len(has)
    if has.shape[1] > 62:
        patterns, pattern = np.unique(has, axis=0, return_inverse=True)
        return patterns, pattern.reshape(-1).tolist()
    shifts = np.arange(has.shape[1] - 1, -1, -1, dtype=np.int64)
    distinct, pattern = np.unique(has.astype(np.int64) @ (np.int64(1) << shifts), return_inverse=True)
    patterns = ((distinct[:, None] >> shifts) & 1).astype(bool)
    return patterns, pattern.reshape(-1).tolist()


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


def _cohort(spec: Spec, other: Result, ks: tuple[int, ...], ds: np.ndarray, sums: ItemSums) -> Cohort:
    """The results of departments sharing ``other`` (the scalar engine's result without indicators) and the
    indicator items scored (``ks``): parts and totals summed as integers at one scale, in numpy.  What is
    missing is ``other``'s own list, less the indicator items scored here."""
    scale, cols = _columns(other, ks, ds, sums)
    m = len(ds)
    missing = iter(other.missing)
    still_missing: list[str] = []
    item_cols: list[tuple[Any, str, Column | None]] = []
    part_cols: list[tuple[Any, Column | None]] = []
    known_cols: list[Column] = []
    complete_parts: list[Column] = []
    maxima: list[Decimal] = []
    pos = 0
    for part in other.parts:
        if part.unknown:
            part_cols.append((part, None))
            still_missing.append(next(missing))
            continue
        mine = []
        for it in part.items:
            col, here = cols[pos], ks[pos] >= 0
            pos += 1
            if it.status != "scored" and (entry := next(missing)) and not here:
                still_missing.append(entry)
            item_cols.append((it, "scored" if here else it.status, col))
            if col is None:
                continue
            mine.append(col)
            if it.max is not None:
                maxima.append(it.max)
        known_cols.extend(mine)
        complete = len(mine) == len(part.items)
        part_total = _sum(mine, m)
        if complete:
            complete_parts.append(part_total)
        part_cols.append((part, part_total if complete else None))
    final = None if still_missing else _sum(complete_parts, m)
    return Cohort(spec, other, ds, scale, tuple(item_cols), tuple(part_cols), _sum(known_cols, m), final,
                  tuple(still_missing), exact_sum(maxima))


@attrs.frozen(eq=False)
class Cohort:
    """Departments ``ds`` sharing the scalar result of their other items (``other``) and the indicator items
    scored: every item, part and total as integer columns at ``scale`` with the exponents Decimal addition
    gives; a :class:`DepartmentResult` is made from them only when asked for (:meth:`result`)."""

    spec: Spec
    other: Result
    ds: np.ndarray
    scale: int
    items: tuple[tuple[Any, str, Column | None], ...]  # the item's result, its status, its scores
    parts: tuple[tuple[Any, Column | None], ...]  # the part's result, its totals (None: not all known)
    known: Column
    final: Column | None  # None: partial
    missing: tuple[str, ...]
    known_max: Decimal

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def at(self, col: Column, j: int) -> Decimal:
        return decimal_at(int(col[0][j]), self.scale, int(col[1][j]))

    def result(self, j: int, dept: Department) -> DepartmentResult:
        """Member ``j``'s result, as the scalar engine gives it."""
        final = None if self.final is None else self.at(self.final, j)
        return DepartmentResult(
            name=dept.name, year=dept.year, file=dept.file, score=final, max=self.other.max,
            grade=None if final is None else self.spec.grade(final), partial=self.partial,
            known_score=self.at(self.known, j), known_max=self.known_max, missing=self.missing,
            parts=tuple((p.key, p.name, None if c is None else self.at(c, j), p.max) for p, c in self.parts),
            items=tuple(ItemScore(it.key, it.name, it.kind, status, None if c is None else self.at(c, j), it.max)
                        for it, status, c in self.items))

    def shown(self) -> tuple[list[Decimal], np.ndarray]:
        """The distinct scores a summary shows (the total; the known score when partial) and each member's."""
        v, e = self.known if self.final is None else self.final
        if v.dtype == object:
            index: dict[tuple[int, int], int] = {}
            inverse = np.fromiter((index.setdefault(k, len(index)) for k in zip(v.tolist(), e.tolist(), strict=True)),
                                  dtype=np.int64, count=len(v))
            pairs = list(index)
        else:  # the distinct (value, exponent) pairs in sorted order, as np.unique(axis=0) gives them
            order = np.lexsort((e, v))
            vs, es = v[order], e[order]
            new = np.ones(len(order), dtype=bool)
            new[1:] = (vs[1:] != vs[:-1]) | (es[1:] != es[:-1])
            inverse = np.empty(len(order), dtype=np.int64)
            inverse[order] = np.cumsum(new) - 1
            pairs = list(zip(vs[new].tolist(), es[new].tolist(), strict=True))
        return [decimal_at(n, self.scale, x) for n, x in pairs], inverse.reshape(-1)


class DepartmentResults(Sequence[DepartmentResult]):
    """A batch's department results, in department order, each made on first use: the refused ones as
    found, the scored ones from their cohort's columns (:class:`Cohort`)."""

    def __init__(self, departments: Sequence[Department], refused: dict[int, DepartmentResult],
                 cohorts: list[Cohort]) -> None:
        self.inputs = departments
        self.refused = refused
        self.cohorts = cohorts
        self.cohort_of = np.full(len(departments), -1, dtype=np.int64)
        self.member = np.zeros(len(departments), dtype=np.int64)
        for c, cohort in enumerate(cohorts):
            self.cohort_of[cohort.ds] = c
            self.member[cohort.ds] = np.arange(len(cohort.ds))
        self._made: dict[int, DepartmentResult] = {}

    def __len__(self) -> int:
        return len(self.inputs)

    @overload
    def __getitem__(self, d: int) -> DepartmentResult: ...
    @overload
    def __getitem__(self, d: slice) -> tuple[DepartmentResult, ...]: ...

    def __getitem__(self, d: int | slice) -> DepartmentResult | tuple[DepartmentResult, ...]:
        if isinstance(d, slice):
            return tuple(self[i] for i in range(*d.indices(len(self))))
        if d < 0:
            d += len(self)
        if not 0 <= d < len(self):
            raise IndexError(d)
        found = self._made.get(d)
        if found is None:
            c = int(self.cohort_of[d])
            found = self.refused[d] if c < 0 else self.cohorts[c].result(int(self.member[d]), self.inputs[d])
            self._made[d] = found
        return found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DepartmentResults({len(self)} departments, {len(self.refused)} refused)"

    def ok(self) -> np.ndarray:
        """Which departments were scored (a boolean per department)."""
        return self.cohort_of >= 0
