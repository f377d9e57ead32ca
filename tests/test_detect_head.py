"""Telling a project table from a department table reads only the top of the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import selfscore.inputs.project_sheet as project_sheet
from selfscore.inputs.files import read_text_head
from selfscore.inputs.kinds import is_project_file
from selfscore.inputs.project_list import is_project_list

DATA = Path(__file__).parent / "data" / "project"


def _department_table(path: Path, rows: int) -> None:
    lines = ["部门,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值"]
    lines += [f"某某街道办事处{i % 7},产出指标,数量指标,指标{i},≥4宗,4宗,1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def whole_reads_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(project_sheet, "read_text", refuse)


@pytest.mark.usefixtures("whole_reads_fail")
def test_detection_reads_only_the_top(tmp_path: Path) -> None:
    big = tmp_path / "dept.csv"
    _department_table(big, 20_000)
    assert is_project_file(big) is False
    assert is_project_list(big) is False
    project = tmp_path / "langfang.csv"
    shutil.copy(DATA / "langfang-2019.csv", project)
    assert is_project_file(project) is True


def test_detection_still_finds_a_project_table_in_xlsx() -> None:
    assert is_project_file(DATA / "yongde-2022.xlsx") is True


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "gb18030"])
def test_head_ends_at_a_whole_line_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "t.csv"
    lines = [f"第{i}行,数量指标,≥95%" for i in range(5000)]
    path.write_bytes("\n".join(lines).encode(encoding))
    head = read_text_head(path, max_bytes=4096)
    got = head.splitlines()
    assert 10 < len(got) < 5000
    assert got == lines[: len(got)]
    assert head.endswith("\n")


def test_head_of_a_small_file_is_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2", encoding="utf-8")
    assert read_text_head(path) == "a,b\n1,2"
