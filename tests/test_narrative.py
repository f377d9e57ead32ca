"""Report paragraphs written from results, in the published reports' wording."""

from __future__ import annotations

from pathlib import Path

import attrs

import selfscore
from selfscore.outputs.narrative import completion_bands, narrative

ROOT = Path(__file__).resolve().parent.parent


def result(name: str) -> selfscore.Result:
    case, spec = selfscore.load_case_and_spec(ROOT / "cases" / name)
    return selfscore.score(spec, case)


def test_jinhua_paragraphs_match_the_report_wording() -> None:
    text = narrative(result("jinhua-2024.toml"))
    # 003: "履职效能总分50分，得分48.5分，其中：部门整体绩效目标产出指标完成情况得分19分，
    #       部门整体绩效目标效益指标完成情况得分20分，部门预算资金支出率得分9.5分。"
    assert ("履职效能总分50分，得分48.5分，其中：部门整体绩效目标产出指标完成情况得分19分，"
            "部门整体绩效目标效益指标完成情况得分20分，部门预算资金支出率得分9.5分。") in text
    assert "管理效率总分50分，得分50分，其中：预算编制得分3分，预算执行得分4分" in text
    assert "2024年度部门整体支出绩效自评结果为98.5分，等级为“优”。" in text
    assert "（1）严重精神障碍患者监护及救治财政补助发放率不达90%，扣1分。" in text
    assert "（2）部门预算资金支出率方面，年度平均执行率为95%，扣0.5分。" in text


def test_yuangang_counts_indicators_by_band_and_says_partial() -> None:
    res = result("yuangang-2023.toml")
    text = narrative(res)
    assert "共设置产出指标6个，每个指标分值为3.33-3.34分，完成率100%及以上的指标有6个，合计得分为20分。" in text
    assert "共设置效益指标5个，每个指标分值为4分，完成率100%及以上的指标有4个，完成率在60%-100%的指标有1个，合计得分为19.9分。" in text
    assert "自评结果不完整，已计分部分得分39.9分（满分40分），未计总分和等级" in text
    assert "（1）代征出租屋综合税（目标500 万元，实际493.3 万元）完成率98.66%，扣0.1分。" in text
    assert completion_bands(res.indicators()) == (10, 1, 0, 0)


def test_cli_narrative_format() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "selfscore", "score", "cases/jinhua-2024.toml", "-f", "narrative"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("一、自评结论\n")


def test_satisfaction_indicators_are_counted_apart_from_benefits() -> None:
    case, spec = selfscore.load_case_and_spec(ROOT / "cases" / "jinhua-2024.toml")
    ind = selfscore.Indicator
    benefit = [ind(name=f"效益{k}", group="效益指标", target="100%", actual="100%") for k in range(4)]
    satisfied = [ind(name="群众满意度", group="满意度指标", target="≥90%", actual="95%")]
    items = {key: value for key, value in case.items.items() if key != "benefit"}
    case = attrs.evolve(case, indicators=tuple(benefit + satisfied), items=items)
    text = narrative(selfscore.score(spec, case))
    assert "共设置效益指标4个，每个指标分值为4分，完成率100%及以上的指标有4个；" in text
    assert "共设置满意度指标1个，每个指标分值为4分，完成率100%及以上的指标有1个，合计得分为20分。" in text
    assert "共设置效益指标5个" not in text


def test_every_public_class_and_function_has_a_docstring() -> None:
    import inspect

    import selfscore.core.spec as spec_module

    missing = [name for name in selfscore.__all__ if (inspect.isclass(getattr(selfscore, name))
               or inspect.isfunction(getattr(selfscore, name))) and not (getattr(selfscore, name).__doc__ or "").strip()]
    assert missing == []
    for shape in ("[[indicators]]", "[items.KEY]", "periods"):
        assert shape in (selfscore.case_from_dict.__doc__ or "")
    for shape in ("[[parts]]", "[[parts.items]]", "basis", "[parts.items.rule]"):
        assert shape in (spec_module.__doc__ or "")
