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
