"""What ``pip install .`` (not editable) installs: every package of the source tree.

A subpackage missing from ``[tool.setuptools] packages`` works in the editable install the
tests run in and fails with ModuleNotFoundError for an officer who installs from the folder.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "selfscore").rglob("__init__.py")}
    assert found, "no packages found"
    assert found - listed == set()
    assert "selfscore.scoring_specs" in listed  # the bundled specs, from scoring_specs/
