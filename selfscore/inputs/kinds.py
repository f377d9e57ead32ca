"""Which kind of input a file is: a spreadsheet, and whether it holds a project table (项目支出绩效自评表).

Kept apart from the readers so that deciding costs no imports: ``selfscore score`` on a
department case loads neither the sheet readers nor the project modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from selfscore.core.case import is_project_data
from selfscore.core.errors import DependencyError, SelfScoreError, UnreadableError
from selfscore.inputs.load import read_toml

__all__ = ["SHEET_SUFFIXES", "is_project_file", "is_sheet"]

SHEET_SUFFIXES: Final[tuple[str, ...]] = (".csv", ".xlsx", ".xlsm")


def is_sheet(path: Path | str) -> bool:
    """Whether ``path`` names a spreadsheet the sheet readers read (.csv, .xlsx, .xlsm)."""
    return Path(path).suffix.lower() in SHEET_SUFFIXES


def is_project_file(path: Path | str) -> bool:
    """Whether ``path`` is a project table: a TOML project case, or a sheet with 指标性质 or 全年执行数."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        try:
            return is_project_data(read_toml(p))  # bounded: size, nesting, numbers
        except SelfScoreError:
            return False
    if not is_sheet(p) or not p.is_file():
        return False
    from selfscore.inputs.project_sheet import has_project_header

    try:
        return has_project_header(p)
    except (UnreadableError, DependencyError):
        return False
