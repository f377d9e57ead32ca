"""An argparse parser that speaks Chinese: usage, help headings and every error message.

argparse looks its messages up through ``argparse._`` (gettext) at the moment it needs
them; :class:`Parser` puts a Chinese table there while it parses or formats, and puts the
original back afterwards, so nothing else in the process is affected.  Errors end with
exit code 2 (:data:`~selfscore.core.errors.EXIT_USAGE`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from selfscore.core.errors import EXIT_USAGE

__all__ = ["Parser", "chinese_messages"]

_MESSAGES = {
    "usage: ": "用法 (usage): ",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "positional arguments": "参数 (arguments)",
    "options": "选项 (options)",
    "show this help message and exit": "显示本帮助并退出 (show this help)",
    "unrecognized arguments: %s": "无法识别的参数 (unrecognized arguments)：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用 (not allowed together)",
    "ignored explicit argument %r": "此选项不接受取值 (takes no value)：%r",
    "the following arguments are required: %s": "缺少必须给出的参数 (required)：%s",
    "one of the arguments %s is required": "须给出以下参数之一 (one is required)：%s",
    "expected one argument": "需要一个取值 (expected one value)",
    "expected at most one argument": "最多一个取值 (expected at most one value)",
    "expected at least one argument": "至少需要一个取值 (expected at least one value)",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确 (ambiguous option)：%(option)s 可能是 %(matches)s",
    "unexpected option string: %s": "意外的选项 (unexpected option)：%s",
    "invalid %(type)s value: %(value)r": "取值无效 (invalid %(type)s value)：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 (invalid choice)：%(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 用法错误 (usage error)：%(message)s\n",
}


@contextmanager
def chinese_messages() -> Iterator[None]:
    """argparse's messages in Chinese inside the ``with`` block."""
    original: Callable[[str], str] = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _MESSAGES.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage, help and errors are in Chinese.

    ``-h/--help`` is described in Chinese; an error prints the usage and one line
    ``PROG: 用法错误 (usage error)：…`` to stderr and exits with code 2.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        with chinese_messages():
            super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with chinese_messages():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese_messages():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese_messages():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误 (usage error)：{message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
