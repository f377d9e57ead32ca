"""Project headers: the project's name, its amounts (总计, 财政拨款, 其他资金) and its goal.

A header stands in the gap between two projects' records, either in table form
(name, a row of amounts, goal text) or labelled (项目名称：… / 总计：… / 绩效目标：…).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from .lines import _Line
from .model import ImportMessage
from .text import (
    _GOAL_LABEL,
    _INLINE_AMOUNTS,
    _LABELLED_AMOUNT,
    _NAME_LABEL,
    _ORGANISATION,
    _compact,
    _is_amounts_line,
)


def _labelled_amounts_only(fold: str) -> bool:
    rest = _LABELLED_AMOUNT.sub("", fold)
    rest = re.sub(r"[\s,;，；、:()（）]|万元|元", "", rest)
    return bool(_LABELLED_AMOUNT.search(fold)) and not rest


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


@attrs.frozen
class _SubUnit:
    """A sub-unit's header line (下级单位: its name and subtotal), which is not a project."""

    name: str
    subtotal: Decimal | None
    position: int
    text: str


@attrs.frozen
class _Header:
    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    position: int
    stray: tuple[tuple[int, str], ...]  # text before the header: (line, text)
    warnings: tuple[ImportMessage, ...]
    units: tuple[_SubUnit, ...] = ()  # sub-unit header lines before the project's name


def _strip_pair(raw: str, fold: str) -> tuple[str, str]:
    """Strip a raw piece and its folded twin by the same offsets."""
    lead = len(raw) - len(raw.lstrip())
    stop = len(raw.rstrip())
    return raw[lead:stop], fold[lead:stop]


def _split_inline(items: list[tuple[_Line, str, str]]) -> list[tuple[_Line, str, str]]:
    """Split lines that hold a name and its amounts side by side into separate items."""
    out: list[tuple[_Line, str, str]] = []
    for line, raw, fold in items:
        m = _NAME_LABEL.match(fold)
        if m and (a := _LABELLED_AMOUNT.search(fold, m.start("rest"))) and _labelled_amounts_only(fold[a.start() :]):
            out.append((line, raw[: a.start()].rstrip(), fold[: a.start()].rstrip()))
            out.append((line, raw[a.start() :], fold[a.start() :]))
            continue
        m = _INLINE_AMOUNTS.match(fold)
        if (
            m
            and not _NAME_LABEL.match(fold)
            and not _GOAL_LABEL.match(fold)
            and not _labelled_amounts_only(fold)
            and _is_amounts_line(m.group("nums"))
        ):
            for group in ("pre", "nums", "post"):
                if m.group(group):
                    lo, hi = m.span(group)
                    out.append((line, raw[lo:hi], fold[lo:hi]))
            continue
        out.append((line, raw, fold))
    return out


def _after(pattern: re.Pattern[str], raw: str, fold: str) -> str:
    m = pattern.match(fold)
    return raw[m.start("rest") :].strip() if m else raw


_Item = tuple[_Line, str, str]


def _kinds(items: list[_Item]) -> list[str]:
    """Each item's kind: name (项目名称：), labelled (总计：…), amounts, goal (绩效目标：) or text."""
    kinds = []
    for _line, _raw, fold in items:
        if _NAME_LABEL.match(fold):
            kinds.append("name")
        elif _labelled_amounts_only(fold):
            kinds.append("labelled")
        elif _is_amounts_line(fold):
            kinds.append("amounts")
        elif _GOAL_LABEL.match(fold):
            kinds.append("goal")
        else:
            kinds.append("text")
    return kinds


