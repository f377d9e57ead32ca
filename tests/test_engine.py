"""The engine on small hand-made specs and cases: every value worked out by hand."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from case_support import scored

import selfscore
from selfscore import CaseError, fmt

D = Decimal

SPEC: dict[str, Any] = {
    "id": "test-2024",
    "title": "测试规范",
    "year": 2024,
    "total": 100,
    "source": "test",
    "grades": {"source": "test", "bands": [{"grade": "优", "min": 90}, {"grade": "良", "min": 80},
                                          {"grade": "中", "min": 60}, {"grade": "差", "min": 0}]},
    "parts": [
        {"key": "perf", "name": "履职效能", "points": 50, "source": "test", "items": [
            {"key": "output", "name": "产出", "kind": "indicators", "groups": ["产出指标"], "points": 20, "source": "t",
             "split": {"places": 2, "leftover": "ends", "source": "t"},
             "rule": {"kind": "proportional", "floor": D("0.6"), "rounding": {"places": 1}, "partial_share": D("0.5"),
                      "source": "t"}},
            {"key": "benefit", "name": "效益", "kind": "indicators", "groups": ["效益指标", "满意度指标"], "points": 20,
             "source": "t", "rule": {"kind": "all_or_nothing", "source": "t"}},
            {"key": "execution", "name": "部门预算资金支出率", "kind": "execution_rate", "points": 10, "source": "t",
             "rule": {"kind": "step_deduction", "step": D("0.01"), "points": D("0.1"), "source": "t"}},
        ]},
        {"key": "mgmt", "name": "管理效率", "points": 50, "source": "test", "items": [
            {"key": "budgeting", "name": "预算编制", "kind": "checklist", "points": 20, "source": "t"},
            {"key": "assets", "name": "资产管理", "kind": "checklist", "points": 30, "source": "t"},
        ]},
    ],
}


def spec(**changes: Any) -> selfscore.Spec:
    data = copy.deepcopy(SPEC)
    data.update(changes)
    return selfscore.spec_from_dict(data, file="test.toml")


def ind(name: str, target: str, actual: str, group: str = "产出指标", **more: Any) -> dict[str, Any]:
    return {"name": name, "group": group, "target": target, "actual": actual, **more}


FULL_ITEMS = {
    "execution": {"average": "100%"},
    "budgeting": {"shortcomings": []},
    "assets": {"shortcomings": []},
}


def case(indicators: list[dict[str, Any]], items: dict[str, Any] | None = None) -> selfscore.Case:
    return selfscore.case_from_dict({"spec": "test-2024", "department": "测试街道", "year": 2024,
                                     "indicators": indicators, "items": FULL_ITEMS if items is None else items},
                                    file="case.toml")


BENEFITS = [ind("满意度", "≥90%", "95%", group="满意度指标")]


def test_full_marks_total_and_grade() -> None:
    result = selfscore.score(spec(), case([ind("活动次数", "≥10次", "12次"), *BENEFITS]))
    assert (fmt(result.score or 0), result.grade, result.partial) == ("100", "优", False)


def test_proportional_partial_floor_and_rounding() -> None:
    # 20 over 4 -> 5 each; 9/10 -> 4.5; 7/12 is below the 60% floor -> 0; 0.5 × 5 for 部分达成 -> 2.5
    inds = [ind("甲", "10次", "9次"), ind("乙", "12场", "7场"), ind("丙", "达标", "达标"),
            ind("丁", "完成工作", "部分达成", judgement="部分达成"), *BENEFITS]
    result = selfscore.score(spec(), case(inds))
    output = result.item("output")
    assert output is not None
    assert [fmt(i.score) for i in output.indicators] == ["4.5", "0", "5", "2.5"]
    assert fmt(output.score or 0) == "12"
    assert fmt(result.score or 0) == "92" and result.grade == "优"


def test_grade_band_lower_bounds_are_included() -> None:
    s = spec()
    assert [s.grade(D(x)) for x in ("90", "89.99", "80", "79.9", "60", "59.99")] == ["优", "良", "良", "中", "中", "差"]


def test_execution_rate_from_periods_is_the_exact_average() -> None:
    items = {**FULL_ITEMS, "execution": {"periods": [
        {"label": "第一季度", "spent": "20", "budget": "100"},
        {"label": "第二季度", "spent": "45", "budget": "100"},
        {"label": "第三季度", "rate": "70%"},
        {"label": "第四季度", "spent": "98", "budget": "100"},
    ]}}
    # average (20 + 45 + 70 + 98) / 4 = 58.25%; short 41.75 points × 0.1 = 4.175 -> 4.18 (half-up, 2 places)
    result = selfscore.score(spec(), case([ind("甲", "1次", "1次"), *BENEFITS], items))
    execution = result.item("execution")
    assert execution is not None and fmt(execution.score or 0) == "5.83"
    assert "平均支出率 = (20% + 45% + 70% + 98%) ÷ 4 = 58.25%" in execution.trace


def test_checklist_deductions_never_go_below_zero() -> None:
    items = {**FULL_ITEMS, "budgeting": {"shortcomings": [
        {"points": 15, "reason": "未开展事前绩效评估"}, {"points": D("7.5"), "reason": "项目库不完整"}]},
        "assets": {"shortcomings": [{"points": D("0.5"), "reason": "资产卡片未及时登记"}]}}
    result = selfscore.score(spec(), case([ind("甲", "1次", "1次"), *BENEFITS], items))
    assert fmt(result.item("budgeting").score or 0) == "0"  # type: ignore[union-attr]
    assert fmt(result.item("assets").score or 0) == "29.5"  # type: ignore[union-attr]
    assert fmt(result.score or 0) == "79.5" and result.grade == "中"


def test_missing_inputs_make_the_result_partial_without_total() -> None:
    result = selfscore.score(spec(), case([ind("甲", "1次", "1次")], items={"budgeting": {"shortcomings": []}}))
    assert result.partial and result.score is None and result.grade is None
    assert result.missing == ("履职效能 / 效益：未填报 (not reported)", "履职效能 / 部门预算资金支出率：未填报 (not reported)",
                              "管理效率 / 资产管理：未填报 (not reported)")
    assert fmt(result.known_score) == "40" and fmt(result.known_max) == "40"


def test_typed_weights_must_sum_to_the_item_points() -> None:
    good = [ind("甲", "1次", "1次", weight="12.5"), ind("乙", "1次", "1次", weight="7.5"), *BENEFITS]
    result = selfscore.score(spec(), case(good))
    assert [fmt(i.weight) for i in result.item("output").indicators] == ["12.5", "7.5"]  # type: ignore[union-attr]
    bad = [ind("甲", "1次", "1次", weight="12.5"), ind("乙", "1次", "1次", weight="7.4"), *BENEFITS]
    with pytest.raises(CaseError, match=r"二级指标 产出: “产出”各指标分值之和 19.9 不等于该项分值 20 "
                                         r"\(weights do not add up to the item's points\)"):
        selfscore.score(spec(), case(bad))
    mixed = [ind("甲", "1次", "1次", weight="12.5"), ind("乙", "1次", "1次"), *BENEFITS]
    with pytest.raises(CaseError, match=r"二级指标 产出: 部分指标填写了分值、部分没有 "
                                         r"\(weights typed for some indicators only\)；未填: 乙$"):
        selfscore.score(spec(), case(mixed))


def test_every_problem_is_reported_at_once_with_its_place() -> None:
    inds = [ind("甲", "4.0.1次", "1次"), ind("乙", "≥5次", ""), ind("丙", "1次", "1元"), ind("丁", "1次", "1次", group="成效指标"),
            *BENEFITS]
    items = {**FULL_ITEMS, "budgetting": {"shortcomings": []}, "execution": {"shortcomings": []}}
    with pytest.raises(CaseError) as info:
        selfscore.score(spec(), case(inds, items))
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 6, messages
    assert any("items.budgetting" in m and "没有此二级指标" in m for m in messages)
    assert any("items.execution.shortcomings" in m for m in messages)
    assert any("第1个指标「甲」 target" in m and "“4.0.1”" in m for m in messages)
    assert any("第2个指标「乙」 actual" in m and "实现值未填写" in m for m in messages)
    assert any("第3个指标「丙」" in m and "单位" in m for m in messages)
    assert any("第4个指标「丁」 group" in m and "成效指标" in m for m in messages)
    assert all(m.startswith("case.toml: ") for m in messages)


def test_unjudgeable_qualitative_actual_asks_for_a_judgement() -> None:
    with pytest.raises(CaseError, match="judgement"):
        selfscore.score(spec(), case([ind("甲", "打造宜居环境", "按要求落实各项工作"), *BENEFITS]))


def test_summary_deductions_only_when_indicators_are_not_listed() -> None:
    items = {**FULL_ITEMS, "output": {"deductions": [{"points": 1, "reason": "补助发放率不达90%，扣1分"}]}}
    result = selfscore.score(spec(), case(BENEFITS, items))
    assert fmt(result.item("output").score or 0) == "19"  # type: ignore[union-attr]
    with pytest.raises(CaseError, match="已列出指标时不能再按汇总扣分填报"):
        selfscore.score(spec(), case([ind("甲", "1次", "1次"), *BENEFITS], items))


def test_result_is_frozen() -> None:
    result = selfscore.score(spec(), case([ind("甲", "1次", "1次"), *BENEFITS]))
    with pytest.raises(AttributeError):
        result.score = D("1")  # type: ignore[misc]


def test_bare_number_against_a_percent_target_is_refused_in_a_case() -> None:
    # issue 9 item 6: 0.95 against ≥90% was read as 0.95 % (rate 1.06 %, score 0, exit 0)
    bad = [ind("活动次数", "≥10次", "12次"), ind("满意度", "≥90%", "0.95", group="满意度指标")]
    with pytest.raises(CaseError) as exc:
        selfscore.score(spec(), case(bad))
    assert [str(p) for p in exc.value.problems] == [
        "case.toml: 第2个指标「满意度」: 实现值“0.95”没有百分号，而目标值“≥90%”是百分数，无法确定其含义 (a bare number against "
        "a percent target is ambiguous)：请写成 95%（若确指 0.95%，写 0.95%）；表格中也可在设置为百分比格式的单元格中填 0.95"]
    # a bare 0 is 0 in any unit; 95% and 0.95% say what they mean
    for actual, score in (("0", "0"), ("95%", "20"), ("0.95%", "0")):
        result = selfscore.score(spec(), case([ind("活动次数", "≥10次", "12次"),
                                               ind("满意度", "≥90%", actual, group="满意度指标")]))
        assert fmt(result.item("benefit").indicators[0].score) == score  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["yuangang-2023", "jinhua-2024", "project-yongde-2022"])
def test_result_numbers_are_held_as_they_print(name: str) -> None:
    """A library user sees 19.9 and 20, not 19.90 and 20.00: every number in a result is normalised."""
    result = scored(name)
    numbers = [result.max, result.score, result.known_score, result.known_max]
    for part in result.parts:
        numbers += [part.max, part.score]
        for item in part.items:
            numbers += [item.max, item.score] + [x for ind in item.indicators for x in (ind.weight, ind.score)]
    shown = [str(x) for x in numbers if x is not None]
    assert len(shown) > 10
    assert shown == [fmt(x) for x in numbers if x is not None]
