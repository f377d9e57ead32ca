"""Writing output files safely: all or nothing, never over an input, never over a non-file.

The one overwrite rule, for every command that writes: an output path that already
exists is refused unless ``overwrite`` (the ``--force`` option) is given; even then only a
regular file is replaced, never a folder, a device (``/dev/null``), a pipe or an input
of the same invocation.  Every refusal and every write failure (read-only folder, disk
full, file too large) is an :class:`~selfscore.core.errors.OutputError` with a Chinese
message; the old destination stays as it was and no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from selfscore.core.errors import OutputError

__all__ = ["AtomicOutput", "atomic_write", "check_output", "describe_os_error", "write_text_atomic"]

_ERRNO_TEXT = {
    errno.ENOSPC: "磁盘空间不足 (no space left on device)",
    errno.EFBIG: "文件超过允许的大小 (file too large)",
    getattr(errno, "EDQUOT", -1): "超出磁盘配额 (disk quota exceeded)",
    errno.EROFS: "所在磁盘为只读 (read-only file system)",
    errno.EACCES: "没有写入权限 (permission denied)",
    errno.EPERM: "没有写入权限 (operation not permitted)",
}


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output(path: Path, inputs: Sequence[Path] = (), *, overwrite: bool = False) -> Path:
    """The resolved output path, after refusing an input, an existing file (unless ``overwrite``),
    anything that is not a regular file, and a missing folder."""
    target = Path(path).resolve()
    if any(_same(Path(src), target) for src in inputs):
        raise OutputError(f"{path}: 输出文件不能覆盖本次读取的输入文件 (refusing to overwrite an input)；请换一个文件名")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{path}: 无法检查输出位置 (cannot check the output path): {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path}: 是一个目录，不能写入 (output is a folder)")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{path}: 不是普通文件（如设备或管道），不能写入 (output is not a regular file)")
        if not overwrite:
            raise OutputError(f"{path}: 文件已存在，未覆盖 (output exists, not overwritten)；如需覆盖请加 --force")
    if not target.parent.is_dir():
        raise OutputError(f"{path}: 输出目录不存在 (output folder does not exist)")
    return target


def _new_file_mode(target: Path) -> int:
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def describe_os_error(exc: OSError) -> str:
    """A write failure in Chinese (with the English term): 磁盘空间不足 (no space left on device) …"""
    return _ERRNO_TEXT.get(exc.errno or 0) or f"{exc.strerror or exc}"


def _write_failed(path: Path, exc: OSError) -> OutputError:
    reason = describe_os_error(exc)
    return OutputError(f"{path}: 无法写入 (cannot write): {reason}；原有文件未改动 (the old file is unchanged)")


class AtomicOutput:
    """An output written in steps (:func:`atomic_write` in one): the temporary file ``tmp`` is made beside
    ``path`` at once (empty: open it with ``"r+b"``, see :func:`atomic_write`), :meth:`commit` moves it onto
    ``path``, :meth:`discard` removes it; :meth:`failed` is the error for a write to it that failed."""

    def __init__(self, path: Path, inputs: Sequence[Path] = (), *, overwrite: bool = False) -> None:
        self.path, self.inputs, self.overwrite = Path(path), inputs, overwrite
        self.target = check_output(path, inputs, overwrite=overwrite)
        try:
            self.mode = _new_file_mode(self.target)
            fd, self.tmp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp")
            os.close(fd)
        except OSError as exc:
            raise _write_failed(self.path, exc) from None

    def write(self, save: Callable[[], object]) -> None:
        """Call ``save()`` (which writes :attr:`tmp`), then :meth:`commit`; any failure removes the file, and an
        OS error becomes the :class:`OutputError` of :meth:`failed`."""
        try:
            save()
        except OSError as exc:
            raise self.failed(exc) from None
        except BaseException:
            self.discard()
            raise
        self.commit()

    def commit(self) -> None:
        """Move the written file onto the path (refused, and removed, if a file appeared there meanwhile)."""
        try:
            os.chmod(self.tmp, self.mode)
            check_output(self.path, self.inputs, overwrite=self.overwrite)  # nothing appeared meanwhile
            _replace(self.tmp, self.target)
        except OSError as exc:
            raise self.failed(exc) from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        Path(self.tmp).unlink(missing_ok=True)

    def failed(self, exc: OSError) -> OutputError:
        """The error for ``exc`` writing the file; the temporary file is removed."""
        self.discard()
        return _write_failed(self.path, exc)


#: From this size a file replacing another is exchanged with it (:func:`_replace`).
EXCHANGE_FROM_BYTES: Final = 8 << 20


def _replace(tmp: str, target: Path) -> None:
    """``os.replace(tmp, target)``, except that a large file replacing a regular file is exchanged with it
    (Linux ``renameat2(RENAME_EXCHANGE)``) and the old file, then at ``tmp``, removed.

    Either way ``target`` names the old file or the complete new one at every moment.  ext4 starts
    writing back a file renamed over another before the rename returns (``auto_da_alloc``): ~0.1 s
    for a 160 MB indicator file; not one exchanged (~0.01 s with the removal).  Neither is synced
    to disk (nothing here ever was).  Where there is no exchange (another system, an older kernel
    or C library, a file system without it) the file is renamed as usual.
    """
    try:
        large = os.stat(tmp).st_size >= EXCHANGE_FROM_BYTES and stat.S_ISREG(os.lstat(target).st_mode)
    except FileNotFoundError:
        large = False
    if large and sys.platform == "linux" and _exchange(tmp, target):
        with contextlib.suppress(OSError):  # the output is in place; at worst the old file stays at ``tmp``
            os.unlink(tmp)
        return
    os.replace(tmp, target)


def _exchange(a: str, b: Path) -> bool:
    """Whether ``a`` and ``b`` were exchanged in one step (``renameat2`` with ``RENAME_EXCHANGE``)."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no C library to ask, or one without renameat2 (glibc < 2.28)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE (linux/fcntl.h, linux/fs.h)
    return bool(renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0)


def atomic_write(path: Path, save: Callable[[str], None], *, inputs: Sequence[Path] = (),
                 overwrite: bool = False) -> None:
    """Call ``save(temp_path)`` and move the temporary file onto ``path`` in one step.

    ``path`` is then either its old self or the complete new file, never half-written;
    a new file gets the usual permissions (umask), an existing one keeps its own.  See
    :func:`check_output` for what is refused; OS errors become :class:`OutputError`.

    The temporary file exists (empty) when ``save`` is called: open it without truncating
    (``"r+b"``, ``"r+"``), because ext4 starts writing back a file truncated on open as soon
    as it is closed (``auto_da_alloc``), ~60 ms for a 160 MB indicator file.
    """
    out = AtomicOutput(path, inputs, overwrite=overwrite)
    out.write(lambda: save(out.tmp))


def write_text_atomic(path: Path, text: str, *, inputs: Sequence[Path] = (), overwrite: bool = False) -> None:
    """Write UTF-8 text to ``path`` atomically (see :func:`atomic_write`)."""

    def save(tmp: str) -> None:
        with open(tmp, "r+", encoding="utf-8", newline="\n") as f:  # not "w": see atomic_write
            f.write(text)

    atomic_write(path, save, inputs=inputs, overwrite=overwrite)
