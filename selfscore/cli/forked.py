"""A part of a long output written by a forked process, so that both cores work (Linux only).

``selfscore batch --indicators FILE`` on a large table writes its second half this way:
:func:`start` forks a child that writes the part into a temporary file beside the output,
while this process carries on (the summary, then the first half); :meth:`Part.append_to`
waits for the child and copies its bytes after the first half (``copy_file_range``: the
kernel copies, no Python buffer).  The child shares the parent's memory copy-on-write and
only reads it; it prints nothing and leaves through ``os._exit``, so no exit handler, buffer
flush or ``finally`` of the parent runs twice.

If the child fails for any reason (or cannot be started), :meth:`Part.append_to` says so and
the caller writes the part itself, in this process: the output is the same bytes either way,
and any error (a full disk, say) is then reported where it would have been without a child.
The environment variable SELFSCORE_ONE_PROCESS=1 turns forking off.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["Part", "can_fork", "start"]


def can_fork() -> bool:
    """Whether a part may be written by a child: Linux (fork with threads alive is not safe on macOS), two
    cores this process may use, and not turned off."""
    if sys.platform != "linux" or os.environ.get("SELFSCORE_ONE_PROCESS", "") not in ("", "0"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


class Part:
    """A child writing ``rows`` into ``path``; collect it once with :meth:`append_to` (or :meth:`cancel`)."""

    def __init__(self, pid: int, path: str, rows: range) -> None:
        self.pid = pid
        self.path = path
        self.rows = rows

    def append_to(self, out: BinaryIO) -> bool:
        """Wait for the child; if it wrote its part, copy the part to the end of ``out`` and say True."""
        ok = self._wait() == 0
        try:
            if ok:
                out.flush()
                with open(self.path, "rb") as part:
                    _copy(part, out)
        finally:
            Path(self.path).unlink(missing_ok=True)
        return ok

    def cancel(self) -> None:
        """Stop the child (if it is still running) and remove its file; harmless once collected."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait()
        Path(self.path).unlink(missing_ok=True)

    def _wait(self) -> int:
        if not self.pid:
            return -1
        pid, self.pid = self.pid, 0
        try:
            _pid, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)


def start(write_rows: Callable[[range, Callable[[Any], object]], None], rows: range, directory: Path) -> Part | None:
    """Fork a child that calls ``write_rows(rows, write)``, ``write`` appending to a new file in ``directory``;
    None where forking is off or fails (the caller then writes the rows itself)."""
    if not can_fork():
        return None
    try:
        fd, path = tempfile.mkstemp(dir=directory, prefix=".selfscore-part.", suffix=".tmp")
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with warnings.catch_warnings():  # Python >= 3.12 warns of fork with threads (pyarrow's idle pool) alive
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(fd)
        Path(path).unlink(missing_ok=True)
        return None
    if pid == 0:  # the child: write the part, then leave without running anything of the parent's
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            with open(fd, "wb") as f:
                write_rows(rows, f.write)
            code = 0
        finally:
            os._exit(code)
    os.close(fd)
    return Part(pid, path, rows)


def _copy(src: BinaryIO, dst: BinaryIO) -> None:
    """All of ``src`` to the end of ``dst`` (flushed): in the kernel where it can, else through a buffer."""
    copied = 0
    try:
        while n := os.copy_file_range(src.fileno(), dst.fileno(), 1 << 30):
            copied += n
        return
    except (AttributeError, OSError):  # no copy_file_range (older kernels, some file systems)
        if copied:
            raise
    shutil.copyfileobj(src, dst, 1 << 20)
