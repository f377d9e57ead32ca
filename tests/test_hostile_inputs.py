"""Hostile and odd inputs (issue 11, input side; issue 9 items 6 and 8; issue 12 item 3).

Each class is tested at its root: non-regular and huge files, numbers beyond any real
table, deep TOML, broken workbooks, contradictory inputs, and the messages a finance
officer reads.  Every failure must be a SelfScoreError with a clear Chinese message.
"""

from __future__ import annotations

import os
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from xlsx_support import cell, rows_xml, table_rows, write_xlsx

import selfscore
from selfscore import CaseError, InputError, SelfScoreError, UnreadableError
from selfscore.batch.io import read_input
from selfscore.core.case import MAX_INDICATORS, case_from_dict
from selfscore.core.numbers import MAX_DIGITS, check_magnitude, to_decimal
from selfscore.core.targets import parse_actual, parse_target
from selfscore.inputs.files import MAX_TOML_BYTES, read_bytes
from selfscore.inputs.load import load_case, load_case_and_spec, load_spec, read_toml
from selfscore.inputs.sheet import load_sheet_case, read_sheet
from selfscore.inputs.xlsx import SHEET_LIMITS
from selfscore.outputs.verify import verify

ROOT = Path(__file__).resolve().parent.parent
CASE = (ROOT / "cases" / "yuangang-2023.toml").read_text(encoding="utf-8")
SHEET_HEADER = ["一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "分值"]
LEAKS = ("Traceback", "Decimal(", "not bool", "set_int_max_str_digits", "indicators[", "Expected '='")


def batch_errors(table: Path) -> dict[str, str]:
    """Department -> why it could not be scored, for a table scored under tianhe-2023."""
    from selfscore.batch.dept import score_batch

    batches, failures = read_input(table, spec="tianhe-2023")
    assert not failures
    result = score_batch(batches[0].spec, batches[0].table, batches[0].departments)
    return {d.name: d.error for d in result.departments if d.error}


def message(exc: pytest.ExceptionInfo[SelfScoreError]) -> str:
    text = str(exc.value)
    assert not any(leak in text for leak in LEAKS), text
    return text


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- files that never end


def _endless(tmp_path: Path, name: str) -> Path:
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    return link


@pytest.mark.parametrize("name", ["case.toml", "t.csv", "t.xlsx"])
def test_device_behind_a_symlink_is_refused_for_every_reader(tmp_path: Path, name: str) -> None:
    path = _endless(tmp_path, name)
    reader = load_case if name.endswith(".toml") else read_sheet
    with pytest.raises(UnreadableError, match="不是普通文件") as exc:
        reader(path)
    assert str(path) in message(exc)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "case.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableError, match="不是普通文件"):
        load_case(fifo)  # opening a FIFO for reading would block until a writer came


def test_endless_spec_and_extends(tmp_path: Path) -> None:
    zero = _endless(tmp_path, "zero.toml")
    with pytest.raises(UnreadableError, match="不是普通文件"):
        load_spec(str(zero))
    child = write(tmp_path / "child.toml", 'id = "c"\nextends = "zero.toml"\n')
    with pytest.raises(UnreadableError, match=r"zero.toml: 不是普通文件"):
        load_spec(str(child))


def test_endless_member_of_a_batch_folder_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    write(folder / "good.toml", CASE)
    _endless(folder, "zero.toml")
    os.mkfifo(folder / "pipe.toml")
    batches, failures = read_input(folder)
    assert [len(b.departments) for b in batches] == [1]
    assert sorted(f.name for f in failures) == ["pipe", "zero"]
    assert all("不是普通文件" in f.reason for f in failures)


def test_size_caps_are_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(MAX_TOML_BYTES + 1)  # sparse: nothing is written, nothing need be read
    with pytest.raises(UnreadableError, match=r"文件过大 \(file too large\).*一个案例最多 5000 个指标）最多 1 MB"):
        load_case(big)
    assert read_bytes(write(tmp_path / "small.toml", "a = 1\n"), limit=10) == b"a = 1\n"


# ---------------------------------------------------------------- numbers beyond any table


@pytest.mark.parametrize("text", ["1E+999999999", "1E-999999999", "0E-999999999", "9" * 5000, "1" * (MAX_DIGITS + 1)])
def test_number_bounds_at_the_edge(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"超出可处理的范围|数值过长"):
        to_decimal(text, what="分值")
    with pytest.raises(SelfScoreError, match=r"超出可处理的范围|数值过长|格式有误|多个数值"):
        parse_target(f"≥{text}次")
    assert time.perf_counter() - start < 1


def test_largest_real_numbers_pass() -> None:
    assert to_decimal("123,456,789,012.34") == Decimal("123456789012.34")  # 千亿元 to the 分
    assert check_magnitude(Decimal("0.000001")) == Decimal("0.000001")
    assert to_decimal("1" * MAX_DIGITS) == Decimal("1" * MAX_DIGITS)


@pytest.mark.parametrize(("value", "expected"), [
    ("1E+999999999", "超出可处理的范围"), ("1E-999999999", "超出可处理的范围"), ("nan", "不是有限数值"),
    ("inf", "不是有限数值"), ("9" * 5000, "整数过长"), ("true", "不能是逻辑值"),
])
def test_case_numbers_are_bounded_with_a_message(tmp_path: Path, value: str, expected: str) -> None:
    text = CASE.replace('expected = { weight = "3.34", rate = "100%", score = "3.34" }', f"weight = {value}", 1)
    with pytest.raises(InputError, match=expected) as exc:
        load_case(write(tmp_path / "c.toml", text))
    shown = message(exc)
    if expected != "整数过长":
        assert "第1个指标「保洁面积」的 weight" in shown


def test_batch_rows_with_huge_numbers_fail_alone_and_fast(tmp_path: Path) -> None:
    rows = ["部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值",
            "甲,产出指标,数量指标,a,≥10次,12次,",
            f"乙,产出指标,数量指标,a,≥{'9' * 5000}次,12次,",
            "丙,产出指标,数量指标,a,≥10次,12次,1E+999999999",
            "丁,产出指标,数量指标,a,≥10次,1E-999999999,"]
    table = write(tmp_path / "t.csv", "\n".join(rows) + "\n")
    start = time.perf_counter()
    failed = batch_errors(table)
    assert time.perf_counter() - start < 10
    assert sorted(failed) == ["丁", "丙", "乙"], failed
    assert all(any(w in why for w in ("范围", "过长", "多个数值")) for why in failed.values()), failed


# ---------------------------------------------------------------- TOML structure


def test_deep_nesting_is_a_clear_error(tmp_path: Path) -> None:
    for text in ("a = " + "[" * 100_000, "a." * 5000 + "b = 1\n", "x = " + "[" * 40 + "]" * 40 + "\n"):
        with pytest.raises(InputError, match="嵌套过深") as exc:
            read_toml(write(tmp_path / "deep.toml", text))
        message(exc)


def test_toml_errors_in_chinese_with_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        read_toml(write(tmp_path / "c.toml", 'spec = "x"\njudgement = 达成\n'))
    assert "TOML 格式错误 (TOML syntax error)：第2行第13列：值无效（文本须加引号" in str(exc.value)


def test_empty_periods_and_contradictory_execution_inputs(tmp_path: Path) -> None:
    base = 'spec = "tianhe-2023"\ndepartment = "甲"\nyear = 2023\n'
    cases = {
        "[items.execution]\nperiods = []\n": "items.execution.periods: periods 为空",
        '[items.execution]\naverage = "95%"\nperiods = [{ rate = "90%" }]\n':
            "同时填写了 items.execution.average 和 items.execution.periods",
        '[items.execution]\nperiods = [{ rate = "90%", spent = 9, budget = 10 }]\n':
            "items.execution.periods 第1期: 同时填写了 rate 和 spent、budget",
        '[items.execution]\naverage = "-5%"\n': "支出率不能为负数",
        '[items.execution]\naverage = "负5%"\n': "不是数值",
    }
    for body, expected in cases.items():
        with pytest.raises(InputError) as exc:
            load_case(write(tmp_path / "c.toml", base + body))
        assert expected in message(exc), body


def test_same_indicator_twice_names_both(tmp_path: Path) -> None:
    first = CASE.index("[[indicators]]")
    block = CASE[first:CASE.index("[[indicators]]", first + 1)]
    with pytest.raises(InputError) as exc:
        load_case(write(tmp_path / "c.toml", CASE + "\n" + block))
    assert "「保洁面积」: 与第1个指标「保洁面积」重复" in message(exc)


def test_two_spec_items_claiming_one_group(tmp_path: Path) -> None:
    spec = (ROOT / "scoring_specs" / "tianhe-2023.toml").read_text(encoding="utf-8")
    assert 'groups = ["效益指标"' in spec
    bad = spec.replace('groups = ["效益指标"', 'groups = ["产出指标", "效益指标"', 1)
    with pytest.raises(InputError, match="一级分组“产出指标”已属于") as exc:
        load_spec(str(write(tmp_path / "s.toml", bad)))
    message(exc)


def test_split_places_out_of_range_is_a_spec_error(tmp_path: Path) -> None:
    spec = (ROOT / "scoring_specs" / "tianhe-2023.toml").read_text(encoding="utf-8")
    bad = spec.replace("[parts.items.split]\n    places = 2", "[parts.items.split]\n    places = 99", 1)
    assert bad != spec
    with pytest.raises(InputError, match=r"places must be 0\.\.12"):
        load_spec(str(write(tmp_path / "s.toml", bad)))


def test_many_indicators_are_refused_quickly() -> None:
    entry = {"name": "n", "group": "产出指标", "target": "1次"}
    start = time.perf_counter()
    with pytest.raises(CaseError, match=f"最多 {MAX_INDICATORS} 个"):
        case_from_dict({"spec": "x", "department": "d", "year": 2023, "indicators": [entry] * 330_000})
    assert time.perf_counter() - start < 2


# ---------------------------------------------------------------- what a value says


def test_negative_date_and_error_values_are_named_for_what_they_are() -> None:
    with pytest.raises(SelfScoreError, match="负数目标值"):
        parse_target("负5%")
    with pytest.raises(SelfScoreError, match="负数实现值 \\(negative actuals"):
        parse_actual("-5%")
    with pytest.raises(SelfScoreError, match="是一个日期"):
        parse_actual("2023-12-31")
    with pytest.raises(SelfScoreError, match="实现值未填写"):
        parse_actual(" ")
    for text in ("#DIV/0!", "#N/A", "#value!", "＃N/A"):
        with pytest.raises(SelfScoreError, match="错误值"):
            parse_actual(text)


def test_invisible_characters_are_shown(tmp_path: Path) -> None:
    text = CASE.replace('name = "保洁面积"', 'name = "保洁\u200b面积"', 1).replace('target = "保洁面积 258256.8 万平方米"',
                                                                          'target = "4.0.1次"', 1)
    case = load_case(write(tmp_path / "c.toml", text))
    with pytest.raises(CaseError) as exc:
        selfscore.score(load_spec("tianhe-2023"), case)
    assert "「保洁<U+200B>面积」" in str(exc.value)


def test_office_files_named_by_content(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)
    ods = tmp_path / "t.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    for name, raw, expected in (("t.xls", ole, "旧版 Excel"), ("t.et", ole, "WPS"), ("t.xlsx", ole, "旧版 Excel"),
                                ("t.csv", ole, "旧版 Excel"), ("t.ods", ods.read_bytes(), r"\.ods")):
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(UnreadableError, match=expected) as exc:
            read_sheet(path)
        assert "另存为 .xlsx" in message(exc)
        with pytest.raises(UnreadableError, match=expected):  # `score t.xls` is not a TOML syntax error
            load_case(path)
    with pytest.raises(UnreadableError, match="不是案例文件"):
        load_case(write(tmp_path / "text.xls", "一级指标,二级指标\n"))
    with pytest.raises(UnreadableError, match=r"\.ods.*另存为 \.xlsx"):  # batch of one workbook
        read_input(tmp_path / "t.ods", spec="tianhe-2023")
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder / "good.toml", CASE)
    (folder / "街道.xls").write_bytes(ole)
    batches, failures = read_input(folder, spec="tianhe-2023")
    assert len(batches[0].departments) == 1
    assert [f.name for f in failures] == ["街道"] and "旧版 Excel" in failures[0].reason  # not silently skipped


