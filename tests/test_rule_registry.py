"""The rule registry: every rule kind is found through it, and a new kind is one module.

``toy_rule.py`` (in this directory, outside the package) defines ``floor_or_nothing``;
importing it registers the kind, after which a spec can use it and both engines score
it, identically.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import toy_rule
from test_engine import SPEC, case, ind

import selfscore as s
from selfscore.batch.dept import score_batch, table_from_cases
from selfscore.core.rules import RULES, ReverseDeviation, register, rule_kind

D = Decimal


def test_bundled_kinds_are_registered_by_name() -> None:
    assert RULES == {"proportional": s.Proportional, "all_or_nothing": s.AllOrNothing,
                     "fixed_deduction": s.FixedDeduction, "step_deduction": s.StepDeduction,
                     "reverse_deviation": ReverseDeviation,
                     "floor_or_nothing": toy_rule.FloorOrNothing}
    assert rule_kind("step_deduction") is s.StepDeduction
    assert rule_kind("no_such_rule") is None


def test_a_kind_name_cannot_be_taken_twice() -> None:
    class Other(s.Proportional):
        pass

    with pytest.raises(ValueError, match="already registered by Proportional"):
        register(Other)


def _toy_spec(floor: str = "0.8") -> s.Spec:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    data["parts"][0]["items"][0]["rule"] = {"kind": "floor_or_nothing", "floor": D(floor), "source": "test: toy rule"}
    return s.spec_from_dict(data, file="toy.toml")


def test_spec_reads_a_registered_kind_and_its_parameters() -> None:
    rule = _toy_spec().item("output").rule  # type: ignore[union-attr]
    assert rule == toy_rule.FloorOrNothing(floor=D("0.8"))
    with pytest.raises(s.SpecError, match=r"floor.*缺少|missing.*floor|floor"):
        data: dict[str, Any] = copy.deepcopy(SPEC)
        data["parts"][0]["items"][0]["rule"] = {"kind": "floor_or_nothing", "source": "t"}
        s.spec_from_dict(data, file="toy.toml")
    with pytest.raises(s.SpecError, match="between 0 and 1"):
        _toy_spec("1.5")


def test_unknown_kind_lists_the_registered_ones() -> None:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    data["parts"][0]["items"][0]["rule"] = {"kind": "nope", "source": "t"}
    with pytest.raises(s.SpecError, match=r"未知的评分规则.*floor_or_nothing"):
        s.spec_from_dict(data, file="toy.toml")


def test_toy_kind_scores_the_same_scalar_and_batch() -> None:
    spec = _toy_spec()
    the_case = case([ind("a", "≥100", "85"), ind("b", "≥100", "79.9"), ind("c", "≥90%", "95%"),
                     ind("d", "100万元", "80万元"), ind("e", "≤10", "12"),
                     ind("f", "≥90%", "95%", group="效益指标")])
    want = s.score(spec, the_case)
    assert [str(i.score) for i in want.item("output").indicators] == ["4", "0", "4", "4", "4"]  # type: ignore[union-attr]
    assert str(want.item("output").score) == "16"  # type: ignore[union-attr]
    table, depts = table_from_cases([the_case])
    got = score_batch(spec, table, depts)
    assert [str(d) for d in got.scores.decimals()] [:5] == ["4.00", "0", "4.00", "4.00", "4.00"]
    assert got.departments[0].score == want.score == D("96")
