"""Scoring specs: a jurisdiction-year's table structure, points and rules, as data.

A spec is read from a plain mapping (a TOML document, see ``scoring_specs/``) by
:func:`spec_from_dict`, strictly: unknown keys, missing fields, unknown rule kinds
and points that do not add up are each reported with their key path.  Every part,
item, split and rule carries a ``source`` (for auditors: where a number comes from); the
spec, a part or an item may carry a ``basis`` (for officers: a plain Chinese 依据 such as
“天河区 2023 自评表评分办法”).  A part or item without its own ``basis`` takes its
part's, then the spec's.

The mapping :func:`spec_from_dict` accepts (TOML shown; every number may be an int,
a Decimal or a numeric string)::

    id = "tianhe-2023"; title = "…"; year = 2023; total = 100; source = "…"
    jurisdiction = "…"                       # optional
    basis = "天河区 2023 自评表评分办法"       # optional, shown to officers
    extends = "base-id"                      # optional (resolved by the loader)
    [grades]  source = "…"; bands = [{ grade = "优", min = 90 }, …]     # optional
    [[parts]] key, name, points, source, basis?, unknown? (true: not published, no points/items)
      [[parts.items]] key, name, kind (indicators | execution_rate | checklist | unknown),
                      points, source, basis?, groups (indicators only, e.g. ["产出指标"])
        [parts.items.split] places?, leftover?, source      # indicators only
        [parts.items.rule]  kind, source, its parameters, rounding?, partial_share?
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from selfscore.core.directions import Direction, lower_is_better, read_directions
from selfscore.core.errors import Problem, SpecError
from selfscore.core.numbers import ROUNDING_MODES, Rounding, exact_sum, fmt
from selfscore.core.rules import RULES, IndicatorRule, rule_kind
from selfscore.core.split import LEFTOVER_ORDERS
from selfscore.core.validate import Reader, path

__all__ = ["ITEM_KINDS", "GradeBand", "Item", "Part", "Spec", "Split", "merge_spec_data", "spec_from_dict"]

ItemKind = Literal["indicators", "execution_rate", "checklist", "unknown"]
ITEM_KINDS: Final[tuple[str, ...]] = ("indicators", "execution_rate", "checklist", "unknown")


@attrs.frozen
class Split:
    """How an item's points are shared over its indicators when no weights are typed."""

    places: int = 2
    leftover: str = "ends"
    source: str = ""


@attrs.frozen
class Item:
    """A level-2 item (二级指标) with its points and how it is scored."""

    key: str
    name: str
    kind: ItemKind
    points: Decimal | None
    source: str
    groups: tuple[str, ...] = ()
    split: Split | None = None
    rule: IndicatorRule | None = None
    rule_source: str = ""
    basis: str = ""


@attrs.frozen
class Part:
    """A level-1 part (一级指标), e.g. 履职效能 or 管理效率; ``unknown`` when not published."""

    key: str
    name: str
    points: Decimal | None
    source: str
    items: tuple[Item, ...] = ()
    unknown: bool = False
    basis: str = ""


@attrs.frozen
class GradeBand:
    """A grade (等级, e.g. 优) given to totals of at least ``min`` points."""

    grade: str
    min: Decimal


@attrs.frozen
class Spec:
    """A jurisdiction-year's scoring rules.

    ``source`` notes where the rules come from, for auditors; ``basis`` is the plain
    Chinese 依据 shown to officers (``--explain``, the xlsx 计算过程 sheet, templates).
    """

    id: str
    title: str
    jurisdiction: str
    year: int
    total: Decimal
    source: str
    parts: tuple[Part, ...]
    grades: tuple[GradeBand, ...] = ()
    grades_source: str = ""
    extends: str = ""
    basis: str = ""
    #: a project spec's ``[project]`` table, read by :mod:`selfscore.core.project`
    project: Mapping[str, Any] = attrs.field(factory=dict)
    directions: tuple[Direction, ...] = ()

    def lower_is_better(self, *, group: str = "", category: str = "", declared: bool | None = None) -> bool | None:
        """An indicator's direction (see :mod:`selfscore.core.directions`): the case's own
        ``lower_is_better`` wins, then this spec's declaration for its category, then its group."""
        return lower_is_better(self.directions, group=group, category=category, declared=declared)

    def items(self) -> tuple[Item, ...]:
        return tuple(item for part in self.parts for item in part.items)

    def item(self, key_or_name: str) -> Item | None:
        for item in self.items():
            if key_or_name in (item.key, item.name):
                return item
        return None

    def grade(self, score: Decimal) -> str | None:
        """The grade band ``score`` falls in (lower bounds included), or None without bands."""
        for band in sorted(self.grades, key=lambda b: b.min, reverse=True):
            if score >= band.min:
                return band.grade
        return None


