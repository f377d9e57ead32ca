"""Department-level batch scoring: many departments under one spec, exactly as ``score(spec, case)``.

Indicator rows of every department go through the vector engine together
(:mod:`selfscore.batch.rows`); the spec's structure is then applied in integers:
points split over each (department, item)'s indicators (or typed weights checked
to sum up), sums per item, part and department, partial results and grades.

Items without indicator rows (the execution rate, checklists, summary-level
deductions) are a handful of numbers per department; they are scored by the
scalar engine itself (``score`` on the department's case without indicators,
cached by input), so their semantics cannot drift from it.

A department with any problem is not scored, and the rest of the batch is scored
regardless.  The reason given is the scalar engine's own message for a department
read from a case file, and the problems found here (naming the table's rows) for a
department read from a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from selfscore.batch.parse import Reducer, exact_decimal, scaled
from selfscore.batch.rows import Rows, RowScores, distinct_codes, paused_gc, reduce_columns, score_rows, weight_array, weights_column
from selfscore.core.case import Case, Indicator, ItemInput
from selfscore.core.engine import Result, score
from selfscore.core.errors import InputError, SelfScoreError
from selfscore.core.numbers import fmt, fmt_percent
from selfscore.core.spec import Item, Spec

__all__ = [
    "BatchResult",
    "CodedColumn",
    "Department",
    "DepartmentResult",
    "IndicatorTable",
    "ItemScore",
    "LineLabels",
    "department_case",
    "score_batch",
    "table_from_cases",
]

Progress = Callable[[str, int, int], None]


@attrs.frozen
class Department:
    """One department of a batch: its name and what it reports besides indicators.

    ``case`` is its case when it was read from a case file (the scalar engine then
    explains exactly why it cannot be scored); ``problems`` are problems found while
    reading it (it is then not scored).
    """

    name: str
    year: int | None = None
    items: Mapping[str, ItemInput] = attrs.field(factory=dict)
    case: Case | None = None
    file: str = ""
    problems: tuple[str, ...] = ()


class CodedColumn(Sequence[Any]):
    """A column held as its distinct values and each row's index into them (what the CSV reader builds).

    Reads like a list; the reduction works on ``codes`` and ``values`` directly, so each
    distinct text is handled once and rows are combined with numpy.
    """

    __slots__ = ("codes", "values")

    def __init__(self, values: list[Any], codes: np.ndarray) -> None:
        self.values = values
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self.values[c] for c in self.codes[i].tolist()]
        return self.values[self.codes[i]]

    def __iter__(self) -> Iterator[Any]:
        return map(self.values.__getitem__, self.codes.tolist())

    def __repr__(self) -> str:
        return f"CodedColumn({len(self.codes)} rows, {len(self.values)} distinct)"


class LineLabels(Sequence[str]):
    """``第N行`` for each row's line number, made on demand (a million rows need only a handful)."""

    __slots__ = ("lines",)

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [f"第{n}行" for n in self.lines[i].tolist()]
        return f"第{int(self.lines[i])}行"

    def __iter__(self) -> Iterator[str]:
        return (f"第{n}行" for n in self.lines.tolist())


def column_codes(values: Sequence[Any]) -> tuple[dict[Any, int], np.ndarray]:
    """Each distinct value's index, and every row's index (from a :class:`CodedColumn` without a pass over rows)."""
    if isinstance(values, CodedColumn):
        index: dict[Any, int] = {}
        trans = np.fromiter((index.setdefault(v, len(index)) for v in values.values), dtype=np.int64,
                            count=len(values.values))
        return index, trans[values.codes] if len(values.codes) else np.zeros(0, dtype=np.int64)
    found, codes = distinct_codes(values)
    return found, np.asarray(codes, dtype=np.int64)


