"""``python -m selfscore``: the same as the ``selfscore`` command."""

import sys

from ._cli import main

sys.exit(main())