_PART_KEYS: Final = ("key", "name", "points", "source", "items", "unknown", "basis")


def merge_spec_data(base: Mapping[str, Any], child: Mapping[str, Any], *, file: str = "") -> dict[str, Any]:
    """Apply an extending spec's data to its base's data.

    Top-level keys replace the base's (``parts`` replaces all parts); ``[items.KEY]``
    tables are merged into the base item with that key (``rule`` and ``split`` key by
    key).  An item key the base does not have is an error.
    """
    merged = copy.deepcopy(dict(base))
    problems: list[Problem] = []
    for key, value in child.items():
        if key in ("items", "extends"):
            continue
        merged[key] = copy.deepcopy(value)
    merged.pop("extends", None)
    overrides = child.get("items", {})
    if not isinstance(overrides, Mapping):
        problems.append(Problem("应为表 (must be a table)", file, "items"))
        overrides = {}
    for item_key, changes in overrides.items():
        target = None
        for part in merged.get("parts", []):
            for item in part.get("items", []):
                if item.get("key") == item_key:
                    target = item
        if target is None:
            problems.append(Problem(f"基础规范中没有此二级指标 (no such item in the base spec): {item_key}", file, f"items.{item_key}"))
            continue
        if not isinstance(changes, Mapping):
            problems.append(Problem("应为表 (must be a table)", file, f"items.{item_key}"))
            continue
        for key, value in changes.items():
            if key in ("rule", "split") and isinstance(value, Mapping) and isinstance(target.get(key), Mapping):
                target[key] = {**target[key], **copy.deepcopy(dict(value))}
            else:
                target[key] = copy.deepcopy(value)
    if isinstance(base.get("project"), Mapping) and isinstance(child.get("project"), Mapping):
        merged["project"] = {**copy.deepcopy(dict(base["project"])), **copy.deepcopy(dict(child["project"]))}
    if problems:
        raise SpecError(problems)
    return merged


def _rounding(r: Reader, data: Mapping[str, Any], where: str, default: Rounding) -> Rounding:
    table = r.table(data, "rounding", where)
    if table is None:
        return default
    here = path(where, "rounding")
    r.keys(table, here, optional=("places", "mode"))
    places = r.integer(table, "places", here)
    mode = r.text(table, "mode", here)
    if places is not None and not 0 <= places <= 12:
        r.problem(path(here, "places"), f"小数位数应在 0 到 12 之间 (places must be 0..12): {places}")
        places = None
    if mode is not None and mode not in ROUNDING_MODES:
        r.problem(path(here, "mode"), f"未知的舍入方式 (unknown rounding mode) {mode!r}；可用: {', '.join(ROUNDING_MODES)}")
        mode = None
    return Rounding(places=default.places if places is None else places, mode=mode or default.mode)  # type: ignore[arg-type]


def _rule(r: Reader, data: Mapping[str, Any], where: str) -> tuple[IndicatorRule | None, str]:
    """A rule table: its kind is looked up in the rule registry, which says the parameters it takes."""
    kinds = ", ".join(RULES)
    kind = r.text(data, "kind", where)
    if kind is None:
        r.problem(path(where, "kind"), f"缺少评分规则类型 (missing rule kind)；可用: {kinds}")
        return None, ""
    cls = rule_kind(kind)
    if cls is None:
        r.problem(path(where, "kind"), f"未知的评分规则 (unknown rule) {kind!r}；可用: {kinds}")
        return None, ""
    r.keys(data, where, required=("kind", "source", *cls.params), optional=("rounding", "partial_share"))
    source = r.text(data, "source", where) or ""
    values = {p: r.decimal(data, p, where, minimum=Decimal(0)) for p in (*cls.params, "partial_share")}
    if any(values[p] is None for p in cls.params):
        return None, source
    try:
        return cls(**values, rounding=_rounding(r, data, where, Rounding(2))), source  # type: ignore[call-arg]
    except ValueError as exc:
        r.problem(where, f"评分规则参数有误 (invalid rule parameter): {exc}")
        return None, source


