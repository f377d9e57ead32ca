"""The Word 自评报告 (--format docx): written for both golden cases, opened with python-docx and read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from case_support import CASES, scored

from selfscore import DependencyError
from selfscore.cli.main import EXIT_OUTPUT, EXIT_UNREADABLE, EXIT_USAGE, main
from selfscore.core.errors import OutputError
from selfscore.outputs.docx import PLACEHOLDER, report_title, table_merges, write_result_docx
from selfscore.outputs.narrative import narrative
from selfscore.outputs.render import HEADERS

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt  # noqa: E402
from lxml import etree  # noqa: E402


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for name in ("jinhua-2024", "yuangang-2023"):
        path = folder / f"{name}.docx"
        write_result_docx(scored(name), path, inputs=[CASES / f"{name}.toml"])
        out[name] = docx.Document(str(path))
    return out


def grid(table: Any) -> list[list[str]]:
    """The table's text by grid cell (a merged cell's text stands in every cell it covers)."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def row_named(rows: list[list[str]], *names: str) -> list[str]:
    for row in rows:
        if all(name in row for name in names):
            return row
    raise AssertionError(f"no row with {names}")


def texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def one_cell(table: Any, places: list[tuple[int, int]]) -> bool:
    """Whether every grid place is covered by the same merged cell (its ``w:tc``)."""
    tcs = [table.cell(r, c)._tc for r, c in places]
    return all(tc is tcs[0] for tc in tcs)


def mm(length: int) -> float:
    return round(length / 36000, 1)


def east_asian_font(element: Any) -> str:
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return str(fonts.get(qn("w:eastAsia")))


def test_yuangang_table_holds_the_reports_numbers(reports: dict[str, Any]) -> None:
    (table,) = reports["yuangang-2023"].tables
    rows = grid(table)
    assert tuple(rows[0]) == (*HEADERS[:2], "一级指标", "二级指标", *HEADERS[2:])  # the officer's levels after 评分内容
    weights = [row_named(rows, name)[-2] for name in ("保洁面积", "投诉案件完成率", "举办文化活动场数", "垃圾清运率")]
    assert weights == ["3.34", "3.33", "3.33", "3.33"]
    tax = row_named(rows, "代征出租屋综合税")
    assert tax == ["履职效能", "部门整体绩效目标效益指标完成情况", "效益指标", "经济效益", "代征出租屋综合税", "500 万元",
                   "493.3 万元", "98.66%", "4", "3.9"]
    subtotals = [row[-1] for row in rows if row[2] == "小计"]
    assert subtotals == ["20", "19.9"]
    assert row_named(rows, "履职效能合计")[-2:] == ["40", "39.9"]
    assert row_named(rows, "总分")[-2:] == ["100", "—"]  # partial: no total
    assert row_named(rows, "等级")[-1] == "—"


def test_jinhua_table_total_and_grade(reports: dict[str, Any]) -> None:
    (table,) = reports["jinhua-2024"].tables
    rows = grid(table)
    assert row_named(rows, "总分")[-2:] == ["100", "98.5"]
    assert row_named(rows, "等级")[-1] == "优"
    assert row_named(rows, "年度平均支出率")[3:] == ["100%", "95%", "95%", "10", "9.5"]
    assert row_named(rows, "履职效能合计")[-2:] == ["50", "48.5"]
    assert row_named(rows, "管理效率合计")[-2:] == ["50", "50"]
    assert row_named(rows, "绩效管理")[-2:] == ["15", "15"]


