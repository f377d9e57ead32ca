"""The spec a blank 自评表 was made for, as ``selfscore template`` records it.

An .xlsx template carries the custom document property ``selfscore-spec`` (Excel, WPS
and LibreOffice keep custom properties when the officer saves); a CSV template names
its spec in its title line, ``…自评表（评分规范：liwan-2024）``.  So ``selfscore score
表.xlsx`` needs no ``--spec``.  Reading is bounded and never raises for a file without
a marker: :func:`spec_marker` then returns None and the caller asks for ``--spec``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Final
from xml.etree import ElementTree

from selfscore.inputs.files import decode_text, note_read

__all__ = ["MARKER_PROPERTY", "spec_marker"]

MARKER_PROPERTY: Final = "selfscore-spec"
_MAX_PROPERTIES: Final = 1 << 20  # bytes of docProps/custom.xml read at most
_MAX_HEAD: Final = 1 << 16  # bytes of a CSV's head searched for the title line
_TITLE: Final = re.compile(r"评分规范[：:]\s*([A-Za-z0-9][A-Za-z0-9_.-]*)")
_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def _xlsx_marker(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as book:
            info = book.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_PROPERTIES:
                return None
            root = ElementTree.fromstring(book.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError, ValueError):
        return None
    for prop in root.iter(f"{_NS}property"):
        if prop.get("name") == MARKER_PROPERTY:
            text = "".join(prop.itertext()).strip()
            return text or None
    return None


def _csv_marker(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(_MAX_HEAD)
    except OSError:
        return None
    lines = head.split(b"\n")[:3]
    try:
        text, _ = decode_text(b"\n".join(lines[:-1] if len(lines) == 3 else lines))
    except ValueError:
        return None
    found = _TITLE.search(text)
    return found.group(1) if found else None


def spec_marker(path: Path | str) -> str | None:
    """The spec id a template records (see the module doc), or None when there is none."""
    p = Path(path)
    if not p.is_file():
        return None
    note_read(p)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_marker(p)
    if suffix == ".csv":
        return _csv_marker(p)
    return None
