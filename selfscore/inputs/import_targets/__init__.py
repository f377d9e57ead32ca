"""Importing project target tables (项目支出绩效目标表) exported from the budget system.

The export is PDF text.  Each project's indicators run together as numbered records::

    1、1-产出指标；11-数量指标；开展示例活动次数；实施周期指标值:≥3次；年度指标值:≥3
    次。2、2-效益指标；22-社会效益；示例覆盖率；实施周期指标值:100%；年
    度指标值:100%。

preceded by the project's name, its amounts (总计, 财政拨款, 其他资金) and its goal
text.  Line breaks fall anywhere (inside codes, names, values and the labels
实施周期指标值 / 年度指标值), pages repeat rows, and page headers, table headers and
stray numbers sit between records.

:func:`parse_target_export` recovers every record it can and says what it dropped
or could not read, with line numbers; :func:`case_skeleton` and
:func:`department_skeleton` write case files (TOML) ready for the actual values.
Everything here is pure: no file I/O, no printing, no floats.

The result, for other code (e.g. a project case writer)::

    ImportResult
      department: str            # 单位名称 (the whole name, a wrapped last character joined back)
      year: int | None           # from the title (2024年…)
      amount_unit: str           # 万元 / 元 / 千元 / ""
      projects: tuple[ImportedProject, ...]
        name: str; goal: str; position: int (line, from 1)
        amounts: tuple[(label, Decimal), ...]   # ("总计", 150.00), ("财政拨款", …), ("其他资金", …)
        unit: str                               # the sub-unit (下级单位) it was listed under, or ""
        amount(label) -> Decimal | None
        indicators: tuple[ImportedIndicator, ...]
          seq: int | None; position: int
          level1_code "1"-"3", level1_name (产出指标 …); level2_code "11"-"31", level2_name (数量指标 …)
          name: str; cycle_value: str; annual_value: str (raw text, "" when missing)
          target -> str          # annual value, else cycle value
          nature -> str          # 指标性质 "1" ≥, "2" ＞, "3" ＝, "4" ＜, "5" ≤, "6" 定性, "" unreadable
          nature_symbol -> str   # ≥ ＞ ＝ ＜ ≤ 定性
          is_cost -> bool        # 成本指标 (code 14)
          lower_is_better -> True | None   # True for 成本指标: a bare number is a ceiling
      notices, warnings: tuple[ImportMessage(line, kind, text), ...]

The steps, one module each: :mod:`.text` (folding and patterns), :mod:`.lines` (page
furniture, department, year, unit; the joined stream), :mod:`.records` (indicator
records and their fields), :mod:`.headers` (project headers and sub-unit lines),
:mod:`.parse` (putting them together), :mod:`.checks` (warnings) and
:mod:`.skeleton` (case TOML).
"""

from __future__ import annotations

from .model import (
    LEVEL1,
    LEVEL2,
    NATURE_CODES,
    NATURE_SYMBOLS,
    NOTICE_KINDS,
    ImportedIndicator,
    ImportedProject,
    ImportMessage,
    ImportResult,
)
from .parse import parse_target_export
from .skeleton import case_file_name, case_skeleton, department_skeleton, toml_string

__all__ = [
    "LEVEL1",
    "LEVEL2",
    "NATURE_CODES",
    "NATURE_SYMBOLS",
    "NOTICE_KINDS",
    "ImportMessage",
    "ImportResult",
    "ImportedIndicator",
    "ImportedProject",
    "case_file_name",
    "case_skeleton",
    "department_skeleton",
    "parse_target_export",
    "toml_string",
]
