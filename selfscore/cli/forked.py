"""Work done by a forked child, so that both cores work (Linux only).

``selfscore batch`` on a large table scores its second part in a child: :func:`start`
forks a child that runs ``work(channel, part)``.  The child talks with this process through
two pipes (``channel.send`` / ``receive``: pickled objects) and may write bytes into the
output itself, at a place this process tells it (:func:`write_at`: both write the same file,
each its own part), or into a temporary file beside the output (``part``), which
:meth:`Child.append_to` copies to the end of the output once the child's last message (sent
when its work is done) has come (``copy_file_range``: the kernel copies).
The child shares the parent's memory copy-on-write and only reads it; it prints nothing and
leaves through ``os._exit``, so no exit handler, buffer flush or ``finally`` of the parent
runs twice.

If the child fails for any reason (or cannot be started), :meth:`Child.receive` and
:meth:`Child.append_to` say so and the caller does the work itself, in this process: the
output is the same bytes either way, and an error (a full disk, say) is then reported
where it would have been without a child.  SELFSCORE_ONE_PROCESS=1 turns forking off.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import struct
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Final, NoReturn

__all__ = ["Channel", "Child", "PartFile", "can_fork", "start", "write_at"]

_LENGTH = struct.Struct("<Q")


def can_fork() -> bool:
    """Whether work may go to a child: Linux (fork with threads alive is not safe on macOS), two cores this
    process may use, and not turned off."""
    if sys.platform != "linux" or os.environ.get("SELFSCORE_ONE_PROCESS", "") not in ("", "0"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


class Channel:
    """One end of the two pipes: pickled objects out, pickled objects in."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self._in = open(read_fd, "rb")  # closed by close()
        self._out = open(write_fd, "wb")

    def send(self, obj: Any) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.write(_LENGTH.pack(len(data)))
        self._out.write(data)
        self._out.flush()

    def receive(self) -> Any:
        """The other side's next object; EOFError when it is gone."""
        return pickle.loads(self.receive_bytes())

    def receive_bytes(self) -> bytes:
        """The other side's next object, pickled; EOFError when it is gone."""
        head = self._in.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            raise EOFError
        (n,) = _LENGTH.unpack(head)
        data = self._in.read(n)
        if len(data) < n:
            raise EOFError
        return data

    def close(self) -> None:
        for f in (self._in, self._out):
            try:
                f.close()
            except OSError:
                pass


