"""verify: every planted error of a deliberately wrong filled-in table is found, nothing in a correct one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import selfscore
from selfscore import CaseError
from selfscore.outputs.verify import SheetDifference, differences_to_json, render_differences, verify

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT / "tests" / "data" / "sheets"
HEADER = "一级指标,二级指标,三级指标,年度目标值,年度实现值,完成率,分值,得分,偏差原因"


def cells(diffs: list[SheetDifference]) -> set[tuple[str, str]]:
    return {(d.cell, d.kind) for d in diffs}


def by_cell(diffs: list[SheetDifference]) -> dict[str, SheetDifference]:
    return {d.cell: d for d in diffs}


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("fixture", "spec"), [
    ("yuangang-2023.xlsx", "tianhe-2023"),
    ("yuangang-2023-gbk.csv", "tianhe-2023"),
    ("yuangang-2023-bom.csv", "tianhe-2023"),
    ("jinhua-2024.csv", "liwan-2024"),
])
def test_correct_tables_have_no_differences(fixture: str, spec: str) -> None:
    assert verify(SHEETS / fixture, spec) == []


def test_wrong_xlsx_every_planted_error_and_nothing_else() -> None:
    diffs = verify(SHEETS / "yuangang-2023-wrong.xlsx", selfscore.load_spec("tianhe-2023"))
    assert cells(diffs) == {
        ("H5:H10", "weights"),   # 产出 weights sum to 19.99
        ("H5", "weight"),        # the wrong weight, 3.33 for 3.34
        ("I5", "score"),         # its score follows the wrong weight
        ("G6", "rate"),          # 95% for 100%完成 / 100%完成
        ("I7", "above_weight"),  # 3.5 above 3.33
        ("H11", "points"),       # 产出小计 分值 19.99 (Excel's SUM of the wrong weights)
        ("I11", "sum"),          # 产出小计 20.16 follows from the scores above
        ("I12", "rounding"),     # 3.95: two places instead of one
        ("J12", "reason"),       # below full without 偏差原因
        ("I17", "sum"),          # 效益小计 19.95 follows from 3.95
        ("H18", "points"),       # 履职效能 50 for 40
        ("I18", "sum"),          # 39.5 does not add up
    }
    found = by_cell(diffs)
    assert (found["H5:H10"].says, found["H5:H10"].should) == ("3.33 + 3.33 + 3.33 + 3.33 + 3.33 + 3.34 = 19.99", "20")
    assert found["H5:H10"].why == ("“部门整体绩效目标产出指标完成情况”各指标分值之和 19.99 不等于该项分值 20 "
                                   "(weights do not add up to the item's points)")
    assert (found["H5"].says, found["H5"].should) == ("3.33", "3.34")
    assert (found["G6"].says, found["G6"].should) == ("95%", "100%")
    assert "completion rate inconsistent with target and actual" in found["G6"].why
    assert (found["I7"].says, found["I7"].should) == ("3.5", "3.33") and "score above weight" in found["I7"].why
    assert (found["I12"].says, found["I12"].should) == ("3.95", "3.9")
    assert "按“四舍五入, 2位小数”舍入" in found["I12"].why and "4 × 98.66% = 3.9464 → 3.9（四舍五入, 1位小数）" in found["I12"].why
    assert (found["J12"].says, found["J12"].where) == ("（空）", "第12行 偏差原因分析及改进措施 (J12)")
    assert "follows from the differences above" in found["I17"].why
    assert (found["I18"].says, found["I18"].should) == ("39.5", "39.9")
    assert "合计 39.5 不等于上方各行得分之和 40.11 (the sum does not add up)" in found["I18"].why
    assert found["H18"].should == "40"
    # 98.7% is 98.66% shown to one place: not a difference
    assert "G12" not in found
    assert [d.row for d in diffs] == sorted(d.row for d in diffs)


def test_wrong_item_and_sum_rows() -> None:
    diffs = verify(SHEETS / "jinhua-2024-wrong.csv", "liwan-2024")
    assert cells(diffs) == {
        ("F6", "rate"), ("H6", "score"), ("H7", "sum"), ("G8", "points"), ("H12", "above_weight"), ("I13", "reason"),
        ("H15", "sum"), ("H16", "sum"),
    }
    found = by_cell(diffs)
    assert (found["H6"].says, found["H6"].should) == ("9", "9.5")
    assert (found["G8"].says, found["G8"].should) == ("5", "3")
    assert "合计 97.5 不等于上方各行得分之和 97" in found["H16"].why


def test_rates_are_compared_at_the_places_shown(tmp_path: Path) -> None:
    rows = [("98.66%", None), ("98.7%", None), ("99%", None), ("98.6%", None), ("98.5%", "rate"), ("0.9866", "rate"),
            ("达成", "rate")]
    text = HEADER + "\n" + "".join(f"效益指标,经济效益,税{k},500 万元,493.3 万元,{rate},4,3.9,原因\n"
                                   for k, (rate, _) in enumerate(rows))
    text += "效益指标,社会效益,超额,100人,120人,120%,4,4,\n效益指标,社会效益,超额封顶,100人,120人,100%,4,4,\n"
    diffs = verify(write_csv(tmp_path, text), "tianhe-2023")
    assert {d.cell for d in diffs if d.kind == "rate"} == {f"F{k + 2}" for k, (_, kind) in enumerate(rows) if kind}
    assert "write the rate as a percentage" in by_cell(diffs)["F7"].why


def test_weights_partly_typed(tmp_path: Path) -> None:
    text = HEADER + "\n产出指标,数量指标,a,4次,4次,,10,10,\n产出指标,数量指标,b,4次,4次,,,10,\n"
    diffs = verify(write_csv(tmp_path, text), "tianhe-2023")
    assert cells(diffs) == {("G3", "weight")}
    assert (diffs[0].says, diffs[0].should) == ("（空）", "10") and "weight missing" in diffs[0].why


def test_explicit_weights_that_add_up_are_accepted(tmp_path: Path) -> None:
    text = (HEADER + "\n产出指标,数量指标,a,4次,4次,,12,12,\n产出指标,数量指标,b,4次,3次,,8,6,未完成\n"
            "产出指标,小计,,,,,20,18,\n")
    assert verify(write_csv(tmp_path, text), "tianhe-2023") == []


def test_execution_score_without_its_rate(tmp_path: Path) -> None:
    text = HEADER + "\n部门预算资金支出率,,年度平均支出率,100%,,,10,9.5,\n"
    diffs = verify(write_csv(tmp_path, text), "liwan-2024")
    assert cells(diffs) == {("H2", "score")} and "the rate is missing" in diffs[0].why


def test_total_of_a_partial_result_cannot_be_checked(tmp_path: Path) -> None:
    text = HEADER + "\n产出指标,数量指标,a,4次,4次,,,20,\n总分,,,,,,100,20,\n"
    diffs = verify(write_csv(tmp_path, text), "tianhe-2023")
    assert cells(diffs) == {("H3", "sum")}
    assert diffs[0].should == "—" and "结果不完整 (partial)" in diffs[0].why


def test_without_optional_columns_there_is_nothing_to_compare(tmp_path: Path) -> None:
    text = "一级指标,二级指标,三级指标,年度目标值,年度实现值\n效益指标,经济效益,税,500 万元,493.3 万元\n"
    assert verify(write_csv(tmp_path, text), "tianhe-2023") == []


def test_unreadable_table_raises(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match=r"第2行 年度目标值 \(D2\)"):
        verify(write_csv(tmp_path, HEADER + "\n产出指标,数量指标,a,4.0.1次,4次,,,,\n"), "tianhe-2023")


def test_render_and_json() -> None:
    diffs = verify(SHEETS / "yuangang-2023-wrong.xlsx", "tianhe-2023")
    text = render_differences(diffs, "wrong.xlsx")
    assert text.startswith("wrong.xlsx：发现 12 处不符 (differences)：\n")
    assert "  第12行 单项自评得分 (I12)：表中 (says) 3.95，应为 (should be) 3.9\n      舍入有误 (rounding)" in text
    assert render_differences([], "ok.xlsx") == "ok.xlsx：核对无误，未发现不符 (no differences)\n"
    data = json.loads(json.dumps(differences_to_json(diffs), ensure_ascii=False))
    assert data[0] == {"cell": "H5:H10", "says": "3.33 + 3.33 + 3.33 + 3.33 + 3.33 + 3.34 = 19.99", "should": "20",
                       "why": diffs[0].why, "kind": "weights", "row": 5, "where": "第5–10行 单项分值（权重） (H5:H10)"}


def test_verify_reads_cells_through_the_one_cell_reader(tmp_path: Path) -> None:
    """A TRUE, an error value or a bare 0.95 against a percent target: verify names the cell, as scoring does."""
    from xlsx_support import cell, rows_xml, table_rows, write_xlsx

    header = ["一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "分值"]
    for actual, expected in ((cell("E2", 1, t="b"), "E2): 单元格是逻辑值 (boolean) TRUE"),
                             (cell("E2", "#N/A"), "E2): 单元格是错误值 (error value) #N/A"),
                             (cell("E2", "0.95", t="n"), "E2): 实现值“0.95”没有百分号")):
        rows = table_rows(header, [["产出指标", "数量指标", "合格率", "≥90%", "", 4]])
        rows[2].insert(4, actual)
        path = write_xlsx(tmp_path / "t.xlsx", rows_xml(rows))
        with pytest.raises(CaseError) as exc:
            verify(path, "tianhe-2023")
        assert expected in str(exc.value)
