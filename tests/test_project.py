"""Project tables (项目支出绩效自评): the national spec, its variants and the project rules, exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from selfscore.core.errors import CaseError, SelfScoreError, SpecError
from selfscore.core.numbers import Rounding, fmt
from selfscore.core.project import project_rules, read_nature
from selfscore.core.project_case import project_case_from_dict
from selfscore.core.project_score import score_project
from selfscore.core.rules import ReverseDeviation
from selfscore.core.rules.qualitative_band import band_score
from selfscore.core.split import integer_split
from selfscore.inputs.load import bundled_specs, load_spec

NATIONAL = load_spec("mof-2020-project")


def _case(indicators: list[dict[str, Any]], budget: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    row = {"row": "年度资金总额", "budget": "100", "spent": "95", "weight": "10"} if budget is None else budget
    return {"spec": "mof-2020-project", "unit": "示例单位", "project": "示例项目", "year": 2024, "budget": [row],
            "indicators": indicators, **more}


def _ind(name: str, nature: str, target: str, actual: str, weight: str, **more: str) -> dict[str, str]:
    return {"level1": "产出指标", "level2": "数量指标", "name": name, "nature": nature, "target": target, "actual": actual,
            "weight": weight, **more}


def _score(spec_id: str, indicators: list[dict[str, Any]], **more: Any) -> list[str]:
    result = score_project(load_spec(spec_id), project_case_from_dict(_case(indicators, **more), file="t.toml"))
    return [fmt(i.score or Decimal(0)) for p in result.parts for i in p.items] + [fmt(r.score) for r in result.indicators()]


FULL = [_ind("其余指标", "≥", "1", "1", "80")]


def test_every_bundled_project_spec_names_a_source_for_each_rule() -> None:
    project_specs = [s for s in bundled_specs() if s.project]
    assert {s.id for s in project_specs} == {
        "mof-2020-project", "mof-2020-project-integer", "mof-2020-project-truncate1", "mof-2020-project-floor",
        "mof-2020-project-hubei", "mof-2020-project-split", "mof-2020-project-ratio", "mof-2020-project-bands50",
        "mof-2020-project-vendor"}
    for spec in project_specs:
        rules = project_rules(spec)
        assert rules.family == "mof-2020-project"
        assert all(item.rule_source and item.source for item in spec.items())
        assert rules.reverse_source and rules.execution_source and rules.bands_source and spec.grades_source


def test_natures_symbols_full_width_and_codes() -> None:
    assert [read_nature(t) for t in ("≥", "≧", "＞", "═", "＝", "＜", "≤", "1", "2", "3", "4", "5", "6", "")] == [
        ">=", ">=", ">", "==", "==", "<", "<=", ">=", ">", "==", "<", "<=", "qualitative", ""]
    assert read_nature("7") is None


def test_national_execution_and_proportional_without_floor() -> None:
    # 10 × 95/100 = 9.5; 10 × 37.24/43.2 = 8.62 (2 decimals, half-up); 10 × 30% = 3 (no 60 % floor)
    got = _score("mof-2020-project", [_ind("a", "≥", "43.2", "37.24", "10"), _ind("b", "≥", "100", "30", "10"),
                                      _ind("c", "≥", "95", "120", "70")])
    assert got == ["9.5", "81.62", "8.62", "3", "70"]


def test_reverse_deviation_and_ratio_forms() -> None:
    rows = [_ind("成本", "≤", "500", "550", "10"), _ind("超两倍", "5", "500", "1000", "10"), _ind("达标", "4", "500", "400", "10"),
            *FULL[:0], _ind("其余", "≥", "1", "1", "60")]
    assert _score("mof-2020-project", rows)[2:] == ["9", "0", "10", "60"]       # (1 − 50/500) × 10 = 9
    assert _score("mof-2020-project-ratio", rows)[2:] == ["9.09", "5", "10", "60"]  # 10 × 500/550 = 9.0909…


def test_deviation_rule_rounds_once() -> None:
    scored = ReverseDeviation(rounding=Rounding(2)).unmet(Decimal("10"), Fraction(3, 4))  # target 3, actual 4
    assert scored.score == Decimal("6.67")
    assert scored.trace == ("偏离度 = (实际 − 目标) ÷ 目标 = 33.33%；10 × (1 − 33.33%) = ≈6.666667 → 6.67（四舍五入, 2位小数）",)


def test_equal_zero_target() -> None:
    rows = [_ind("事故数", "═", "0", "0", "10"), _ind("投诉数", "3", "0", "2", "10"), _ind("其余", "≥", "1", "1", "70")]
    assert _score("mof-2020-project", rows)[2:] == ["10", "0", "70"]


def test_whole_point_one_decimal_truncation_and_floor_variants() -> None:
    row = [_ind("工程资金", "≥", "43.2", "37.24", "10"), _ind("其余", "≥", "1", "1", "80")]
    budget = {"row": "年度资金总额", "budget": "43.2", "spent": "37.24", "weight": "10"}
    assert _score("mof-2020-project-integer", row, budget=budget)[:3] == ["9", "89", "9"]
    assert _score("mof-2020-project-truncate1", [_ind("a", "≥", "10", "1.897", "10"), *row[1:]])[2] == "1.8"
    assert _score("mof-2020-project-floor", [_ind("知晓率", "═", "100", "98", "10"), *row[1:]])[2] == "9"


def test_hubei_execution_is_20_points() -> None:
    got = _score("mof-2020-project-hubei", [_ind("a", "≥", "1", "1", "80")], budget={"row": "总额", "budget": "10", "spent": "9.8"})
    assert got[:2] == ["19.6", "80"]


def test_integer_split_of_level_points() -> None:
    assert integer_split({"产出指标": Decimal(50), "效益指标": Decimal(30)}, ["产出指标"] * 3 + ["效益指标"] * 4 + ["满意度指标"]) == (
        Decimal(17), Decimal(17), Decimal(17), Decimal(8), Decimal(8), Decimal(8), Decimal(8), None)


def test_qualitative_bands_typed_score_checked_and_explained() -> None:
    rules = project_rules(NATIONAL)
    assert band_score(rules.band("部分达成"), Decimal(10), Decimal(7), rules.untyped, "src", "asks").trace == (
        "定性指标：填报得分 7，在 部分达成 区间 [60%, 80%) × 分值 10 = [6, 8) 内",)
    with pytest.raises(SelfScoreError, match=r"不在“部分达成”的得分区间内.*\[6, 8\)"):
        band_score(rules.band("部分达成"), Decimal(10), Decimal(8), rules.untyped, "src", "asks")
    with pytest.raises(SelfScoreError, match=r"定性指标未填写得分.*达成 区间 \[80%, 100%\]"):
        band_score(rules.band("达成"), Decimal(10), None, rules.untyped, "src", "asks")
    fifty = project_rules(load_spec("mof-2020-project-bands50"))
    assert band_score(fifty.band("部分达成"), Decimal(10), Decimal(5), None, "", "").score == Decimal(5)


def test_qualitative_long_wording_in_a_case() -> None:
    rows = [_ind("满意", "6", "有效", "部分达成年度指标并具有一定效果", "10", score="6.5"), _ind("其余", "≥", "1", "1", "80")]
    assert _score("mof-2020-project", rows)[2:] == ["6.5", "80"]


def test_grades_national_and_vendor() -> None:
    assert [NATIONAL.grade(Decimal(v)) for v in ("90", "89.99", "80", "60", "59.99")] == ["优", "良", "良", "中", "差"]
    vendor = load_spec("mof-2020-project-vendor")
    assert [vendor.grade(Decimal(v)) for v in ("80", "79.99", "70", "60", "59.99")] == ["优", "良", "良", "中", "差"]


def _problems(data: dict[str, Any], spec: str = "mof-2020-project") -> list[str]:
    with pytest.raises(CaseError) as info:
        score_project(load_spec(spec), project_case_from_dict(data, file="bad.toml"))
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("budget", "message"), [
    ({"row": "年度资金总额", "spent": "95"}, "资金第1行「年度资金总额」的 budget: 缺少全年预算数"),
    ({"row": "年度资金总额", "budget": "0", "spent": "95"}, "资金第1行「年度资金总额」的 budget: 全年预算数为 0"),
    ({"row": "年度资金总额", "budget": "100", "spent": "101"}, "资金第1行「年度资金总额」的 spent: 执行率 101% 超过 100%"),
    ({"row": "年度资金总额", "budget": "100 元", "spent": "95", "weight": "10"}, "金额单位“元”与表中声明的“万元”不一致"),
])
def test_bad_budget_is_named_by_row_and_column(budget: dict[str, str], message: str) -> None:
    problems = _problems(_case([*FULL, _ind("b", "≥", "1", "1", "10")], budget=budget))
    assert any(message in p for p in problems), problems


def test_bad_indicator_cells_are_all_reported_nothing_guessed() -> None:
    rows = [_ind("代码", "7", "1", "1", "10"), _ind("定性", "6", "有效", "部分达成", "10", score="9"),
            _ind("单位", "≥", "100", "98 万元", "10", unit="人次"), _ind("未填", "6", "有效", "达成", "60")]
    problems = _problems(_case(rows))
    assert len(problems) == 4
    assert "第1个指标「代码」: 指标性质“7”无法识别" in problems[0]
    assert "定性指标得分 9 不在“部分达成”的得分区间内" in problems[1]
    assert "实际完成值“98 万元”的单位“万元”与度量单位“人次”不一致" in problems[2]
    assert "定性指标未填写得分" in problems[3]


def test_execution_above_100_is_capped_when_a_spec_declares_it(tmp_path: Any) -> None:
    spec = tmp_path / "capped.toml"
    spec.write_text('id = "capped"\nextends = "mof-2020-project"\ntitle = "封顶"\nsource = "test"\n[project]\n'
                    'execution_above = "cap"\nexecution_source = "test: capped"\n', encoding="utf-8")
    got = score_project(load_spec(str(spec)), project_case_from_dict(
        _case([*FULL, _ind("b", "≥", "1", "1", "10")], budget={"row": "总额", "budget": "100", "spent": "101"})))
    execution = got.item("execution")
    assert execution is not None and execution.score == Decimal(10)
    assert "执行率超过 100%，按 100% 封顶计分（test: capped）" in execution.trace


def test_weights_must_add_up_to_the_indicator_total() -> None:
    problems = _problems(_case([_ind("a", "≥", "1", "1", "50"), _ind("b", "≥", "1", "1", "50")]))
    assert problems == ["bad.toml: 第1个指标「a」的 weight … 第2个指标「b」的 weight: “产出、效益、满意度指标”各指标分值之和 100 "
                        "不等于该项分值 90 (weights do not add up to the item's points)"]


def test_reverse_deviation_scores_the_same_scalar_and_batch() -> None:
    import copy

    from test_engine import SPEC, case, ind

    import selfscore as s
    from selfscore.batch.dept import score_batch, table_from_cases

    data: dict[str, Any] = copy.deepcopy(SPEC)
    data["parts"][0]["items"][0]["rule"] = {"kind": "reverse_deviation", "source": "test", "rounding": {"places": 1}}
    spec = s.spec_from_dict(data, file="rev.toml")
    the_case = case([ind("a", "≤10", "12"), ind("b", "≤10", "25"), ind("c", "≤3", "4"), ind("d", "≤10", "9"),
                     ind("e", "≤0.9", "1.7"), ind("f", "≥90%", "95%", group="效益指标")])
    want = s.score(spec, the_case)
    output = want.item("output")
    assert output is not None
    assert [str(i.score) for i in output.indicators] == ["3.2", "0", "2.7", "4", "0.4"]  # 4 × (1 − 20%) = 3.2 …
    table, depts = table_from_cases([the_case])
    got = score_batch(spec, table, depts)
    assert [str(d) for d in got.scores.decimals()][:5] == ["3.2", "0", "2.7", "4.00", "0.4"]
    assert got.departments[0].score == want.score


def test_whole_point_split_variant_shares_each_level() -> None:
    rows = [dict(_ind(f"产出{k}", "≥", "1", "1", ""), level1="产出指标") for k in range(3)]
    rows += [dict(_ind(f"效益{k}", "≥", "1", "1", ""), level1="效益指标") for k in range(4)]
    rows += [dict(_ind("满意度", "≥", "90", "81", ""), level1="满意度指标")]
    got = _score("mof-2020-project-split", rows)
    # 50/3 → 17, 30/4 = 7.5 → 8 (half-up), 10 × 81/90 = 9; the shares need not add up to 90
    assert got == ["9.5", "92", "17", "17", "17", "8", "8", "8", "8", "9"]
    rows.append(dict(_ind("其他", "≥", "1", "1", ""), level1="其他指标"))
    problems = _problems(_case(rows), "mof-2020-project-split")
    assert any("一级指标“其他指标”在评分规范 mof-2020-project-split 中没有分值" in p for p in problems)


def test_a_typed_execution_weight_other_than_the_spec_is_refused() -> None:
    budget = {"row": "总额", "budget": "10", "spent": "10", "weight": "20"}
    problems = _problems(_case([*FULL, _ind("b", "≥", "1", "1", "10")], budget=budget))
    assert problems == ["bad.toml: 资金第1行「总额」的 weight: 预算执行率分值“20”与评分规范 mof-2020-project 的 10 分不符 "
                        "(weight differs from the spec)"]


def test_a_spec_may_declare_the_point_of_the_band_used_without_a_typed_score(tmp_path: Any) -> None:
    spec = tmp_path / "shares.toml"
    head = 'id = "shares"\nextends = "mof-2020-project"\ntitle = "取值"\nsource = "test"\n[project.qualitative]\n'
    bands = ('bands = [{ outcome = "达成", low = 0.8, high = 1, closed = true }, { outcome = "部分达成", low = 0.6, high = 0.8 },'
             ' { outcome = "未达成", low = 0, high = 0.6 }]\nsource = "test bands"\nuntyped_source = "test: lower ends"\n')
    spec.write_text(head + bands + 'untyped = { "达成" = 1, "部分达成" = 0.6, "未达成" = 0 }\n', encoding="utf-8")
    rows = [_ind("定性", "6", "有效", "部分达成", "10"), _ind("其余", "≥", "1", "1", "80")]
    result = score_project(load_spec(str(spec)), project_case_from_dict(_case(rows)))
    first = result.indicators()[0]
    assert first.score == Decimal("6.0") and "按评分规范取 10 × 0.6 = 6" in first.trace[-1]
    spec.write_text(head + bands + 'untyped = { "达成" = 1, "部分达成" = 0.8, "未达成" = 0 }\n', encoding="utf-8")
    with pytest.raises(SpecError, match=r"比例 0.8 不在区间 \[60%, 80%\) 内"):
        project_rules(load_spec(str(spec)))


def test_a_typed_execution_rate_must_be_a_percentage() -> None:
    """Only a rate typed (no amounts): ``98%`` scores 9.8; a bare ``0.98`` is not read as 0.98 %."""
    ok = score_project(load_spec("mof-2020-project"), project_case_from_dict(
        _case([*FULL, _ind("b", "≥", "1", "1", "10")], budget={"row": "年度资金总额", "rate": "98%", "weight": "10"}), file="t.toml"))
    execution = ok.item("execution")
    assert execution is not None and execution.score == Decimal("9.8")
    problems = _problems(_case([*FULL, _ind("b", "≥", "1", "1", "10")], budget={"row": "年度资金总额", "rate": "0.98", "weight": "10"}))
    assert problems == ["bad.toml: 资金第1行「年度资金总额」的 rate: 执行率“0.98”有误：应写成百分数文本，如 \"95%\" "
                        "(must be a percentage text such as \"95%\"): “0.98”"]
