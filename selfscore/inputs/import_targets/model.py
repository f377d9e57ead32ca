"""Result types of the importer: what :func:`parse_target_export` returns.

Also the level-1 / level-2 code tables (一级指标 / 二级指标) of project target tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from selfscore.core.errors import TargetError
from selfscore.core.targets import parse_target


def _compact_name(text: str) -> str:
    return "".join(text.split()).removesuffix("指标")

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
NOTICE_KINDS: Final[frozenset[str]] = frozenset(
    {"duplicate", "truncated-duplicate", "stray", "repeated-header", "repeated-project", "sub-unit"}
)

#: 指标性质 codes of the national project self-evaluation form (项目支出绩效自评表, as the budget
#: system 预算管理一体化 exports it): 1 ≥, 2 >, 3 =, 4 <, 5 ≤, 6 定性.
NATURE_CODES: Final[dict[str, str]] = {">=": "1", ">": "2", "==": "3", "<": "4", "<=": "5", "qualitative": "6"}
#: The symbol printed for each 指标性质 code.
NATURE_SYMBOLS: Final[dict[str, str]] = {"1": "≥", "2": "＞", "3": "＝", "4": "＜", "5": "≤", "6": "定性"}

#: Level-2 code of 成本指标: a bare number there is a ceiling (≤), not a floor (docs/domain.md §2).
COST_CODE: Final[str] = "14"

# ---------------------------------------------------------------------------------------------
# Result types


@attrs.frozen
class ImportMessage:
    """A notice or warning about one place in the input (``line`` is 1-based).

    ``kind`` names the case.  Notices (:data:`NOTICE_KINDS`, text dropped on purpose):
    ``duplicate``, ``truncated-duplicate``, ``repeated-header``, ``repeated-project``,
    ``sub-unit``, ``stray``.  Warnings
    (to look at): ``mixed-codes``, ``code-name``, ``unknown-code``, ``missing-code``,
    ``unparseable``, ``no-values``, ``no-annual``, ``target``, ``numbering``,
    ``duplicate-name``, ``merged``, ``page-number``, ``no-terminator``, ``no-project-name``, ``no-indicators``,
    ``no-amounts``, ``amount-columns``, ``long-name``, ``prose-name``, ``goal-in-record``.
    ``text`` is Chinese with the English term.
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

    Derived (not stored, so they always agree with the fields): :attr:`target`,
    :attr:`is_cost`, :attr:`lower_is_better`, :attr:`nature` (指标性质 code "1"–"6")
    and :attr:`nature_symbol`.
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

    @property
    def is_cost(self) -> bool:
        """True for a 成本指标 row (level-2 code 14, or the name 成本指标 without a code)."""
        if self.level2_code:
            return self.level2_code == COST_CODE
        return _compact_name(self.level2_name) == "成本"

    @property
    def lower_is_better(self) -> bool | None:
        """``True`` for 成本指标 rows (a bare number is a ceiling, ≤); ``None`` (undeclared) otherwise."""
        return True if self.is_cost else None

    @property
    def nature(self) -> str:
        """指标性质 as the national form codes it, read from the target's comparator.

        ``"1"`` ≥, ``"2"`` ＞, ``"3"`` ＝, ``"4"`` ＜, ``"5"`` ≤, ``"6"`` 定性 (a target without
        a number); ``""`` when the target is empty or cannot be read (the import warns).
        A bare number is ≥, except on 成本指标 rows where it is ≤; a bare zero (``0次``)
        is ≤ (met only by 0).  The comparator is read by :func:`~selfscore.parse_target`,
        the same reader that scores the case.
        """
        if not self.target:
            return ""
        try:
            parsed = parse_target(self.target, lower_is_better=self.lower_is_better)
        except TargetError:
            return ""
        return NATURE_CODES[parsed.comparator or "qualitative"] if parsed.kind == "quantitative" else NATURE_CODES["qualitative"]

    @property
    def nature_symbol(self) -> str:
        """The 指标性质 symbol for :attr:`nature` (≥ ＞ ＝ ＜ ≤ 定性), or ``""``."""
        return NATURE_SYMBOLS.get(self.nature, "")


@attrs.frozen
class ImportedProject:
    """A project (项目) with its amounts (label, exact Decimal, in text order), goal and indicators."""

    name: str
    amounts: tuple[tuple[str, Decimal], ...]
    goal: str
    indicators: tuple[ImportedIndicator, ...]
    position: int
    unit: str = ""  # the sub-unit (下级单位) whose header line came before the project, if any

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
