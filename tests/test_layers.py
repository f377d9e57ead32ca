"""The package layout is the architecture: imports go downward only.

cli -> batch -> outputs -> inputs -> core; only ``cli`` may import the public
``selfscore`` package itself.  Only ``batch`` imports numpy (or pyarrow, polars).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "selfscore"
LAYERS = ["core", "inputs", "outputs", "batch", "cli"]  # each may import those before it


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "selfscore":
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "top"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    package = list(rel.parts[:-1])  # the package a relative import starts from
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downward_only(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0]
    allowed = set(LAYERS[: LAYERS.index(own) + 1])
    wrong = []
    for line, name in _imports(path):
        layer = _layer(name)
        if (layer == "top" and own != "cli") or (layer not in (None, "top") and layer not in allowed):
            wrong.append(f"{path.name}:{line} imports {name}")
        if name.split(".")[0] in {"numpy", "pyarrow", "polars"} and own != "batch":
            wrong.append(f"{path.name}:{line} imports {name} outside selfscore.batch")
    assert not wrong, "\n".join(wrong)


def test_layers_cover_the_package() -> None:
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subpackages - {"scoring_specs"} == set(LAYERS)
