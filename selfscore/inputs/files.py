"""Reading input files: bytes, and the text encodings officers' files come in.

Every input is read through :func:`read_bytes`, which refuses what is not a regular file
(``/dev/zero``, a symlink to it, a FIFO, a folder) and caps the size read, so an endless
or huge input is a clear error instead of a hang or a MemoryError.  The caps are far
above any real input (see the constants), and :func:`sniff` names office formats
selfscore does not read (.xls, WPS .et, .ods) with what to do about them.
"""

from __future__ import annotations

import mmap
import os
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Final

from selfscore.core.errors import UnreadableError

__all__ = ["MAX_SHEET_BYTES", "MAX_TABLE_BYTES", "MAX_TOML_BYTES", "decode_text", "map_bytes", "note_read", "read_bytes",
           "read_text", "read_text_head", "recording_reads", "regular_file", "sniff"]

#: A case or spec: the golden cases are 2-12 KB, the bundled specs under 20 KB; 1 MB holds
#: ~15,000 indicators (see ``MAX_INDICATORS``), about 100 times the largest real department.
MAX_TOML_BYTES: Final = 1 << 20
#: An officer's 自评表 (.csv/.xlsx): a filled template is 10-50 KB; 50 MB is ~1,000 times that.
MAX_SHEET_BYTES: Final = 50 << 20
#: A batch table: 10^6 indicator rows (the benchmark, ~50,000 departments) is ~80 MB of CSV;
#: 1 GB is ten times more than the largest batch measured.
MAX_TABLE_BYTES: Final = 1 << 30