class _Amounts:
    """Amounts read in order: unlabelled ones fill the table's amount columns (one per line or all on one)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns, self.col = columns, 0
        self.found: list[tuple[str, Decimal]] = []
        self.warnings: list[ImportMessage] = []

    def read(self, item: _Item, kind: str) -> None:
        line, raw, fold = item
        got = _amounts_of(raw, fold, kind, self.columns[self.col :], line.number, self.warnings)
        self.col += len(got) if kind == "amounts" else 0
        self.found.extend(got)


def _read_header(pieces: list[_Item], columns: tuple[str, ...]) -> _Header | None:
    """A project header in a gap between records, or None when the gap holds none."""
    items = _split_inline([(line, *_strip_pair(raw, fold)) for line, raw, fold in pieces if raw.strip()])
    if not items:
        return None
    kinds = _kinds(items)
    if "name" in kinds:
        return _labelled_header(items, kinds, columns)
    return _table_header(items, kinds, columns)


def _labelled_header(items: list[_Item], kinds: list[str], columns: tuple[str, ...]) -> _Header:
    """The labelled form: 项目名称：… / 总计：… / 绩效目标：…"""
    first = kinds.index("name")
    parts = [_after(_NAME_LABEL, items[first][1], items[first][2])]
    j = first + 1
    while j < len(items) and kinds[j] == "text":
        parts.append(items[j][1])
        j += 1
    amounts = _Amounts(columns)
    goal_parts: list[str] = []
    in_goal = False
    for k in range(j, len(items)):
        raw, fold = items[k][1], items[k][2]
        if kinds[k] in ("labelled", "amounts"):
            amounts.read(items[k], kinds[k])
            in_goal = False
        elif kinds[k] == "goal":
            goal_parts.append(_after(_GOAL_LABEL, raw, fold))
            in_goal = True
        elif in_goal or not goal_parts:
            goal_parts.append(raw)
            in_goal = True
    units: tuple[_SubUnit, ...] = ()
    before = first
    money = first - 1
    if money > 0 and kinds[money] == "amounts" and len(items[money][2].split()) == 1:
        start = _name_start(items, kinds, money)
        if start < money:  # 单位名称 3,598.99 just before 项目名称：…
            units, before = (_group_unit(items, start, money, money + 1),), start
    stray = tuple((line.number, raw) for line, raw, _ in items[:before])
    name, position = "".join(parts), items[first][0].number
    header = _Header(name, tuple(amounts.found), "".join(goal_parts), position, stray, tuple(amounts.warnings))
    return attrs.evolve(header, units=units)


def _name_start(items: list[_Item], kinds: list[str], money: int, floor: int = 0) -> int:
    """Where the name before the amounts at ``money`` starts: back over text to a page or table break."""
    k = money
    while k > floor and kinds[k - 1] == "text":
        k -= 1
        if items[k][0].after_break:
            break
    return k


def _money_end(kinds: list[str], money: int) -> int:
    j = money
    while j < len(kinds) and kinds[j] in ("amounts", "labelled"):
        j += 1
    return j


# A project's name ends like this (社区办公经费, 示范项目, 困难群众补助); a unit's does not.
_PROJECT_NAME = re.compile(r"(?:经费|项目|资金|费用|费|补助|补贴|工程|专项)$")


def _sub_unit(items: list[_Item], kinds: list[str], name_at: int, money: int) -> _SubUnit | None:
    """The group name + amounts at [name_at, money…) as a sub-unit's header line, when another group follows.

    A unit's header line holds its name and one subtotal (``…街道办事处 3,598.99``); the
    project's own name and amounts come after it.  Reading the unit line as the project
    would give the project the unit's name and the subtotal as its amount.
    """
    end = _money_end(kinds, money)
    nxt = next((k for k in range(end, len(kinds)) if kinds[k] != "text"), None)
    if nxt is None or kinds[nxt] not in ("amounts", "labelled"):
        return None
    if any("。" in fold or "." in fold for _, _, fold in items[end:nxt]):
        return None  # goal text: the group is a project without indicators
    name = "".join(raw for _, raw, _ in items[name_at:money])
    single = end - money == 1 and kinds[money] == "amounts" and len(items[money][2].split()) == 1
    if _PROJECT_NAME.search(_compact(name)) or not (single or _ORGANISATION.search(_compact(name))):
        return None
    return _group_unit(items, name_at, money, end)


def _group_unit(items: list[_Item], name_at: int, money: int, end: int) -> _SubUnit:
    """The sub-unit of a name at [name_at, money) and its amounts at [money, end)."""
    name = "".join(raw for _, raw, _ in items[name_at:money])
    numbers = [number for _, _, fold in items[money:end] for number in fold.split()]
    subtotal = _decimal(numbers[0]) if len(numbers) == 1 else None
    text = " ".join([name, *(raw for _, raw, _ in items[money:end])])
    return _SubUnit(name, subtotal, items[name_at][0].number, text)


def _table_header(items: list[_Item], kinds: list[str], columns: tuple[str, ...]) -> _Header | None:
    """The table form: the name just before the amounts, then the goal; sub-unit lines skipped."""
    money = next((k for k, kind in enumerate(kinds) if kind in ("amounts", "labelled")), None)
    if money is None:
        return None
    k = _name_start(items, kinds, money)
    if k == money:
        return None
    start = k
    units: list[_SubUnit] = []
    while (unit := _sub_unit(items, kinds, k, money)) is not None:
        units.append(unit)
        after = _money_end(kinds, money)
        money = next(m for m in range(after, len(kinds)) if kinds[m] != "text")
        k = _name_start(items, kinds, money, floor=after)
        k = after if k == money else k
    name = "".join(raw for _, raw, _ in items[k:money])
    amounts = _Amounts(columns)
    j = money
    while j < len(items) and kinds[j] in ("amounts", "labelled"):
        amounts.read(items[j], kinds[j])
        j += 1
    goal_parts = [_after(_GOAL_LABEL, raw, fold) for _, raw, fold in items[j:]]
    stray = tuple((line.number, raw) for line, raw, _ in items[:start])
    header = _Header(name, tuple(amounts.found), "".join(goal_parts), items[k][0].number, stray, tuple(amounts.warnings))
    return attrs.evolve(header, units=tuple(units))


def _amounts_of(
    raw: str, fold: str, kind: str, columns: tuple[str, ...], line: int, warnings: list[ImportMessage]
) -> list[tuple[str, Decimal]]:
    found: list[tuple[str, Decimal]] = []
    if kind == "labelled":
        for m in _LABELLED_AMOUNT.finditer(fold):
            value = _decimal(m.group("value"))
            if value is not None:
                found.append((re.sub(r"\s+", "", m.group("label")), value))
        return found
    numbers = fold.split()
    if len(numbers) > len(columns):
        warnings.append(
            ImportMessage(
                line,
                "amount-columns",
                f"金额个数多于表头的金额列 ({'、'.join(columns) or '无'})，多出的金额未读取 "
                f"(more amounts than amount columns; extra amounts not read)：“{raw}”",
            )
        )
    for label, number in zip(columns, numbers, strict=False):
        value = _decimal(number)
        if value is not None:
            found.append((label, value))
    return found
