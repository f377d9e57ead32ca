"""The national form's equals sign ═ and the 等于 0 rule for negative actuals (PROJECT-RULES §2, docs/project-rules.md)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest

from selfscore.core.completion import completion
from selfscore.core.errors import CaseError
from selfscore.core.project import project_rules
from selfscore.core.project_case import project_case_from_dict
from selfscore.core.project_score import score_project
from selfscore.core.targets import parse_actual, parse_target
from selfscore.inputs.load import load_spec

NATIONAL = load_spec("mof-2020-project")


@pytest.mark.parametrize(("text", "value", "unit"), [("═1次", "1", "次"), ("═ 100%", "100", "%"), ("═0起", "0", "起")])
def test_box_drawing_equals_reads_as_equals_not_at_least(text: str, value: str, unit: str) -> None:
    target = parse_target(text)
    assert (target.comparator, target.value, target.unit, target.label) == ("==", Decimal(value), unit, "")


def test_box_drawing_equals_in_a_department_table_is_no_longer_at_least() -> None:
    # department tables read targets through the same parser: 2次 against ═1次 is not met (it was, read as ≥1次)
    done = completion(parse_target("═1次"), parse_actual("2次"))
    assert (done.outcome, done.rate) == ("未达成", Fraction(1, 2))
    assert completion(parse_target("═1次"), parse_actual("1次")).outcome == "达成"


def _case(actual: str, target: str = "0", nature: str = "═") -> dict[str, Any]:
    return {"spec": "mof-2020-project", "unit": "示例单位", "project": "示例项目", "year": 2024,
            "budget": [{"row": "年度资金总额", "budget": "100", "spent": "100"}],
            "indicators": [{"level1": "产出指标", "level2": "质量指标", "name": "安全事故", "nature": nature, "target": target,
                            "unit": "起", "actual": actual, "weight": "10"},
                           {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "满意度", "nature": "≥",
                            "target": "90", "unit": "%", "actual": "95", "weight": "80"}]}


def test_national_spec_declares_negative_actual_as_zero_with_its_source() -> None:
    rules = project_rules(NATIONAL)
    assert rules.negative_actual == "as_zero"
    assert "等于指标-绩效自评" in rules.negative_source


@pytest.mark.parametrize(("actual", "expected"), [("-2", "10"), ("0", "10"), ("1", "0"), ("－3起", "10")])
def test_equals_zero_rule(actual: str, expected: str) -> None:
    result = score_project(NATIONAL, project_case_from_dict(_case(actual), file="t.toml"))
    first = result.indicators()[0]
    assert first.score == Decimal(expected)
    assert result.score == Decimal(expected) + 90
    if actual.startswith(("-", "－")):
        assert first.trace[1].startswith(f"实际完成值 {actual} 为负数，按 0 计")


def test_negative_actual_refused_without_the_declaration() -> None:
    spec = attrs.evolve(NATIONAL, project={**NATIONAL.project, "negative_actual": "error"})
    with pytest.raises(CaseError) as info:
        score_project(spec, project_case_from_dict(_case("-2"), file="t.toml"))
    assert "实际完成值“-2”为负数 (negative actual)，评分规范未声明负数按 0 计" in str(info.value)


def test_negative_actual_against_a_nonzero_target_is_an_error() -> None:
    with pytest.raises(CaseError) as info:
        score_project(NATIONAL, project_case_from_dict(_case("-2", target="5", nature="≥"), file="t.toml"))
    assert "第1个指标「安全事故」" in str(info.value) and "目标值不为 0" in str(info.value)


def test_negative_actual_declaration_needs_a_source() -> None:
    from selfscore.core.errors import SpecError

    spec = attrs.evolve(NATIONAL, project={k: v for k, v in NATIONAL.project.items() if k != "negative_source"})
    with pytest.raises(SpecError, match="negative_source"):
        project_rules(spec)


@pytest.mark.parametrize(("actual", "national", "completion"), [("105", "10", "9.52"), ("98", "9.8", "9.8"), ("100", "10", "10")])
def test_equals_a_nonzero_target_is_scored_as_at_least_under_the_national_spec(actual: str, national: str,
                                                                               completion: str) -> None:
    # pmkpi's 等于 SQL: 指标值 > 0 → actual ≥ 指标值 full, else actual / 指标值 × weight; "completion" is the other declared form
    data = _case(actual, target="100", nature="═")
    assert score_project(NATIONAL, project_case_from_dict(data)).indicators()[0].score == Decimal(national)
    other = attrs.evolve(NATIONAL, project={**NATIONAL.project, "equal": "completion"})
    assert score_project(other, project_case_from_dict(data)).indicators()[0].score == Decimal(completion)
