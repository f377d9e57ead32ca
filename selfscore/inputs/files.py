"""Reading input files: bytes, and the text encodings officers' files come in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from selfscore.core.errors import UnreadableError

__all__ = ["decode_text", "note_read", "read_bytes", "read_text", "recording_reads"]

_READS: ContextVar[list[Path] | None] = ContextVar("selfscore_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[list[Path]]:
    """Collect every file read inside the ``with`` block (case, spec, ``extends`` bases …),
    so that a command can refuse to write its output over any of them."""
    paths: list[Path] = []
    token = _READS.set(paths)
    try:
        yield paths
    finally:
        _READS.reset(token)


def note_read(path: Path | str) -> None:
    """Record ``path`` as read, when :func:`recording_reads` is collecting."""
    paths = _READS.get()
    if paths is not None:
        paths.append(Path(path))


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a missing file, a folder or an OS error is an UnreadableError."""
    note_read(path)
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
