"""Build the hand-made spreadsheet fixtures in this folder (the generated files are committed too).

Run from the repository root:  python3 tests/data/sheets/make_fixtures.py

Each file is made the way a finance officer's table looks, not the way selfscore's
template writes it:

- yuangang-2023.xlsx        元岗街道 2023 (cases/yuangang-2023.toml) filled in correctly: title and
                            单位名称 rows, a two-row header with the official long names, merged 一级/二级
                            cells, 完成率 stored as fractions with a % format, a 实现值 of 1 formatted
                            0%, weights formatted 0.00, a weight and a score stored as text (“4分”, “4”),
                            subtotal formulas with cached values, an extra 序号 column (one 序号 is a
                            formula with no cached value, which must be ignored), a 备注 column
                            (read and carried to the outputs), a 填表人
                            line and styled empty rows below the table.
- yuangang-2023-wrong.xlsx  the same table with planted errors for `verify` (see WRONG below).
- yuangang-2023-gbk.csv     the same indicators as Excel on Chinese Windows saves “CSV (逗号分隔)”:
                            GBK, CRLF, merged cells exported as blanks, no 分值/得分 columns (the
                            spec splits the points), an extra 备注 column, trailing empty rows.
- yuangang-2023-bom.csv     “CSV UTF-8” (with BOM), header synonyms (目标值/完成值/权重/自评得分),
                            typed weights and scores, subtotal rows.
- jinhua-2024.csv           金花街道 2024 (cases/jinhua-2024.toml) in the official 荔湾 layout:
                            履职效能 / 管理效率 rows given as item rows (UTF-8, no BOM).
- jinhua-2024-wrong.csv     the same with planted errors in item and sum rows.
- formula-no-cache.xlsx     formulas saved without cached values in used columns.

The 偏差原因 text of 代征出租屋综合税 is invented for the fixture (the report gives none).
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
FIXED = datetime(2024, 3, 1, 9, 0, 0)
DEPARTMENT = "广州市天河区人民政府元岗街道办事处"

# (一级, 二级, 三级, 年度目标值, 年度实现值, 完成率, 分值, 得分, 偏差原因, 判断结果) as the 元岗 report prints them
YUANGANG = [
    ("产出指标", "数量指标", "保洁面积", "保洁面积 258256.8 万平方米", "保洁面积 258256.8 万平方米", 1, 3.34, 3.34, "", ""),
    ("产出指标", "数量指标", "投诉案件完成率", "100%完成", "100%完成", 1, 3.33, 3.33, "", ""),
    ("产出指标", "数量指标", "举办文化活动场数", "4 次", "4 次", 1, 3.33, 3.33, "", ""),
    ("产出指标", "质量指标", "未成年保护站工作人员上门走访服务工作", "上门服务满意率（90%）", "上门服务满意率（90%）",
     1, 3.33, 3.33, "", ""),
    ("产出指标", "质量指标", "垃圾清运率", "日产日清", "100%完成", 1, 3.33, 3.33, "", ""),
    ("产出指标", "时效指标", "根据上级养老服务指导中心指引，完成相应工作。", "达标", "达标", 1, 3.34, 3.34, "", ""),
    ("效益指标", "经济效益", "代征出租屋综合税", "500 万元", "493.3 万元", 0.9866, 4, 3.9,
     "受辖内出租屋空置率上升影响，征收额略低于目标；下一步加强出租屋税源巡查", ""),
    ("效益指标", "社会效益", "服务机构评估合格率", "100%", "100%", 1, 4, 4, "", ""),
    ("效益指标", "生态效益", "虫蚊媒密度", "控制在标准内", "控制在标准内", 1, 4, 4, "", ""),
    ("效益指标", "可持续发展", "宜居环境", "打造“更干净、更整洁、更平安、更有序”城区宜居环境，持续性发挥效能。",
     "按要求落实环卫各项工作，完成任务指标。", 1, 4, 4, "", "达成"),
    ("效益指标", "服务对象满意度", "居家养老服务总体满意度", "≥ 95%", "≥ 95%", 1, 4, 4, "", ""),
]

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _set_cached(path: Path, values: dict[str, str]) -> None:
    """Give formula cells a cached value, as Excel does when it saves (openpyxl writes none),
    and pin the timestamps so that the files are the same on every run."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    for ref, value in values.items():
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*>(?:(?!</c>).)*?<f>[^<]*</f>)(?:<v\s*/>|<v></v>)', rf"\g<1><v>{value}</v>", xml)
        assert n == 1, ref
    members["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    core = members["docProps/core.xml"].decode("utf-8")
    members["docProps/core.xml"] = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", r"\g<1>2024-03-01T09:00:00Z", core).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def _officer_xlsx(path: Path, rows: list[tuple], *, subtotal: dict[str, object], cached: dict[str, str],
                  rate_formats: dict[int, str] | None = None) -> None:
    wb = Workbook()
    wb.properties.creator = "财务股"
    wb.properties.created = wb.properties.modified = FIXED
    ws = wb.active
    ws.title = "部门整体支出绩效自评表"
    ws["A1"] = f"{DEPARTMENT}2023年度部门整体支出绩效自评表"
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "单位名称（盖章）："
    ws["B2"] = DEPARTMENT
    ws.merge_cells("B2:E2")
    ws["J2"] = "金额单位：万元"
    # two-row header, as the official table: 自评指标 over the three levels, the rest merged vertically
    ws["A3"] = "序号"
    ws["B3"] = "自评指标"
    ws["E3"] = "年度目标值"
    ws["F3"] = "年度实现值"
    ws["G3"] = "指标完成率"
    ws["H3"] = "单项分值\n（权重）"
    ws["I3"] = "单项自评\n得分"
    ws["J3"] = "偏差原因分析及改进措施"
    ws["K3"] = "判断结果"
    ws["L3"] = "备注"
    ws.merge_cells("B3:D3")
    for col in "AEFGHIJKL":
        ws.merge_cells(f"{col}3:{col}4")
    ws["B4"], ws["C4"], ws["D4"] = "一级指标", "二级指标", "三级指标"
    rate_formats = rate_formats or {}
    r = 5
    number = 1
    for block, group in ((rows[:6], "产出指标"), (rows[6:], "效益指标")):
        first = r
        for level1, level2, name, target, actual, rate, weight, score, reason, judgement in block:
            ws.cell(r, 1, number)
            ws.cell(r, 2, level1 if r == first else None)
            ws.cell(r, 3, level2)
            ws.cell(r, 4, name)
            ws.cell(r, 5, target)
            if name == "服务机构评估合格率":  # typed 100% in Excel: stored 1 with a % format
                ws.cell(r, 6, 1).number_format = "0%"
            else:
                ws.cell(r, 6, actual)
            ws.cell(r, 7, rate).number_format = rate_formats.get(r, "0.00%")
            if name == "服务机构评估合格率":  # numbers stored as text, one with its unit
                ws.cell(r, 8, f"{weight}分")
                ws.cell(r, 9, str(score))
            else:
                ws.cell(r, 8, weight).number_format = "0.00"
                ws.cell(r, 9, score)
            ws.cell(r, 10, reason or None)
            ws.cell(r, 11, judgement or None)
            r += 1
            number += 1
        ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
        # merge runs of the same 二级指标, leaving the text on the first cell only
        start = first
        for k in range(first + 1, r + 1):
            if k == r or ws.cell(k, 3).value != ws.cell(start, 3).value:
                if k - 1 > start:
                    for m in range(start + 1, k):
                        ws.cell(m, 3).value = None
                    ws.merge_cells(start_row=start, start_column=3, end_row=k - 1, end_column=3)
                start = k
        ws.cell(r, 2, f"{group}小计")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
        ws.cell(r, 8, f"=SUM(H{first}:H{r - 1})")
        ws.cell(r, 9, f"=SUM(I{first}:I{r - 1})")
        r += 1
    ws.cell(r, 2, "履职效能合计")
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
    ws.cell(r, 8, subtotal.get("H", 40))
    ws.cell(r, 9, subtotal.get("I", "=I11+I17"))
    last = r
    # a 序号 formula saved without a cached value: an ignored column, so it must not matter
    ws["A5"] = "=ROW()-4"
    ws["L12"] = "目标值取自部门绩效目标申报表"
    ws.cell(last + 2, 1, "填表人：张三        联系电话：020-00000000")
    for row in ws.iter_rows(min_row=3, max_row=last, max_col=12):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for k in range(last + 3, last + 25):  # styled but empty rows below the table
        for col in range(1, 13):
            ws.cell(k, col).border = BOX
    for col, width in zip("ABCDEFGHIJKL", (5, 10, 12, 30, 22, 22, 10, 9, 9, 28, 9, 16), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(path)
    _set_cached(path, cached)


def yuangang_xlsx() -> None:
    _officer_xlsx(HERE / "yuangang-2023.xlsx", YUANGANG, subtotal={},
                  cached={"H11": "20", "I11": "20", "H17": "20", "I17": "19.9", "I18": "39.9"})


#: The planted errors of yuangang-2023-wrong.xlsx, by cell.
WRONG = {
    "H5": "分值 3.33 instead of 3.34: the 产出 weights sum to 19.99, not 20 (and the 得分 I5 follows it)",
    "G6": "完成率 95% for 100%完成 against 100%完成",
    "I7": "得分 3.5 above the weight 3.33",
    "I12": "得分 3.95: 4 × 98.66% rounded to 2 places instead of the spec's 1",
    "J12": "no 偏差原因 for the below-full 代征出租屋综合税",
    "G12": "98.7% (98.66% shown to 1 place): NOT an error",
    "H18": "履职效能合计 分值 50 instead of 40",
    "I18": "履职效能合计 typed 39.5: does not add up (20.16 + 19.95)",
}


def yuangang_wrong_xlsx() -> None:
    rows = [list(r) for r in YUANGANG]
    rows[0][6], rows[0][7] = 3.33, 3.33        # H5, I5
    rows[1][5] = 0.95                          # G6
    rows[2][7] = 3.5                           # I7
    rows[6][5], rows[6][7], rows[6][8] = 0.987, 3.95, ""   # G12, I12, J12
    _officer_xlsx(HERE / "yuangang-2023-wrong.xlsx", [tuple(r) for r in rows], subtotal={"H": 50, "I": 39.5},
                  cached={"H11": "19.99", "I11": "20.16", "H17": "20", "I17": "19.95"}, rate_formats={12: "0.0%"})


def _csv(rows: list[list[object]]) -> str:
    import csv
    import io

    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def yuangang_gbk_csv() -> None:
    rows: list[list[object]] = [
        [f"{DEPARTMENT}2023年度部门整体支出绩效自评表", "", "", "", "", "", ""],
        ["单位名称：" + DEPARTMENT, "", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "判断结果", "备注"],
    ]
    previous = ("", "")
    for level1, level2, name, target, actual, *_rest, judgement in YUANGANG:
        rows.append([level1 if level1 != previous[0] else "", level2 if (level1, level2) != previous else "", name,
                     target, actual, judgement, ""])
        previous = (level1, level2)
    rows[-1][-1] = "问卷调查 320 份"
    rows += [[""] * 7, [""] * 7, [""] * 7]
    (HERE / "yuangang-2023-gbk.csv").write_bytes(_csv(rows).encode("gbk"))


def yuangang_bom_csv() -> None:
    rows: list[list[object]] = [
        ["元岗街道 2023 年度部门整体支出绩效自评表"],
        ["单位名称", DEPARTMENT],
        ["一级指标", "二级指标", "三级指标", "目标值", "完成值", "完成率", "权重", "自评得分", "偏差原因", "判断结果"],
    ]
    for k, (level1, level2, name, target, actual, rate, weight, score, reason, judgement) in enumerate(YUANGANG):
        percent = "98.66%" if rate != 1 else "100%"
        rows.append([level1 if k in (0, 6) else "", level2, name, target, actual, percent, weight, score, reason, judgement])
        if k == 5:
            rows.append(["", "小计", "", "", "", "", "20", "20", "", ""])
    rows.append(["", "小计", "", "", "", "", "20", "19.9", "", ""])
    rows.append(["履职效能合计", "", "", "", "", "", "40", "39.9", "", ""])
    (HERE / "yuangang-2023-bom.csv").write_bytes(_csv(rows).encode("utf-8-sig"))


JINHUA_HEAD: list[list[object]] = [
    ["广州市荔湾区人民政府金花街道办事处2024年度部门整体支出绩效自评表"],
    ["单位名称", "广州市荔湾区人民政府金花街道办事处"],
    ["一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "完成率", "分值", "得分", "偏差原因"],
]


def _jinhua_rows(score: dict[str, str], points: dict[str, str], reasons: dict[str, str],
                 rate: str, totals: tuple[str, str, str]) -> list[list[object]]:
    def item(level1: str, name: str, full: str, third: str = "", target: str = "", actual: str = "", r: str = "") -> list[object]:
        return [level1, name, third, target, actual, r, points.get(name, full), score.get(name, full), reasons.get(name, "")]

    rows = [
        item("履职效能", "部门整体绩效目标产出指标完成情况", "20", "按汇总填报"),
        item("", "部门整体绩效目标效益指标完成情况", "20", "按汇总填报"),
        item("", "部门预算资金支出率", "10", "年度平均支出率", "100%", "95%", rate),
        ["", "履职效能合计", "", "", "", "", "50", totals[0], ""],
        item("管理效率", "预算编制", "3"),
        item("", "预算执行", "4"),
        item("", "信息公开", "4"),
        item("", "绩效管理", "15"),
        item("", "采购管理", "10"),
        item("", "资产管理", "10"),
        item("", "运行成本", "4"),
        ["", "管理效率合计", "", "", "", "", "50", totals[1], ""],
        ["总分", "", "", "", "", "", "100", totals[2], ""],
    ]
    return [*JINHUA_HEAD, *rows]


def jinhua_csv() -> None:
    rows = _jinhua_rows(
        score={"部门整体绩效目标产出指标完成情况": "19", "部门预算资金支出率": "9.5"},
        points={},
        reasons={"部门整体绩效目标产出指标完成情况": "严重精神障碍患者监护及救治财政补助发放率不达90%，扣1分",
                 "部门预算资金支出率": "年度平均执行率只有95%"},
        rate="95%", totals=("48.5", "50", "98.5"))
    (HERE / "jinhua-2024.csv").write_text(_csv(rows), encoding="utf-8", newline="")


#: The planted errors of jinhua-2024-wrong.csv, by cell.
JINHUA_WRONG = {
    "F6": "完成率 90% for an average of 95%",
    "H6": "支出率得分 9 instead of 9.5",
    "H7": "履职效能合计 48 adds up (19 + 20 + 9) but should be 48.5",
    "G8": "预算编制 分值 5 instead of 3",
    "H12": "采购管理 得分 11 above its 10 points",
    "I13": "资产管理 得分 8 without a reason",
    "H15": "管理效率合计 49 adds up but should be 48 (资产管理 8, 采购管理 at most 10)",
    "H16": "总分 97.5 does not add up (48 + 49 = 97)",
}


def jinhua_wrong_csv() -> None:
    rows = _jinhua_rows(
        score={"部门整体绩效目标产出指标完成情况": "19", "部门预算资金支出率": "9", "采购管理": "11", "资产管理": "8"},
        points={"预算编制": "5"},
        reasons={"部门整体绩效目标产出指标完成情况": "严重精神障碍患者监护及救治财政补助发放率不达90%，扣1分"},
        rate="90%", totals=("48", "49", "97.5"))
    (HERE / "jinhua-2024-wrong.csv").write_text(_csv(rows), encoding="utf-8", newline="")


def formula_no_cache_xlsx() -> None:
    wb = Workbook()
    wb.properties.created = wb.properties.modified = FIXED
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "年度目标值", "年度实现值", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "举办文化活动场数", "4次", "=2+2", None, None])
    ws.append(["产出指标", "质量指标", "垃圾清运率", "100%", "100%", None, "=F3"])
    ws.append(["效益指标", "社会效益", "服务机构评估合格率", "100%", "100%", None, 20])
    wb.save(HERE / "formula-no-cache.xlsx")
    _set_cached(HERE / "formula-no-cache.xlsx", {})


def main() -> None:
    yuangang_xlsx()
    yuangang_wrong_xlsx()
    yuangang_gbk_csv()
    yuangang_bom_csv()
    jinhua_csv()
    jinhua_wrong_csv()
    formula_no_cache_xlsx()


if __name__ == "__main__":
    main()
