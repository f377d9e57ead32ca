"""selfscore: exact scoring of 部门整体支出绩效自评 (department budget performance self-evaluations).

The core is pure and exact: targets are read from text, rates are exact fractions,
scores are Decimals rounded once at the step a scoring spec declares.
"""

from __future__ import annotations

from selfscore.core.case import Case, Deduction, Indicator, ItemInput, Period, case_from_dict
from selfscore.core.completion import OUTCOMES, Completion, Outcome, completion, read_judgement
from selfscore.core.engine import Difference, IndicatorResult, ItemResult, PartResult, Result, compare_expected, score
from selfscore.core.errors import CaseError, DependencyError, InputError, Problem, SelfScoreError, SpecError, TargetError, UnreadableError
from selfscore.core.numbers import Rounding, div_round, fmt, fmt_percent, to_decimal
from selfscore.core.rules import AllOrNothing, FixedDeduction, IndicatorRule, Proportional, Scored, StepDeduction, apply_rule
from selfscore.core.spec import GradeBand, Item, Part, Spec, Split, spec_from_dict
from selfscore.core.split import check_weights, split_points
from selfscore.core.targets import Target, format_target, parse_actual, parse_target
from selfscore.inputs.load import bundled_specs, load_case, load_case_and_spec, load_spec
from selfscore.inputs.sheet import load_sheet_case
from selfscore.outputs.render import render, result_to_json
from selfscore.outputs.verify import SheetDifference, verify

__version__ = "0.1.0"

__all__ = [
    "OUTCOMES",
    "AllOrNothing",
    "Case",
    "CaseError",
    "Completion",
    "Deduction",
    "DependencyError",
    "Difference",
    "FixedDeduction",
    "GradeBand",
    "Indicator",
    "IndicatorResult",
    "IndicatorRule",
    "InputError",
    "Item",
    "ItemInput",
    "ItemResult",
    "Outcome",
    "Part",
    "PartResult",
    "Period",
    "Problem",
    "Proportional",
    "Result",
    "Rounding",
    "Scored",
    "SelfScoreError",
    "SheetDifference",
    "Spec",
    "SpecError",
    "Split",
    "StepDeduction",
    "Target",
    "TargetError",
    "UnreadableError",
    "__version__",
    "apply_rule",
    "bundled_specs",
    "case_from_dict",
    "check_weights",
    "compare_expected",
    "completion",
    "div_round",
    "fmt",
    "fmt_percent",
    "format_target",
    "load_case",
    "load_case_and_spec",
    "load_sheet_case",
    "load_spec",
    "parse_actual",
    "parse_target",
    "read_judgement",
    "render",
    "result_to_json",
    "score",
    "spec_from_dict",
    "split_points",
    "to_decimal",
    "verify",
]
