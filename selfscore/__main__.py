"""``python -m selfscore``: the same as the ``selfscore`` command."""

import sys

try:
    from selfscore.cli import run
except KeyboardInterrupt:  # Ctrl-C while the command loads: one line, no traceback
    print("selfscore: 已中断 (interrupted)", file=sys.stderr)
    sys.exit(130)

run()
