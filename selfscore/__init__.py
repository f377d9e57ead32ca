"""selfscore: exact scoring of 部门整体支出绩效自评 (department budget performance self-evaluations).

The core is pure and exact: targets are read from text, rates are exact fractions,
scores are Decimals rounded once at the step a scoring spec declares.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from selfscore.core.case import Case, Deduction, Indicator, ItemInput, Period, case_from_dict
    from selfscore.core.completion import OUTCOMES, Completion, Outcome, completion, read_judgement
    from selfscore.core.engine import Difference, IndicatorResult, ItemResult, PartResult, Result, compare_expected, score
    from selfscore.core.errors import (
        CaseError,
        DependencyError,
        InputError,
        Problem,
        SelfScoreError,
        SpecError,
        TargetError,
        UnreadableError,
    )
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

# Public names are imported on first use (PEP 562), so ``import selfscore`` is instant: the
# command starts fast and Ctrl-C while it loads is caught by ``selfscore.cli.run``.
_LAZY: dict[str, str] = {
    "Case": "selfscore.core.case",
    "Deduction": "selfscore.core.case",
    "Indicator": "selfscore.core.case",
    "ItemInput": "selfscore.core.case",
    "Period": "selfscore.core.case",
    "case_from_dict": "selfscore.core.case",
    "OUTCOMES": "selfscore.core.completion",
    "Completion": "selfscore.core.completion",
    "Outcome": "selfscore.core.completion",
    "completion": "selfscore.core.completion",
    "read_judgement": "selfscore.core.completion",
    "Difference": "selfscore.core.engine",
    "IndicatorResult": "selfscore.core.engine",
    "ItemResult": "selfscore.core.engine",
    "PartResult": "selfscore.core.engine",
    "Result": "selfscore.core.engine",
    "compare_expected": "selfscore.core.engine",
    "score": "selfscore.core.engine",
    "CaseError": "selfscore.core.errors",
    "DependencyError": "selfscore.core.errors",
    "InputError": "selfscore.core.errors",
    "Problem": "selfscore.core.errors",
    "SelfScoreError": "selfscore.core.errors",
    "SpecError": "selfscore.core.errors",
    "TargetError": "selfscore.core.errors",
    "UnreadableError": "selfscore.core.errors",
    "Rounding": "selfscore.core.numbers",
    "div_round": "selfscore.core.numbers",
    "fmt": "selfscore.core.numbers",
    "fmt_percent": "selfscore.core.numbers",
    "to_decimal": "selfscore.core.numbers",
    "AllOrNothing": "selfscore.core.rules",
    "FixedDeduction": "selfscore.core.rules",
    "IndicatorRule": "selfscore.core.rules",
    "Proportional": "selfscore.core.rules",
    "Scored": "selfscore.core.rules",
    "StepDeduction": "selfscore.core.rules",
    "apply_rule": "selfscore.core.rules",
    "GradeBand": "selfscore.core.spec",
    "Item": "selfscore.core.spec",
    "Part": "selfscore.core.spec",
    "Spec": "selfscore.core.spec",
    "Split": "selfscore.core.spec",
    "spec_from_dict": "selfscore.core.spec",
    "check_weights": "selfscore.core.split",
    "split_points": "selfscore.core.split",
    "Target": "selfscore.core.targets",
    "format_target": "selfscore.core.targets",
    "parse_actual": "selfscore.core.targets",
    "parse_target": "selfscore.core.targets",
    "bundled_specs": "selfscore.inputs.load",
    "load_case": "selfscore.inputs.load",
    "load_case_and_spec": "selfscore.inputs.load",
    "load_spec": "selfscore.inputs.load",
    "load_sheet_case": "selfscore.inputs.sheet",
    "render": "selfscore.outputs.render",
    "result_to_json": "selfscore.outputs.render",
    "SheetDifference": "selfscore.outputs.verify",
    "verify": "selfscore.outputs.verify",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'selfscore' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
