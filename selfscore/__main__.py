"""``python -m selfscore``: the same as the ``selfscore`` command."""

import sys

from selfscore.cli import run

sys.exit(run())
