"""Scoring specs: the bundled ones, and strict loading of broken ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import selfscore
from selfscore import InputError, SpecError, UnreadableError

ROOT = Path(__file__).resolve().parent.parent
LIWAN = (ROOT / "scoring_specs/liwan-2024.toml").read_text(encoding="utf-8")


def test_bundled_specs_and_their_points() -> None:
    specs = {s.id: s for s in selfscore.bundled_specs()}
    assert set(specs) >= {"liwan-2024", "tianhe-2023", "tianhe-2023-truncate"}
    liwan = specs["liwan-2024"]
    assert [(p.name, p.points) for p in liwan.parts] == [("履职效能", 50), ("管理效率", 50)]
    assert [i.points for i in liwan.parts[1].items] == [3, 4, 4, 15, 10, 10, 4]
    tianhe = specs["tianhe-2023"]
    assert tianhe.parts[1].unknown and tianhe.parts[1].points is None
    assert specs["tianhe-2023-truncate"].extends == "tianhe-2023"


def test_every_rule_names_its_source() -> None:
    for spec in selfscore.bundled_specs():
        assert spec.source
        for part in spec.parts:
            assert part.source, (spec.id, part.name)
            for item in part.items:
                assert item.source, (spec.id, item.key)
                if item.rule is not None:
                    assert item.rule_source, (spec.id, item.key)
                if item.split is not None:
                    assert item.split.source, (spec.id, item.key)
        if spec.grades:
            assert spec.grades_source


def write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as info:
        selfscore.load_spec(str(path))
    return [str(p) for p in info.value.problems]


def test_typo_missing_field_bad_points_and_unknown_rule_are_each_reported(tmp_path: Path) -> None:
    text = (LIWAN.replace('title = "广州市荔湾区 2024 年度部门整体支出绩效自评"\n', "")
            .replace('  key = "budgeting"\n  name = "预算编制"\n  kind = "checklist"\n  points = 3',
                     '  key = "budgeting"\n  name = "预算编制"\n  kind = "checklist"\n  points = 3\n  ponits = 3')
            .replace("points = 20\n  source = \"inferred from 金花 2024 自评表说明 （三）: 产出",
                     "points = 21\n  source = \"inferred from 金花 2024 自评表说明 （三）: 产出")
            .replace('kind = "step_deduction"', 'kind = "step_deductoin"'))
    found = problems(write(tmp_path, text))
    assert len(found) == 4, found
    assert found[0].endswith("spec.toml: title: 缺少必填项 (missing required key)")
    assert any("parts[1].items[0].ponits: 未知的键 (unknown key)" in m for m in found)
    assert any("parts[0]: 二级指标分值之和 21 + 20 + 10 = 51 不等于一级指标分值 50" in m for m in found)
    assert any("parts[0].items[2].rule.kind: 未知的评分规则 (unknown rule) 'step_deductoin'" in m for m in found)


def test_toml_syntax_and_duplicate_keys_name_the_file_and_line(tmp_path: Path) -> None:
    found = problems(write(tmp_path, 'id = "x"\nid = "y"\n'))
    assert len(found) == 1 and "spec.toml" in found[0] and "第2行" in found[0]


def test_part_points_must_add_up_to_the_total(tmp_path: Path) -> None:
    found = problems(write(tmp_path, LIWAN.replace("total = 100", "total = 90")))
    assert any("一级指标分值之和 100 不等于总分 90" in m for m in found)


def test_extends_overrides_and_unknown_item(tmp_path: Path) -> None:
    good = write(tmp_path, 'id = "x"\nextends = "tianhe-2023"\n[items.output.rule]\nfloor = 0.5\nsource = "x"\n')
    spec = selfscore.load_spec(str(good))
    assert spec.item("output").rule.floor == Decimal("0.5")  # type: ignore[union-attr]
    assert spec.item("benefit").rule.floor == Decimal("0.6")  # type: ignore[union-attr]
    bad = write(tmp_path, 'id = "x"\nextends = "tianhe-2023"\n[items.outptu.rule]\nfloor = 0.5\n', "bad.toml")
    with pytest.raises(SpecError, match=r"items\.outptu"):
        selfscore.load_spec(str(bad))


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, 'extends = "b.toml"\n', "a.toml")
    write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(SpecError, match="extends cycle"):
        selfscore.load_spec(str(tmp_path / "a.toml"))


def test_unknown_bundled_spec_lists_the_known_ones() -> None:
    with pytest.raises(UnreadableError, match="liwan-2024"):
        selfscore.load_spec("liwan-2025")


def test_floats_in_plain_data_are_refused() -> None:
    import tomllib

    data = tomllib.loads(LIWAN)  # numbers read as binary floats
    with pytest.raises(SpecError, match="float"):
        selfscore.spec_from_dict(data)


def test_item_points_must_fit_the_split_places(tmp_path: Path) -> None:
    text = (ROOT / "scoring_specs/tianhe-2023.toml").read_text(encoding="utf-8")
    text = text.replace("points = 20\n  source = \"元岗 2023 自评报告 自评表: 产出指标（分值20）\"",
                        "points = 20.5\n  source = \"元岗 2023 自评报告 自评表: 产出指标（分值20）\"", 1)
    text = text.replace("points = 20\n  source = \"元岗 2023 自评报告 自评表: 效益指标（分值20）\"",
                        "points = 19.5\n  source = \"元岗 2023 自评报告 自评表: 效益指标（分值20）\"", 1)
    text = text.replace("places = 2\n    leftover", "places = 0\n    leftover", 1)
    found = problems(write(tmp_path, text))
    assert found == [f"{tmp_path / 'spec.toml'}: parts[0].items[0].points: 分值 20.5 的小数位多于均分的 0 位 "
                     "(points have more decimals than split.places)"]