# ---------------------------------------------------------------- sheets


def _sheet(tmp_path: Path, rows: list[str], name: str = "t.csv") -> Path:
    return write(tmp_path / name, "单位名称：甲街道\n" + ",".join(SHEET_HEADER) + "\n" + "\n".join(rows) + "\n")


def test_signature_lines_are_ignored(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ["产出指标,数量指标,活动,≥10次,12次,", "单位负责人：王五,,,填表人：张三,,", "填表日期：2024年1月5日,,,,,"])
    case, _ = load_sheet_case(path, "tianhe-2023")
    assert [i.name for i in case.indicators] == ["活动"]


def test_unbalanced_quote_has_its_own_message(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ['产出指标,数量指标,"活动,≥10次,12次,', "产出指标,数量指标,b,≥10次,12次,"])
    with pytest.raises(UnreadableError, match="第3行有未配对的引号"):
        read_sheet(path)


def test_error_literals_typed_as_text_in_a_csv(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ["产出指标,数量指标,活动,≥10次,#DIV/0!,", "产出指标,数量指标,b,#N/A,12次,"])
    with pytest.raises(CaseError) as exc:
        read_sheet(path)
    assert "第3行 年度实现值 (E3): 单元格是错误值 (error value) #DIV/0!" in str(exc.value)
    assert "第4行 年度目标值 (D4): 单元格是错误值 (error value) #N/A" in str(exc.value)


