"""Building the Case from a read 自评表 under a spec (see :mod:`selfscore.inputs.sheet`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from selfscore.core.case import Case, Indicator, ItemInput
from selfscore.core.errors import Problem
from selfscore.core.numbers import exact_sum
from selfscore.core.spec import Item, Spec
from selfscore.core.split import partial_weights_problem, weights_problem
from selfscore.inputs.sheet_rows import (
    RowInfo,
    cell_range,
    indicator_of,
    item_input_of,
    part_of,
    resolve,
    skippable,
    sum_scope,
    unknown_label,
)
from selfscore.inputs.sheet_table import Sheet, SheetRow

__all__ = ["Built", "sheet_case"]


@attrs.frozen
class Built:
    """What :func:`sheet_case` made of a sheet: the Case, each used row classified, the problems found."""

    case: Case
    rows: tuple[RowInfo, ...]
    problems: tuple[Problem, ...]
    weights_used: Mapping[str, bool]  # item key -> typed weights taken as explicit


@attrs.define
class _Rows:
    """The rows of a sheet sorted under a spec, gathered while they are read."""

    problems: list[Problem] = attrs.Factory(list)
    infos: list[RowInfo] = attrs.Factory(list)
    indicators: list[Indicator] = attrs.Factory(list)
    by_item: dict[str, list[tuple[SheetRow, Indicator]]] = attrs.Factory(dict)  # item key -> its indicator rows
    item_rows: dict[str, SheetRow] = attrs.Factory(dict)  # item key -> its summary row
    items: dict[str, ItemInput] = attrs.Factory(dict)


def _add_indicator(found: _Rows, sheet: Sheet, spec: Spec, row: SheetRow, group: str, item: Item) -> None:
    if skippable(row, indicator=True):
        return
    indicator = indicator_of(sheet, row, group, found.problems)
    if indicator is not None:
        position = len(found.by_item.setdefault(item.key, []))
        found.by_item[item.key].append((row, indicator))
        found.indicators.append(indicator)
        found.infos.append(RowInfo(row, "indicator", "indicator", item, part_of(spec, item), position))


def _add_item(found: _Rows, sheet: Sheet, spec: Spec, row: SheetRow, item: Item, *, lenient: bool) -> None:
    if skippable(row, indicator=False) and not row.text("weight"):
        return
    if item.key in found.item_rows:
        found.problems.append(Problem(f"“{item.name}”已在第{found.item_rows[item.key].number}行填报，每个二级指标只能有一行 "
                                      "(one row per item)", sheet.file, sheet.where(row, "level1")))
        return
    found.item_rows[item.key] = row
    given = item_input_of(sheet, spec, row, item, lenient=lenient, problems=found.problems)
    found.infos.append(RowInfo(row, "item", "item", item, part_of(spec, item)))
    if given is not None:
        found.items[item.key] = given


def _classify(sheet: Sheet, spec: Spec, *, lenient: bool) -> _Rows:
    """Sort every row: a sum, an indicator of a group, an item's row, or an unknown label (a problem)."""
    found = _Rows()
    for row in sheet.rows:
        if row.is_sum:
            scope, item, part = sum_scope(spec, row)
            found.infos.append(RowInfo(row, "sum", scope, item, part))
            continue
        resolved = resolve(spec, row)
        if resolved is None:
            if not skippable(row, indicator=True) or not (row.level1 or row.level2):
                found.problems.append(unknown_label(spec, sheet, row))
        elif isinstance(resolved, tuple):
            _add_indicator(found, sheet, spec, row, *resolved)
        else:
            _add_item(found, sheet, spec, row, resolved, lenient=lenient)
    return found


def _item_weights(found: _Rows, sheet: Sheet, item: Item, *, lenient: bool) -> bool:
    """Whether the weights typed for ``item``'s indicators are taken as explicit; a problem when they
    do not add up or are partly blank (``lenient``: only noted).  Weights not taken are dropped."""
    assert item.points is not None
    entries = found.by_item[item.key]
    if item.key in found.item_rows and item.key in found.items:
        found.problems.append(Problem(f"“{item.name}”已逐项列出指标，不能再按汇总得分填报 (indicators are listed; "
                                      "remove the summary row)", sheet.file, sheet.where(found.item_rows[item.key], "level1")))
    typed = [ind.weight for _, ind in entries]
    complete = all(w is not None for w in typed)
    wrong = weights_problem(exact_sum(w for w in typed if w is not None), item.points, item.name) if complete else None
    if (complete and wrong is None) or all(w is None for w in typed):
        return complete and wrong is None
    if not lenient:
        if not complete:
            wrong = partial_weights_problem("、".join(r.cells["weight"].address for r, ind in entries if ind.weight is None))
        assert wrong is not None
        rows = [r for r, _ in entries]
        found.problems.append(Problem(wrong, sheet.file,
                                      f"{sheet.headers.get('weight', '分值')} ({cell_range(sheet, rows, 'weight')})"))
    dropped = {id(ind): attrs.evolve(ind, weight=None) for _, ind in entries}
    found.indicators = [dropped.get(id(ind), ind) for ind in found.indicators]
    return False


def sheet_case(sheet: Sheet, spec: Spec, *, department: str | None = None, year: int | None = None,
               lenient: bool = False) -> Built:
    """Apply ``spec`` to a read sheet: classify its rows and build the Case.

    ``lenient`` (used by ``verify``) records what the table says instead of refusing
    it: weights that do not add up are replaced by the spec's split, a missing
    deduction reason or a score above the points does not stop the build.
    """
    found = _classify(sheet, spec, lenient=lenient)
    weights_used = {key: _item_weights(found, sheet, next(i for i in spec.items() if i.key == key), lenient=lenient)
                    for key in list(found.by_item)}
    name_department = department if department is not None else sheet.department
    if not name_department and not lenient:
        found.problems.append(Problem("缺少单位名称 (department)：请用 --department 指定，或在表头上方写“单位名称：…”", sheet.file))
    case = Case(spec=spec.id, department=name_department or "", year=year or sheet.year or spec.year,
                indicators=tuple(found.indicators), items=found.items, file=sheet.file, name=Path(sheet.file).stem,
                source=Path(sheet.file).name + (f"（工作表“{sheet.title}”）" if sheet.title else ""))
    return Built(case, tuple(found.infos), tuple(found.problems), weights_used)