def _mb(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MB"
    return f"{size / 1024:.1f}".removesuffix(".0") + " KB"


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


def regular_file(path: Path) -> os.stat_result:
    """``path``'s status when it is a regular file (a symlink is followed); else UnreadableError.

    Device nodes (``/dev/zero``), FIFOs and sockets are refused before they are opened:
    reading them never ends, or blocks.  The path is recorded as read (:func:`note_read`).
    """
    note_read(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableError(f"{path}: 文件不存在 (file not found)") from None
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableError(f"{path}: 是目录而不是文件 (is a directory)")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableError(f"{path}: 不是普通文件 (not a regular file: a device, pipe or socket)，无法作为输入读取")
    return info


def read_bytes(path: Path, *, limit: int = MAX_TABLE_BYTES, kind: str = "此类输入") -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; else UnreadableError
    (``kind`` names the input in the message: ``案例或评分规范文件``)."""
    p = Path(path)
    info = regular_file(p)
    too_big = f"{p}: 文件过大 (file too large): {_mb(info.st_size)}，{kind}最多 {_mb(limit)}"
    if info.st_size > limit:
        raise UnreadableError(too_big)
    try:
        with open(p, "rb") as f:
            raw = f.read(limit + 1)
    except IsADirectoryError:  # pragma: no cover - caught by regular_file
        raise UnreadableError(f"{p}: 是目录而不是文件 (is a directory)") from None
    except OSError as exc:
        raise UnreadableError(f"{p}: 无法读取 (cannot read): {exc.strerror or exc}") from None
    if len(raw) > limit:  # the file grew while it was read
        raise UnreadableError(too_big)
    return raw


#: From this size :func:`map_bytes` maps a file instead of reading it.
MAP_FROM_BYTES: Final = 1 << 20


def map_bytes(path: Path, *, limit: int = MAX_TABLE_BYTES, kind: str = "此类输入") -> bytes | mmap.mmap:
    """``path``'s bytes as :func:`read_bytes` checks them, mapped read-only when the file is large.

    A map is the page cache's own pages: nothing is copied or allocated, so a 100 MB table is
    ready at once instead of in ~0.07 s (0.15-0.3 s while another thread loads modules).  Only
    what bytes and a map share may be used on it: ``find``, ``len``, slices (which are bytes),
    :mod:`re` and the buffer protocol; ``raw[:]`` is its bytes.  A file cut short while it is
    mapped ends the process (SIGBUS) where a read would give a short text: inputs are not
    expected to change under a run.  Small files, and files that cannot be mapped, are read.
    """
    p = Path(path)
    info = regular_file(p)
    if info.st_size < MAP_FROM_BYTES or info.st_size > limit:
        return read_bytes(p, limit=limit, kind=kind)
    try:
        with open(p, "rb") as f:
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # a file system without maps, or the file emptied meanwhile
        return read_bytes(p, limit=limit, kind=kind)
    if len(mapped) > limit:  # the file grew since it was looked at
        mapped.close()
        return read_bytes(p, limit=limit, kind=kind)
    return mapped


_SAVE_AS: Final = "请用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）或 CSV 后再试"


def sniff(raw: bytes | mmap.mmap) -> str | None:
    """The office format ``raw`` really is when selfscore cannot read it (with what to do), else None.

    Looks at the content, not the name: an old ``.xls`` or WPS ``.et`` (an OLE2 compound
    file), an OpenDocument ``.ods``/``.odt``, a Word ``.docx`` or a PDF.
    """
    head = raw[:8]  # ``raw`` may be a map (:func:`map_bytes`), which has no ``startswith``
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return f"是旧版 Excel (.xls) 或 WPS (.et) 文件 (old binary spreadsheet)，不能直接读取：{_SAVE_AS}"
    if head.startswith(b"%PDF"):
        return "是 PDF 文件 (a PDF)，不能读取：请使用原始的 Excel 表格，或另存为 .xlsx / CSV"
    if head.startswith(b"PK\x03\x04"):
        entry = raw[30:30 + 100]  # the first entry of an OpenDocument zip: its mimetype
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in entry:
            return f"是 OpenDocument 表格 (.ods)，不能直接读取：{_SAVE_AS}"
        if b"mimetypeapplication/vnd.oasis.opendocument" in entry:
            return "是 OpenDocument 文档 (.odt)，不是表格：请提供 .xlsx 或 CSV 表格"
        return _zip_kind(raw)
    return None


def _zip_kind(raw: bytes | mmap.mmap) -> str | None:
    import io

    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "是损坏的压缩文件 (a broken zip file)，不是可读取的 .xlsx：请在 Excel 中重新另存为 .xlsx"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            return f"是 Excel 二进制工作簿 (.xlsb)，不能直接读取：{_SAVE_AS}"
        return "是 Excel 工作簿 (.xlsx)：请把文件扩展名改为 .xlsx 后再试"
    if "word/document.xml" in names:
        return "是 Word 文档 (.docx)，不是表格：请提供 .xlsx 或 CSV 表格"
    return "是压缩文件 (a zip archive)，不是表格或文本：请提供 .xlsx 或 CSV 表格"


_ENCODING_NAMES = {"utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16", "utf-8": "UTF-8", "gb18030": "GBK"}


def decode_text(raw: bytes) -> tuple[str, str]:
    """Text officers' files come in, and the encoding found: UTF-8 (with or without BOM),
    UTF-16 with BOM (Excel's "Unicode 文本"), or GBK (Excel on Chinese Windows; read as GB18030).

    Raises ``ValueError`` when the bytes are none of these, or are binary (an office
    file in disguise is named, see :func:`sniff`).
    """
    kind = sniff(raw)
    if kind is not None:
        raise ValueError(kind)
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


def read_text_head(path: Path, *, max_bytes: int = 262_144) -> str:
    """The first whole lines of a text file, at most ``max_bytes`` of it, decoded as :func:`read_text` does.

    For telling what a file is from its top (a header row) without reading a large table whole.
    """
    regular_file(Path(path))
    try:
        with open(path, "rb") as f:
            raw = f.read(max_bytes)
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror or exc}") from None
    if len(raw) == max_bytes:  # cut after the last whole line, in the file's own encoding
        newline = {b"\xff\xfe": b"\n\x00", b"\xfe\xff": b"\x00\n"}.get(raw[:2], b"\n")
        end = raw.rfind(newline)
        while end > 0 and len(newline) == 2 and end % 2:  # a UTF-16 newline starts at an even byte
            end = raw.rfind(newline, 0, end)
        raw = raw[: end + len(newline)] if end > 0 else raw[: len(raw) - len(raw) % 2]
    try:
        return decode_text(raw)[0]
    except ValueError as exc:
        raise UnreadableError(f"{path}: {exc}") from None


def read_text(path: Path, *, limit: int = MAX_TABLE_BYTES, kind: str = "此类输入") -> tuple[str, str]:
    """Read and decode a text file (see :func:`decode_text`); problems are UnreadableError."""
    raw = read_bytes(path, limit=limit, kind=kind)
    try:
        return decode_text(raw)
    except ValueError as exc:
        raise UnreadableError(f"{path}: {exc}") from None
