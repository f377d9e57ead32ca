"""The summary of a batch as columns: each department's score, max, grade and rank, in rank order.

Built from the departments' cohorts (:class:`~selfscore.batch.assemble.Cohort`) without a
Python object per department: each distinct score is made a Decimal and printed once and
filled in by index, grades are looked up once per distinct score, and the competition ranks
within each group of comparable departments (same spec, partial or not, same max) come
from one lexsort.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.assemble import DepartmentResult, DepartmentResults
from selfscore.core.numbers import fmt

__all__ = ["Summary", "summary"]

DASH: Final = "—"
CANNOT: Final = "无法计分 (cannot score)"


@attrs.frozen(eq=False)
class Summary:
    """One entry per department (every batch's, then the inputs that could not be read), in rank order:
    complete results, then partial ones, by rank; departments that could not be scored last."""

    department: list[str]
    year: list[int | None]
    file: list[str]
    spec: list[str]
    error: list[str | None]
    rank: list[int | None]
    score: list[str]  # as printed; DASH when not scored
    max: list[str]
    grade: list[str]
    partial: list[bool | None]  # None: not scored
    note: list[str]
    batch: np.ndarray  # the entry's batch (-1: an input that could not be read)
    index: np.ndarray  # its department in that batch
    results: Sequence[DepartmentResults]

    def __len__(self) -> int:
        return len(self.department)

    def rank_text(self, i: int) -> str:
        rank = self.rank[i]
        return "" if rank is None else f"({rank})" if self.partial[i] else str(rank)

    def result(self, i: int) -> DepartmentResult | None:
        """Entry ``i``'s DepartmentResult (made on demand); None for an input that could not be read."""
        b = int(self.batch[i])
        return None if b < 0 else self.results[b][int(self.index[i])]


def _missing_short(missing: tuple[str, ...]) -> str:
    return "缺 " + "、".join(m.split("：")[0] for m in missing) if missing else ""


class _Columns:
    """The entries in input order, as object arrays filled by index."""

    def __init__(self, n: int) -> None:
        self.text = {k: np.full(n, DASH, dtype=object) for k in ("score", "max", "grade")}
        self.error = np.full(n, None, dtype=object)
        self.partial = np.full(n, None, dtype=object)
        self.note = np.full(n, CANNOT, dtype=object)
        self.is_partial = np.zeros(n, dtype=bool)
        self.value = np.zeros(n, dtype=np.int64)  # the score's place among all distinct scores
        self.group = np.full(n, -1, dtype=np.int64)  # (spec, partial, max) group; -1: not scored


def _fill(cols: _Columns, start: int, result: DepartmentResults, spec_key: int,
          values: dict[Decimal, int], groups: dict[tuple[int, bool, Decimal], int]) -> list[np.ndarray]:
    """A batch's scored departments into ``cols``; the score keys are placed later (see :func:`summary`)."""
    keys = []
    for d, refused in result.refused.items():
        cols.error[start + d] = refused.error
    for c in result.cohorts:
        at = c.ds + start
        shown, inverse = c.shown()
        top = c.known_max if c.partial else c.other.max
        printed = np.array([fmt(v) for v in shown] + [""], dtype=object)[:-1]
        grades = np.array([DASH if c.partial else (c.spec.grade(v) or DASH) for v in shown] + [""], dtype=object)[:-1]
        cols.text["score"][at] = printed[inverse]
        cols.text["grade"][at] = grades[inverse]
        cols.text["max"][at] = DASH if top is None else fmt(top)
        cols.partial[at] = c.partial
        cols.is_partial[at] = c.partial
        cols.note[at] = _missing_short(c.missing) if c.partial else ""
        cols.group[at] = groups.setdefault((spec_key, c.partial, top), len(groups))
        for v in shown:
            values.setdefault(v, len(values))
        keys.append(np.array([values[v] for v in shown], dtype=np.int64)[inverse] if shown else inverse)
        keys.append(at)
    return keys


def _ranks(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Competition ranks by value (highest first) within each group (-1: no rank, 0 given); ties in input order."""
    rank = np.zeros(len(group), dtype=np.int64)
    scored = np.flatnonzero(group >= 0)
    if not len(scored):
        return rank
    order = scored[np.lexsort((scored, -value[scored], group[scored]))]
    g, v = group[order], value[order]
    pos = np.arange(len(order))
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_value = new_group | np.r_[True, v[1:] != v[:-1]]
    first_of_group = np.maximum.accumulate(np.where(new_group, pos, 0))
    first_of_value = np.maximum.accumulate(np.where(new_value, pos, 0))
    rank[order] = first_of_value - first_of_group + 1
    return rank


def summary(batches: Sequence[tuple[Any, Any]], failures: Sequence[Any]) -> Summary:
    """The summary of scored batches (``(batch, BatchResult)``) and of the inputs that could not be read."""
    sizes = [len(r.departments) for _b, r in batches]
    n = sum(sizes) + len(failures)
    cols = _Columns(n)
    values: dict[Decimal, int] = {}
    groups: dict[tuple[int, bool, Decimal], int] = {}
    specs: dict[str, int] = {}
    pending: list[np.ndarray] = []
    start = 0
    for (batch, result), size in zip(batches, sizes, strict=True):
        pending += _fill(cols, start, result.departments, specs.setdefault(batch.spec.id, len(specs)), values, groups)
        start += size
    for i, f in enumerate(failures):
        cols.error[start + i] = f.reason
    place = np.zeros(len(values), dtype=np.int64)  # each distinct score's place in value order
    place[[values[v] for v in sorted(values)]] = np.arange(len(values))
    distinct_sorted = sorted(values)
    for j in range(1, len(distinct_sorted)):  # equal values (4.0 and 4.00) share a place
        if distinct_sorted[j] == distinct_sorted[j - 1]:
            place[values[distinct_sorted[j]]] = place[values[distinct_sorted[j - 1]]]
    for keys, at in zip(pending[::2], pending[1::2], strict=True):
        cols.value[at] = place[keys]
    rank = _ranks(cols.group, cols.value)
    failed = cols.group < 0
    order = np.lexsort((np.arange(n), rank, cols.is_partial & ~failed, failed))
    return _ordered(cols, rank, order, batches, failures, sizes)


def _ordered(cols: _Columns, rank: np.ndarray, order: np.ndarray, batches: Sequence[tuple[Any, Any]],
             failures: Sequence[Any], sizes: list[int]) -> Summary:
    names: list[str] = []
    years: list[int | None] = []
    files: list[str] = []
    spec: list[str] = []
    for (batch, result), size in zip(batches, sizes, strict=True):
        inputs = result.departments.inputs
        names += [d.name for d in inputs]
        years += [d.year for d in inputs]
        files += [d.file for d in inputs]
        spec += [batch.spec.id] * size
    names += [f.name for f in failures]
    years += [None] * len(failures)
    files += [f.file for f in failures]
    spec += [""] * len(failures)
    which = np.repeat(np.r_[np.arange(len(sizes)), -1], [*sizes, len(failures)])
    index = np.concatenate([np.arange(s) for s in [*sizes, len(failures)]])

    def pick(column: Any) -> list[Any]:
        return np.asarray(column, dtype=object)[order].tolist() if len(order) else []

    ranks = np.where(cols.group >= 0, rank, 0)
    return Summary(
        department=pick(names), year=pick(years), file=pick(files), spec=pick(spec), error=pick(cols.error),
        rank=[r or None for r in ranks[order].tolist()], score=pick(cols.text["score"]), max=pick(cols.text["max"]),
        grade=pick(cols.text["grade"]), partial=pick(cols.partial), note=pick(cols.note),
        batch=which[order], index=index[order], results=[r.departments for _b, r in batches])