def reduce_table(table: IndicatorTable, *, reducer: Reducer | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, str], dict[int, Fraction | str], dict[int, tuple[int, int]]]:
    """:func:`selfscore.batch.rows.reduce_columns` of the table's target, actual, judgement and 越低越好 columns.

    When they are all CodedColumns, each distinct (target, actual, judgement, 越低越好)
    combination is reduced once by ``reduce_columns`` itself and its results are
    spread to the rows that share it (in row order, as ``reduce_columns`` gives them).
    """
    cols = (table.target, table.actual, table.judgement, table.lower_is_better)
    n = len(table)
    if not all(isinstance(c, CodedColumn) for c in cols) or n == 0:
        return reduce_columns(*cols, reducer=reducer, progress=progress)
    coded: list[CodedColumn] = list(cols)  # type: ignore[arg-type]
    key = np.zeros(n, dtype=np.int64)
    top = 1
    for c in coded:
        size = max(len(c.values), 1)
        if top * size >= 2**62:  # renumber the combinations so far before widening the key
            _u, key = np.unique(key, return_inverse=True)
            top = len(_u)
        key = key * size + c.codes
        top *= size
    _u, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    k = len(first)
    picked = [[c.values[j] for j in c.codes[first].tolist()] for c in coded]
    A_k, T_k, M_k, P_k, errors_k, shown_k, big_k = reduce_columns(
        *picked, reducer=reducer, progress=None if progress is None else (lambda done: progress(done * n // k)))

    def spread(found: dict[int, Any]) -> dict[int, Any]:
        if not found:
            return {}
        has = np.zeros(k, dtype=bool)
        has[list(found)] = True
        rows = np.flatnonzero(has[inverse])
        return dict(zip(rows.tolist(), map(found.__getitem__, inverse[rows].tolist()), strict=True))

    return (A_k[inverse], T_k[inverse], M_k[inverse], P_k[inverse], spread(errors_k), spread(shown_k),
            spread(big_k))


@attrs.frozen(eq=False)
class IndicatorTable:
    """Indicator rows of many departments, as columns; ``department`` indexes the department list.

    ``where`` optionally names each row for messages (``input.csv 第12行``).
    """

    department: np.ndarray
    group: Sequence[str]
    name: Sequence[str]
    target: Sequence[str]
    actual: Sequence[str]
    weight: Sequence[object | None]
    judgement: Sequence[str | None]
    lower_is_better: Sequence[bool | None]
    category: Sequence[str] = ()
    where: Sequence[str] = ()

    def __len__(self) -> int:
        return len(self.target)

    def label(self, i: int) -> str:
        place = self.where[i] if len(self.where) else f"第{i + 1}行"
        return f"{place} “{self.name[i]}”"


_COLUMNS = ("group", "name", "target", "actual", "weight", "judgement", "lower_is_better", "category", "where")


def table_from_cases(cases: Sequence[Case]) -> tuple[IndicatorTable, list[Department]]:
    """The indicator table and department list of some cases (one department per case)."""
    dept: list[int] = []
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    departments = []
    for d, case in enumerate(cases):
        departments.append(Department(name=case.department, year=case.year, items=dict(case.items), case=case,
                                      file=case.file))
        for ind in case.indicators:
            dept.append(d)
            for k, col in cols.items():
                col.append(getattr(ind, k))
    return IndicatorTable(department=np.asarray(dept, dtype=np.int64), **cols), departments


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


@attrs.frozen(eq=False)
class BatchResult:
    """A scored batch: one :class:`DepartmentResult` per department, and every indicator row.

    ``rows``/``scores`` hold the indicator rows in scoring order (grouped by department
    and item); ``row_source`` maps them to the input table, ``row_item`` to ``items``,
    ``row_dept`` to ``departments``.
    """

    spec: Spec
    departments: tuple[DepartmentResult, ...]
    table: IndicatorTable
    items: tuple[Item, ...]
    rows: Rows
    scores: RowScores
    row_source: np.ndarray
    row_item: np.ndarray
    row_dept: np.ndarray

    def case(self, d: int, department: Department) -> Case:
        """Department ``d`` as a case for the scalar engine (for reports that need the full trace)."""
        rows = np.flatnonzero(np.asarray(self.table.department) == d).tolist()
        return department_case(self.spec, department, self.table, rows)

    def weights(self) -> list[Decimal]:
        """Each row's weight as the Decimal the scalar engine scores with."""
        ws = self.rows.weight_scale
        return [_decimal(w, ws, e) for w, e in zip(self.rows.weight.tolist(), self.rows.weight_exp.tolist(), strict=True)]

    def indicator_rows(self) -> list[dict[str, Any]]:
        """Every indicator of the departments that were scored, in input order, as display strings."""
        ok = np.array([d.ok for d in self.departments], dtype=bool)
        order = np.argsort(self.row_source, kind="stable")
        keep = order[ok[self.row_dept[order]]] if len(order) else order
        decimals = self.scores.decimals()
        ws = self.rows.weight_scale
        t = self.table
        out = []
        for i in keep.tolist():
            src = int(self.row_source[i])
            dept = self.departments[int(self.row_dept[i])]
            item = self.items[int(self.row_item[i])]
            shown = self.rows.shown_rate(i)
            score_ = decimals[i]
            out.append({
                "department": dept.name, "year": dept.year, "item": item.name, "item_key": item.key,
                "group": t.group[src], "category": t.category[src] if len(t.category) else "",
                "name": t.name[src], "target": t.target[src], "actual": t.actual[src],
                "rate": shown if isinstance(shown, str) else fmt_percent(shown),
                "weight": fmt(_decimal(int(self.rows.weight[i]), ws, int(self.rows.weight_exp[i]))),
                "score": "" if score_ is None else fmt(score_),
            })
        return out


def _decimal(n: int, scale: int, exponent: int) -> Decimal:
    """``n / 10**scale`` as a Decimal with ``exponent`` (exact: the value has no finer digits)."""
    k = scale + exponent
    return Decimal(n // 10**k if k >= 0 else n * 10**-k).scaleb(exponent)


def _exp(d: Decimal) -> int:
    e = d.as_tuple().exponent
    assert isinstance(e, int)
    return e


def _ranks(pos: np.ndarray, n: np.ndarray, leftover: str) -> np.ndarray:
    """The turn in which :func:`split_points` hands out a spare unit to position ``pos`` of ``n``."""
    if leftover == "first":
        return pos
    if leftover == "last":
        last: np.ndarray = n - 1 - pos
        return last
    back = n - 1 - pos  # "ends": first, last, second, second-to-last, ...
    ranks: np.ndarray = np.where(pos <= back, 2 * pos, 2 * back + 1)
    return ranks


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


# --- the batch ------------------------------------------------------------------


def score_batch(
    spec: Spec,
    table: IndicatorTable,
    departments: Sequence[Department],
    *,
    reducer: Reducer | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Score every department of ``table`` under ``spec``.

    For every department that ``score(spec, case)`` scores, the numbers (total,
    grade, partial, part, item and indicator scores, known score and max) equal the
    scalar engine's, Decimal for Decimal; every department it refuses is reported
    with the reason instead, and the others are still scored.
    """
    with paused_gc():
        return _score_batch(spec, _directed(spec, table), departments, reducer=reducer, progress=progress)


def _directed(spec: Spec, table: IndicatorTable) -> IndicatorTable:
    """The table with each row's 越低越好 resolved from the spec (:mod:`selfscore.core.directions`), once per
    distinct (越低越好, group, category)."""
    if not spec.directions or not len(table):
        return table
    category = table.category if len(table.category) else [""] * len(table)
    key = np.zeros(len(table), dtype=np.int64)
    for column in (table.lower_is_better, table.group, category):
        index, codes = column_codes(column)
        key = key * max(len(index), 1) + codes
    _u, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    values = [spec.lower_is_better(group=table.group[i], category=category[i], declared=table.lower_is_better[i])
              for i in first.tolist()]
    return attrs.evolve(table, lower_is_better=CodedColumn(values, inverse.reshape(-1).astype(np.int64)))


def _score_batch(
    spec: Spec,
    table: IndicatorTable,
    departments: Sequence[Department],
    *,
    reducer: Reducer | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    tick: Progress = progress or (lambda stage, done, total: None)
    n_dept = len(departments)
    problems: list[list[str]] = [list(d.problems) for d in departments]
    items = tuple(it for it in spec.items() if it.kind == "indicators")
    n_rows = len(table)
    dept_of = np.asarray(table.department, dtype=np.int64)

    # 0. rows -> (department, item): an indicator counts in every indicators item listing its group
    by_group: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        for grp in it.groups:
            by_group.setdefault(grp, []).append(k)
    all_groups = sorted({grp for it in spec.items() for grp in it.groups})
    group_index, group_codes = column_codes(table.group)
    if all(len(by_group.get(grp, ())) <= 1 for grp in group_index):  # each group in at most one item: numpy
        item_of_group = np.array([by_group[grp][0] if grp in by_group else -1 for grp in group_index] or [-1],
                                 dtype=np.int64)
        row_items = item_of_group[group_codes] if n_rows else np.zeros(0, dtype=np.int64)
        src = np.flatnonzero(row_items >= 0)
        row_item = row_items[src]
        unknown = np.flatnonzero(row_items < 0).tolist()
    else:
        src_list: list[int] = []
        item_list: list[int] = []
        unknown = []
        for i, group in enumerate(table.group):
            found = by_group.get(group)
            if not found:
                unknown.append(i)
            for k in found or ():
                src_list.append(i)
                item_list.append(k)
        src = np.asarray(src_list, dtype=np.int64)
        row_item = np.asarray(item_list, dtype=np.int64)
    for i in unknown:
        problems[int(dept_of[i])].append(f"{table.label(i)} group: 一级分组“{table.group[i]}”不在评分规范 {spec.id} 中 "
                                         f"(unknown group)；可用: {'、'.join(all_groups)}")
    row_dept = dept_of[src]
    # item-major: each rule's rows are contiguous (the kernel then works on views), and so is each
    # (department, item) group, which the sums need
    key = row_item * max(n_dept, 1) + row_dept
    if len(key) > 1 and not bool(np.all(key[1:] >= key[:-1])):
        order = np.argsort(key, kind="stable")  # stable: indicators keep their order within an item
        src, row_item, row_dept, key = src[order], row_item[order], row_dept[order], key[order]
    n = len(src)

    # 1. reduce every indicator (scalar parsing, cached), in table order
    tick("reduce", 0, n_rows)
    A, T, M, P, errors, shown, big_at = reduce_table(table, reducer=reducer,
                                                     progress=lambda done: tick("reduce", done, n_rows))
    for i, message in errors.items():
        problems[int(dept_of[i])].append(f"{table.label(i)}: {message}")

    # 2. weights per (department, item): typed (all of them, summing to the points) or split
    starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1)) if n else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.append(starts, n))
    g_dept, g_item = row_dept[starts], row_item[starts]
    group_of_row = np.repeat(np.arange(len(starts)), sizes)
    pos = np.arange(n) - starts[group_of_row]
    src_list = src.tolist()
    weight_col = table.weight
    if isinstance(weight_col, CodedColumn):  # which rows have a weight, from the distinct values
        has_weight = np.array([v is not None for v in weight_col.values], dtype=bool)
        typed_codes = weight_col.codes[src] if n else np.zeros(0, dtype=np.int64)
        typed_rows_list = np.flatnonzero(has_weight[typed_codes]).tolist() if has_weight.any() else []
        typed_values = [weight_col.values[c] for c in typed_codes[typed_rows_list].tolist()]
    else:
        typed_rows_list = [r for r, i in enumerate(src_list) if weight_col[i] is not None] if any(
            w is not None for w in weight_col) else []
        typed_values = [weight_col[src_list[r]] for r in typed_rows_list]
    typed = np.zeros(n, dtype=bool)
    typed[typed_rows_list] = True
    tw, tscale, texps, werrors, typed_negative_zero = weights_column(typed_values)
    negative_zero = [typed_rows_list[j] for j in typed_negative_zero]
    for j, message in werrors.items():
        i = src_list[typed_rows_list[j]]
        problems[int(dept_of[i])].append(f"{table.label(i)} weight: {message}")
    n_typed = np.add.reduceat(typed.astype(np.int64), starts) if n else np.zeros(0, dtype=np.int64)
    places = [it.split.places if it.split is not None else 2 for it in items]
    ws = max([tscale, *places])
    W_split = np.zeros(n, dtype=np.int64)  # split shares at `ws`; typed weights are set below
    wexp = np.zeros(n, dtype=np.int32)
    for k, it in enumerate(items):
        rows_k = np.flatnonzero((row_item == k) & ~typed)
        if not len(rows_k):
            continue
        assert it.points is not None and it.split is not None
        units, s = scaled(it.points)
        if s > places[k]:  # split_points refuses points finer than its places; the scalar engine will say so
            for g in np.unique(group_of_row[rows_k]).tolist():
                problems[int(g_dept[g])].append(f"二级指标 {it.name}: 分值 {fmt(it.points)} 的小数位多于 {places[k]} 位")
            continue
        units *= 10 ** (places[k] - s)
        if units * 10 ** (ws - places[k]) >= 2**62:  # pragma: no cover - points of 10**16 and more
            raise ValueError(f"item {it.key}: points too large to split: {it.points}")
        nn = sizes[group_of_row[rows_k]]
        base = np.int64(units) // nn
        spare = np.int64(units) - base * nn
        share = base + (_ranks(pos[rows_k], nn, it.split.leftover) < spare)
        W_split[rows_k] = share * np.int64(10 ** (ws - places[k]))
        wexp[rows_k] = -places[k]
    W_list: list[int] = W_split.tolist()
    for j, r in enumerate(typed_rows_list):
        W_list[r] = tw[j] * 10 ** (ws - tscale)
        wexp[r] = texps[j]
    if typed_rows_list:
        W_obj = np.array(W_list, dtype=object)
        sums: list[int] = np.add.reduceat(W_obj, starts).tolist() if n else []
    else:
        sums = []
    for g in range(len(starts)):
        item = items[int(g_item[g])]
        if 0 < n_typed[g] < sizes[g]:
            problems[int(g_dept[g])].append(f"二级指标 {item.name}: 部分指标填写了权重、部分没有 (weights typed for some indicators only)")
        elif n_typed[g] == sizes[g] and sums:
            assert item.points is not None
            pts, ps = scaled(item.points)
            if int(sums[g]) * 10**ps != pts * 10**ws:
                problems[int(g_dept[g])].append(
                    f"二级指标 {item.name}: 权重合计 {fmt(_decimal(int(sums[g]), ws, -ws))} 不等于分值 {fmt(item.points)} "
                    "(weights do not sum to the item's points)")

    # 3. the vector step, on the rows in scoring order
    big_scoring = {r: big_at[i] for r, i in enumerate(src_list) if i in big_at} if big_at else {}
    A_s, T_s = A[src], T[src]
    if typed_rows_list or big_scoring:
        W_col, big = weight_array(W_list, A_s, T_s, big_scoring)
    else:
        W_col, big = W_split, {}
    rows = Rows(W_col, ws, wexp, A_s, T_s, M[src], P[src],
                {r: errors[i] for r, i in enumerate(src_list) if i in errors} if errors else {},
                {r: shown[i] for r, i in enumerate(src_list) if i in shown} if shown else {},
                frozenset(negative_zero), big)
    tick("score", 0, n)
    rules = [it.rule for it in items]
    if any(r is None for r in rules):  # pragma: no cover - spec_from_dict requires a rule for indicators items
        raise ValueError("every indicators item needs a rule")
    scores = score_rows(rows, rules, row_item.astype(np.int16)) if rules else score_rows(rows, [])  # type: ignore[arg-type]
    for r, message in scores.errors.items():
        if r not in rows.errors:
            i = int(src[r])
            problems[int(dept_of[i])].append(f"{table.label(i)}: {message}")
    tick("score", n, n)

    # 4. sums per (department, item) in integers, with the exponent Decimal addition gives (0 + s1 + s2 ...)
    S = scores.scale
    if n:
        values = scores.values
        if values.dtype != object and int(values.max(initial=0)) > 2**62 // max(int(sizes.max()), 1):
            values = values.astype(object)
        item_sums = np.add.reduceat(values, starts).tolist()
        item_exps = np.minimum(np.minimum.reduceat(scores.exponents(), starts), 0).tolist()
    else:
        item_sums, item_exps = [], []
    group_at = {(d, k): g for g, (d, k) in enumerate(zip(g_dept.tolist(), g_item.tolist(), strict=True))}

    # 5. each department: the spec's parts and items, partial results and the grade
    others = _Others(spec)
    index = {it.key: k for k, it in enumerate(items)}
    results: list[DepartmentResult] = []
    rows_of: dict[int, list[int]] | None = None
    tick("aggregate", 0, n_dept)
    for d, dept in enumerate(departments):
        other = others.get(dept) if not dept.problems else "；".join(dept.problems)
        if isinstance(other, str):
            if not dept.problems:
                problems[d].append(other)
        else:
            for it in items:
                given = dept.items.get(it.key, dept.items.get(it.name))
                if given is not None and given.deductions is not None and (d, index[it.key]) in group_at:
                    problems[d].append(f"items.{it.key}: 已列出指标时不能再按汇总扣分填报 "
                                       "(deductions are only for items whose indicators are not listed)")
        if problems[d]:
            reason = None
            if dept.case is not None and not dept.problems:
                # a case file's department is explained by the scalar engine itself (the message `selfscore
                # check` gives); a table's by the problems found here, which name the table's rows
                if rows_of is None:
                    rows_of = {}
                    for i, dd in enumerate(dept_of.tolist()):
                        rows_of.setdefault(dd, []).append(i)
                reason = _scalar_reason(spec, dept, table, rows_of.get(d, []))
            results.append(DepartmentResult(name=dept.name, year=dept.year, file=dept.file,
                                            error=reason or "；".join(problems[d])))
        else:
            assert isinstance(other, Result)
            results.append(_assemble(spec, dept, other, d, index, group_at, item_sums, item_exps, S))
        if d % 2000 == 0:
            tick("aggregate", d, n_dept)
    tick("aggregate", n_dept, n_dept)
    return BatchResult(spec=spec, departments=tuple(results), table=table, items=items, rows=rows, scores=scores,
                       row_source=src, row_item=row_item, row_dept=row_dept)


def _assemble(spec: Spec, dept: Department, other: Result, d: int, index: dict[str, int],
              group_at: dict[tuple[int, int], int], item_sums: list[int], item_exps: list[int], S: int) -> DepartmentResult:
    """One department's parts and totals, summed as integers at one scale.

    ``other`` is the scalar engine's result for the department without indicators:
    it gives the status and score of every item without indicator rows.
    """
    picked: list[tuple[int, int] | None] = []  # per item, in spec order: (value at `scale`, exponent) or None
    statuses: list[str] = []
    scale = S
    for part in other.parts:
        for it in part.items:
            if it.score is not None and (d, index.get(it.key, -1)) not in group_at:
                scale = max(scale, -_exp(it.score))
    for part in other.parts:
        for it in part.items:
            g = group_at.get((d, index.get(it.key, -1)))
            if g is not None:
                picked.append((item_sums[g] * 10 ** (scale - S), item_exps[g]))
                statuses.append("scored")
            elif it.score is not None:
                n_, s_ = scaled(it.score)
                picked.append((n_ * 10 ** (scale - s_), _exp(it.score)))
                statuses.append(it.status)
            else:
                picked.append(None)
                statuses.append(it.status)
    out_items: list[ItemScore] = []
    parts_out: list[tuple[str, str, Decimal | None, Decimal | None]] = []
    missing: list[str] = []
    known, known_exp, known_max = 0, 0, Decimal(0)
    total, total_exp = 0, 0
    pos = 0
    for part in other.parts:
        if part.unknown:
            parts_out.append((part.key, part.name, None, part.max))
            missing.append(f"{part.name}：评分规范 {spec.id} 未公布评分细则 (not published)")
            continue
        part_sum, part_exp, complete = 0, 0, True
        for it in part.items:
            got, status = picked[pos], statuses[pos]
            pos += 1
            if got is None:
                complete = False
                missing.append(f"{part.name} / {it.name}：" + ("未填报 (not reported)" if status == "not_reported" else "未公布 (unknown)"))
                out_items.append(ItemScore(it.key, it.name, it.kind, status, None, it.max))
                continue
            value, exp = got
            out_items.append(ItemScore(it.key, it.name, it.kind, status, _decimal(value, scale, exp), it.max))
            part_sum += value
            part_exp = min(part_exp, exp)
            known += value
            known_exp = min(known_exp, exp)
            if it.max is not None:
                known_max += it.max
        parts_out.append((part.key, part.name, _decimal(part_sum, scale, part_exp) if complete else None, part.max))
        if complete:
            total += part_sum
            total_exp = min(total_exp, part_exp)
    partial = bool(missing)
    final = None if partial else _decimal(total, scale, total_exp)
    return DepartmentResult(
        name=dept.name, year=dept.year, file=dept.file, score=final, max=other.max,
        grade=None if final is None else spec.grade(final), partial=partial,
        known_score=_decimal(known, scale, known_exp), known_max=known_max, missing=tuple(missing),
        parts=tuple(parts_out), items=tuple(out_items))
