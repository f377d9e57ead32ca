"""Department-level batch scoring: many departments under one spec, exactly as ``score(spec, case)``.

Indicator rows of every department go through the vector engine together
(:mod:`selfscore.batch.rows`); the spec's structure is then applied in integers:
points split over each (department, item)'s indicators (or typed weights checked
to sum up), sums per item, part and department, partial results and grades.

A department with any problem is not scored, and the rest of the batch is scored
regardless.  The reason given is the scalar engine's own message for a department
read from a case file, and the problems found here (naming the table's rows) for a
department read from a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from selfscore.batch.assemble import DepartmentResult, DepartmentResults, ItemScore, ItemSums, assemble_all, decimal_at, department_case
from selfscore.batch.fastunique import unique_first_inverse
from selfscore.batch.parse import Reducer
from selfscore.batch.rows import Rows, numeric_codes, paused_gc, reduce_columns, weight_array
from selfscore.batch.scoring import RowScores, score_rows
from selfscore.batch.table import CodedColumn, Department, IndicatorTable, LineLabels, column_codes, special_departments, table_from_cases
from selfscore.batch.weights import Groups, ItemWeights, item_weights
from selfscore.core.case import Case
from selfscore.core.numbers import fmt, fmt_percent
from selfscore.core.spec import Item, Spec

__all__ = [
    "BatchResult",
    "CodedColumn",
    "Department",
    "DepartmentResult",
    "DepartmentResults",
    "IndicatorTable",
    "ItemScore",
    "LineLabels",
    "department_case",
    "score_batch",
    "table_from_cases",
]

Progress = Callable[[str, int, int], None]

def reduce_table(table: IndicatorTable, *, reducer: Reducer | None = None,
                 progress: Callable[[int], None] | None = None) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[int, str], dict[int, Fraction | str], dict[int, tuple[int, int]]]:
    """:func:`selfscore.batch.rows.reduce_columns` of the table's target, actual, judgement and 越低越好 columns.

    When they are all CodedColumns, each distinct text is read once and the plain-number rows are combined
    in numpy from their codes (:func:`selfscore.batch.rows.numeric_codes`); each distinct (target, actual,
    judgement, 越低越好) combination of the other rows is reduced once by ``reduce_columns`` itself and its
    results are spread to the rows that share it (in row order, as ``reduce_columns`` gives them).
    """
    cols = (table.target, table.actual, table.judgement, table.lower_is_better)
    n = len(table)
    if not all(isinstance(c, CodedColumn) for c in cols) or n == 0:
        return reduce_columns(*cols, reducer=reducer, progress=progress)
    coded: list[CodedColumn] = list(cols)  # type: ignore[arg-type]
    red = reducer or Reducer()
    with paused_gc():
        numeric, A, T, M = _numeric_coded(red, coded)
        if progress is not None:
            progress(n // 2)
        P = np.zeros(n, dtype=bool)
        other = np.flatnonzero(~numeric)
        errors: dict[int, str] = {}
        shown: dict[int, Fraction | str] = {}
        big: dict[int, tuple[int, int]] = {}
        if len(other):
            combos, inverse = _combos([c.codes[other] for c in coded], [len(c.values) for c in coded])
            picked = [[c.values[j] for j in column.tolist()] for c, column in zip(coded, combos.T, strict=True)]
            A_k, T_k, M_k, P_k, errors_k, shown_k, big_k = reduce_columns(*picked, reducer=red)
            A[other], T[other], M[other], P[other] = A_k[inverse], T_k[inverse], M_k[inverse], P_k[inverse]
            errors, shown, big = (_spread(errors_k, other, inverse), _spread(shown_k, other, inverse),
                                  _spread(big_k, other, inverse))
        if progress is not None:
            progress(n)
    return A, T, M, P, errors, shown, big


def _numeric_coded(red: Reducer, coded: list[CodedColumn]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`selfscore.batch.rows.numeric_codes` of coded target, actual, judgement and 越低越好 columns."""
    target, actual, judgement, lower = coded
    lowers = [v for v, used in zip(lower.values, _used(lower), strict=True) if used]
    lowered = set(map(type, lowers)) != {type(None)}
    if lowered:  # targets read with their 越低越好: one key per (target, 越低越好)
        pairs, tc = _combos([target.codes, lower.codes], [len(target.values), len(lower.values)])
        t_keys: list[Any] = [(target.values[t], lower.values[k]) for t, k in pairs.tolist()]
    else:
        tc, t_keys = target.codes, [v if used else None for v, used in zip(target.values, _used(target), strict=True)]
    a_keys = [v if used else None for v, used in zip(actual.values, _used(actual), strict=True)]
    judged = np.array([j is not None for j in judgement.values], dtype=bool)
    unjudged = ~judged[judgement.codes] if judged.any() else None
    return numeric_codes(red, t_keys, lowered, tc, a_keys, actual.codes, unjudged)


def _used(column: CodedColumn) -> list[bool]:
    """Which of the column's values some row uses."""
    used: list[bool] = (np.bincount(column.codes, minlength=len(column.values)) > 0).tolist()
    return used


