"""Department-level batch scoring against ``score(spec, case)``, case by case.

Random specs (every rule kind, split places and leftover orders, unknown parts) and
random cases (split and typed weights, wrong weight sums, unknown groups, bad
texts, execution rates, checklists, summary deductions) are scored both ways; every
number must be the same Decimal, and every refused case refused with the scalar
engine's own message, without stopping the rest of the batch.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from batch_support import random_row

import selfscore as s
from selfscore.batch.dept import DepartmentResult, score_batch, table_from_cases
from selfscore.core.numbers import normalized

D = Decimal


def _rule(rng: random.Random) -> dict[str, Any]:
    rounding = {"places": rng.randint(0, 4), "mode": rng.choice(["half_up", "truncate"])}
    kind = rng.choice(["proportional", "all_or_nothing", "fixed_deduction", "step_deduction"])
    rule: dict[str, Any] = {"kind": kind, "source": "t", "rounding": rounding}
    if rng.random() < 0.7:
        rule["partial_share"] = D(rng.choice(["0.5", "0.8", "0.6"]))
    if kind == "proportional":
        rule["floor"] = D(rng.choice(["0", "0.6", "0.5"]))
    elif kind == "fixed_deduction":
        rule.update(threshold=D(rng.choice(["0.9", "0.6", "1"])), points=D(rng.choice(["1", "0.5", "2"])))
    elif kind == "step_deduction":
        rule.update(step=D(rng.choice(["0.01", "0.1"])), points=D(rng.choice(["0.1", "1", "0.25"])))
    return rule


def random_spec(rng: random.Random, n: int) -> s.Spec:
    out_pts, ben_pts = rng.choice([(20, 20), (D("15.5"), D("24.5")), (30, 10)])
    items: list[dict[str, Any]] = [
        {"key": "output", "name": "产出", "kind": "indicators", "groups": ["产出指标"], "points": out_pts, "source": "t",
         "split": {"places": rng.choice([1, 2, 2, 3]), "leftover": rng.choice(["ends", "first", "last"]), "source": "t"},
         "rule": _rule(rng)},
        {"key": "benefit", "name": "效益", "kind": "indicators", "groups": ["效益指标", "满意度指标"], "points": ben_pts,
         "source": "t", "rule": _rule(rng)},
        {"key": "execution", "name": "部门预算资金支出率", "kind": "execution_rate", "points": 10, "source": "t",
         "rule": {"kind": "step_deduction", "step": D("0.01"), "points": D("0.1"), "source": "t"}},
    ]
    perf_pts = sum(D(i["points"]) for i in items)
    parts: list[dict[str, Any]] = [{"key": "perf", "name": "履职效能", "points": perf_pts, "source": "t", "items": items}]
    rest = 100 - perf_pts
    if rng.random() < 0.3:
        parts.append({"key": "mgmt", "name": "管理效率", "unknown": True, "source": "t"})
    else:
        parts.append({"key": "mgmt", "name": "管理效率", "points": rest, "source": "t", "items": [
            {"key": "budgeting", "name": "预算编制", "kind": "checklist", "points": rest - 10, "source": "t"},
            {"key": "assets", "name": "资产管理", "kind": "checklist", "points": 10, "source": "t"}]})
    return s.spec_from_dict({"id": f"rand-{n}", "title": "随机规范", "year": 2024, "total": 100, "source": "t",
                             "grades": {"source": "t", "bands": [{"grade": "优", "min": 90}, {"grade": "良", "min": 80},
                                                                 {"grade": "中", "min": 60}, {"grade": "差", "min": 0}]},
                             "parts": parts})


def random_case(rng: random.Random, spec: s.Spec, n: int) -> s.Case:
    indicators = []
    for _ in range(rng.choice([0, 1, 3, 6, 11])):
        target, actual, _w, judgement, lower = random_row(rng)
        group = rng.choice(["产出指标", "产出指标", "效益指标", "满意度指标"] + (["未知指标"] if rng.random() < 0.02 else []))
        ind: dict[str, Any] = {"name": f"指标{len(indicators)}", "group": group, "target": target or "达标",
                               "actual": actual}
        if judgement is not None:
            ind["judgement"] = judgement
        if lower is not None:
            ind["lower_is_better"] = lower
        indicators.append(ind)
    # typed weights for one item, now and then: right, wrong, or incomplete
    if indicators and rng.random() < 0.25:
        item = spec.item("output")
        assert item is not None and item.points is not None
        mine = [i for i in indicators if i["group"] == "产出指标"]
        if mine:
            shares = list(s.split_points(item.points, len(mine), places=rng.choice([2, 3])))
            if rng.random() < 0.3 and len(shares) > 1:
                shares[0] += D("0.01")
                shares[-1] -= D("0.01") if rng.random() < 0.5 else 0
            for i, w in zip(mine, shares, strict=True):
                i["weight"] = w
            if rng.random() < 0.1:
                del mine[0]["weight"]
    items: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.6:
        items["execution"] = {"average": rng.choice(["95%", "100%", "87.35%", "101%", "0%"])}
    elif roll < 0.75:
        items["execution"] = {"periods": [{"rate": "90%"}, {"spent": D("45.5"), "budget": D("50")}]}
    if spec.item("budgeting") is not None and rng.random() < 0.8:
        items["budgeting"] = {"shortcomings": rng.choice([[], [{"points": D("1"), "reason": "未按时公开"}],
                                                          [{"points": D("50"), "reason": "严重"}]])}
        items["assets"] = {"shortcomings": []}
    if rng.random() < 0.1:
        items["output"] = {"deductions": [{"points": D("1"), "reason": "发放率不达90%，扣1分"}]}
    if rng.random() < 0.02:
        items["nonexistent"] = {"shortcomings": []}
    return s.case_from_dict({"spec": spec.id, "department": f"部门{n}", "year": 2024, "indicators": indicators,
                             "items": items}, file=f"case{n}.toml")


def assert_same(spec: s.Spec, case: s.Case, got: DepartmentResult, indicator_scores: list[Decimal | None]) -> None:
    try:
        want = s.score(spec, case)
    except s.InputError as exc:
        assert got.error is not None, (case, got)
        assert got.error == "；".join(str(p) for p in exc.problems)
        return
    except (s.SelfScoreError, ValueError) as exc:
        assert got.error == str(exc)
        return
    assert got.error is None, (got.error, case)

    def tup(d: Decimal | None) -> object:
        return None if d is None else d.as_tuple()

    assert tup(got.score) == tup(want.score)
    assert got.grade == want.grade and got.partial == want.partial
    assert tup(got.known_score) == tup(want.known_score) and tup(got.known_max) == tup(want.known_max)
    assert got.missing == want.missing
    assert [(k, tup(v)) for k, _, v, _ in got.parts] == [(p.key, tup(p.score)) for p in want.parts]
    want_items = [(i.key, i.status, tup(i.score)) for p in want.parts for i in p.items]
    assert [(i.key, i.status, tup(i.score)) for i in got.items] == want_items
    # the rows hold each rule's Decimal as apply_rule gives it (exponent and all: test_batch_differential);
    # a result holds it normalised, as it prints
    assert [tup(None if x is None else normalized(x)) for x in indicator_scores] == [tup(i.score) for i in want.indicators()]


def run_batch(spec: s.Spec, cases: list[s.Case]) -> None:
    table, depts = table_from_cases(cases)
    result = score_batch(spec, table, depts)
    decimals = result.scores.decimals()
    for d, case in enumerate(cases):
        mine = [i for i in range(len(result.row_dept)) if result.row_dept[i] == d]
        # the scalar engine lists indicators item by item, in case order within an item
        mine.sort(key=lambda i: (int(result.row_item[i]), int(result.row_source[i])))
        assert_same(spec, case, result.departments[d], [decimals[i] for i in mine])


@pytest.mark.parametrize("seed", range(12))
def test_random_specs_and_cases(seed: int) -> None:
    rng = random.Random(seed)
    spec = random_spec(rng, seed)
    cases = [random_case(rng, spec, n) for n in range(40)]
    run_batch(spec, cases)


@pytest.mark.parametrize("spec_id", ["tianhe-2023", "tianhe-2023-truncate", "liwan-2024"])
def test_bundled_specs(spec_id: str) -> None:
    spec = s.load_spec(spec_id)
    rng = random.Random(spec_id)
    cases = []
    for n in range(40):
        case = random_case(rng, spec, n)
        items = {k: v for k, v in case.items.items() if spec.item(k) is not None or k == "nonexistent"}
        cases.append(s.Case(spec=spec.id, department=case.department, year=case.year, indicators=case.indicators,
                            items=items, file=case.file))
    run_batch(spec, cases)


def test_golden_cases() -> None:
    for file, total in (("cases/yuangang-2023.toml", None), ("cases/jinhua-2024.toml", Decimal("98.5"))):
        case, spec = s.load_case_and_spec(file)
        run_batch(spec, [case])
        table, depts = table_from_cases([case])
        got = score_batch(spec, table, depts).departments[0]
        assert got.score == total


def test_a_bad_department_does_not_stop_the_others() -> None:
    spec = s.load_spec("tianhe-2023")
    good = s.case_from_dict({"spec": spec.id, "department": "甲", "year": 2023, "indicators": [
        {"name": "a", "group": "产出指标", "target": "≥95%", "actual": "96%"}]})
    bad = s.case_from_dict({"spec": spec.id, "department": "乙", "year": 2023, "indicators": [
        {"name": "b", "group": "产出指标", "target": "≥95%", "actual": "三次"}]})
    table, depts = table_from_cases([good, bad, good])
    result = score_batch(spec, table, depts)
    assert [d.ok for d in result.departments] == [True, False, True]
    assert "三次" in (result.departments[1].error or "")
    assert [r["name"] for r in result.indicator_rows()] == ["a", "a"]
