"""Writing output files safely: all or nothing, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from selfscore.core.errors import UnreadableError

__all__ = ["atomic_write", "check_output", "write_text_atomic"]


def check_output(path: Path, inputs: Sequence[Path] = ()) -> Path:
    """The resolved output path, after refusing an input file, a folder or a missing folder."""
    target = Path(path).resolve()
    for src in inputs:
        src = Path(src)
        if src.exists() and (src.resolve() == target or (target.exists() and os.path.samefile(src, target))):
            raise UnreadableError(f"{path}: 输出文件不能覆盖输入文件 (refusing to overwrite the input)")
    if target.is_dir():
        raise UnreadableError(f"{path}: 是一个目录，不能写入 (output is a folder)")
    if not target.parent.is_dir():
        raise UnreadableError(f"{path}: 输出目录不存在 (output folder does not exist)")
    return target


def _new_file_mode(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, save: Callable[[str], None], *, inputs: Sequence[Path] = ()) -> None:
    """Call ``save(temp_path)`` and move the temporary file onto ``path`` in one step.

    ``path`` is then either its old self or the complete new file, never half-written;
    a new file gets the usual permissions (umask), an existing one keeps its own.
    """
    target = check_output(path, inputs)
    mode = _new_file_mode(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.close(fd)
        save(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, inputs: Sequence[Path] = ()) -> None:
    """Write UTF-8 text to ``path`` atomically (see :func:`atomic_write`)."""

    def save(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    atomic_write(path, save, inputs=inputs)