def test_bare_number_against_a_percent_target_names_the_cell(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ["产出指标,数量指标,合格率,≥90%,0.95,", "产出指标,数量指标,b,≥10次,12次,"])
    for call in (lambda: load_sheet_case(path, "tianhe-2023"), lambda: verify(path, "tianhe-2023")):
        with pytest.raises(CaseError) as exc:
            call()
        assert "第3行 年度实现值 (E3): 实现值“0.95”没有百分号" in str(exc.value)
        assert "请写成 95%（若确指 0.95%，写 0.95%）；表格中也可在设置为百分比格式的单元格中填 0.95" in str(exc.value)
    ok = _sheet(tmp_path, ["产出指标,数量指标,合格率,≥90%,95%,", "产出指标,数量指标,b,≥10次,0,"], "ok.csv")
    assert len(load_sheet_case(ok, "tianhe-2023")[0].indicators) == 2


# ---------------------------------------------------------------- workbooks


def _indicator_rows(actual_cell: str) -> dict[int, list[str]]:
    rows = table_rows(SHEET_HEADER, [["产出指标", "数量指标", "活动", "≥10次", "", 4]])
    rows[2].insert(4, actual_cell)
    return rows


@pytest.mark.parametrize(("actual", "expected"), [
    (cell("E2", 1, t="b"), "逻辑值 (boolean) TRUE"),
    (cell("E2", f="SUM(A1:A2)"), "公式没有缓存值 (formula without a cached value) =SUM(A1:A2)"),
    (cell("E2", "#DIV/0!", t="e"), "错误值 (error value) #DIV/0!"),
    (cell("E2", "#VALUE!", t="str", f="A1+1"), "错误值 (error value) #VALUE!"),
    (cell("E2", "#N/A"), "错误值 (error value) #N/A"),
    (cell("E2", 45000, s=2), "日期或时间"),
    (cell("E2", "2023-12-31T00:00:00", t="d"), "日期或时间"),
    (cell("E2", "1E+999999", t="n"), "超出可处理的范围"),
])
def test_refused_cells_in_a_sheet_and_in_batch(tmp_path: Path, actual: str, expected: str) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", rows_xml(_indicator_rows(actual)))
    with pytest.raises(CaseError, match="E2") as exc:
        read_sheet(path)
    assert expected in str(exc.value)
    batch_rows = table_rows(["部门", *SHEET_HEADER], [["甲", "产出指标", "数量指标", "活动", "≥10次", "", 4]])
    batch_rows[2].insert(5, actual.replace('r="E2"', 'r="F2"'))
    table = write_xlsx(tmp_path / "b.xlsx", rows_xml(batch_rows))
    assert expected in batch_errors(table)["甲"]  # TRUE is not 达成, a formula without its value is not blank
    batch_rows[1].append(cell("H1", "备注"))  # the same cell in a column batch does not read is no problem
    batch_rows[2] = [*batch_rows[2][:5], cell("F2", "12次"), batch_rows[2][6], actual.replace('r="E2"', 'r="H2"')]
    assert batch_errors(write_xlsx(tmp_path / "c.xlsx", rows_xml(batch_rows))) == {}


