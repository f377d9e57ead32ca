"""Writing output files safely: all or nothing, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ._errors import UnreadableError

__all__ = ["atomic_write", "check_output", "decode_text", "read_bytes", "read_text", "write_text_atomic"]


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


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a missing file, a folder or an OS error is an UnreadableError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UnreadableError(f"{path}: 文件不存在 (file not found)") from None
    except IsADirectoryError:
        raise UnreadableError(f"{path}: 是目录而不是文件 (is a directory)") from None
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror or exc}") from None


_ENCODING_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16", "utf-8": "UTF-8", "gb18030": "GBK"}


def decode_text(raw: bytes) -> tuple[str, str]:
    """Text officers' files come in, and the encoding found: UTF-8 (with or without BOM),
    UTF-16 with BOM (Excel's "Unicode 文本"), or GBK (Excel on Chinese Windows; read as GB18030).

    Raises ``ValueError`` when the bytes are none of these, or are binary.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ValueError("含有 NUL 字符，像是二进制文件 (contains NUL bytes: looks binary)")
        return text, _ENCODING_NAMES[encoding]
    raise ValueError("不是 UTF-8 或 GBK 编码的文本 (neither UTF-8 nor GBK text)")


def read_text(path: Path) -> tuple[str, str]:
    """Read and decode a text file (see :func:`decode_text`); problems are UnreadableError."""
    raw = read_bytes(path)
    try:
        return decode_text(raw)
    except ValueError as exc:
        raise UnreadableError(f"{path}: {exc}") from None
