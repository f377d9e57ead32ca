"""``selfscore batch``: inputs (CSV, GB18030 CSV, xlsx, a folder of cases), outputs, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import selfscore as s
from selfscore.cli.batch import _Progress, main

ROOT = Path(__file__).resolve().parent.parent
HEADER = "部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值,评分项,扣分,扣分原因\n"
ROWS = """\
元岗街道,产出指标,数量指标,保洁面积,保洁面积 258256.8 万平方米,保洁面积 258256.8 万平方米,,,,
元岗街道,产出指标,数量指标,投诉案件完成率,100%完成,100%完成,,,,
元岗街道,效益指标,经济效益,代征出租屋综合税,500 万元,493.3 万元,,,,
元岗街道,效益指标,社会效益,服务机构评估合格率,100%,100%,,,,
甲街道,产出指标,数量指标,活动场数,≥10次,8次,,,,
甲街道,效益指标,满意度,满意度,≥95%,96%,,,,
乙街道,产出指标,数量指标,活动场数,≥10次,三次,,,,
丙街道,产出指标,数量指标,活动场数,≥10次,12次,,,,
丙街道,效益指标,满意度,满意度,≥95%,90%,,,,
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def table(tmp_path: Path) -> Path:
    p = tmp_path / "depts.csv"
    p.write_text(HEADER + ROWS, encoding="utf-8")
    return p


def summary_csv(out: str) -> dict[str, dict[str, str]]:
    return {r["department"]: r for r in csv.DictReader(io.StringIO(out))}


