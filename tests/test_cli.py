"""The real command, run as a user would: output, exit codes, files written and not written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "selfscore", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def test_score_jinhua_table_shows_total_and_grade() -> None:
    out = run("score", "cases/jinhua-2024.toml")
    assert out.returncode == 0, out.stderr
    assert "总分 98.5（满分 100），等级：优" in out.stdout
    assert "│ 98.5 │" in out.stdout and "│  9.5 │" in out.stdout
    assert out.stderr == ""


def test_score_yuangang_shows_exact_decimals_and_says_partial() -> None:
    out = run("score", "cases/yuangang-2023.toml", "--explain")
    assert out.returncode == 0, out.stderr
    for text in ("3.34", "3.33", "│  3.9 │", "│ 19.9 │", "│ 39.9 │", "结果不完整 (partial)",
                 "4 × 98.66% = 3.9464 → 3.9（四舍五入, 1位小数）"):
        assert text in out.stdout, text
    assert "不计总分和等级" in out.stdout and "等级：" not in out.stdout


def test_table_columns_line_up_in_display_width() -> None:
    from wcwidth import wcswidth

    out = run("score", "cases/yuangang-2023.toml")
    table = [line for line in out.stdout.splitlines() if line.startswith(("│", "┌", "├", "└"))]
    assert len({wcswidth(line) for line in table}) == 1


def test_json_numbers_are_exact_strings() -> None:
    out = run("score", "cases/yuangang-2023.toml", "--format", "json")
    doc = json.loads(out.stdout)
    assert (doc["score"], doc["max"], doc["grade"], doc["partial"]) == (None, "100", None, True)
    part = doc["parts"][0]
    assert (part["name"], part["score"], part["max"]) == ("履职效能", "39.9", "40")
    output, benefit = part["items"]
    assert [i["weight"] for i in output["indicators"]] == ["3.34", "3.33", "3.33", "3.33", "3.33", "3.34"]
    tax = benefit["indicators"][0]
    assert (tax["name"], tax["weight"], tax["score"]) == ("代征出租屋综合税", "4", "3.9")
    assert tax["rate"] == {"percent": "98.66", "fraction": "4933/5000"}


def test_markdown_output_is_a_pipe_table() -> None:
    out = run("score", "cases/jinhua-2024.toml", "--format", "markdown")
    lines = out.stdout.splitlines()
    assert lines[2].startswith("| 评分项目") and lines[3].startswith("|---")
    assert "| 总分" in out.stdout and "98.5 |" in out.stdout


def test_output_file_is_written_and_the_input_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    out = run("score", "cases/jinhua-2024.toml", "-f", "json", "-o", str(target))
    assert out.returncode == 0 and json.loads(target.read_text(encoding="utf-8"))["score"] == "98.5"
    case = tmp_path / "case.toml"
    original = (ROOT / "cases/jinhua-2024.toml").read_text(encoding="utf-8")
    case.write_text(original, encoding="utf-8")
    out = run("score", str(case), "-o", str(case), "--force")
    assert out.returncode == 5 and "不能覆盖本次读取的输入文件" in out.stderr
    assert case.read_text(encoding="utf-8") == original
    assert {p.name for p in tmp_path.iterdir()} == {"result.json", "case.toml"}  # no temporary file left


def test_check_passes_on_bundled_cases_and_fails_on_a_changed_expectation(tmp_path: Path) -> None:
    ok = run("check")
    assert ok.returncode == 0, ok.stdout
    assert "6 passed, 0 failed" in ok.stdout  # 2 department cases, 4 project tables
    broken = tmp_path / "jinhua-changed.toml"
    text = (ROOT / "cases/jinhua-2024.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('score = "98.5"', 'score = "98.6"'), encoding="utf-8")
    bad = run("check", str(broken))
    assert bad.returncode == 1
    assert "score: 期望 (expected) 98.6，计算 (got) 98.5" in bad.stdout


def test_invalid_case_lists_every_problem_without_traceback(tmp_path: Path) -> None:
    text = (ROOT / "cases/yuangang-2023.toml").read_text(encoding="utf-8")
    text = text.replace('target = "4 次"', 'target = "4.0.1次"').replace('department =', 'departmant =')
    case = tmp_path / "typo.toml"
    case.write_text(text, encoding="utf-8")
    out = run("score", str(case))
    assert out.returncode == 4
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert "共 2 处" in out.stderr
    assert "departmant: 未知的键 (unknown key)" in out.stderr and "department: 缺少必填项" in out.stderr


def test_unreadable_target_names_the_indicator(tmp_path: Path) -> None:
    text = (ROOT / "cases/yuangang-2023.toml").read_text(encoding="utf-8").replace('target = "4 次"', 'target = "4.0.1次"')
    case = tmp_path / "bad-target.toml"
    case.write_text(text, encoding="utf-8")
    out = run("score", str(case))
    assert out.returncode == 4
    assert "第3个指标「举办文化活动场数」 target: 目标值中的数字格式有误 (malformed number) “4.0.1”" in out.stderr


def test_unreadable_and_usage_exit_codes(tmp_path: Path) -> None:
    assert run("score", "no-such-case.toml").returncode == 3
    (tmp_path / "gbk.toml").write_bytes("department = '街道'".encode("gbk"))
    out = run("score", str(tmp_path / "gbk.toml"))
    assert out.returncode == 3 and "UTF-8" in out.stderr
    assert run("score").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run().returncode == 2
    assert run("score", "cases/jinhua-2024.toml", "--spec", "nowhere-2020").returncode == 3


def test_help_documents_exit_codes() -> None:
    out = run("--help")
    assert out.returncode == 0
    for code in ("0    成功", "1    核对不符", "2    命令用法错误", "3    输入文件无法读取", "4    输入内容有误",
                 "5    无法写入输出", "130  已中断"):
        assert code in out.stdout
    assert run("score", "--help").stdout.count("5    无法写入输出") == 1


def test_specs_show_a_plain_basis_and_sources_only_on_request() -> None:
    out = run("specs")
    assert out.returncode == 0
    assert "依据：荔湾区 2024 年度部门整体支出绩效自评表评分办法（由金花街道 2024 年度自评表说明推定）" in out.stdout
    assert ".txt" not in out.stdout and "domain.md" not in out.stdout and "inferred" not in out.stdout
    audit = run("specs", "--sources")
    assert "出处 (source): inferred from 2024 年度广州市荔湾区人民政府金花街道办事处" in audit.stdout


def test_single_case_cli_does_not_import_numpy() -> None:
    code = ("import sys, runpy; sys.argv=['selfscore','score','cases/jinhua-2024.toml'];"
            "from selfscore.cli.main import main; main(); assert 'numpy' not in sys.modules, 'numpy imported'")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(("case", "absent", "present"), [
    ("cases/jinhua-2024.toml", ["selfscore.inputs.sheet", "selfscore.inputs.xlsx", "selfscore.core.project",
                                "selfscore.inputs.project_sheet", "selfscore.outputs.project_render"],
     ["selfscore.core.engine"]),
    ("cases/project-yongde-2022.toml", ["selfscore.inputs.sheet"], ["selfscore.core.project_score"]),
])
def test_score_loads_only_the_modules_its_case_needs(case: str, absent: list[str], present: list[str]) -> None:
    """Start-up time (issue 13): a department case loads neither the sheet readers nor the project modules."""
    code = (f"import sys; sys.argv=['selfscore','score',{case!r}];"
            "from selfscore.cli.main import main; rc = main();"
            f"print(rc, [m for m in {absent!r} if m in sys.modules], [m for m in {present!r} if m not in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "0 [] []", out.stdout[-500:] + out.stderr


def test_spreadsheet_scores_like_the_case_file() -> None:
    sheet = run("score", "tests/data/sheets/yuangang-2023.xlsx", "--spec", "tianhe-2023", "-f", "json")
    case = run("score", "cases/yuangang-2023.toml", "-f", "json")
    assert sheet.returncode == 0 and case.returncode == 0, sheet.stderr
    a, b = json.loads(sheet.stdout), json.loads(case.stdout)

    def scores(doc: dict) -> list[tuple[str, str | None, str | None]]:  # type: ignore[type-arg]
        return [(i["name"], i["weight"], i["score"]) for p in doc["parts"] for it in p["items"] for i in it.get("indicators", [])] + [
            (it["name"], it["max"], it["score"]) for p in doc["parts"] for it in p["items"]] + [(p["name"], p["max"], p["score"])
                                                                                               for p in doc["parts"]]

    assert scores(a) == scores(b)
    assert (a["partial"], a["score"]) == (True, None)


def test_spreadsheet_needs_a_spec() -> None:
    out = run("score", "tests/data/sheets/yuangang-2023-gbk.csv")
    assert out.returncode == 2 and "--spec" in out.stderr


def test_template_then_verify(tmp_path: Path) -> None:
    out = run("template", "--spec", "liwan-2024", "-o", str(tmp_path / "表.csv"))
    assert out.returncode == 0 and (tmp_path / "表.csv").read_text(encoding="utf-8-sig").count("\n") > 5
    again = run("template", "--spec", "liwan-2024", "-o", str(tmp_path / "表.csv"))
    assert again.returncode == 5 and "未覆盖" in again.stderr and "--force" in again.stderr
    wrong = run("verify", "tests/data/sheets/yuangang-2023-wrong.xlsx", "--spec", "tianhe-2023")
    assert wrong.returncode == 1 and "发现 12 处不符" in wrong.stdout
    assert "第12行 单项自评得分 (I12)：表中 (says) 3.95，应为 (should be) 3.9" in wrong.stdout
    right = run("verify", "tests/data/sheets/yuangang-2023.xlsx", "--spec", "tianhe-2023", "-f", "json")
    assert right.returncode == 0 and json.loads(right.stdout) == []


def test_xlsx_output_needs_an_output_file_and_is_written(tmp_path: Path) -> None:
    assert run("score", "cases/jinhua-2024.toml", "-f", "xlsx").returncode == 2
    out = run("score", "cases/jinhua-2024.toml", "-f", "xlsx", "-o", str(tmp_path / "自评表.xlsx"))
    assert out.returncode == 0
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "自评表.xlsx")["自评表"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 98.5 in values and "优" in values


def test_case_without_a_spec_says_so(tmp_path: Path) -> None:
    case = tmp_path / "skeleton.toml"
    case.write_text('spec = ""\ndepartment = "某街道"\nyear = 2024\n', encoding="utf-8")
    out = run("score", str(case))
    assert out.returncode == 4 and "Traceback" not in out.stderr
    assert "spec: 未指定评分规范 (no spec named)" in out.stderr
