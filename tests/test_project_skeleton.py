"""Project case skeletons from a target-table export score under the national spec once filled."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from selfscore.core.numbers import fmt
from selfscore.core.project_case import project_case_from_dict
from selfscore.core.project_score import score_project
from selfscore.core.split import split_points
from selfscore.inputs.files import read_text
from selfscore.inputs.import_targets import parse_target_export
from selfscore.inputs.load import load_spec
from selfscore.inputs.project_skeleton import project_skeletons

EXPORT = Path(__file__).resolve().parent / "data/import/yungang-2024-project-targets.txt"


def test_skeletons_carry_nature_target_and_unit() -> None:
    skeletons = project_skeletons(parse_target_export(read_text(EXPORT)[0]), source="yungang export")
    assert len(skeletons) == 6
    first = tomllib.loads(skeletons[0], parse_float=Decimal)
    assert (first["project"], first["year"], first["budget"][0]["initial"]) == ("社区党组织工作经费", 2024, "180")
    assert [(i["nature"], i["target"], i["unit"]) for i in first["indicators"][:4]] == [
        ("≥", "80", "%"), ("≥", "280", "人"), ("≥", "4", "场"), ("定性", "称职或以上", "")]


def test_a_filled_skeleton_scores_under_the_national_spec() -> None:
    spec = load_spec("mof-2020-project")
    totals = []
    for text in project_skeletons(parse_target_export(read_text(EXPORT)[0])):
        data = tomllib.loads(text, parse_float=Decimal)
        data["budget"][0].update(budget="100", spent="96.5")
        weights = split_points(Decimal(90), len(data["indicators"]))
        for ind, weight in zip(data["indicators"], weights, strict=True):
            ind["weight"] = fmt(weight)
            if ind["nature"] == "":  # the one two-number target: the officer rewrites it, as its comment asks
                assert ind["name"] == "推进保洁工作机械化"
                ind.update(nature="≥", target="5", unit="台")
            if ind["nature"] == "定性":
                ind.update(actual="达成", score=fmt(weight))  # the officer types a score in the 达成 band
            else:
                ind["actual"] = ind["target"]
        result = score_project(spec, project_case_from_dict(data, file="skeleton.toml"))
        totals.append(fmt(result.score or Decimal(0)))
    assert totals == ["99.65"] * 6  # 10 × 96.5% = 9.65, every indicator met: 90
