"""Output files: written whole or not at all, with normal permissions, never over an input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from selfscore import UnreadableError
from selfscore.outputs.files import atomic_write, write_text_atomic


def test_new_file_gets_umask_permissions_not_temp_file_ones(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "out.txt", "得分 98.5\n")
    finally:
        os.umask(old)
    path = tmp_path / "out.txt"
    assert path.read_text(encoding="utf-8") == "得分 98.5\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_existing_file_keeps_its_permissions_and_survives_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_text_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and stat.S_IMODE(path.stat().st_mode) == 0o640

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, fail)
    assert path.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_refuses_inputs_folders_and_missing_folders(tmp_path: Path) -> None:
    source = tmp_path / "case.toml"
    source.write_text("x", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(source)
    for bad in (source, link, tmp_path / "sub" / ".." / "case.toml"):
        with pytest.raises(UnreadableError, match="不能覆盖输入文件"):
            write_text_atomic(bad, "y", inputs=[source])
    with pytest.raises(UnreadableError, match="是一个目录"):
        write_text_atomic(tmp_path, "y")
    with pytest.raises(UnreadableError, match="输出目录不存在"):
        write_text_atomic(tmp_path / "nowhere" / "out.txt", "y")
    assert source.read_text(encoding="utf-8") == "x"
