"""Which way an indicator points: the one place a bare-number target's direction is decided.

docs/domain.md §2 (and §13 D1): a bare number (``500 万元``, ``12次``) is a "reach at least" target (``>=``),
except for 成本指标 and other indicators declared lower-is-better, where it is a
ceiling (``<=``).  A spec declares the lower-is-better indicators by group (一级分组,
e.g. 产出指标) or category (二级指标, e.g. 成本指标)::

    [[directions]]
    categories = ["成本指标"]
    lower_is_better = true
    source = "docs/domain.md §2: ..."

:func:`lower_is_better` resolves one indicator, in this order: the case's own
``lower_is_better`` (an officer's explicit choice) wins; then the spec's declaration for
its category, then for its group; otherwise None (the target text decides: a bare
number is ``>=``, a zero target ``<=``).  An explicit comparator in the target text
(``≥500万元``) always wins over all of these (:func:`selfscore.core.targets.parse_target`).
The scalar engine (cases and sheets), the batch engine and ``import-targets`` skeletons
all call it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from selfscore.core.validate import Reader, path

__all__ = ["Direction", "lower_is_better", "read_directions"]


@attrs.frozen
class Direction:
    """A spec's declaration: indicators of these groups or categories are lower-is-better (or not)."""

    lower_is_better: bool
    source: str
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def _label(text: str) -> str:
    return "".join(text.split())


def lower_is_better(directions: Sequence[Direction], *, group: str = "", category: str = "",
                    declared: bool | None = None) -> bool | None:
    """The direction of one indicator: ``declared`` (the case's) wins, then its category's, then its group's."""
    if declared is not None:
        return declared
    cat, grp = _label(category), _label(group)
    if cat:
        for d in directions:
            if cat in d.categories:
                return d.lower_is_better
    if grp:
        for d in directions:
            if grp in d.groups:
                return d.lower_is_better
    return None


def read_directions(r: Reader, data: Mapping[str, Any]) -> tuple[Direction, ...]:
    """The spec's ``[[directions]]`` tables; a group or category declared twice is a problem."""
    found: list[Direction] = []
    seen: dict[tuple[str, str], str] = {}
    for i, table in enumerate(r.tables(data, "directions", "") if "directions" in data else []):
        where = f"directions[{i}]"
        r.keys(table, where, required=("lower_is_better", "source"), optional=("groups", "categories"))
        groups = tuple(_label(g) for g in r.strings(table, "groups", where) or ())
        categories = tuple(_label(c) for c in r.strings(table, "categories", where) or ())
        if not groups and not categories:
            r.problem(where, "须列出 groups 或 categories (a direction names the groups or categories it applies to)")
        for kind, names in (("groups", groups), ("categories", categories)):
            for name in names:
                if (kind, name) in seen:
                    r.problem(path(where, kind), f"“{name}”的方向已在 {seen[kind, name]} 中声明 (declared twice)")
                seen[kind, name] = where
        lower = r.boolean(table, "lower_is_better", where)
        if lower is not None:
            found.append(Direction(lower_is_better=lower, source=r.text(table, "source", where) or "",
                                   groups=groups, categories=categories))
    return tuple(found)
