"""Importing project target tables: the command ``selfscore import-targets``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from import_support import ISSUE, LONG, LONG_INDICATORS, parse

from selfscore.cli import import_targets as cli

# ---------------------------------------------------------------------------------------------
# The command: selfscore import-targets FILE [-o DIR] [--spec] [--department] [--year] [--single] [--force]

LONG_FILES = [
    "01-社区党组织工作经费.toml",
    "02-综合行政执法工作经费.toml",
    "03-安全生产和消防安全工作经费.toml",
    "04-环卫保洁和垃圾分类工作经费.toml",
    "05-长者饭堂助餐配餐服务经费.toml",
    "06-社工站（家庭综合服务中心）运营经费.toml",
]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_cli_writes_one_case_per_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases" / "2024"
    assert cli.main([str(LONG), "-o", str(out), "--spec", "liwan-2024"]) == cli.EXIT_OK
    assert listing(out) == LONG_FILES  # no temporary files left behind
    cases = [tomllib.loads((out / name).read_text(encoding="utf-8")) for name in LONG_FILES]
    assert [len(c["indicators"]) for c in cases] == [6, 7, 8, 9, 7, 7]
    assert {(c["spec"], c["department"], c["year"], c["source"]) for c in cases} == {
        ("liwan-2024", "广州市某区人民政府云岗街道办事处", 2024, LONG.name)
    }
    assert [i["name"] for c in cases for i in c["indicators"]] == [row[5] for row in LONG_INDICATORS]
    err = capsys.readouterr().err
    assert "识别项目 6 个、指标 44 个 (recovered 6 projects, 44 indicators)" in err
    assert "提示 (notices) 6 条" in err and "警告 (warnings) 4 条" in err
    result = parse(LONG.read_text(encoding="utf-8"))
    for message in (*result.notices, *result.warnings):
        assert str(message) in err
    assert "已写入 (written) 6 个文件" in err


def test_cli_single_department_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(LONG), "-o", str(tmp_path), "--single", "--department", "别的街道", "--year", "2025"]
    assert cli.main(args) == cli.EXIT_OK
    assert listing(tmp_path) == ["yungang-2024-project-targets.toml"]
    case = tomllib.loads((tmp_path / "yungang-2024-project-targets.toml").read_text(encoding="utf-8"))
    assert (case["spec"], case["department"], case["year"]) == ("", "别的街道", 2025)
    assert len(case["indicators"]) == 44


def test_cli_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([str(LONG), "-o", str(tmp_path)]) == cli.EXIT_OK
    edited = tmp_path / LONG_FILES[2]
    edited.write_text("# 已填写 (filled in)\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main([str(LONG), "-o", str(tmp_path)]) == cli.EXIT_OUTPUT
    assert edited.read_text(encoding="utf-8") == "# 已填写 (filled in)\n"
    err = capsys.readouterr().err
    assert "--force" in err and str(edited) in err
    assert cli.main([str(LONG), "-o", str(tmp_path), "--force"]) == cli.EXIT_OK
    assert tomllib.loads(edited.read_text(encoding="utf-8"))["indicators"][0]["name"] == "检查各类安全生产场所"
    assert listing(tmp_path) == LONG_FILES


@pytest.mark.parametrize(
    ("encoding", "bom", "shown"),
    [("utf-8", b"", "UTF-8"), ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"), ("gbk", b"", "GBK")],
)
def test_cli_reads_utf8_bom_and_gbk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, bom: bytes, shown: str
) -> None:
    source = tmp_path / "export.txt"
    source.write_bytes(bom + LONG.read_text(encoding="utf-8").encode(encoding))
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out), "--single"]) == cli.EXIT_OK
    case = tomllib.loads((out / "export.toml").read_text(encoding="utf-8"))
    assert [i["target"] for i in case["indicators"]] == [row[-1] or row[-2] for row in LONG_INDICATORS]
    assert case["department"] == "广州市某区人民政府云岗街道办事处"
    assert f"（{shown}）" in capsys.readouterr().err


def test_cli_gbk_positions_match_utf8(tmp_path: Path) -> None:
    source = tmp_path / "issue.txt"
    source.write_bytes(ISSUE.replace("\n", "\r\n").encode("gbk"))
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_OK
    text = (out / "01-社区示例活动经费.toml").read_text(encoding="utf-8")
    assert "# 来源第4行 (source line 4)" in text and "# 来源第6行 (source line 6)" in text


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        b"\x80\xff\x80\xff not text",  # neither UTF-8 nor GBK
        b"1\x00\x00\x002\x00",  # binary
    ],
)
def test_cli_unreadable_input_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    source = tmp_path / "export.txt"
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_UNREADABLE
    assert not out.exists()
    assert "无法读取 (unreadable)" in capsys.readouterr().err


def test_cli_directory_as_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main([str(tmp_path), "-o", str(out)]) == cli.EXIT_UNREADABLE
    assert not out.exists()


def test_cli_nothing_recovered_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "export.txt"
    source.write_text("2024年项目支出绩效目标表\n第 1 页 共 1 页\n随便一段文字\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main([str(source), "-o", str(out)]) == cli.EXIT_INVALID
    assert not out.exists()
    assert "nothing recovered" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [[], ["--year", "abc", "x.txt"], ["--year", "99999", "x.txt"], ["x.txt", "--bogus"], ["a.txt", "b.txt"]],
)
def test_cli_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(args) == cli.EXIT_USAGE
    assert "用法错误 (usage error)" in capsys.readouterr().err


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == cli.EXIT_OK
    assert "退出码 (exit codes)" in capsys.readouterr().out


def test_cli_output_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    assert cli.main([str(LONG), "-o", str(target)]) == cli.EXIT_OUTPUT
    assert target.read_text(encoding="utf-8") == "x"


def test_cli_never_writes_over_its_input(tmp_path: Path) -> None:
    source = tmp_path / "export.toml"
    source.write_bytes(LONG.read_bytes())
    assert cli.main([str(source), "-o", str(tmp_path), "--single", "--force"]) == cli.EXIT_OUTPUT
    assert source.read_bytes() == LONG.read_bytes()


def test_cli_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    import selfscore.outputs.files as io_module

    monkeypatch.setattr(io_module.os, "replace", refuse)
    out = tmp_path / "out"
    assert cli.main([str(LONG), "-o", str(out)]) == cli.EXIT_OUTPUT
    assert listing(out) == []


def test_decode_export() -> None:
    assert cli.decode_export("一、".encode("gbk")) == ("一、", "GBK")
    assert cli.decode_export(b"\xef\xbb\xbf1") == ("1", "UTF-8 (BOM)")
    assert cli.decode_export("一".encode("utf-16")) == ("一", "UTF-16")
    with pytest.raises(ValueError):
        cli.decode_export(b"\x80\x80")