def test_batch_empty_actual_is_not_an_empty_target(tmp_path: Path) -> None:
    table = write(tmp_path / "t.csv", "部门,一级指标,三级指标,年度目标值,年度实现值\n甲,产出指标,活动,≥10次,\n")
    why = batch_errors(table)["甲"]
    assert "实现值未填写" in why and "目标值为空" not in why


def test_stray_cell_far_away_is_refused_at_once(tmp_path: Path) -> None:
    for ref in ("XFD1048576", "A1048576"):
        rows = _indicator_rows(cell("E2", "12次"))
        rows[1048576] = [cell(ref, "x")]
        path = write_xlsx(tmp_path / "t.xlsx", rows_xml(rows))
        start = time.perf_counter()
        with pytest.raises(UnreadableError, match=f"单元格 {ref} 有内容，超出可读取的范围"):
            read_sheet(path)
        assert time.perf_counter() - start < 2
    # a styled but empty cell there is no content: the table reads
    rows = _indicator_rows(cell("E2", "12次"))
    rows[1048576] = ['<c r="XFD1048576" s="1"/>']
    merged = '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    sheet = read_sheet(write_xlsx(tmp_path / "t.xlsx", rows_xml(rows, merged)))
    assert [r.text("actual") for r in sheet.rows] == ["12次"]


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    write_xlsx(path, rows_xml(_indicator_rows(cell("E2", "12次"))))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/worksheets/sheet2.xml", "w") as f:
        chunk = b" " * (1 << 20)
        for _ in range((SHEET_LIMITS.xml_bytes >> 20) + 1):
            f.write(chunk)
    assert path.stat().st_size < 2 << 20
    with pytest.raises(UnreadableError, match="解压后过大"):
        read_sheet(path)


