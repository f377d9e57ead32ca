"""Issue 9 items 1-5: each defect fixed at its root, on every path (case, sheet, batch, JSON).

1. 成本指标: a bare number is a ceiling, declared per category in the spec.
2. Step deductions round the score, once (liwan-2024, 93.45% -> 9.35).
3. A strict target met only at equality: 未达成, rate 100%, the full weight on every weight.
4. Traces show only operations performed (a capped score shows the rounding, then the cap).
5. 部分达成 by share: JSON ``rate`` is the share applied.
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal as D
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import attrs
import pytest
from test_batch_dept import random_case, run_batch
from test_engine import SPEC, case, ind

import selfscore as s
from selfscore.batch.dept import score_batch, table_from_cases
from selfscore.batch.io import read_input
from selfscore.inputs.sheet import load_sheet_case
from selfscore.outputs.render import result_to_json

# --- 1. cost indicators ---------------------------------------------------------------------

COST = [ind("办公经费", "500万元", "600万元", category="成本指标"), ind("节约", "500万元", "493.3万元", category="成本指标"),
        ind("活动", "500万元", "493.3万元", category="数量指标"), ind("显式", "≥500万元", "600万元", category="成本指标"),
        ind("覆盖", "500万元", "600万元", category="成本指标", lower_is_better=False)]


def _cost_spec() -> s.Spec:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    data["directions"] = [{"categories": ["成本指标"], "lower_is_better": True, "source": "docs/domain.md §2"}]
    return s.spec_from_dict(data, file="cost.toml")


def test_bare_number_is_a_ceiling_for_cost_indicators_in_cases_and_batch() -> None:
    spec = _cost_spec()
    the_case = case([*COST, ind("满意度", "≥90%", "95%", group="效益指标")])
    result = s.score(spec, the_case)
    got = {i.name: (i.target.comparator, i.completion.outcome, str(i.score)) for i in result.indicators()[:5]}
    assert got == {
        "办公经费": ("<=", "未达成", "3.3"),  # 4 × 500/600 = 3.333 -> 3.3 (spending more than the ceiling)
        "节约": ("<=", "达成", "4"),  # spending less meets a ceiling
        "活动": (">=", "未达成", "3.9"),  # a 数量指标 stays "at least": 4 × 493.3/500 = 3.9464 -> 3.9
        "显式": (">=", "达成", "4"),  # an explicit comparator in the text wins
        "覆盖": (">=", "达成", "4"),  # the case's own lower_is_better wins
    }
    table, depts = table_from_cases([the_case])
    batch = score_batch(spec, table, depts)
    assert [str(d) for d in batch.scores.decimals()[:5]] == ["3.3", "4.00", "3.9", "4.00", "4.00"]
    assert batch.departments[0].score == result.score


def test_bundled_specs_declare_cost_indicators_lower_is_better() -> None:
    for name in ("liwan-2024", "tianhe-2023", "tianhe-2023-truncate"):
        spec = s.load_spec(name)
        assert spec.lower_is_better(category="成本指标") is True
        assert spec.lower_is_better(category="成本指标", declared=False) is False
        assert spec.lower_is_better(category="数量指标") is None
        assert all("docs/domain.md §2" in d.source for d in spec.directions)


def test_cost_direction_on_a_sheet_and_a_batch_csv(tmp_path: Path) -> None:
    header = "一级指标,二级指标,三级指标,年度目标值,年度实现值,完成率,分值,得分,偏差原因\n"
    rows = "产出指标,成本指标,办公经费,500万元,600万元,,,,\n产出指标,数量指标,活动次数,10次,10次,,,,\n"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("测试街道2023年度部门整体支出绩效自评表\n" + header + rows, encoding="utf-8")
    the_case, spec = load_sheet_case(sheet, "tianhe-2023", department="测试街道", year=2023)
    scores = {i.name: str(i.score) for i in s.score(spec, the_case).indicators()}
    assert scores == {"办公经费": "8.3", "活动次数": "10"}  # 10 × 500/600 = 8.33 -> 8.3, not full marks
    csv = tmp_path / "batch.csv"
    csv.write_text("部门,一级指标,二级指标,三级指标,年度目标值,年度实现值\n测试街道,产出指标,成本指标,办公经费,500万元,600万元\n"
                   "测试街道,产出指标,数量指标,活动次数,10次,10次\n", encoding="utf-8")
    batches, failures = read_input(csv, spec="tianhe-2023")
    assert not failures
    result = score_batch(batches[0].spec, batches[0].table, batches[0].departments)
    assert [str(d) for d in result.scores.decimals()] == ["8.3", "10.00"]


@pytest.mark.parametrize("spec_id", ["tianhe-2023", "liwan-2024"])
def test_cost_direction_batch_equals_scalar_on_random_departments(spec_id: str) -> None:
    spec = s.load_spec(spec_id)
    rng = random.Random(f"cost-{spec_id}")
    cases = []
    for n in range(40):
        drawn = random_case(rng, spec, n)
        inds = tuple(attrs.evolve(i, category=rng.choice(["成本指标", "成本", "数量指标", ""])) for i in drawn.indicators)
        items = {k: v for k, v in drawn.items.items() if spec.item(k) is not None}
        cases.append(attrs.evolve(drawn, indicators=inds, items=items))
    run_batch(spec, cases)
    lowered = [i for c in cases for i in c.indicators if i.category in ("成本指标", "成本") and i.lower_is_better is None]
    assert len(lowered) > 20  # the declaration was exercised


def test_directions_are_checked() -> None:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    data["directions"] = [{"lower_is_better": True, "source": "t"},
                          {"categories": ["成本指标"], "lower_is_better": True, "source": "t"},
                          {"categories": ["成本指标"], "lower_is_better": False}]
    with pytest.raises(s.SpecError) as exc:
        s.spec_from_dict(data, file="d.toml")
    text = str(exc.value)
    assert "directions[0]" in text and "groups 或 categories" in text
    assert "declared twice" in text and "directions[2]" in text and "source" in text


# --- 2. step deductions round the score -----------------------------------------------------


def test_liwan_execution_rate_93_45_scores_9_35() -> None:
    spec = s.load_spec("liwan-2024")
    the_case = s.case_from_dict({"spec": "liwan-2024", "department": "测试街道", "year": 2024, "indicators": [],
                                 "items": {"execution": {"average": "93.45%"}}}, file="c.toml")
    item = s.score(spec, the_case).item("execution")
    assert item is not None and item.score == D("9.35")  # 10 − 0.1 × 6.55 = 9.345 -> 9.35 half-up (not 10 − 0.66)
    assert item.trace[-1] == "差 6.55%，每 1% 扣 0.1 分：10 − 0.1 × 6.55% ÷ 1% = 9.345 → 9.35（四舍五入, 2位小数）"


def test_step_deduction_with_truncation_rounds_the_score_down() -> None:
    # 0.05 per percentage point, 89.99% against 90%: exact 20 − 0.05 × 0.0111… = 19.99944… -> 19.99 truncated
    rule = s.StepDeduction(step="0.01", points="0.05", rounding=s.Rounding(2, "truncate"))
    done = s.completion(s.parse_target("≥90%"), s.parse_actual("89.99%"))
    assert s.apply_rule(rule, D(20), done).score == D("19.99")


# --- 3. strict targets met only at equality -------------------------------------------------


@pytest.mark.parametrize("weight", ["6.67", "3.34", "0.03", "4", "3.335"])
@pytest.mark.parametrize("rounding", [s.Rounding(1), s.Rounding(1, "truncate"), s.Rounding(0), s.Rounding(2)])
def test_strict_target_at_equality_scores_the_weight_on_every_weight(weight: str, rounding: s.Rounding) -> None:
    done = s.completion(s.parse_target("超过90%"), s.parse_actual("90%"))
    assert (done.outcome, done.rate) == ("未达成", 1)
    for rule in (s.Proportional(floor="0.6", rounding=rounding),
                 s.StepDeduction(step="0.01", points="0.1", rounding=rounding),
                 s.FixedDeduction(threshold="0.9", points="1", rounding=rounding)):
        scored = s.apply_rule(rule, D(weight), done)
        assert scored.score.as_tuple() == D(weight).as_tuple(), rule  # the weight as given, never re-rounded
        assert "完成率 100%" in scored.trace[-1] and "未达成" in scored.trace[-1]
    assert s.apply_rule(s.AllOrNothing(rounding=rounding), D(weight), done).score == 0  # scores by outcome


def test_strict_target_at_equality_batch_equals_scalar() -> None:
    from batch_support import batch, scalar

    rows = [("超过90%", "90%", w, None, None) for w in ("6.67", "3.34", "0.03")] + [("<5次", "5次", "3.34", None, None)]
    for rule in (s.Proportional(rounding=s.Rounding(1)), s.StepDeduction(step="0.01", points="0.1", rounding=s.Rounding(0)),
                 s.AllOrNothing()):
        assert [str(x) for x in batch(rule, rows)] == [str(scalar(rule, r)) for r in rows]


# --- 4. honest traces -----------------------------------------------------------------------


def test_a_capped_score_shows_the_rounding_then_the_cap() -> None:
    # 2.86 × 99.9% = 2.85714 rounds to 2.9 at one place, above the weight: the score is the weight
    done = s.completion(s.parse_target("≥1000"), s.parse_actual("999"))
    scored = s.apply_rule(s.Proportional(rounding=s.Rounding(1)), D("2.86"), done)
    assert scored.score == D("2.86")
    assert scored.trace[-1] == "2.86 × 99.9% = 2.85714 → 2.9（四舍五入, 1位小数），超过权重 2.86，取 2.86"
    step = s.apply_rule(s.StepDeduction(step="0.01", points="0.001", rounding=s.Rounding(1)), D("2.86"), done)
    assert step.score == D("2.86") and step.trace[-1].endswith("→ 2.9（四舍五入, 1位小数），超过权重 2.86，取 2.86")
    partly = s.Completion("部分达成", None, None, True, ())
    half = s.apply_rule(s.AllOrNothing(partial_share="0.99", rounding=s.Rounding(1)), D("2.86"), partly)
    assert half.trace[-1] == "部分达成：2.86 × 0.99 = 2.8314 → 2.8（四舍五入, 1位小数）"
    whole = s.apply_rule(s.AllOrNothing(partial_share="1", rounding=s.Rounding(1)), D("2.86"), partly)
    assert whole.trace[-1] == "部分达成：2.86 × 1 = 2.86 → 2.9（四舍五入, 1位小数），超过权重 2.86，取 2.86"


def test_a_score_below_zero_shows_the_difference_then_the_floor() -> None:
    done = s.completion(s.parse_target("100%"), s.parse_actual("0%"))
    scored = s.apply_rule(s.StepDeduction(step="0.01", points="0.1"), D(5), done)
    assert scored.score == 0
    assert scored.trace[-1] == "差 100%，每 1% 扣 0.1 分：5 − 0.1 × 100% ÷ 1% = -5 → 0（不低于 0）"
    fixed = s.apply_rule(s.FixedDeduction(threshold="0.9", points="3"), D(2), done)
    assert fixed.score == 0 and fixed.trace[-1] == "完成率 0% 低于 90%，扣 3 分：2 − 3 = -1 → 0（不低于 0）"
    kept = s.apply_rule(s.FixedDeduction(threshold="0.9", points="1"), D(2), done)
    assert kept.trace[-1] == "完成率 0% 低于 90%，扣 1 分：2 − 1 = 1"


# --- 5. 部分达成 by share in JSON ---------------------------------------------------------------


def test_partial_by_share_reports_the_share_as_its_rate() -> None:
    data: dict[str, Any] = copy.deepcopy(SPEC)
    spec = s.spec_from_dict(data, file="t.toml")
    result = s.score(spec, case([ind("甲", "完成工作", "部分达成", judgement="部分达成"),
                                 ind("满意度", "≥90%", "95%", group="效益指标")]))
    partly = result.indicators()[0]
    assert partly.rate == F(1, 2) and partly.completion.rate is None
    as_json = result_to_json(result)["parts"][0]["items"][0]["indicators"][0]
    assert as_json["rate"] == {"percent": "50", "fraction": "1/2"}
    assert as_json["rate_uncapped"] is None and as_json["outcome"] == "部分达成"