def _combos(codes: Sequence[np.ndarray], sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of some code columns (a ``(k, columns)`` array, in lexicographic order, as
    ``np.unique`` of the combined key gives them) and each row's index into them."""
    n = len(codes[0])
    sizes = [max(s, 1) for s in sizes]
    top = 1
    for s in sizes:
        top *= s
    if top <= max(n, 65_536):  # few possible combinations: mark the ones present
        key = np.zeros(n, dtype=np.int64)
        for c, s in zip(codes, sizes, strict=True):
            key = key * s + c
        present = np.zeros(top, dtype=bool)
        present[key] = True
        ids = np.flatnonzero(present)
        number = np.zeros(top, dtype=np.int64)
        number[ids] = np.arange(len(ids), dtype=np.int64)
        combos = np.empty((len(ids), len(codes)), dtype=np.int64)
        for j in range(len(codes) - 1, -1, -1):
            ids, combos[:, j] = np.divmod(ids, sizes[j])
        return combos, number[key]
    key = np.zeros(n, dtype=np.int64)
    top = 1
    for c, s in zip(codes, sizes, strict=True):
        if top * s >= 2**62:  # renumber the combinations so far before widening the key
            _u, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1)
            top = len(_u)
        key = key * s + c
        top *= s
    _u, first, inverse = unique_first_inverse(key)
    return np.stack([c[first] for c in codes], axis=1).reshape(len(first), len(codes)), inverse


def _spread(found: dict[int, Any], rows: np.ndarray, inverse: np.ndarray) -> dict[int, Any]:
    """``found`` (by combination) for every row of ``rows`` (combination ``inverse``), in row order."""
    if not found:
        return {}
    has = np.zeros(int(inverse.max()) + 1, dtype=bool)
    has[list(found)] = True
    at = np.flatnonzero(has[inverse])
    return dict(zip(rows[at].tolist(), map(found.__getitem__, inverse[at].tolist()), strict=True))


@attrs.frozen(eq=False)
class BatchResult:
    """A scored batch: one :class:`DepartmentResult` per department, and every indicator row.

    ``rows``/``scores`` hold the indicator rows in scoring order (grouped by department
    and item); ``row_source`` maps them to the input table, ``row_item`` to ``items``,
    ``row_dept`` to ``departments``.
    """

    spec: Spec
    departments: DepartmentResults  # a sequence of DepartmentResult, each made on first use
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
        return [decimal_at(w, ws, e) for w, e in zip(self.rows.weight.tolist(), self.rows.weight_exp.tolist(), strict=True)]

    def indicator_rows(self) -> list[dict[str, Any]]:
        """Every indicator of the departments that were scored, in input order, as display strings."""
        ok = self.departments.ok()
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
                "weight": fmt(decimal_at(int(self.rows.weight[i]), ws, int(self.rows.weight_exp[i]))),
                "score": "" if score_ is None else fmt(score_),
            })
        return out


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
    columns = [column_codes(column) for column in (table.lower_is_better, table.group, category)]
    combos, inverse = _combos([codes for _index, codes in columns], [len(index) for index, _codes in columns])
    declared, group, cat = ([*index] for index, _codes in columns)
    values = [spec.lower_is_better(group=group[g], category=cat[c], declared=declared[d])
              for d, g, c in combos.tolist()]
    return attrs.evolve(table, lower_is_better=CodedColumn(values, inverse))


def _score_batch(spec: Spec, table: IndicatorTable, departments: Sequence[Department], *,
                 reducer: Reducer | None, progress: Progress | None) -> BatchResult:
    tick: Progress = progress or (lambda stage, done, total: None)
    problems = _problem_lists(departments)
    items = tuple(it for it in spec.items() if it.kind == "indicators")
    n_rows = len(table)
    dept_of = np.asarray(table.department, dtype=np.int64)
    # 0. rows -> (department, item), item-major
    src, row_item, unknown = _route(spec, items, table)
    all_groups = "、".join(sorted({grp for it in spec.items() for grp in it.groups}))
    for i in unknown:
        problems[int(dept_of[i])].append(f"{table.label(i)} group: 一级分组“{table.group[i]}”不在评分规范 {spec.id} 中 "
                                         f"(unknown group)；可用: {all_groups}")
    src, row_item, row_dept, key = _item_major(src, row_item, dept_of, len(departments))
    groups = Groups.of(key, row_dept, row_item)
    # 1. reduce every indicator (scalar parsing, once per distinct text), in table order
    tick("reduce", 0, n_rows)
    A, T, M, P, errors, shown, big_at = reduce_table(table, reducer=reducer,
                                                     progress=lambda done: tick("reduce", done, n_rows))
    for i, message in errors.items():
        problems[int(dept_of[i])].append(f"{table.label(i)}: {message}")
    # 2. weights per (department, item): typed (all of them, summing to the points) or split
    weights = item_weights(items, table.weight, src, row_item, groups, table.name)
    for r, message in weights.problems:
        if r >= 0:
            problems[int(row_dept[r])].append(f"{table.label(int(src[r]))} {message}")
        else:
            problems[int(groups.dept[-1 - r])].append(message)
    # 3. the vector step, on the rows in scoring order
    tick("score", 0, len(src))
    rows = _scoring_rows(weights, src, A, T, M, P, errors, shown, big_at)
    scores = _score(items, rows, row_item)
    for r, message in scores.errors.items():
        if r not in rows.errors:
            i = int(src[r])
            problems[int(dept_of[i])].append(f"{table.label(i)}: {message}")
    tick("score", len(src), len(src))
    # 4. sums per (department, item) in integers; 5. each department's parts, totals and grade
    sums = ItemSums.of(scores, groups, len(departments), len(items))
    results = assemble_all(spec, table, departments, problems, items, sums, tick)
    return BatchResult(spec=spec, departments=results, table=table, items=items, rows=rows, scores=scores,
                       row_source=src, row_item=row_item, row_dept=row_dept)