def test_level_names_are_merged_cells_and_the_header_repeats(reports: dict[str, Any]) -> None:
    table = reports["yuangang-2023"].tables[0]
    rows = grid(table)
    first, last = 1, max(r for r, row in enumerate(rows) if row[1] == "履职效能合计")
    # one merged 一级指标 cell stands over the whole part, its subtotal rows and its 合计
    assert one_cell(table, [(r, 0) for r in range(first, last + 1)])
    assert not one_cell(table, [(first, 0), (last + 1, 0)])
    assert table.cell(first, 0).text == "履职效能" and table.cell(first + 1, 0).text == "履职效能"
    output = [r for r, row in enumerate(rows) if row[1] == "部门整体绩效目标产出指标完成情况"]
    assert output == list(range(1, 8))  # 6 indicators and 小计 under one 二级指标 cell
    assert one_cell(table, [(r, 1) for r in output]) and not one_cell(table, [(7, 1), (8, 1)])
    total = next(r for r, row in enumerate(rows) if row[0] == "总分")
    assert one_cell(table, [(total, c) for c in range(8)])  # 总分 spans the text columns and 完成率
    assert not one_cell(table, [(total, 7), (total, 8)])
    subtotal = rows.index(row_named(rows, "小计"))
    assert one_cell(table, [(subtotal, c) for c in range(2, 8)]) and rows[subtotal][2:8] == ["小计"] * 6
    # the officer's 一级指标 over the item's six output indicators, its 二级指标 over equal runs (3 数量, 2 质量, 1 时效)
    assert one_cell(table, [(r, 2) for r in range(1, 7)]) and rows[1][2] == "产出指标"
    assert not one_cell(table, [(6, 2), (7, 2)])
    assert [rows[r][3] for r in range(1, 7)] == ["数量指标"] * 3 + ["质量指标"] * 2 + ["时效指标"]
    assert one_cell(table, [(1, 3), (2, 3), (3, 3)]) and not one_cell(table, [(3, 3), (4, 3)])
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None and header.find(qn("w:cantSplit")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.tag.split("}")[1]: el.get(qn("w:val")) for el in borders} == dict.fromkeys(
        ("top", "left", "bottom", "right", "insideH", "insideV"), "single")


def test_table_merges_rule() -> None:
    rows = [["A", "x", "n1", "t", "a", "100%", "1", "1"],
            ["", "", "n2", "t", "a", "100%", "1", "1"],
            ["", "", "小计", "", "", "", "2", "2"],
            ["", "y", "无扣分", "", "", "", "3", "3"],
            ["", "A合计", "", "", "", "", "5", "5"],
            ["总分", "", "", "", "", "", "5", "5"],
            ["等级", "", "", "", "", "", "", "优"]]
    assert sorted(table_merges(rows, 5)) == [
        (0, 0, 4, 0),  # A over its rows and its 合计
        (0, 1, 2, 1),  # x over its two indicators and 小计
        (2, 2, 2, 5), (3, 2, 3, 5), (4, 1, 4, 5), (5, 0, 5, 5),
        (6, 0, 6, 6),  # 等级 runs up to the grade
    ]


def test_page_fonts_and_spacing_follow_gbt_9704(reports: dict[str, Any]) -> None:
    document = reports["jinhua-2024"]
    body, attachment = document.sections
    assert (mm(body.page_width), mm(body.page_height)) == (210, 297)  # A4, to the twip Word stores
    assert [mm(m) for m in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)] == [37, 35, 28, 26]
    assert mm(attachment.page_width) == 297 and attachment.orientation == 1  # landscape 附件 for the table
    normal = document.styles["Normal"]
    assert east_asian_font(normal.element) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(28) and normal.paragraph_format.line_spacing_rule == 4  # EXACTLY
    assert east_asian_font(document.styles["Heading 1"].element) == "黑体"
    assert east_asian_font(document.styles["Heading 2"].element) == "楷体_GB2312"
    assert document.styles["Heading 1"].font.bold is False
    title = document.paragraphs[0]
    assert title.text == report_title(scored("jinhua-2024")).replace("办事处", "办事处\n", 1)
    assert title.text == "广州市荔湾区人民政府金花街道办事处\n2024年度部门整体支出绩效自评报告"
    assert {east_asian_font(r._r) for r in title.runs} == {"方正小标宋简体"} and title.runs[0].font.size == Pt(22)
    body_paragraph = next(p for p in document.paragraphs if p.text.startswith("2024年度部门整体支出绩效自评结果为98.5分"))
    assert body_paragraph.paragraph_format.element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert east_asian_font(body_paragraph.runs[0]._r) == "仿宋_GB2312"


