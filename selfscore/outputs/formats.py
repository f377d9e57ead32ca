"""The output formats of ``selfscore score``: one table from a format's name to how it is made.

A format either renders text (printed, or written with ``-o``) or writes a file
(``-o`` required).  Writers are named as ``"module:function"`` and imported only when
used, so ``selfscore score`` never loads openpyxl (or python-docx) for a text table.

To add a format, add one entry to :data:`FORMATS` (nothing else in the CLI changes)::

    "docx": OutputFormat("docx", "Word 自评报告 (.docx)，需配合 -o", suffixes=(".docx",),
                         writer="selfscore.outputs.docx:write_result_docx"),

A writer is called as ``write(result, path, inputs=paths, overwrite=bool)`` and must
write through :func:`selfscore.outputs.files.atomic_write` (which applies the one
overwrite rule and turns OS errors into :class:`~selfscore.core.errors.OutputError`).

The format of ``-o FILE`` without ``--format`` comes from the file's suffix when exactly
one format claims it (``.txt`` is claimed by table and narrative: table, the default);
``--format`` contradicting the suffix, or a suffix of a file type selfscore cannot write
(``.xls``, ``.pdf`` …), is a usage error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from selfscore.core.errors import UsageError

__all__ = ["DEFAULT_FORMAT", "FORMATS", "OutputFormat", "choose_format", "load_writer"]


@attrs.frozen
class OutputFormat:
    """One output format: its name, its help text, the file suffixes it claims, and how it is made.

    ``renderer`` (text formats) is the name passed to :func:`selfscore.outputs.render.render`;
    ``writer`` (file formats) is ``"module:function"``.
    """

    name: str
    help: str
    suffixes: tuple[str, ...] = ()
    renderer: str = ""
    writer: str = ""


DEFAULT_FORMAT = "table"

#: Every output format of ``selfscore score``, in the order ``--help`` lists them.
FORMATS: dict[str, OutputFormat] = {
    "table": OutputFormat("table", "终端表格（默认）", (".txt",), renderer="table"),
    "markdown": OutputFormat("markdown", "Markdown 表格", (".md", ".markdown"), renderer="markdown"),
    "json": OutputFormat("json", "JSON（数字为精确的十进制文本）", (".json",), renderer="json"),
    "narrative": OutputFormat("narrative", "自评报告文字", (".txt",), renderer="narrative"),
    "xlsx": OutputFormat("xlsx", "Excel 自评表，需配合 -o", (".xlsx",), writer="selfscore.outputs.xlsx:write_result_xlsx"),
    "docx": OutputFormat("docx", "Word 自评报告，需配合 -o", (".docx",), writer="selfscore.outputs.docx:write_result_docx"),
}

#: Suffixes of files selfscore cannot write as text: ``-o 表.xls`` is refused rather than filled with a text table.
_FOREIGN = (".xls", ".xlsm", ".et", ".ods", ".csv", ".doc", ".docx", ".wps", ".pdf", ".odt", ".zip")


def choose_format(requested: str | None, output: str | None) -> OutputFormat:
    """The format to use for ``--format requested`` and ``-o output`` (either may be missing)."""
    suffix = Path(output).suffix.lower() if output else ""
    claimed = [f for f in FORMATS.values() if suffix and suffix in f.suffixes]
    if requested is not None:
        chosen = FORMATS[requested]
        if suffix and ((claimed and chosen not in claimed) or (not claimed and suffix in _FOREIGN)):
            names = "、".join(f.name for f in claimed) or "无"
            raise UsageError(f"--format {requested} 与输出文件扩展名 {suffix} 不一致 (format contradicts the file "
                             f"extension)；{suffix} 对应的格式：{names}")
    elif len(claimed) == 1:
        chosen = claimed[0]
    elif claimed:
        chosen = FORMATS[DEFAULT_FORMAT] if FORMATS[DEFAULT_FORMAT] in claimed else claimed[0]
    elif suffix in _FOREIGN:
        raise UsageError(f"无法输出为 {suffix} 文件 (cannot write {suffix})；可用的格式：{'、'.join(FORMATS)}，"
                         "用 --format 指定，或改用相应的扩展名")
    else:
        chosen = FORMATS[DEFAULT_FORMAT]
    if chosen.writer and not output:
        raise UsageError(f"--format {chosen.name} 需要用 -o 指定输出文件 (needs -o FILE{chosen.suffixes[0] if chosen.suffixes else ''})")
    return chosen


def load_writer(fmt: OutputFormat) -> Callable[..., Any]:
    """The writer function of a file format, imported now."""
    module, _, name = fmt.writer.partition(":")
    writer: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return writer