def _problem_lists(departments: Sequence[Department]) -> list[list[str]]:
    """Each department's problems found while reading it, as a list to add to."""
    special = special_departments(departments)
    if special is None:
        return [list(d.problems) for d in departments]
    problems: list[list[str]] = [[] for _ in range(len(departments))]
    for d, dept in special.items():
        problems[d].extend(dept.problems)
    return problems


def _route(spec: Spec, items: tuple[Item, ...], table: IndicatorTable) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Each row's items (an indicator counts in every indicators item listing its group), and rows in none."""
    by_group: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        for grp in it.groups:
            by_group.setdefault(grp, []).append(k)
    group_index, group_codes = column_codes(table.group)
    if all(len(by_group.get(grp, ())) <= 1 for grp in group_index):  # each group in at most one item: numpy
        item_of_group = np.array([by_group[grp][0] if grp in by_group else -1 for grp in group_index] or [-1],
                                 dtype=np.int64)
        row_items = item_of_group[group_codes] if len(table) else np.zeros(0, dtype=np.int64)
        src = np.flatnonzero(row_items >= 0)
        return src, row_items[src], np.flatnonzero(row_items < 0).tolist()
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
    return np.asarray(src_list, dtype=np.int64), np.asarray(item_list, dtype=np.int64), unknown


def _item_major(src: np.ndarray, row_item: np.ndarray, dept_of: np.ndarray,
                n_dept: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows ordered by (item, department), stable: each rule's rows are contiguous (the kernel then works on
    views), and so is each (department, item) group, which the sums need."""
    row_dept = dept_of[src]
    key = row_item * max(n_dept, 1) + row_dept
    if len(key) > 1 and not bool(np.all(key[1:] >= key[:-1])):
        # by item alone first (a radix sort when items fit 16 bits); enough when each item's departments are in order
        small = np.uint8 if int(row_item.max()) < 2**8 else np.uint16 if int(row_item.max()) < 2**16 else np.int64
        order = np.argsort(row_item.astype(small), kind="stable")
        d, k = row_dept[order], row_item[order]
        if bool(np.all((d[1:] >= d[:-1]) | (k[1:] != k[:-1]))):
            return src[order], k, d, key[order]
        order = np.argsort(key, kind="stable")
        src, row_item, row_dept, key = src[order], row_item[order], row_dept[order], key[order]
    return src, row_item, row_dept, key


def _at_rows(found: dict[int, Any], src: np.ndarray, n_rows: int) -> dict[int, Any]:
    """``found`` (by table row) renumbered to the scoring rows that come from those table rows."""
    if not found:
        return {}
    has = np.zeros(n_rows, dtype=bool)
    has[list(found)] = True
    rows = np.flatnonzero(has[src]).tolist()
    return dict(zip(rows, map(found.__getitem__, src[rows].tolist()), strict=True))


def _scoring_rows(w: ItemWeights, src: np.ndarray, A: np.ndarray, T: np.ndarray, M: np.ndarray, P: np.ndarray,
                  errors: dict[int, str], shown: dict[int, Fraction | str], big_at: dict[int, tuple[int, int]]) -> Rows:
    n_rows = len(A)
    big_scoring = _at_rows(big_at, src, n_rows)
    A_s, T_s = A[src], T[src]
    if w.values.dtype == object or big_scoring:
        W_col, big = weight_array(w.values.tolist(), A_s, T_s, big_scoring)
    else:
        W_col, big = w.values, {}
    return Rows(W_col, w.scale, w.exp, A_s, T_s, M[src], P[src], _at_rows(errors, src, n_rows),
                _at_rows(shown, src, n_rows), w.negative_zero, big)


def _score(items: tuple[Item, ...], rows: Rows, row_item: np.ndarray) -> RowScores:
    rules = [it.rule for it in items]
    if any(r is None for r in rules):  # pragma: no cover - spec_from_dict requires a rule for indicators items
        raise ValueError("every indicators item needs a rule")
    return score_rows(rows, rules, row_item.astype(np.int16)) if rules else score_rows(rows, [])  # type: ignore[arg-type]