def test_font_table_names_the_chinese_fonts_and_windows_alternates(reports: dict[str, Any]) -> None:
    part = next(p for p in reports["jinhua-2024"].part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    fonts = {f.get(qn("w:name")): f for f in root.iter(qn("w:font"))}
    alternates = {name: fonts[name].find(qn("w:altName")) for name in ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体", "黑体")}
    assert {k: None if v is None else v.get(qn("w:val")) for k, v in alternates.items()} == {
        "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "黑体": None}
    assert fonts["仿宋_GB2312"].find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312


def test_page_numbers_odd_right_even_left(reports: dict[str, Any]) -> None:
    document = reports["jinhua-2024"]
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, 2), (section.even_page_footer, 0)):  # RIGHT, LEFT
        (paragraph,) = footer.paragraphs
        assert paragraph.alignment == align
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert [el.text for el in paragraph._p.iter(qn("w:instrText"))] == [" PAGE "]


def test_sections_placeholders_and_the_narrative(reports: dict[str, Any]) -> None:
    document = reports["yuangang-2023"]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、部门基本情况", "二、自评结论", "三、绩效分析", "四、存在问题", "五、下一步改进措施"]
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert level2[:2] == ["（一）部门职能", "（二）年度总体工作和重点工作任务"]
    assert "（一）履职效能分析" in level2 and "（二）管理效率分析" in level2
    placeholders = [p for p in document.paragraphs if p.text.startswith(PLACEHOLDER)]
    assert len(placeholders) == 7  # five 基本情况, 改进措施, 成文日期
    assert all(run.font.highlight_color == 7 for p in placeholders for run in p.runs)  # YELLOW
    # every line of the narrative is in the report, in order
    body = [line.strip() for line in narrative(scored("yuangang-2023")).splitlines()
            if line.strip() and not line.startswith(("一、", "二、", "三、"))]
    found = [t for t in texts(document) if t in body]
    assert found == body
    assert any("代征出租屋综合税" in t and "98.66%" in t and "0.1分" in t for t in found)


def test_partial_result_says_so_and_a_complete_one_does_not(reports: dict[str, Any]) -> None:
    partial = texts(reports["yuangang-2023"])
    notice = partial[1]
    assert notice.startswith("说明：本报告的计分结果不完整。已计分部分得分39.9分（满分40分），未计总分和等级。")
    assert "管理效率" in notice
    assert any(t.startswith("说明：本表计分结果不完整") for t in partial)  # under the table too
    assert not any("不完整" in t for t in texts(reports["jinhua-2024"]))
    assert any("98.5分" in t and "“优”" in t for t in texts(reports["jinhua-2024"]))


def test_cli_writes_docx_and_needs_an_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "报告.docx"
    assert main(["score", str(CASES / "yuangang-2023.toml"), "--format", "docx", "-o", str(out)]) == 0
    assert "已写入" in capsys.readouterr().err
    assert row_named(grid(docx.Document(str(out)).tables[0]), "代征出租屋综合税")[-1] == "3.9"
    assert main(["score", str(CASES / "jinhua-2024.toml"), "-f", "docx"]) == EXIT_USAGE
    assert "--format docx 需要用 -o" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]  # no temporary file left


def test_a_project_table_is_refused_with_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = CASES / "project-yongde-2022.toml"
    assert main(["score", str(project), "-f", "docx", "-o", str(tmp_path / "p.docx")]) == EXIT_USAGE
    assert "项目支出绩效自评表请用 --format xlsx" in capsys.readouterr().err
    assert main(["score", str(project), "-f", "xlsx"]) == EXIT_USAGE  # no traceback for want of -o
    assert list(tmp_path.iterdir()) == []


def test_never_overwrites_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.toml"
    case.write_bytes((CASES / "jinhua-2024.toml").read_bytes())
    before = case.read_bytes()
    for force in ([], ["--force"]):
        assert main(["score", str(case), "-f", "docx", "-o", str(case), *force]) == EXIT_OUTPUT
        assert "不能覆盖本次读取的输入文件" in capsys.readouterr().err
    assert case.read_bytes() == before
    with pytest.raises(OutputError):
        write_result_docx(scored("jinhua-2024"), tmp_path / "nope" / "out.docx")


def test_an_existing_report_is_replaced_only_with_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "报告.docx"
    out.write_bytes(b"an officer's edited report")
    args = ["score", str(CASES / "jinhua-2024.toml"), "-o", str(out)]  # the format from the extension
    assert main(args) == EXIT_OUTPUT
    assert "--force" in capsys.readouterr().err and out.read_bytes() == b"an officer's edited report"
    assert main([*args, "--force"]) == 0
    assert row_named(grid(docx.Document(str(out)).tables[0]), "总分")[-1] == "98.5"


def test_without_python_docx_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # makes "import docx" raise ImportError
    with pytest.raises(DependencyError, match=r'需要安装 python-docx：pip install "selfscore\[docx\]"'):
        write_result_docx(scored("jinhua-2024"), tmp_path / "out.docx")
    assert main(["score", str(CASES / "jinhua-2024.toml"), "-f", "docx", "-o", str(tmp_path / "out.docx")]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert "缺少可选依赖" in err and 'pip install "selfscore[docx]"' in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_single_case_cli_does_not_import_numpy_for_docx(tmp_path: Path) -> None:
    code = ("import sys; from selfscore.cli.main import main; "
            f"rc = main(['score', {str(CASES / 'jinhua-2024.toml')!r}, '-f', 'docx', '-o', {str(tmp_path / 'r.docx')!r}]); "
            "assert rc == 0; assert 'numpy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=60)
