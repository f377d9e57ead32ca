"""Strict reading of plain data (dicts from TOML) with every problem collected.

A :class:`Reader` walks a document, checks keys and types, and records one
:class:`~selfscore.Problem` per problem with the file and the key path, so a
loader can report them all at once instead of stopping at the first.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from selfscore.core.errors import Problem
from selfscore.core.numbers import MAX_DIGITS, check_magnitude, to_decimal

__all__ = ["Reader", "error_literal"]

#: The error values spreadsheets show in a cell (Excel, WPS, LibreOffice); a cell that shows
#: one holds no value, whether the file types it as an error or the text was pasted in.
_ERROR_LITERALS: Final = frozenset({
    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#N/A!", "#DIV/0",
    "ERR:502", "ERR:504", "ERR:522", "ERR:532", "#NAME!",
})


def error_literal(text: str) -> str | None:
    """The spreadsheet error value ``text`` is (``#DIV/0!``, ``#N/A`` …, any case, full-width too), else None."""
    s = unicodedata.normalize("NFKC", text).strip().upper()
    if s in _ERROR_LITERALS or (s.startswith("#") and s.rstrip("!?").lstrip("#").replace("/", "").isalpha()
                                and s[:3] in ("#DI", "#N/", "#VA", "#RE", "#NA", "#NU")):
        return s
    return None

_MISSING: Any = object()


def _path(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    if not key.isascii() or not key.replace("_", "").isalnum():
        key = f'"{key}"'
    if where.endswith(("」", "期", "条")):  # a place named for people (第9个指标「…」): "…的 weight"
        return f"{where}的 {key}"
    return f"{where}.{key}" if where else key


class Reader:
    """Collects problems found while reading one document."""

    def __init__(self, file: str = "") -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(message=message, file=self.file, where=where))

    def keys(
        self,
        data: Mapping[str, Any],
        where: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
    ) -> bool:
        """Check that ``data`` has every required key and no unknown one."""
        required, optional = tuple(required), tuple(optional)
        ok = True
        for key in required:
            if key not in data:
                self.problem(_path(where, key), "缺少必填项 (missing required key)")
                ok = False
        allowed = set(required) | set(optional)
        for key in data:
            if key not in allowed:
                self.problem(
                    _path(where, key),
                    f"未知的键 (unknown key)；可用的键 (allowed): {', '.join(sorted(allowed))}",
                )
                ok = False
        return ok

    def table(self, data: Mapping[str, Any], key: str, where: str, *, default: Any = _MISSING) -> dict[str, Any] | None:
        value = data.get(key, default)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, Mapping):
            self.problem(_path(where, key), f"应为表 (must be a table), 实际为 {type(value).__name__}")
            return None
        return dict(value)

    def tables(self, data: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.problem(_path(where, key), "应为表数组 (must be an array of tables, [[...]])")
            return []
        return [dict(v) for v in value]

    def text(self, data: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str | None:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            if isinstance(value, (datetime.date, datetime.time)):
                self.problem(_path(where, key), f"是日期 (a date) {value}，应为文本：请加引号，如 \"12月底前完成\"")
            else:
                self.problem(_path(where, key), f"应为文本 (must be a string): {_plain(value)}")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, where: str) -> bool | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(_path(where, key), f"应为 true 或 false (must be a boolean): {_plain(value)}")
            return None
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(_path(where, key), f"应为整数 (must be an integer): {_plain(value)}")
            return None
        if abs(value) >= 10**MAX_DIGITS:
            self.problem(_path(where, key), f"整数超出可处理的范围 (integer out of range)：最多 {MAX_DIGITS} 位")
            return None
        return value

    def decimal(self, data: Mapping[str, Any], key: str, where: str, *, minimum: Decimal | None = None) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            result = check_magnitude(to_decimal(value, what=""))
        except (TypeError, ValueError) as exc:
            self.problem(_path(where, key), str(exc).strip())
            return None
        if minimum is not None and result < minimum:
            self.problem(_path(where, key), f"不能小于 {minimum} (must be >= {minimum}): {value}")
            return None
        return result

    def strings(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(_path(where, key), "应为文本数组 (must be an array of strings)")
            return None
        return tuple(value)


def _plain(value: Any) -> str:
    """A TOML value as its author wrote it: ``true``, ``3.5``, ``"文本"``, not Python's repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, list):
        return "数组 (array)"
    if isinstance(value, Mapping):
        return "表 (table)"
    return str(value)


path = _path
