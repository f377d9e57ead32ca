"""The batch's input: indicator rows of many departments as columns, and the departments themselves.

Columns are sequences; the CSV reader builds them as :class:`CodedColumn` (distinct
values and every row's index into them), so later steps handle each distinct value once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np

from selfscore.batch.rows import distinct_codes
from selfscore.core.case import Case, ItemInput

__all__ = ["CodedColumn", "Department", "Departments", "IndicatorTable", "LineLabels", "column_codes",
           "department_columns", "department_cut", "special_departments", "table_from_cases"]


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


class Departments(Sequence[Department]):
    """A table's departments as columns (name, year, file), each :class:`Department` made when asked for.

    Most departments of a table report nothing besides indicators; only those that do (items) or that
    have problems are held as objects (``special``, by position).  Reading 33,334 departments made as
    many objects (~0.04 s) before the scoring could start; the scoring asks only for the special ones
    (:func:`department_columns`, ``special``).
    """

    __slots__ = ("files", "names", "special", "years")

    def __init__(self, names: list[str], years: list[int | None], files: list[str],
                 special: Mapping[int, Department]) -> None:
        self.names = names
        self.years = years
        self.files = files
        self.special = special

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, i: int) -> Department: ...
    @overload
    def __getitem__(self, i: slice) -> Departments: ...

    def __getitem__(self, i: int | slice) -> Department | Departments:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                raise ValueError("Departments: only contiguous slices")
            return Departments(self.names[start:stop], self.years[start:stop], self.files[start:stop],
                               {d - start: dept for d, dept in self.special.items() if start <= d < stop})
        d = i + len(self) if i < 0 else i
        found = self.special.get(d)
        if found is not None:
            return found
        return Department(name=self.names[i], year=self.years[i], items={}, file=self.files[i])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Departments({len(self)}, {len(self.special)} with items or problems)"


def department_columns(departments: Sequence[Department]) -> tuple[list[str], list[int | None], list[str]]:
    """The departments' names, years and files (from the columns of :class:`Departments`, without making one)."""
    if isinstance(departments, Departments):
        return departments.names, departments.years, departments.files
    return [d.name for d in departments], [d.year for d in departments], [d.file for d in departments]


def special_departments(departments: Sequence[Department]) -> Mapping[int, Department] | None:
    """The departments with items or problems, by position, when the others are known to have neither (a
    :class:`Departments`); else None (every one must be looked at)."""
    return departments.special if isinstance(departments, Departments) else None


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

    def rows(self, r0: int, r1: int, d0: int) -> IndicatorTable:
        """Rows ``r0`` to ``r1`` as a table of their own, holding departments ``d0``, ``d0 + 1``, ... (numbered
        from 0 again); each row keeps its label (``第N行``).  Coded columns keep all their values (some then
        unused: the batch handles only the values rows use)."""
        def cut(col: Sequence[Any]) -> Sequence[Any]:
            if isinstance(col, CodedColumn):
                return CodedColumn(col.values, col.codes[r0:r1])
            if isinstance(col, LineLabels):
                return LineLabels(col.lines[r0:r1])
            return col[r0:r1] if len(col) else col

        where = self.where if len(self.where) else LineLabels(np.arange(1, len(self) + 1, dtype=np.int64))
        return IndicatorTable(
            department=self.department[r0:r1] - d0, group=cut(self.group), name=cut(self.name),
            target=cut(self.target), actual=cut(self.actual), weight=cut(self.weight), judgement=cut(self.judgement),
            lower_is_better=cut(self.lower_is_better), category=cut(self.category), where=cut(where))


def department_cut(table: IndicatorTable, n_departments: int, share: float) -> tuple[int, int] | None:
    """Where to cut ``table`` in two at a department boundary, the first part holding about ``share`` of its rows:
    ``(row, department)``, the first row and department of the second part; None when a department's rows are
    not together (in row order, as the reader numbers them) or there is one department."""
    dept = np.asarray(table.department)
    if len(dept) < 2 or (np.diff(dept) < 0).any():
        return None
    d = int(dept[min(max(int(len(dept) * share), 1), len(dept) - 1)])
    row = int(np.searchsorted(dept, d, side="left"))
    if row == 0:  # the first department holds the first share of rows: cut after it
        d = int(dept[int(np.searchsorted(dept, d, side="right"))]) if dept[-1] != d else n_departments
        row = int(np.searchsorted(dept, d, side="left"))
    return (row, d) if 0 < row < len(dept) else None


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
