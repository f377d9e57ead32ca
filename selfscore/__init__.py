"""selfscore: exact scoring of 部门整体支出绩效自评 (department budget performance self-evaluations).

The core is pure and exact: targets are read from text, rates are exact fractions,
scores are Decimals rounded once at the step a scoring spec declares.
"""

from __future__ import annotations

from ._completion import OUTCOMES, Completion, Outcome, completion, read_judgement
from ._errors import CaseError, InputError, Problem, SelfScoreError, SpecError, TargetError, UnreadableError
from ._numbers import Rounding, div_round, fmt, fmt_percent, to_decimal
from ._rules import AllOrNothing, FixedDeduction, IndicatorRule, Proportional, Scored, StepDeduction, apply_rule
from ._split import check_weights, split_points
from ._targets import Target, format_target, parse_actual, parse_target

__version__ = "0.1.0"

__all__ = [
    "OUTCOMES",
    "AllOrNothing",
    "CaseError",
    "Completion",
    "FixedDeduction",
    "IndicatorRule",
    "InputError",
    "Outcome",
    "Problem",
    "Proportional",
    "Rounding",
    "Scored",
    "SelfScoreError",
    "SpecError",
    "StepDeduction",
    "Target",
    "TargetError",
    "UnreadableError",
    "__version__",
    "apply_rule",
    "check_weights",
    "completion",
    "div_round",
    "fmt",
    "fmt_percent",
    "format_target",
    "parse_actual",
    "parse_target",
    "read_judgement",
    "split_points",
    "to_decimal",
]
