"""``selfscore import-targets FILE --projects DIR``: one project case skeleton per imported project, filled and scored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selfscore.cli.main import EXIT_OUTPUT, main

EXPORT = Path(__file__).resolve().parent / "data/import/yungang-2024-project-targets.txt"
NAMES = ["01-社区党组织工作经费.toml", "02-综合行政执法工作经费.toml", "03-安全生产和消防安全工作经费.toml",
         "04-环卫保洁和垃圾分类工作经费.toml", "05-长者饭堂助餐配餐服务经费.toml", "06-社工站（家庭综合服务中心）运营经费.toml"]


def _fill(text: str) -> str:
    """As an officer would: the amounts, each actual equal to its target, 达成 typed 9 for 定性 rows."""
    text = text.replace('budget = ""', 'budget = "180"').replace('spent = ""', 'spent = "171"')
    blocks = text.split("\n[[indicators]]\n")
    filled = [blocks[0]]
    for block in blocks[1:]:
        target = re.search(r'^target = "(.*)"$', block, re.M)
        assert target is not None
        if 'nature = "定性"' in block:
            block = block.replace('actual = ""', 'actual = "达成"').replace('score = ""', 'score = "9"')
        elif 'nature = ""' in block:  # the one unreadable target: rewritten, as its comment asks
            block = re.sub(r'^nature = ""$', 'nature = "≥"', block, flags=re.M)
            block = re.sub(r'^target = ".*"$', 'target = "5"', block, flags=re.M).replace('unit = ""', 'unit = "台"')
            block = block.replace('actual = ""', 'actual = "4"')
        else:
            block = block.replace('actual = ""', f'actual = "{target.group(1)}"')
        filled.append(block)
    return "\n[[indicators]]\n".join(filled)


def test_projects_writes_one_skeleton_per_project_and_refuses_to_overwrite(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "项目"
    assert main(["import-targets", str(EXPORT), "--projects", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == NAMES
    first = (out / NAMES[0]).read_text(encoding="utf-8")
    assert 'spec = "mof-2020-project"' in first and 'project = "社区党组织工作经费"' in first and "year = 2024" in first
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main(["import-targets", str(EXPORT), "--projects", str(out)]) == EXIT_OUTPUT
    assert "输出文件已存在，未写入任何文件" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_projects_needs_a_project_spec_and_not_single(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-targets", str(EXPORT), "--projects", str(tmp_path), "--spec", "liwan-2024"]) == 2
    assert "--projects 需要项目支出评分规范" in capsys.readouterr().err
    assert main(["import-targets", str(EXPORT), "--projects", str(tmp_path), "--single"]) == 2
    assert not any(tmp_path.iterdir())


def test_a_filled_project_skeleton_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "项目"
    assert main(["import-targets", str(EXPORT), "--projects", str(out), "--spec", "mof-2020-project-integer"]) == 0
    capsys.readouterr()
    unfilled = out / NAMES[3]
    assert main(["score", str(unfilled)]) == 4
    err = capsys.readouterr().err
    assert "资金第1行「年度资金总额」的 budget: 缺少全年预算数 (missing adjusted budget)" in err
    assert "实际完成值未填写 (actual missing)" in err
    filled = tmp_path / "filled.toml"
    filled.write_text(_fill(unfilled.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["score", str(filled), "-f", "json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    # 10 × 171/180 = 9.5 → 10 (whole points, half-up); 9 indicators share 90 → 10 each;
    # 推进保洁工作机械化 4 of 5 台 → 8; 垃圾分类工作考核评级 达成, typed 9 (in [8, 10]); total 10 + 70 + 8 + 9 = 97
    assert data["spec"] == "mof-2020-project-integer" and data["project"] == "环卫保洁和垃圾分类工作经费"
    assert data["execution"] == {"weight": "10", "rate": {"percent": "95", "fraction": "19/20"}, "score": "10"}
    short = [(i["name"], i["weight"], i["score"]) for i in data["indicators"] if i["score"] != i["weight"]]
    assert short == [("推进保洁工作机械化", "10", "8"), ("垃圾分类工作考核评级", "10", "9")]
    assert (data["score"], data["grade"]) == ("97", "优")
