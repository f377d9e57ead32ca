"""Errors raised by selfscore.

Every user-facing error is a :class:`SelfScoreError` (a ``ValueError``).  Errors
about input carry :class:`Problem` records, each with the file, the place in it
and a message, so that all problems can be collected and reported at once.
"""

from __future__ import annotations

import unicodedata

import attrs

__all__ = [
    "EXIT_CODES",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_MISMATCH",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_UNREADABLE",
    "EXIT_USAGE",
    "CaseError",
    "DependencyError",
    "InputError",
    "OutputError",
    "Problem",
    "SelfScoreError",
    "SpecError",
    "TargetError",
    "UnreadableError",
    "UsageError",
    "exit_code",
    "visible",
]

# Exit codes: the one map from failure kinds to codes (the README and ``selfscore --help`` list them).
EXIT_OK = 0  #: success
EXIT_MISMATCH = 1  #: ``check``/``verify`` found values that differ
EXIT_USAGE = 2  #: the command was used wrongly (:class:`UsageError`, argparse errors)
EXIT_UNREADABLE = 3  #: an input file cannot be read (:class:`UnreadableError`, :class:`DependencyError`)
EXIT_INVALID = 4  #: an input was read but its content is wrong (:class:`InputError` and the rest)
EXIT_OUTPUT = 5  #: the output cannot or may not be written (:class:`OutputError`)
EXIT_INTERRUPTED = 130  #: stopped by Ctrl-C (128 + SIGINT, as shells report it)


def visible(text: str) -> str:
    """``text`` with characters that print as nothing shown as ``<U+200B>``: zero-width spaces and joiners,
    BOMs, direction marks, control characters, no-break spaces; a name that differs from another by
    one of them must look different in a message."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        hidden = category in ("Cf", "Cc", "Co", "Cn", "Zl", "Zp") or (category == "Zs" and ch not in " \u3000")
        out.append(f"<U+{ord(ch):04X}>" if hidden and ch not in "\n\t" else ch)
    return "".join(out)


@attrs.frozen
class Problem:
    """One problem found in an input: where it is and what is wrong."""

    message: str
    file: str = ""
    where: str = ""

    def __str__(self) -> str:
        place = ": ".join(p for p in (self.file, self.where) if p)
        return visible(f"{place}: {self.message}" if place else self.message)


class SelfScoreError(ValueError):
    """Base class of every error selfscore raises on bad input."""


class TargetError(SelfScoreError):
    """A target or actual value text that cannot be read."""

    def __init__(self, message: str, text: str = "") -> None:
        super().__init__(message)
        self.text = text


class InputError(SelfScoreError):
    """One or more problems in an input document; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SpecError(InputError):
    """Problems in a scoring spec."""


class CaseError(InputError):
    """Problems in a case (a department's inputs)."""


class UnreadableError(SelfScoreError):
    """A file that cannot be read at all (missing, not text, broken syntax)."""


class DependencyError(UnreadableError):
    """An optional dependency (openpyxl for .xlsx) is not installed."""


class OutputError(SelfScoreError):
    """An output that cannot or may not be written: it exists (without ``--force``), it is one of
    the inputs, not a regular file, its folder is missing or read-only, or the disk is full."""


class UsageError(SelfScoreError):
    """The command was asked for something it cannot do as asked (e.g. a sheet without a spec)."""


#: Failure kinds and their exit codes, most specific first (a :class:`DependencyError` is unreadable).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (UsageError, EXIT_USAGE),
    (OutputError, EXIT_OUTPUT),
    (UnreadableError, EXIT_UNREADABLE),
    (KeyboardInterrupt, EXIT_INTERRUPTED),
    (SelfScoreError, EXIT_INVALID),
)


def exit_code(exc: BaseException) -> int:
    """The exit code for ``exc`` (see :data:`EXIT_CODES`); anything else is :data:`EXIT_INVALID`."""
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return EXIT_INVALID
