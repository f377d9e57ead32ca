"""The command as an officer meets it: Chinese messages, one overwrite rule, inputs never lost,
formats from the file name, a table that fits the terminal, templates that know their spec."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from wcwidth import wcswidth

from selfscore.core.errors import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OUTPUT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    DependencyError,
    InputError,
    OutputError,
    Problem,
    UnreadableError,
    UsageError,
    exit_code,
)

ROOT = Path(__file__).resolve().parent.parent
JINHUA = ROOT / "cases" / "jinhua-2024.toml"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "selfscore", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def test_one_map_from_failure_kinds_to_exit_codes() -> None:
    from selfscore.batch.io import SpecNeeded

    assert [exit_code(e) for e in (UsageError("u"), OutputError("o"), UnreadableError("r"), DependencyError("d"),
                                   InputError([Problem("p")]), KeyboardInterrupt())] == [
        EXIT_USAGE, EXIT_OUTPUT, EXIT_UNREADABLE, EXIT_UNREADABLE, EXIT_INVALID, EXIT_INTERRUPTED]
    assert exit_code(SpecNeeded([Problem("须指定评分规范")])) == EXIT_USAGE


def test_no_literal_exit_codes_in_library_code() -> None:
    import re

    for folder in ("core", "inputs", "outputs"):
        for file in (ROOT / "selfscore" / folder).glob("*.py"):
            text = file.read_text(encoding="utf-8")
            assert not re.search(r"(return|exit\(|SystemExit\()\s*[345]\b", text), file


# --- the one overwrite rule, and inputs are never outputs ------------------------------------------------------


def _case_with_local_specs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A case naming spec.toml, which extends base.toml (copies of liwan-2024)."""
    base = tmp_path / "base.toml"
    base.write_bytes((ROOT / "scoring_specs" / "liwan-2024.toml").read_bytes())
    spec = tmp_path / "spec.toml"
    spec.write_text('id = "local"\nextends = "base.toml"\ntitle = "本地规范"\nsource = "test"\n', encoding="utf-8")
    case = tmp_path / "case.toml"
    case.write_text(JINHUA.read_text(encoding="utf-8").replace('spec = "liwan-2024"', 'spec = "spec.toml"'),
                    encoding="utf-8")
    return case, spec, base


def test_every_file_read_is_an_input_and_never_overwritten(tmp_path: Path) -> None:
    case, spec, base = _case_with_local_specs(tmp_path)
    before = {p: p.read_bytes() for p in (case, spec, base)}
    assert run("score", str(case)).returncode == 0
    for target in (case, spec, base):
        for fmt in ("json", "xlsx"):
            out = run("score", str(case), "-f", fmt, "-o", str(target), "--force")
            assert out.returncode == EXIT_OUTPUT, out.stderr
            assert "不能覆盖本次读取的输入文件" in out.stderr and "无法读取" not in out.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.toml", "case.toml", "spec.toml"]


def test_an_existing_output_needs_force_in_every_command(tmp_path: Path) -> None:
    for args, name in ((("score", str(JINHUA)), "r.json"), (("score", str(JINHUA)), "r.xlsx"),
                       (("template", "--spec", "liwan-2024"), "t.csv")):
        target = tmp_path / name
        target.write_bytes(b"an officer's work")
        refused = run(*args, "-o", str(target))
        assert refused.returncode == EXIT_OUTPUT, refused.stderr
        assert "文件已存在，未覆盖" in refused.stderr and "--force" in refused.stderr
        assert target.read_bytes() == b"an officer's work"
        assert run(*args, "-o", str(target), "--force").returncode == 0
        assert target.read_bytes() != b"an officer's work"


def test_never_writes_over_a_device_even_with_force() -> None:
    out = run("score", str(JINHUA), "-o", "/dev/null", "--force")
    assert out.returncode == EXIT_OUTPUT and "不是普通文件" in out.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_missing_output_folder_is_an_output_error_not_unreadable(tmp_path: Path) -> None:
    out = run("score", str(JINHUA), "-o", str(tmp_path / "nowhere" / "r.json"))
    assert out.returncode == EXIT_OUTPUT and "无法写入输出 (cannot write output)" in out.stderr
    assert "无法读取" not in out.stderr


# --- formats from the file name --------------------------------------------------------------------------------


def test_format_follows_the_extension(tmp_path: Path) -> None:
    assert run("score", str(JINHUA), "-o", str(tmp_path / "r.xlsx")).returncode == 0
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames == ["自评表", "计算过程"]
    assert run("score", str(JINHUA), "-o", str(tmp_path / "r.json")).returncode == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["score"] == "98.5"
    assert run("score", str(JINHUA), "-o", str(tmp_path / "r.md")).returncode == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("**")
    assert run("score", str(JINHUA), "-f", "narrative", "-o", str(tmp_path / "n.txt")).returncode == 0
    assert (tmp_path / "n.txt").read_text(encoding="utf-8").startswith("一、自评结论")


