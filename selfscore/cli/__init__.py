"""The ``selfscore`` command line.

:func:`run` is the console entry point: it imports the command only inside its own
``try``, so Ctrl-C even in the first moments (while modules load) ends with one line and
exit code 130, never a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["run"]


def run() -> int:
    """Entry point of the ``selfscore`` command (and ``python -m selfscore``)."""
    try:
        from selfscore.cli.main import main

        return main()
    except KeyboardInterrupt:
        print("selfscore: 已中断 (interrupted)", file=sys.stderr)
        return 130  # EXIT_INTERRUPTED; not imported, so that nothing can be interrupted before this line
