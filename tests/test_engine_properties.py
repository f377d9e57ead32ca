"""Whole-table invariants, on random departments under the bundled specs.

totals never exceed their maxima, every score stays within 0..points, a score shown
with rate 100% is its weight (strict targets met at equality included), a result is
partial exactly when something is missing, and more achievement never scores less.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import selfscore

SPECS = {name: selfscore.load_spec(name) for name in ("liwan-2024", "tianhe-2023", "tianhe-2023-truncate")}
UNITS = ("%", "次", "人次", "万元", "")


@st.composite
def indicators(draw: st.DrawFn, group: str) -> dict[str, Any]:
    unit = draw(st.sampled_from(UNITS))
    comparator = draw(st.sampled_from(("≥", "≤", "", "超过", "<")))
    target = draw(st.integers(0, 500))
    actual = draw(st.integers(0, 600))
    return {"name": f"指标{draw(st.integers(0, 10**6))}", "group": group,
            "target": f"{comparator}{target}{unit}", "actual": f"{Decimal(actual) / 4}{unit}"}


@st.composite
def departments(draw: st.DrawFn) -> tuple[selfscore.Spec, dict[str, Any]]:
    spec_id = draw(st.sampled_from(sorted(SPECS)))
    spec = SPECS[spec_id]
    inds = []
    for group in ("产出指标", "效益指标"):
        inds += draw(st.lists(indicators(group), min_size=0, max_size=7, unique_by=lambda d: d["name"]))  # listed once
    items: dict[str, Any] = {}
    for item in spec.items():
        if draw(st.booleans()) is False:
            continue  # not reported
        if item.kind == "execution_rate":
            items[item.key] = {"average": f"{draw(st.integers(0, 120))}%"}
        elif item.kind == "checklist":
            points = draw(st.lists(st.integers(0, 40), max_size=3))
            items[item.key] = {"shortcomings": [{"points": Decimal(p) / 4, "reason": "问题"} for p in points]}
    data = {"spec": spec_id, "department": "测试街道", "year": spec.year, "indicators": inds, "items": items}
    return spec, data


def _score(spec: selfscore.Spec, data: dict[str, Any]) -> selfscore.Result:
    return selfscore.score(spec, selfscore.case_from_dict(data))


@settings(max_examples=150, deadline=None)
@given(departments())
def test_scores_stay_within_their_maxima(dept: tuple[selfscore.Spec, dict[str, Any]]) -> None:
    spec, data = dept
    result = _score(spec, data)
    for part in result.parts:
        for item in part.items:
            if item.score is not None:
                assert item.max is not None and 0 <= item.score <= item.max
            rule = spec.item(item.key).rule  # type: ignore[union-attr]
            for ind in item.indicators:
                assert 0 <= ind.score <= ind.weight
                if ind.rate == 1 and (ind.completion.met or (rule is not None and rule.scores_by_rate)):
                    assert ind.score == ind.weight  # a score shown with rate 100% is its weight
        if part.score is not None:
            assert part.max is not None and 0 <= part.score <= part.max
    assert 0 <= result.known_score <= result.known_max <= result.max
    assert result.partial == bool(result.missing) == (result.score is None)
    if result.score is not None:
        assert result.score <= result.max == 100 and result.grade is not None


@settings(max_examples=150, deadline=None)
@given(departments(), st.data())
def test_more_achievement_never_scores_less(dept: tuple[selfscore.Spec, dict[str, Any]], data: st.DataObject) -> None:
    spec, case = dept
    if not case["indicators"]:
        return
    before = _score(spec, case)
    k = data.draw(st.integers(0, len(case["indicators"]) - 1))
    ind = dict(case["indicators"][k])
    target = selfscore.parse_target(ind["target"])
    value = selfscore.parse_actual(ind["actual"]).value
    assert value is not None
    step = Decimal(data.draw(st.integers(1, 200))) / 4
    better = value - step if target.lower_is_better else value + step
    if better < 0:
        return
    ind["actual"] = f"{better}{target.unit}"
    after_case = {**case, "indicators": [*case["indicators"][:k], ind, *case["indicators"][k + 1:]]}
    after = _score(spec, after_case)
    assert after.known_score >= before.known_score
    item_before = next(i for p in before.parts for i in p.items if any(x.name == ind["name"] for x in i.indicators))
    item_after = after.item(item_before.key)
    assert item_after is not None and item_after.score is not None and item_before.score is not None
    assert item_after.score >= item_before.score
