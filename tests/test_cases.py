"""Every golden case in cases/ is its own test: its expected values come from the reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import selfscore

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (ROOT / "cases").rglob("*.toml") if not p.name.startswith("project-"))  # project cases: test_project_cases.py


def test_cases_folder_is_not_empty() -> None:
    assert {p.name for p in CASES} >= {"yuangang-2023.toml", "jinhua-2024.toml"}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_reproduces_its_report(path: Path) -> None:
    case, spec = selfscore.load_case_and_spec(path)
    assert case.expected or any(ind.expected for ind in case.indicators), f"{path} has no expected values"
    result = selfscore.score(spec, case)
    diffs = selfscore.compare_expected(case, result)
    assert not diffs, "\n".join(f"{path.name}: {d.path}: expected {d.expected}, got {d.got}" for d in diffs)


def test_yuangang_weights_scores_and_partial_as_printed() -> None:
    case, spec = selfscore.load_case_and_spec(ROOT / "cases/yuangang-2023.toml")
    result = selfscore.score(spec, case)
    output = result.item("output")
    benefit = result.item("benefit")
    assert output is not None and benefit is not None
    assert [selfscore.fmt(i.weight) for i in output.indicators] == ["3.34", "3.33", "3.33", "3.33", "3.33", "3.34"]
    assert [selfscore.fmt(i.score) for i in benefit.indicators] == ["3.9", "4", "4", "4", "4"]
    assert selfscore.fmt(output.score) == "20" and selfscore.fmt(benefit.score) == "19.9"
    assert result.partial and result.score is None and result.grade is None
    assert selfscore.fmt(result.known_score) == "39.9" and selfscore.fmt(result.known_max) == "40"
    assert result.missing == ("管理效率：评分规范 tianhe-2023 未公布评分细则 (not published)",)
    tax = benefit.indicators[0]
    assert tax.trace[-1] == "4 × 98.66% = 3.9464 → 3.9（四舍五入, 1位小数）"


def test_jinhua_total_grade_and_items() -> None:
    case, spec = selfscore.load_case_and_spec(ROOT / "cases/jinhua-2024.toml")
    result = selfscore.score(spec, case)
    assert (selfscore.fmt(result.score or 0), result.grade, result.partial) == ("98.5", "优", False)
    assert [selfscore.fmt(p.score or 0) for p in result.parts] == ["48.5", "50"]
    management = result.parts[1]
    assert [selfscore.fmt(i.score or 0) for i in management.items] == ["3", "4", "4", "15", "10", "10", "4"]
    execution = result.item("execution")
    assert execution is not None and selfscore.fmt(execution.score or 0) == "9.5"


def test_truncate_variant_reproduces_yuangang_too() -> None:
    case, _ = selfscore.load_case_and_spec(ROOT / "cases/yuangang-2023.toml")
    spec = selfscore.load_spec("tianhe-2023-truncate")
    result = selfscore.score(spec, case)
    assert selfscore.compare_expected(case, result) == []
    rule = spec.item("output").rule  # type: ignore[union-attr]
    assert rule == selfscore.Proportional(floor="0.6", rounding=selfscore.Rounding(1, "truncate"))
