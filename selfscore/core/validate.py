"""Strict reading of plain data (dicts from TOML) with every problem collected.

A :class:`Reader` walks a document, checks keys and types, and records one
:class:`~selfscore.Problem` per problem with the file and the key path, so a
loader can report them all at once instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from selfscore.core.errors import Problem
from selfscore.core.numbers import to_decimal

__all__ = ["Reader"]

_MISSING: Any = object()


def _path(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    if not key.isascii() or not key.replace("_", "").isalnum():
        key = f'"{key}"'
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
            self.problem(_path(where, key), f"应为文本 (must be a string): {value!r}")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, where: str) -> bool | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(_path(where, key), f"应为 true 或 false (must be a boolean): {value!r}")
            return None
        return value

    def integer(self, data: Mapping[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(_path(where, key), f"应为整数 (must be an integer): {value!r}")
            return None
        return value

    def decimal(self, data: Mapping[str, Any], key: str, where: str, *, minimum: Decimal | None = None) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            result = to_decimal(value, what=key)
        except (TypeError, ValueError) as exc:
            self.problem(_path(where, key), f"应为精确数值 (must be an exact number): {exc}")
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


path = _path
