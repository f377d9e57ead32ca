"""``python -m selfscore``: the same as the ``selfscore`` command."""

import sys

from selfscore.cli.main import main

sys.exit(main())