@pytest.mark.parametrize(("args", "words"), [
    (("-f", "json", "-o", "r.xlsx"), "与输出文件扩展名 .xlsx 不一致"),
    (("-f", "xlsx", "-o", "r.json"), "与输出文件扩展名 .json 不一致"),
    (("-o", "r.xls"), "无法输出为 .xls 文件"),
    (("-f", "xlsx",), "需要用 -o 指定输出文件"),
])
def test_a_contradiction_is_a_usage_error(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    out = run("score", str(JINHUA), *args, cwd=tmp_path)
    assert out.returncode == EXIT_USAGE and words in out.stderr
    assert list(tmp_path.iterdir()) == []


# --- Chinese everywhere ----------------------------------------------------------------------------------------


def test_argparse_speaks_chinese() -> None:
    missing = run("score")
    assert missing.returncode == EXIT_USAGE
    assert "用法 (usage): selfscore score" in missing.stderr and "缺少必须给出的参数 (required)：CASE" in missing.stderr
    bad = run("score", str(JINHUA), "--format", "pdf")
    assert "无效的选项 (invalid choice)：'pdf'" in bad.stderr
    unknown = run("frobnicate")
    assert unknown.returncode == EXIT_USAGE and "无效的选项" in unknown.stderr
    helped = run("score", "--help")
    assert "选项 (options):" in helped.stdout and "显示本帮助并退出" in helped.stdout
    for english in ("the following arguments", "invalid choice:", "show this help message", "usage:", "error:"):
        assert english not in missing.stderr + bad.stderr + unknown.stderr + helped.stdout, english


def test_explain_shows_a_plain_basis_and_sources_only_for_auditors() -> None:
    out = run("score", "cases/yuangang-2023.toml", "--explain")
    assert "依据：天河区 2023 年度部门整体支出绩效自评表评分办法（由元岗街道 2023 年度自评报告推定；管理效率部分未公布）" in out.stdout
    for leak in (".txt", "domain.md", "inferred", "not published in spec", "出处"):
        assert leak not in out.stdout, leak
    audit = run("score", "cases/yuangang-2023.toml", "--explain", "--sources")
    assert "出处 (source)：元岗 2023 自评报告 自评表: 产出指标（分值20）" in audit.stdout
    doc = json.loads(run("score", "cases/yuangang-2023.toml", "-f", "json", "--explain").stdout)
    item = doc["parts"][0]["items"][0]
    assert item["source"].startswith("元岗 2023 自评报告 自评表") and item["basis"].startswith("天河区 2023")


def test_xlsx_trace_sheet_shows_the_basis_not_file_names(tmp_path: Path) -> None:
    assert run("score", "cases/yuangang-2023.toml", "-o", str(tmp_path / "r.xlsx")).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    texts = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any(t.startswith("依据：天河区 2023") for t in texts)
    assert not [t for t in texts if ".txt" in t or "domain.md" in t or "inferred" in t or t.startswith("失")]


# --- the terminal table ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 100, 140])
@pytest.mark.parametrize("case", ["jinhua-2024", "yuangang-2023"])
def test_table_fits_the_width(width: int, case: str) -> None:
    out = run("score", f"cases/{case}.toml", "--width", str(width))
    table = [line for line in out.stdout.splitlines() if line.startswith(("│", "┌", "├", "└"))]
    assert len({wcswidth(line) for line in table}) == 1 and wcswidth(table[0]) <= width


def test_default_width_off_a_terminal_is_100() -> None:
    out = run("score", "cases/yuangang-2023.toml")
    assert max(wcswidth(line) for line in out.stdout.splitlines() if line.startswith("│")) <= 100


def test_plain_borders_survive_any_console() -> None:
    out = run("score", "cases/yuangang-2023.toml", "--plain", "--explain")
    assert out.returncode == 0
    assert not set("─│┼┌└├≥≤“”—×→·") & set(out.stdout)
    table = [line for line in out.stdout.splitlines() if line.startswith(("+", "|"))]
    assert table[0].startswith("+---") and len({wcswidth(line) for line in table}) == 1
    assert ">= 95%" in out.stdout and "4 x 98.66% = 3.9464 -> 3.9" in out.stdout
    import unicodedata

    assert not [c for c in out.stdout if unicodedata.east_asian_width(c) == "A"]  # no ambiguous-width character


# --- templates know their spec ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_template_scores_without_spec_and_warns_under_another(tmp_path: Path, suffix: str) -> None:
    table = tmp_path / f"表{suffix}"
    assert run("template", "--spec", "liwan-2024", "-o", str(table)).returncode == 0
    out = run("score", str(table), "--department", "某街道")
    assert out.returncode == 0, out.stderr
    assert "评分规范：liwan-2024" in out.stdout and out.stderr == ""
    assert "尚无已计分的项目" in out.stdout and "得分 0（满分 0）" not in out.stdout
    other = run("score", str(table), "--department", "某街道", "--spec", "tianhe-2023")
    assert "注意 (warning)" in other.stderr and "liwan-2024" in other.stderr


def test_narrative_of_an_unfilled_template_does_not_say_0_of_0(tmp_path: Path) -> None:
    table = tmp_path / "表.csv"
    run("template", "--spec", "liwan-2024", "-o", str(table))
    out = run("score", str(table), "--department", "某街道", "-f", "narrative")
    assert "尚无已计分的项目" in out.stdout and "满分0分" not in out.stdout


# --- Ctrl-C ----------------------------------------------------------------------------------------------------


def test_ctrl_c_while_modules_load_is_one_line_and_130() -> None:
    code = ("import sys\n"
            "class Stop:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'selfscore.cli.main':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Stop())\n"
            "from selfscore.cli import run\n"
            "sys.exit(run())\n")
    out = subprocess.run([sys.executable, "-c", code, "score", str(JINHUA)], capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert (out.returncode, out.stderr) == (EXIT_INTERRUPTED, "selfscore: 已中断 (interrupted)\n")


def test_ctrl_c_while_working_never_shows_a_traceback() -> None:
    """Once Python runs selfscore's first line, Ctrl-C ends with one line (the interpreter's own
    start-up, before any of selfscore's code, is out of reach; the test above covers the imports)."""
    for delay in (0.3, 0.5, 0.8):
        proc = subprocess.Popen([sys.executable, "-m", "selfscore", "score", str(JINHUA), "--explain"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, (delay, err)
        if proc.returncode != 0:  # finished before the signal otherwise
            assert proc.returncode in (EXIT_INTERRUPTED, -signal.SIGINT), (delay, proc.returncode, err)


# --- batch follows the same rule --------------------------------------------------------------------------------


def test_batch_outputs_follow_the_one_rule(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    member = folder / "jinhua.toml"
    member.write_bytes(JINHUA.read_bytes())
    same = run("batch", str(folder), "-o", str(tmp_path / "x.csv"), "--indicators", str(tmp_path / "x.csv"))
    assert same.returncode == EXIT_OUTPUT and "不能是同一个文件" in same.stderr
    over = run("batch", str(folder), "-f", "csv", "-o", str(member), "--force")
    assert over.returncode == EXIT_OUTPUT and "不能覆盖本次读取的输入文件" in over.stderr
    assert member.read_bytes() == JINHUA.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases"]
    out = tmp_path / "summary.csv"
    assert run("batch", str(folder), "-f", "csv", "-o", str(out)).returncode == 0
    again = run("batch", str(folder), "-f", "csv", "-o", str(out))
    assert again.returncode == EXIT_OUTPUT and "--force" in again.stderr
    assert run("batch", str(folder), "-f", "csv", "-o", str(out), "--force").returncode == 0


def test_a_full_screen_output_is_an_output_error_without_traceback() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    for args in (("score", str(JINHUA)), ("specs",)):
        with open("/dev/full", "w", encoding="utf-8") as full:
            out = subprocess.run([sys.executable, "-m", "selfscore", *args], cwd=ROOT, stdout=full,
                                 stderr=subprocess.PIPE, text=True, encoding="utf-8", timeout=60)
        assert out.returncode == EXIT_OUTPUT
        assert out.stderr == "selfscore: 无法写入输出 (cannot write output): 标准输出 (stdout): 磁盘空间不足 (no space left on device)\n"


# --- one table of formats: a new one is one entry ---------------------------------------------------------------

WRITTEN: list[tuple[str, bool]] = []


def fake_writer(result: object, path: Path, *, inputs: list[Path], overwrite: bool) -> None:
    from selfscore.outputs.files import write_text_atomic

    WRITTEN.append((path.name, overwrite))
    write_text_atomic(path, f"{type(result).__name__}\n", inputs=inputs, overwrite=overwrite)


def test_a_new_format_is_one_entry_in_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from selfscore.cli.main import main
    from selfscore.outputs.formats import FORMATS, OutputFormat

    monkeypatch.setitem(FORMATS, "fake", OutputFormat("fake", "测试格式", (".fake",), writer=f"{__name__}:fake_writer"))
    assert main(["score", str(JINHUA), "-o", str(tmp_path / "r.fake")]) == 0  # chosen by its extension
    assert main(["score", str(JINHUA), "-f", "fake", "-o", str(tmp_path / "r.fake"), "--force"]) == 0
    assert WRITTEN[-2:] == [("r.fake", False), ("r.fake", True)]
    assert (tmp_path / "r.fake").read_text(encoding="utf-8") == "Result\n"
    assert main(["score", str(JINHUA), "-f", "fake"]) == EXIT_USAGE  # a file format needs -o
    assert "需要用 -o 指定输出文件" in capsys.readouterr().err


def test_every_bundled_spec_has_a_plain_chinese_basis() -> None:
    import re

    from selfscore.inputs.load import bundled_specs

    for spec in bundled_specs():
        texts = [spec.basis, *(part.basis for part in spec.parts), *(item.basis for item in spec.items())]
        assert spec.basis, spec.id
        for text in texts:
            assert not re.search(r"\.txt|\.md|docs/|§|DOMAIN|inferred|[A-Za-z]{4,}", text), (spec.id, text)