def test_broken_workbooks_are_clear_errors(tmp_path: Path) -> None:
    xml = rows_xml(_indicator_rows(cell("E2", "12次")))
    with pytest.raises(UnreadableError, match="XML 不完整或已损坏"):
        read_sheet(write_xlsx(tmp_path / "cut.xlsx", xml[: len(xml) // 2]))
    shared = _indicator_rows(cell("E2", 7, t="s"))
    with pytest.raises(UnreadableError, match=r"E2 引用的共享字符串不存在 \(shared string index 7"):
        read_sheet(write_xlsx(tmp_path / "sst.xlsx", rows_xml(shared), shared=["a"]))
    good = write_xlsx(tmp_path / "good.xlsx", xml)
    (tmp_path / "half.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(UnreadableError, match=r"\.xlsx"):
        read_sheet(tmp_path / "half.xlsx")


def test_shared_strings_and_percent_cells_read_exactly(tmp_path: Path) -> None:
    rows = table_rows(SHEET_HEADER, [])
    rows[2] = [cell("A2", 0, t="s"), cell("B2", 1, t="s"), cell("C2", "活动"), cell("D2", "≥90%"),
               cell("E2", "0.95", t="n", s=1), cell("F2", "3.3399999999999999", t="n")]
    sheet = read_sheet(write_xlsx(tmp_path / "t.xlsx", rows_xml(rows), shared=["产出指标", "数量指标"]))
    row = sheet.rows[0]
    assert [row.text(f) for f in ("level1", "level2", "actual", "weight")] == ["产出指标", "数量指标", "95%", "3.34"]


def test_case_and_spec_problems_together_still_work(tmp_path: Path) -> None:
    case = write(tmp_path / "c.toml", CASE)
    assert load_case_and_spec(case)[1].id == "tianhe-2023"


def test_cli_stray_cell_and_deep_toml_on_every_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the CLI (which first asks whether a file is a project table): refused at once, no traceback."""
    openpyxl = pytest.importorskip("openpyxl")
    from selfscore.cli.main import main

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(SHEET_HEADER)
    ws.append(["产出指标", "数量指标", "活动", "≥10次", "12次", 4])
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "stray.xlsx")
    write(tmp_path / "deep.toml", "a = " + "[" * 100_000)
    start = time.perf_counter()
    assert main(["score", str(tmp_path / "stray.xlsx"), "--spec", "tianhe-2023"]) == 3
    assert main(["score", str(tmp_path / "deep.toml")]) == 4
    assert time.perf_counter() - start < 5
    err = capsys.readouterr().err
    assert "XFD1048576 有内容" in err and "嵌套过深" in err and "Traceback" not in err