def test_csv_table_one_bad_department(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([str(table), "--spec", "tianhe-2023", "-f", "csv"], capsys)
    assert code == 4
    rows = summary_csv(out)
    assert rows["元岗街道"]["score"] == "39.9" and rows["元岗街道"]["partial"] == "true"
    assert rows["丙街道"]["score"] == "38.9" and rows["甲街道"]["score"] == "36"
    assert [rows[d]["rank"] for d in ("元岗街道", "丙街道", "甲街道")] == ["1", "2", "3"]
    assert rows["乙街道"]["score"] == "" and rows["乙街道"]["note"].startswith("cannot score")
    lines = [line for line in err.splitlines() if line.startswith("✗")]
    assert len(lines) == 1 and "乙街道" in lines[0] and "三次" in lines[0] and "第8行" in lines[0]


def test_same_numbers_as_the_scalar_engine(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each department of the table, scored as a case by score(spec, case)."""
    code, out, _ = run([str(table), "--spec", "tianhe-2023", "-f", "json"], capsys)
    assert code == 4
    data = {d["department"]: d for d in json.loads(out)["departments"]}
    spec = s.load_spec("tianhe-2023")
    for name in ("元岗街道", "甲街道", "丙街道"):
        inds = [dict(zip(("group", "category", "name", "target", "actual"), line.split(",")[1:6], strict=True))
                for line in ROWS.splitlines() if line.startswith(name)]
        result = s.score(spec, s.case_from_dict({"spec": spec.id, "department": name, "year": 2023, "indicators": inds}))
        assert data[name]["known_score"] == s.fmt(result.known_score)
        assert data[name]["items"] == {i.key: s.fmt(i.score) for p in result.parts for i in p.items if i.score is not None}


def test_items_rows_and_typed_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "liwan.csv"
    rows = [
        "金花街道,产出指标,数量,补助发放率,≥90%,80%,10,,,",
        "金花街道,产出指标,数量,活动,≥4次,4次,10,,,",
        "金花街道,效益指标,满意度,满意度,≥95%,97%,,,,",
        "金花街道,,,,,95%,,部门预算资金支出率,,",
        "金花街道,,,,,,,预算编制,,",
        "金花街道,,,,,,,预算执行,0.5,结转结余率偏高",
        *[f"金花街道,,,,,,,{k},," for k in ("信息公开", "绩效管理", "采购管理", "资产管理", "运行成本")],
        "某街道,产出指标,数量,活动,≥4次,4次,3,,,",
    ]
    p.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run([str(p), "--spec", "liwan-2024", "-f", "csv"], capsys)
    got = summary_csv(out)
    # 19 + 20 + 9.5 + (50 - 0.5) = 98
    assert got["金花街道"]["score"] == "98" and got["金花街道"]["grade"] == "优" and got["金花街道"]["partial"] == "false"
    assert code == 4 and "某街道" in err
    assert "二级指标 部门整体绩效目标产出指标完成情况: “部门整体绩效目标产出指标完成情况”各指标分值之和 3 不等于该项分值 20" in err


def test_folder_of_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for f in (ROOT / "cases").glob("*.toml"):
        if not f.name.startswith("project-"):  # project tables are scored one by one (selfscore score/verify)
            (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run([str(tmp_path), "-f", "csv"], capsys)
    assert code == 0, err
    got = summary_csv(out)
    assert got["广州市荔湾区人民政府金花街道办事处"]["score"] == "98.5"
    assert got["广州市天河区人民政府元岗街道办事处"]["score"] == "39.9"


def test_folder_with_a_broken_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for f in (ROOT / "cases").glob("*.toml"):
        if not f.name.startswith("project-"):
            (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.toml").write_text('spec = "tianhe-2023"\ndepartment = "坏"\nyear = 2023\n[[indicators]]\n'
                                          'name = "x"\ngroup = "产出指标"\ntarget = "≥95%"\nactual = "很好"\n', encoding="utf-8")
    (tmp_path / "syntax.toml").write_text("spec = \n", encoding="utf-8")
    code, out, err = run([str(tmp_path)], capsys)
    assert code == 4
    assert "98.5" in out and "39.9" in out
    bad = [line for line in err.splitlines() if line.startswith("✗")]
    assert len(bad) == 2 and any("很好" in b for b in bad) and any("syntax" in b for b in bad)


def test_gb18030_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "gbk.csv"
    p.write_bytes((HEADER + ROWS).encode("gb18030"))
    code, out, _ = run([str(p), "--spec", "tianhe-2023", "-f", "csv"], capsys)
    assert code == 4
    assert summary_csv(out)["元岗街道"]["score"] == "39.9"


def test_utf16_tab_separated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Excel's "Unicode 文本" export: UTF-16 with BOM, tab-separated."""
    p = tmp_path / "unicode.txt"
    p.write_bytes((HEADER + ROWS).replace(",", "\t").encode("utf-16"))
    code, out, _ = run([str(p), "--spec", "tianhe-2023", "-f", "csv"], capsys)
    assert code == 4 and summary_csv(out)["元岗街道"]["score"] == "39.9"


def test_xlsx_input_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["department", "group", "name", "target", "actual", "weight"])
    ws.append(["甲", "产出指标", "a", "≥95%", 0.937, 12.34])
    ws.cell(row=2, column=5).number_format = "0.0%"
    ws.append(["甲", "产出指标", "b", "≥4次", 3, 7.66])
    src = tmp_path / "in.xlsx"
    wb.save(src)
    code, out, err = run([str(src), "--spec", "tianhe-2023", "-f", "csv", "--indicators", str(tmp_path / "ind.xlsx")],
                         capsys)
    got = summary_csv(out)
    # 12.34 × 93.7/95 = 12.171... -> 12.2 ; 7.66 × 3/4 = 5.745 -> 5.7
    assert got["甲"]["score"] == "17.9", out
    assert code == 0, err
    book = openpyxl.load_workbook(tmp_path / "ind.xlsx")
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][-2:] == ["分值", "得分"]
    assert values[1][-2:] == [12.34, 12.2] and values[2][-2:] == [7.66, 5.7]


def test_spreadsheet_cells_are_exact() -> None:
    from selfscore.inputs.cells import number_cell

    def _cell_text(value: float, number_format: str) -> str:
        cell = number_cell(repr(value), number_format, "A1")
        if cell.problem:
            raise ValueError(cell.problem)
        return cell.text

    assert _cell_text(0.95, "0%") == "95%" and _cell_text(0.9866, "0.00%") == "98.66%"
    assert _cell_text(3.34, "General") == "3.34" and _cell_text(20.0, "General") == "20" and _cell_text(7, "") == "7"
    with pytest.raises(ValueError, match=r"0\.30000000000000004"):
        _cell_text(0.1 + 0.2, "General")


