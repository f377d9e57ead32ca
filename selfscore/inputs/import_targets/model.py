"""Result types of the importer: what :func:`parse_target_export` returns.

Also the level-1 / level-2 code tables (一级指标 / 二级指标) of project target tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

#: Level-1 codes (一级指标) of project target tables.
LEVEL1: Final[dict[str, str]] = {"1": "产出指标", "2": "效益指标", "3": "满意度指标"}

#: Level-2 codes (二级指标); the first digit is the level-1 code.
LEVEL2: Final[dict[str, str]] = {
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "14": "成本指标",
    "21": "经济效益",
    "22": "社会效益",
    "23": "生态效益",
    "24": "可持续影响",
    "31": "服务对象满意度",
}

_LEVEL2_NAMES: Final[frozenset[str]] = frozenset(name.removesuffix("指标") for name in LEVEL2.values())

# Message kinds.  Notices: things dropped on purpose.  Warnings: things to look at.
NOTICE_KINDS: Final[frozenset[str]] = frozenset({"duplicate", "truncated-duplicate", "stray", "repeated-header"})

# ---------------------------------------------------------------------------------------------
# Result types


@attrs.frozen
class ImportMessage:
    """A notice or warning about one place in the input (``line`` is 1-based).

    ``kind`` names the case.  Notices (:data:`NOTICE_KINDS`, text dropped on purpose):
    ``duplicate``, ``truncated-duplicate``, ``repeated-header``, ``stray``.  Warnings
    (to look at): ``mixed-codes``, ``code-name``, ``unknown-code``, ``missing-code``,
    ``unparseable``, ``no-values``, ``no-annual``, ``target``, ``numbering``,
    ``duplicate-name``, ``merged``, ``page-number``, ``no-terminator``, ``no-project-name``, ``no-indicators``,
    ``no-amounts``, ``amount-columns``.  ``text`` is Chinese with the English term.
    """

    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.text}"


@attrs.frozen
class ImportedIndicator:
    """One indicator record of a project target table, as exported.

    ``seq`` is the record's number (``None`` when the export lost it); codes are
    ASCII digit text (``"1"``, ``"11"``, also from full-width ``１１``; empty when
    missing); names and values are the raw text with line breaks removed (and the
    record's closing 。 dropped); ``annual_value`` is empty when the record had none.
    ``position`` is the input line where the record starts.
    """

    seq: int | None
    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    name: str
    cycle_value: str
    annual_value: str
    position: int

    @property
    def target(self) -> str:
        """The value a case scores against: the annual value, else the cycle value."""
        return self.annual_value or self.cycle_value


@attrs.frozen
class ImportedProject:
    """A project (项目) with its amounts (label, exact Decimal, in text order), goal and indicators."""

    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    indicators: tuple[ImportedIndicator, ...]
    position: int

    def amount(self, label: str) -> Decimal | None:
        """The amount with this label (总计, 财政拨款, 其他资金 ...), or None."""
        for key, value in self.amounts:
            if key == label:
                return value
        return None


@attrs.frozen
class ImportResult:
    """What :func:`parse_target_export` recovered, and what it dropped or could not read."""

    projects: tuple[ImportedProject, ...]
    notices: tuple[ImportMessage, ...]
    warnings: tuple[ImportMessage, ...]
    department: str = ""
    year: int | None = None
    amount_unit: str = ""

    @property
    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)