def _split(r: Reader, data: Mapping[str, Any], where: str) -> Split:
    r.keys(data, where, required=("source",), optional=("places", "leftover"))
    places = r.integer(data, "places", where)
    if places is not None and not 0 <= places <= 12:
        r.problem(path(where, "places"), f"小数位数应在 0 到 12 之间 (places must be 0..12): {places}")
        places = None
    leftover = r.text(data, "leftover", where)
    if leftover is not None and leftover not in LEFTOVER_ORDERS:
        r.problem(path(where, "leftover"), f"未知的尾差分配方式 (unknown leftover order) {leftover!r}；可用: {', '.join(LEFTOVER_ORDERS)}")
        leftover = None
    return Split(places=2 if places is None else places, leftover=leftover or "ends", source=r.text(data, "source", where) or "")


def _item(r: Reader, data: Mapping[str, Any], where: str) -> Item | None:
    r.keys(data, where, required=("key", "name", "kind", "source"), optional=("points", "groups", "split", "rule", "basis"))
    key = r.text(data, "key", where)
    name = r.text(data, "name", where)
    kind = r.text(data, "kind", where)
    source = r.text(data, "source", where) or ""
    points = r.decimal(data, "points", where, minimum=Decimal(0))
    if kind is not None and kind not in ITEM_KINDS:
        r.problem(path(where, "kind"), f"未知的二级指标类型 (unknown item kind) {kind!r}；可用: {', '.join(ITEM_KINDS)}")
        kind = None
    if kind not in (None, "unknown") and "points" not in data:
        r.problem(path(where, "points"), "缺少分值 (missing points)")
    groups: tuple[str, ...] = ()
    split = None
    rule: IndicatorRule | None = None
    rule_source = ""
    rule_data = r.table(data, "rule", where)
    if kind == "indicators":
        groups = r.strings(data, "groups", where) or ()
        if not groups:
            r.problem(path(where, "groups"), "指标类二级指标须列出所含一级分组 (indicators items need groups, e.g. [\"产出指标\"])")
        split_data = r.table(data, "split", where)
        split = (_split(r, split_data, path(where, "split")) if split_data is not None
                 else Split(source="default: equal shares, cents to the ends"))
        if points is not None and points != Rounding(split.places, "truncate").apply(points):
            r.problem(path(where, "points"), f"分值 {fmt(points)} 的小数位多于均分的 {split.places} 位 "
                                             "(points have more decimals than split.places)")
    elif kind is not None:
        for extra in ("groups", "split"):
            if extra in data:
                r.problem(path(where, extra), f"只有 kind = \"indicators\" 的二级指标可以有 {extra} (only indicators items take {extra})")
    if kind in ("indicators", "execution_rate"):
        if rule_data is None:
            r.problem(path(where, "rule"), "缺少评分规则 (missing rule)")
        else:
            rule, rule_source = _rule(r, rule_data, path(where, "rule"))
    elif rule_data is not None and kind is not None:
        r.problem(path(where, "rule"), f"kind = \"{kind}\" 的二级指标不使用评分规则 (this item kind takes no rule)")
    if key is None or name is None or kind is None:
        return None
    return Item(key=key, name=name, kind=kind, points=points, source=source,  # type: ignore[arg-type]
                groups=groups, split=split, rule=rule, rule_source=rule_source, basis=r.text(data, "basis", where) or "")


def _check_points(r: Reader, spec_total: Decimal | None, parts: list[Part]) -> None:
    for i, part in enumerate(parts):
        where = f"parts[{i}]"
        if part.unknown or part.points is None:
            continue
        known = [item.points for item in part.items if item.points is not None]
        if part.items and len(known) == len(part.items) and exact_sum(known) != part.points:
            shown = " + ".join(fmt(p) for p in known)
            r.problem(where, f"二级指标分值之和 {shown} = {fmt(exact_sum(known))} 不等于一级指标分值 {fmt(part.points)} "
                             "(item points do not add up to the part)")
    if spec_total is None:
        return
    known_parts = [p.points for p in parts if p.points is not None and not p.unknown]
    total = exact_sum(known_parts)
    all_known = all(not p.unknown and p.points is not None for p in parts)
    if all_known and total != spec_total:
        r.problem("parts", f"一级指标分值之和 {fmt(total)} 不等于总分 {fmt(spec_total)} (part points do not add up to the total)")
    elif total > spec_total:
        r.problem("parts", f"一级指标分值之和 {fmt(total)} 超过总分 {fmt(spec_total)} (part points exceed the total)")