@pytest.mark.parametrize("fmt_name", ["table", "markdown", "json", "csv", "narrative"])
def test_indicator_formats(table: Path, tmp_path: Path, fmt_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / f"ind.{fmt_name}"
    code, _, _ = run([str(table), "--spec", "tianhe-2023", "--indicators", str(out_file), "--indicators-format", fmt_name],
                     capsys)
    assert code == 4
    text = out_file.read_text(encoding="utf-8")
    if fmt_name == "json":
        rows = json.loads(text)
        assert [r["score"] for r in rows if r["department"] == "元岗街道"] == ["10", "10", "9.9", "10"]
    elif fmt_name == "narrative":
        assert "元岗街道" in text and "丙街道" in text and "乙街道" not in text
    else:
        assert "9.9" in text and "代征出租屋综合税" in text and "活动场数" in text


def test_usage_and_unreadable(table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(table)], capsys)[0] == 2  # a table needs --spec
    assert run([], capsys)[0] == 2
    assert run([str(table), "--spec", "tianhe-2023", "--format", "xlsx"], capsys)[0] == 2
    assert run([str(tmp_path / "missing.csv"), "--spec", "tianhe-2023"], capsys)[0] == 3
    assert run([str(table), "--spec", "no-such-spec"], capsys)[0] == 3
    (tmp_path / "x.pdf").write_text("x")
    assert run([str(tmp_path / "x.pdf"), "--spec", "tianhe-2023"], capsys)[0] == 3
    code, _, err = run([str(table), "--spec", "tianhe-2023", "-o", str(table)], capsys)
    assert code == 5 and "覆盖" in err  # output problems have their own code (core.errors.EXIT_OUTPUT)
    (tmp_path / "nohead.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert run([str(tmp_path / "nohead.csv"), "--spec", "tianhe-2023"], capsys)[0] == 4


def test_progress_bar_only_draws_when_enabled() -> None:
    stream = io.StringIO()
    bar = _Progress(stream, enabled=True, delay=0)
    bar("reduce", 50, 100)
    bar("reduce", 100, 100)
    bar.close()
    text = stream.getvalue()
    assert "100.0%" in text and "\r" in text and text.endswith("\r")
    quiet = io.StringIO()
    off = _Progress(quiet, enabled=False, delay=0)
    off("reduce", 100, 100)
    off.close()
    assert quiet.getvalue() == ""


def test_single_case_path_does_not_import_numpy() -> None:
    code = ("import sys; from selfscore.cli.main import main; rc = main(['score', 'cases/jinhua-2024.toml', '-f', 'json']);"
            "assert rc == 0; assert 'numpy' not in sys.modules, 'numpy imported';"
            "assert 'pyarrow' not in sys.modules, 'pyarrow imported'; print('ok', file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["score"] == "98.5"


def test_weights_are_decimals_as_typed(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(table), "--spec", "tianhe-2023", "--indicators", "-", "--indicators-format", "csv", "-f", "csv"],
                       capsys)
    assert code == 4
    ind = out.split("\n\n", 1)[1]
    rows = list(csv.DictReader(io.StringIO(ind)))
    assert {r["weight"] for r in rows} == {"10", "20"}
    assert Decimal(rows[2]["score"]) == Decimal("9.9")


def _read_ways(path: Path, monkeypatch: pytest.MonkeyPatch, spec: str = "tianhe-2023") -> list[tuple[list, list]]:
    """``read_input`` six ways: pyarrow (where installed) or numpy-cut CSV when plain, numpy-cut CSV, each
    taken whole and chunk by chunk, the columnar reader on rows, and row by row."""
    import selfscore.batch.io as bio

    out = []
    with monkeypatch.context() as m:
        for use in (True, False):
            m.setattr(bio, "USE_PYARROW", use)
            for whole in (True, False):
                m.setattr(bio, "_WHOLE", whole)
                out.append(bio.read_input(path, spec=spec))
        m.setattr(bio._PlainCsv, "of", classmethod(lambda cls, *a: None))
        out.append(bio.read_input(path, spec=spec))
        m.setattr(bio, "_fast_chunk", lambda *a: False)
        out.append(bio.read_input(path, spec=spec))
    return out


def _assert_same_reading(ways: list[tuple[list, list]]) -> None:
    from selfscore.batch.dept import score_batch

    first, first_failures = ways[0]
    for other, failures in ways[1:]:
        assert failures == first_failures
        for a, b in zip(first, other, strict=True):
            assert a.departments == b.departments
            for col in ("group", "name", "target", "actual", "weight", "judgement", "lower_is_better", "category", "where"):
                assert list(getattr(a.table, col)) == list(getattr(b.table, col)), col
            assert a.table.department.tolist() == b.table.department.tolist()
            ra, rb = (score_batch(x.spec, x.table, x.departments) for x in (a, b))
            assert ra.departments == rb.departments


def test_columnar_and_row_by_row_reading_agree(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import selfscore.batch.io as bio

    assert isinstance(bio.read_csv_source(table), bio.CodedSource)
    _assert_same_reading(_read_ways(table, monkeypatch))
    monkeypatch.setattr(bio, "_CHUNK", 2)  # chunks of two rows: departments and codes across chunks
    _assert_same_reading(_read_ways(table, monkeypatch))


ADVERSARIAL = [
    # (name, plain?, encoding, text)
    ("quotes", False, "utf-8",
     '部门,一级指标,三级指标,年度目标值,年度实现值\n"甲, 街道",产出指标,"x\ny",≥95%,96%\n乙,产出指标,b,"1,000次",900次\n'),
    ("bom-crlf", True, "utf-8-sig",
     "部门,一级指标,三级指标,年度目标值,年度实现值\r\n甲,产出指标,a,≥95%,96%\r\n甲,效益指标,b,达标,达标\r\n"),
    ("lone-cr", False, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值\r甲,产出指标,a,≥95%,96%\r"),
    ("gbk-blank", True, "gb18030", "部门,一级指标,三级指标,年度目标值,年度实现值,越低越好\n甲,产出指标,a,≥95%,96%,否\n\n"
     "乙 ,产出指标, ,≤5,4,是\n,,,,,\n 甲,效益指标,c,达标,达标,\n"),
    ("blank-cells", True, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值,分值\n甲,产出指标,a, ,96%,\n\u3000,产出指标,a,1,1,\n"
     "乙,,a,1,1,\n丙,产出指标,a,1,1, 5 \n丙,效益指标,b,1,1,x\n"),
    ("bad-lower", True, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值,越低越好\n甲,产出指标,a,5,4,也许\n乙,产出指标,a,5,4,Yes\n"),
    ("ragged", False, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值\n甲,产出指标,a,≥95%,96%,多余\n甲,效益指标,b,达标\n"),
    ("items", True, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值,评分项,扣分,扣分原因\n甲,产出指标,a,≥95%,96%,,,\n"
     "甲,,,,95%,预算执行率,,\n乙,产出指标,a,1,1,,,\n"),
    ("year-tab", True, "utf-16", "部门\t年度\t一级指标\t年度目标值\t年度实现值\n甲\t2023\t产出指标\t1\t1\n甲\t二〇二三\t产出指标\t1\t1\n"
     "甲\t 2023\t效益指标\t2\t1\n"),
    ("header-only", False, "utf-8", "部门,一级指标,年度目标值\n"),
    ("long-cells", True, "utf-8", "部门,一级指标,三级指标,年度目标值,年度实现值\n" + "".join(
        f"{'很长的部门名称' * (k % 5 + 1)},产出指标,{'指' * k},{k}{'次' * (k % 9)},{k}{'次' * (k % 9)}\n" for k in range(40))),
]


@pytest.mark.parametrize("name,plain,encoding,text", ADVERSARIAL, ids=[a[0] for a in ADVERSARIAL])
def test_adversarial_csv_reads_the_same_every_way(name: str, plain: bool, encoding: str, text: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import selfscore.batch.io as bio

    p = tmp_path / ("t.tsv" if "\t" in text else "t.csv")
    p.write_bytes(text.encode(encoding))
    assert isinstance(bio.read_csv_source(p), bio.CodedSource) == plain
    try:
        ways = _read_ways(p, monkeypatch)
    except s.InputError as exc:  # the same refusal every way
        with monkeypatch.context() as m:
            m.setattr(bio._PlainCsv, "of", classmethod(lambda cls, *a: None))
            with pytest.raises(s.InputError) as again:
                bio.read_input(p, spec="tianhe-2023")
        assert str(again.value) == str(exc)
        return
    _assert_same_reading(ways)
    monkeypatch.setattr(bio, "_CHUNK", 1)
    _assert_same_reading(_read_ways(p, monkeypatch))


def test_hash_collisions_fall_back_to_texts(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With every cell hashed alike, the byte comparison catches it and the texts are grouped exactly."""
    import numpy as np

    import selfscore.batch.io as bio

    want = _read_ways(table, monkeypatch)[0]
    import selfscore.batch.csvsource as csvsource

    monkeypatch.setattr(csvsource, "_MIX", np.uint64(0))
    _assert_same_reading([want, bio.read_input(table, spec="tianhe-2023")])


@given(st.lists(st.lists(st.text(alphabet="ab ,\n\r\t\u3000", max_size=4), min_size=3, max_size=3), max_size=6))
def test_plain_csv_cells_equal_the_split(rows: list[list[str]]) -> None:
    """Cells cut from the bytes are the cells :func:`_split_csv` gives, whenever the text is taken as plain."""
    from selfscore.batch.io import _PlainCsv, _split_csv

    text = "\n".join(["a,b,c"] + [",".join(r) for r in rows])
    found = _PlainCsv.of(text.encode(), text, "UTF-8", ",")
    if found is None:
        return
    want = list(_split_csv(text, "x.csv"))[1:]
    got = [[found.column(j)[0][found.column(j)[1][r]] for j in range(3)] for r in range(found.n)]
    assert [r or ["", "", ""] for r in want] == got
    assert found.rows(0, found.n) == want


def test_spec_and_lower_is_better_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec column splits the table into one batch per spec; 越低越好 makes a bare number a ceiling."""
    p = tmp_path / "mixed.csv"
    p.write_text(
        "department,spec,year,group,name,target,actual,lower_is_better\n"
        "甲,tianhe-2023,2023,产出指标,成本,2,3,是\n"
        "甲,tianhe-2023,2023,效益指标,满意度,≥95%,96%,\n"
        "乙,tianhe-2023-truncate,2023,产出指标,成本,2,3,否\n"
        "乙,tianhe-2023-truncate,2023,效益指标,满意度,≥95%,96%,\n"
        "丙,tianhe-2023,2023,产出指标,成本,2,3,也许\n",
        encoding="utf-8")
    code, out, err = run([str(p), "-f", "csv"], capsys)
    got = summary_csv(out)
    # 甲: a ceiling of 2 with 3 -> 2/3 of 20 = 13.3 (half-up, one decimal); 乙: 3 >= 2 met -> 20
    assert got["甲"]["score"] == "33.3" and got["甲"]["spec"] == "tianhe-2023"
    assert got["乙"]["score"] == "40" and got["乙"]["spec"] == "tianhe-2023-truncate"
    assert code == 4 and "丙" in err and "越低越好" in err
    code, out, _ = run([str(p)], capsys)
    assert "评分规范" in out.splitlines()[0]


@given(st.text(alphabet=st.sampled_from(list("ab,，\n\r 达标≥%9.\"\t")), max_size=60))
def test_plain_csv_split_equals_the_csv_module(text: str) -> None:
    from selfscore.batch.io import _split_csv
    from selfscore.inputs.cells import unbalanced_quote

    if unbalanced_quote(text) is not None:  # csv.reader would run the quote to the end of the file: refused
        with pytest.raises(s.UnreadableError, match="未配对的引号"):
            list(_split_csv(text, "x.csv"))
        return
    try:
        want = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return
    assert list(_split_csv(text, "x.csv")) == want


def test_folder_of_officers_spreadsheets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    sheets = ROOT / "tests/data/sheets"
    shutil.copy(sheets / "yuangang-2023.xlsx", tmp_path / "元岗.xlsx")
    shutil.copy(sheets / "yuangang-2023-gbk.csv", tmp_path / "元岗-gbk.csv")
    shutil.copy(sheets / "yuangang-2023-wrong.xlsx", tmp_path / "错表.xlsx")
    (tmp_path / "~$元岗.xlsx").write_bytes(b"Excel lock file")  # ignored, as Excel's lock files should be
    code, out, err = run([str(tmp_path), "--spec", "tianhe-2023", "--format", "csv"], capsys)
    assert code == 4
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["score"] for r in rows) == ["", "39.9", "39.9"]
    assert "✗ 错表" in err and "“部门整体绩效目标产出指标完成情况”各指标分值之和 19.99 不等于该项分值 20" in err
    code, _, err = run([str(tmp_path)], capsys)
    assert code == 4 and "自评表文件须用 --spec 指定评分规范" in err


def test_pyarrow_reader_gives_the_same_bytes(table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """With and without pyarrow: the same summary and indicator files, byte for byte; pyarrow only reads
    the files it cannot read differently (plain UTF-8), the others fall back."""
    pytest.importorskip("pyarrow")
    import selfscore.batch.io as bio
    from selfscore.batch.arrow import ArrowSource

    assert isinstance(bio.read_csv_source(table), ArrowSource)
    for name, plain, encoding, text in ADVERSARIAL:
        p = tmp_path / ("t.tsv" if "\t" in text else "t.csv")
        p.write_bytes(text.encode(encoding))
        arrow = plain and encoding in ("utf-8", "utf-8-sig") and "\n\n" not in text.replace("\r\n", "\n")
        assert isinstance(bio.read_csv_source(p), ArrowSource) == arrow, name
    outputs = []
    for use in (True, False):
        monkeypatch.setattr(bio, "USE_PYARROW", use)
        files = [tmp_path / f"{use}-{k}" for k in ("sum.csv", "ind.csv", "ind.json")]
        for args in (["-f", "csv", "-o", str(files[0]), "--indicators", str(files[1])], ["--indicators", str(files[2])]):
            run([str(table), "--spec", "tianhe-2023", *args], capsys)
        outputs.append([f.read_bytes() for f in files])
    assert outputs[0] == outputs[1]
    assert b"39.9" in outputs[0][0] and "代征出租屋综合税".encode() in outputs[0][1]


def test_unbalanced_quote_in_a_batch_csv_has_its_own_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "t.csv"
    p.write_text(HEADER + '甲,产出指标,数量,"活动,≥4次,4次,,,,\n乙,产出指标,数量,活动,≥4次,4次,,,,\n', encoding="utf-8")
    code, out, err = run([str(p), "--spec", "tianhe-2023", "-f", "csv"], capsys)
    assert (code, out) == (3, "")
    assert f"{p}: 第2行有未配对的引号 (unbalanced quote “\"”)：引号须成对出现；请删去这个引号，或在 Excel 中打开后另存为 CSV" in err


def _marked_copy(source: Path, target: Path, spec_id: str) -> None:
    """A 自评表 CSV whose title line records its spec, as ``selfscore template`` writes it."""
    text = source.read_bytes().decode("gbk").splitlines(keepends=True)
    text[0] = f"2023年度部门整体支出绩效自评表（评分规范：{spec_id}）,,,,,,\r\n"
    target.write_bytes("".join(text).encode("gbk"))


def test_folder_of_templates_uses_the_spec_they_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --spec, batch scores 自评表 templates under the spec they record (inputs.marker), as score does."""
    gbk = ROOT / "tests/data/sheets/yuangang-2023-gbk.csv"
    _marked_copy(gbk, tmp_path / "元岗.csv", "tianhe-2023")
    _marked_copy(gbk, tmp_path / "元岗二.csv", "tianhe-2023")
    code, out, err = run([str(tmp_path), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (code, [(r["spec"], r["score"]) for r in rows]) == (0, [("tianhe-2023", "39.9")] * 2), err
    # a table without a marker still needs --spec; the marked ones are scored
    import shutil

    shutil.copy(gbk, tmp_path / "无标记.csv")
    code, out, err = run([str(tmp_path), "--format", "csv"], capsys)
    assert code == 4 and "无标记.csv" in err and "自评表文件须用 --spec 指定评分规范" in err
    assert sorted(r["score"] for r in csv.DictReader(io.StringIO(out))) == ["", "39.9", "39.9"]
    # --spec decides for every table; a template made for another spec is named, as score names it
    code, out, err = run([str(tmp_path), "--spec", "liwan-2024", "--format", "csv"], capsys)
    assert f"selfscore: 注意 (warning): {tmp_path / '元岗.csv'} 是按评分规范 tianhe-2023 生成的模板，现按 liwan-2024 计分" in err
    assert "无标记.csv 是按" not in err
    # templates that record different specs: one --spec must decide
    _marked_copy(gbk, tmp_path / "荔湾.csv", "liwan-2024")
    code, out, err = run([str(tmp_path), "--format", "csv"], capsys)
    assert (code, out) == (2, "")
    assert ("这些自评表的模板记录了不同的评分规范 (the templates record different specs)：tianhe-2023（元岗.csv、元岗二.csv）；"
            "liwan-2024（荔湾.csv）；请用 --spec 指定按哪个规范计分") in err


def test_a_long_note_shared_by_many_departments_is_printed_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Three partial departments missing the same items: 见注1 in the table, the list once under it; CSV keeps it."""
    lines = ["部门,一级指标,二级指标,三级指标,年度目标值,年度实现值"]
    lines += [f"{d}街道,产出指标,数量指标,{n},≥4宗,4宗" for d in "甲乙丙" for n in ("指标一", "指标二")]
    table = tmp_path / "t.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([str(table), "--spec", "liwan-2024"]) == 0
    out = capsys.readouterr().out
    assert out.count("见注1") == 3
    legend = [line for line in out.splitlines() if line.startswith("注1：")]
    assert len(legend) == 1 and legend[0].startswith("注1：缺 履职效能 / 部门整体绩效目标效益指标完成情况")
    assert legend[0].endswith("（3 个部门）")
    assert main([str(table), "--spec", "liwan-2024", "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["note"] for r in rows} == {legend[0][len("注1："):-len("（3 个部门）")]}


def test_a_csv_input_is_read_on_a_thread_while_the_engine_loads(table: Path, tmp_path: Path) -> None:
    """The CLI reads a CSV ahead (selfscore.cli.batch._read_ahead) as the batch reader would; read_input takes
    what it read as the file."""
    from selfscore.batch.io import CodedSource, read_input
    from selfscore.cli.batch import _read_ahead

    assert _read_ahead(str(tmp_path)) is None and _read_ahead(str(ROOT / "cases" / "jinhua-2024.toml")) is None
    got = _read_ahead(str(table))
    assert got is not None
    source = got()
    assert isinstance(source, CodedSource) and source.header[:2] == ["部门", "一级指标"]
    assert source.column(0)[0] == ["元岗街道", "甲街道", "乙街道", "丙街道"]
    # handed over, not kept: a 100 MB file held for the whole run was +80 MiB of peak memory
    assert not any(c.cell_contents is source or c.cell_contents == [source] for c in got.__closure__ or ())
    ahead, _ = read_input(table, spec="tianhe-2023", ahead=_read_ahead(str(table)))
    plain, _ = read_input(table, spec="tianhe-2023")
    assert [d.name for d in ahead[0].departments] == [d.name for d in plain[0].departments] == [
        "元岗街道", "甲街道", "乙街道", "丙街道"]
    assert list(ahead[0].table.actual) == list(plain[0].table.actual)


def test_an_error_of_the_read_ahead_is_reported_as_the_reader_would(
        table: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import selfscore.inputs.files as files

    def refuse(path: Path, **_kw: object) -> bytes:
        raise s.UnreadableError(f"{path}: 无法读取 (cannot read): Input/output error")

    monkeypatch.setattr(files, "read_bytes", refuse)
    from selfscore.cli.batch import _read_ahead

    ahead = _read_ahead(str(table))
    assert ahead is not None
    with pytest.raises(s.UnreadableError, match="Input/output error"):
        ahead()
    code, out, err = run([str(table), "--spec", "tianhe-2023", "-f", "csv"], capsys)
    assert code == 3 and out == ""
    assert f"{table}: 无法读取 (cannot read): Input/output error" in err and "Traceback" not in err


@pytest.mark.parametrize("body", ["", "\n\n", ",,,,\n"])
def test_a_table_with_only_its_header_is_an_input_error(body: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "t.csv"
    p.write_text("部门,一级指标,三级指标,年度目标值,年度实现值\n" + body, encoding="utf-8")
    code, out, err = run([str(p), "--spec", "tianhe-2023"], capsys)
    assert code == 4 and out == ""
    assert f"{p}: 表中只有表头，没有指标行 (no indicator rows)" in err


_PIECES = [b",", b"\n", b"\r\n", b"\r", b'"', b"\x00", b" ", "\u3000".encode(), b"\xff", b"\xe4\xb8", "甲".encode(),
           "产出指标".encode(), "效益指标".encode(), b"95%", "≥95%".encode(), b"96%", "5次".encode(), b"0", b"\t",
           b"\xef\xbb\xbf"]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.booleans())
def test_hostile_bytes_read_the_same_every_way(tmp_path_factory: pytest.TempPathFactory, body: list[bytes],
                                              bom: bool) -> None:
    """Any bytes after a header (quotes, CR, NUL, cut or invalid UTF-8, BOMs ...): the six ways of reading give
    the same tables and scores, or the same refusal with and without pyarrow."""
    import selfscore.batch.io as bio

    p = tmp_path_factory.mktemp("hostile") / "t.csv"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "部门,一级指标,三级指标,年度目标值,年度实现值\n".encode()
                  + b"".join(body))
    with pytest.MonkeyPatch.context() as mp:
        try:
            ways = _read_ways(p, mp)
        except s.SelfScoreError as exc:
            for use in (True, False):
                mp.setattr(bio, "USE_PYARROW", use)
                with pytest.raises(s.SelfScoreError) as again:
                    bio.read_input(p, spec="tianhe-2023")
                assert str(again.value) == str(exc)
            return
    _assert_same_reading(ways)


def test_garbage_collection_is_off_during_a_run_only(table: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch turns the cyclic collector off while it runs, and leaves it as it found it (on or off), except in
    the process of the selfscore command, which ends with it."""
    import gc

    import selfscore.cli.batch as cli_batch

    seen: list[bool] = []
    real = cli_batch._run

    def spy(*args: object) -> int:
        seen.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_batch, "_run", spy)
    try:
        for before in (True, False):
            (gc.enable if before else gc.disable)()
            code, out, _err = run([str(table), "--spec", "tianhe-2023", "-f", "csv"], capsys)
            assert code == 4 and "元岗街道" in out and gc.isenabled() == before  # 4: one department cannot be scored
        # the selfscore command ends the process right after (selfscore.cli.run): no collection is turned on to go
        # through all the run made first
        monkeypatch.setattr("selfscore.cli._leaving", True)
        gc.enable()
        code, out, _err = run([str(table), "--spec", "tianhe-2023", "-f", "csv"], capsys)
        assert code == 4 and "元岗街道" in out and not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False, False]
