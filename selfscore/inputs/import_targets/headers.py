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
class _Header:
    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    position: int
    stray: tuple[tuple[int, str], ...]  # text before the header: (line, text)
    warnings: tuple[ImportMessage, ...]


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


def _read_header(pieces: list[tuple[_Line, str, str]], columns: tuple[str, ...]) -> _Header | None:
    """A project header in a gap between records, or None when the gap holds none."""
    items = _split_inline([(line, *_strip_pair(raw, fold)) for line, raw, fold in pieces if raw.strip()])
    if not items:
        return None
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
    warnings: list[ImportMessage] = []
    amounts: list[tuple[str, Decimal]] = []
    goal_parts: list[str] = []
    col = 0  # amount columns used so far by unlabelled amounts (one per line or all on one)
    if "name" in kinds:
        # labelled form: 项目名称：… / 总计：… / 绩效目标：…
        first = kinds.index("name")
        parts = [_after(_NAME_LABEL, items[first][1], items[first][2])]
        j = first + 1
        while j < len(items) and kinds[j] == "text":
            parts.append(items[j][1])
            j += 1
        name = "".join(parts)
        in_goal = False
        for k in range(j, len(items)):
            line, raw, fold = items[k]
            if kinds[k] in ("labelled", "amounts"):
                got = _amounts_of(raw, fold, kinds[k], columns[col:], line.number, warnings)
                col += len(got) if kinds[k] == "amounts" else 0
                amounts.extend(got)
                in_goal = False
            elif kinds[k] == "goal":
                goal_parts.append(_after(_GOAL_LABEL, raw, fold))
                in_goal = True
            elif in_goal or not goal_parts:
                goal_parts.append(raw)
                in_goal = True
        stray = tuple((line.number, raw) for line, raw, _ in items[:first])
        return _Header(name, tuple(amounts), "".join(goal_parts), items[first][0].number, stray, tuple(warnings))
    money = [k for k, kind in enumerate(kinds) if kind in ("amounts", "labelled")]
    if not money:
        return None
    first_money = money[0]
    # table form: the name is the text just before the amounts, back to a page or table break
    k = first_money
    while k > 0 and kinds[k - 1] == "text":
        k -= 1
        if items[k][0].after_break:
            break
    if k == first_money:
        return None
    name = "".join(raw for _, raw, _ in items[k:first_money])
    j = first_money
    while j < len(items) and kinds[j] in ("amounts", "labelled"):
        got = _amounts_of(items[j][1], items[j][2], kinds[j], columns[col:], items[j][0].number, warnings)
        col += len(got) if kinds[j] == "amounts" else 0
        amounts.extend(got)
        j += 1
    goal_parts = [_after(_GOAL_LABEL, raw, fold) for _, raw, fold in items[j:]]
    stray = tuple((line.number, raw) for line, raw, _ in items[:k])
    return _Header(name, tuple(amounts), "".join(goal_parts), items[k][0].number, stray, tuple(warnings))


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