class Child:
    """A forked child and its file (``path``, or None); end it with :meth:`ended_well`, :meth:`append_to` or
    :meth:`cancel` (which may follow either)."""

    def __init__(self, pid: int, path: str | None, channel: Channel) -> None:
        self.pid = pid
        self.path = path
        self.channel = channel
        # the child's first message is read on a thread as it comes (a read releases the GIL): a message longer
        # than the pipe holds would otherwise keep the child waiting until this process asks for it
        self._first: list[bytes | BaseException] = []
        self._reader: threading.Thread | None = threading.Thread(target=self._read_first, name="selfscore-child",
                                                                 daemon=True)
        self._reader.start()

    def _read_first(self) -> None:
        try:
            self._first.append(self.channel.receive_bytes())
        except BaseException as exc:  # handed to receive()
            self._first.append(exc)

    def receive(self) -> Any | None:
        """The child's next object, or None when it failed (it is then stopped)."""
        try:
            if self._reader is None:
                return self.channel.receive()
            self._reader.join()
            self._reader = None
            got = self._first.pop()
            if isinstance(got, BaseException):
                raise got
            return pickle.loads(got)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # ValueError: the channel is closed
            self.cancel()
            return None

    def send(self, obj: Any) -> bool:
        """Send ``obj`` to the child; False when it is gone."""
        try:
            self.channel.send(obj)
            return True
        except (OSError, ValueError):  # a broken pipe (the child is gone), or the channel closed
            return False

    def ended_well(self) -> bool:
        """Wait for the child's last message; whether it did all its work (see :meth:`_done`)."""
        ok = self._done()
        self._remove()
        return ok

    def append_to(self, out: BinaryIO) -> bool:
        """Wait for the child's last message; if it wrote its bytes, copy them to the end of ``out`` and say True."""
        ok = self._done() and self.path is not None
        try:
            if ok and self.path is not None:
                out.flush()
                with open(self.path, "rb") as part:
                    _copy(part, out)
        finally:
            self._remove()
        return ok

    def cancel(self) -> None:
        """Stop the child (if it is still running) and remove its file; harmless once ended."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait()
        self._remove()

    def _done(self) -> bool:
        """Whether the child's next message is its last, sent once all its work is done.  Its exit is not waited
        for (leaving, it frees its memory: ~0.02 s at 10^6 rows); a thread reaps it."""
        if self.receive() != _DONE:  # it failed, and receive() stopped it; or it was not done
            self.cancel()
            return False
        pid, self.pid = self.pid, 0
        threading.Thread(target=_reap, args=(pid,), name="selfscore-reap", daemon=True).start()
        return True

    def _remove(self) -> None:
        if self._reader is not None:  # the child has ended, so the read has its end of file
            self._reader.join(timeout=5)
            self._reader = None
        self.channel.close()
        if self.path is not None:
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


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already
        pass


Work = Callable[[Channel, "PartFile"], None]
#: The child's last message: its work is done.
_DONE: Final = "selfscore: the child's work is done"


def start(work: Work, directory: Path | None) -> Child | None:
    """Fork a child that runs ``work(channel, part)``, ``part`` (a :class:`PartFile`) a new file in ``directory``
    (None: no file; writing then fails); None where forking is off or fails."""
    if not can_fork():
        return None
    fd, path = -1, None
    try:
        if directory is not None:
            fd, path = tempfile.mkstemp(dir=directory, prefix=".selfscore-part.", suffix=".tmp")
        down, up = os.pipe(), os.pipe()  # parent -> child, child -> parent
    except OSError:
        _discard(fd, path)
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with warnings.catch_warnings():  # Python >= 3.12 warns of fork with threads (pyarrow's idle pool) alive
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        for end in (*down, *up):
            os.close(end)
        _discard(fd, path)
        return None
    if pid == 0:
        _child(work, fd, path, Channel(down[0], up[1]), (down[1], up[0]))
    os.close(down[0])
    os.close(up[1])
    if fd >= 0:
        os.close(fd)
    return Child(pid, path, Channel(up[0], down[1]))


def _child(work: Work, fd: int, path: str | None, channel: Channel, parent_ends: tuple[int, int]) -> NoReturn:
    """The child: run ``work``, then leave without running anything of the parent's (exit 0: done).  A child that
    fails removes its file (``path``) itself: the parent, if it was killed, cannot; it would not use it anyway (a
    parent that is gone shows as the end of the channel, at the child's next message)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for end in parent_ends:
            os.close(end)
        if fd < 0:
            work(channel, PartFile(None))
        else:
            with open(fd, "w+b") as f:
                work(channel, PartFile(f))
        channel.send(_DONE)
        channel.close()
        code = 0
    finally:
        try:
            if code and path is not None:
                os.unlink(path)
        except BaseException:  # nothing may keep the child from leaving here
            pass
        os._exit(code)


def write_at(path: str, at: int, fill: Callable[[Callable[[Any], object]], None]) -> None:
    """What ``fill(write)`` writes, into the file ``path`` from offset ``at`` on (the parent writes what comes before:
    both write the same file at once)."""
    with open(path, "r+b") as f:
        f.seek(at)
        fill(f.write)


class PartFile:
    """The child's file: :meth:`write` appends to it (for :meth:`Child.append_to`)."""

    def __init__(self, f: BinaryIO | None) -> None:
        self._f = f

    def write(self, chunk: Any) -> object:
        if self._f is None:
            raise OSError("no file to write to")
        return self._f.write(chunk)



def _discard(fd: int, path: str | None) -> None:
    if fd >= 0:
        os.close(fd)
    if path is not None:
        Path(path).unlink(missing_ok=True)


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