def spec_from_dict(data: Mapping[str, Any], *, file: str = "") -> Spec:
    """Build a :class:`Spec` from plain data, reporting every problem in one :class:`SpecError`."""
    r = Reader(file)
    r.keys(data, "", required=("id", "title", "year", "total", "source", "parts"),
           optional=("jurisdiction", "grades", "extends", "items", "basis", "project", "directions"))
    if "items" in data:
        r.problem("items", "[items.KEY] 只能用于继承其他规范的规范 (item overrides need extends)")
    basis = r.text(data, "basis", "") or ""
    spec_id = r.text(data, "id", "")
    title = r.text(data, "title", "")
    year = r.integer(data, "year", "")
    total = r.decimal(data, "total", "", minimum=Decimal(0))
    parts: list[Part] = []
    seen_items: dict[str, str] = {}
    seen_groups: dict[str, str] = {}
    for i, part_data in enumerate(r.tables(data, "parts", "")):
        where = f"parts[{i}]"
        unknown = bool(r.boolean(part_data, "unknown", where))
        r.keys(part_data, where, required=("key", "name", "source") + (() if unknown else ("points",)), optional=_PART_KEYS)
        items: list[Item] = []
        for j, item_data in enumerate(r.tables(part_data, "items", where)):
            item = _item(r, item_data, f"{where}.items[{j}]")
            if item is None:
                continue
            for label in {item.key, item.name}:
                if label in seen_items:
                    r.problem(f"{where}.items[{j}]", f"二级指标重复 (duplicate item) “{label}”，已见于 {seen_items[label]}")
                seen_items[label] = f"{where}.items[{j}]"
            for group in item.groups:  # one group, one item: else its indicators would count twice
                if group in seen_groups:
                    r.problem(f"{where}.items[{j}].groups", f"一级分组“{group}”已属于 {seen_groups[group]}，"
                                                            "不能再归入另一个二级指标 (a group belongs to one item)")
                seen_groups[group] = f"{where}.items[{j}]（{item.name}）"
            items.append(item)
        part_basis = r.text(part_data, "basis", where) or basis
        items = [item if item.basis else attrs.evolve(item, basis=part_basis) for item in items]
        if unknown and items:
            r.problem(where, "未公布的一级指标不能列出二级指标 (an unknown part lists no items)")
        if not unknown and not items and "items" not in part_data:
            r.problem(path(where, "items"), "缺少二级指标 (missing items)")
        parts.append(Part(key=r.text(part_data, "key", where) or "", name=r.text(part_data, "name", where) or "",
                          points=r.decimal(part_data, "points", where, minimum=Decimal(0)),
                          source=r.text(part_data, "source", where) or "", items=tuple(items), unknown=unknown,
                          basis=part_basis))
    bands: list[GradeBand] = []
    grades_source = ""
    grades = r.table(data, "grades", "")
    if grades is not None:
        r.keys(grades, "grades", required=("source", "bands"))
        grades_source = r.text(grades, "source", "grades") or ""
        for k, band in enumerate(r.tables(grades, "bands", "grades")):
            where = f"grades.bands[{k}]"
            r.keys(band, where, required=("grade", "min"))
            grade, low = r.text(band, "grade", where), r.decimal(band, "min", where, minimum=Decimal(0))
            if grade is not None and low is not None:
                bands.append(GradeBand(grade, low))
    directions = read_directions(r, data)
    _check_points(r, total, parts)
    if r.problems:
        raise SpecError(r.problems)
    assert spec_id is not None and title is not None and year is not None and total is not None
    return Spec(id=spec_id, title=title, jurisdiction=r.text(data, "jurisdiction", "") or "", year=year, total=total,
                source=r.text(data, "source", "") or "", parts=tuple(parts), grades=tuple(bands),
                grades_source=grades_source, extends=r.text(data, "extends", "") or "", basis=basis,
                project=dict(r.table(data, "project", "") or {}), directions=directions)
