"""The rule registry: rule kind name (a spec's ``rule.kind``) -> its class."""

from __future__ import annotations

from typing import Final, TypeVar

from selfscore.core.rules.base import IndicatorRule

__all__ = ["RULES", "register", "rule_kind"]

RULES: Final[dict[str, type[IndicatorRule]]] = {}

R = TypeVar("R", bound=type[IndicatorRule])


def register(cls: R) -> R:
    """Register a rule kind under ``cls.kind`` (use as a class decorator, above ``@attrs.frozen``)."""
    if not cls.kind:
        raise ValueError(f"{cls.__name__} declares no kind")
    known = RULES.get(cls.kind)
    if known is not None and known is not cls:
        raise ValueError(f"rule kind {cls.kind!r} is already registered by {known.__qualname__}")
    RULES[cls.kind] = cls
    return cls


def rule_kind(name: str) -> type[IndicatorRule] | None:
    """The rule class registered as ``name``, or None."""
    return RULES.get(name)
