"""Output files: written whole or not at all, with normal permissions, never over an input."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

import pytest

from selfscore.core.errors import OutputError
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
    write_text_atomic(path, "new", overwrite=True)
    assert path.read_text(encoding="utf-8") == "new" and stat.S_IMODE(path.stat().st_mode) == 0o640

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, fail, overwrite=True)
    assert path.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_refuses_inputs_folders_and_missing_folders(tmp_path: Path) -> None:
    source = tmp_path / "case.toml"
    source.write_text("x", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(source)
    for bad in (source, link, tmp_path / "sub" / ".." / "case.toml"):
        with pytest.raises(OutputError, match="不能覆盖本次读取的输入文件"):
            write_text_atomic(bad, "y", inputs=[source], overwrite=True)
    with pytest.raises(OutputError, match="是一个目录"):
        write_text_atomic(tmp_path, "y", overwrite=True)
    with pytest.raises(OutputError, match="输出目录不存在"):
        write_text_atomic(tmp_path / "nowhere" / "out.txt", "y")
    assert source.read_text(encoding="utf-8") == "x"


def test_an_existing_file_needs_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    path.write_text("an officer's work", encoding="utf-8")
    with pytest.raises(OutputError, match=r"文件已存在，未覆盖 \(output exists, not overwritten\)；如需覆盖请加 --force"):
        write_text_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "an officer's work"


def test_never_replaces_a_device_or_a_pipe_even_with_overwrite(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (Path("/dev/null"), fifo):
        with pytest.raises(OutputError, match="不是普通文件"):
            write_text_atomic(target, "x", overwrite=True)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "磁盘空间不足"), (errno.EFBIG, "文件超过允许的大小"),
                                             (errno.EROFS, "所在磁盘为只读")])
def test_write_errors_are_output_errors_and_leave_the_old_file(tmp_path: Path, code: int, words: str) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half", encoding="utf-8")
        raise OSError(code, os.strerror(code))

    with pytest.raises(OutputError, match=f"无法写入 \\(cannot write\\): {words}.*原有文件未改动"):
        atomic_write(path, fail, overwrite=True)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_folder_that_refuses_the_temporary_file_is_an_output_error(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="没有写入权限"):
        write_text_atomic(tmp_path / "out.txt", "x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("exchanged", [True, False])
def test_a_large_file_replacing_another_is_exchanged_with_it(exchanged: bool, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Over an existing file a large output is exchanged with it (ext4 does not write it back before returning,
    as it does for a rename over a file), else renamed: the same file, permissions and folder either way."""
    import selfscore.outputs.files as files

    monkeypatch.setattr(files, "EXCHANGE_FROM_BYTES", 4)
    swaps: list[bool] = []
    real = files._exchange

    def exchange(a: str, b: Path) -> bool:
        swaps.append(exchanged and real(a, b))
        return swaps[-1]

    monkeypatch.setattr(files, "_exchange", exchange)
    path, other = tmp_path / "indicators.csv", tmp_path / "link"
    path.write_bytes(b"old rows\n")
    path.chmod(0o640)
    os.link(path, other)  # a second name of the old file keeps the old file
    files.atomic_write(path, lambda tmp: Path(tmp).write_bytes(b"new rows\n"), overwrite=True)
    assert path.read_bytes() == b"new rows\n" and other.read_bytes() == b"old rows\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicators.csv", "link"]
    asked = 1 if sys.platform == "linux" else 0  # the exchange is asked for on Linux only
    assert len(swaps) == asked and swaps == [exchanged] * asked  # a real exchange (where the file system has it)
    files.atomic_write(tmp_path / "new.csv", lambda tmp: Path(tmp).write_bytes(b"rows\n"))  # nothing to exchange
    files.atomic_write(path, lambda tmp: Path(tmp).write_bytes(b"few"), overwrite=True)  # under the size
    assert len(swaps) == asked and (tmp_path / "new.csv").read_bytes() == b"rows\n" and path.read_bytes() == b"few"
