"""The ``selfscore`` command line.

:func:`run` is the console entry point: it imports the command only inside its own
``try``, so Ctrl-C even in the first moments (while modules load) ends with one line and
exit code 130, never a traceback.  It leaves without the interpreter's teardown (see
:func:`_leave`).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

__all__ = ["leaving", "run"]

#: Whether this process ends through :func:`_leave` (set by :func:`run`).
_leaving = False


def leaving() -> bool:
    """Whether this process ends through :func:`_leave` once the command returns (the ``selfscore`` command):
    a command may then leave to the process's end what is only worth doing for a caller that goes on."""
    return _leaving


def run() -> NoReturn:
    """Entry point of the ``selfscore`` command (and ``python -m selfscore``)."""
    global _leaving
    _leaving = True
    try:
        from selfscore.cli.main import main

        code = main()
    except KeyboardInterrupt:
        print("selfscore: 已中断 (interrupted)", file=sys.stderr)
        code = 130  # EXIT_INTERRUPTED; not imported, so that nothing can be interrupted before this line
    _leave(code)


def _leave(code: int) -> NoReturn:
    """Flush stdout and stderr and end the process at once: every output file is written and closed by now,
    and the interpreter's teardown would only free each object one by one (~0.08 s after a 10^6-row batch).
    A reader that went away (``| head``) is no error."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, or a stream closed already
            pass
    os._exit(code)
