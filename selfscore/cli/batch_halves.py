"""``selfscore batch`` on a large table in two processes: the second part of its departments scored by a child.

A table of at least :data:`PARALLEL_ROWS` rows, one spec, and each department's rows together
is cut at a department boundary (:func:`selfscore.batch.table.department_cut`).  A forked child
(:mod:`selfscore.cli.forked`) scores the second part while this process scores the first; the
child sends its departments' results (what the summary needs).  When the indicators go to a
csv or json file, this process tells the child where its rows go in the file's temporary file
(where ours will end: :meth:`~selfscore.cli.batch_out.RowsOut.size` counts their bytes without
writing them) and writes its own while the child writes its; both then finish while this process
makes the summary (no copy: a copy of the child's 80 MB took 0.04-0.13 s).  (Each part reads its own
distinct texts, ~0.1 s of the ~0.4 s of scoring 10^6 rows, so the two parts take more CPU
than one; the wall time is what drops.)

Each department's result is the scalar engine's whatever else is in its batch (the
differential tests hold the batch to that), so the two parts give the bytes one process
gives; ``tests/test_batch_forked.py`` compares them.  Anything else (several batches, an
indicator format other than a csv or json file, a child that fails) is scored here, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from selfscore.batch.assemble import DepartmentResults
from selfscore.batch.dept import score_batch
from selfscore.batch.io import Batch
from selfscore.batch.output import indicator_count, output_years
from selfscore.batch.parse import Reducer
from selfscore.batch.table import department_columns, department_cut
from selfscore.cli import forked
from selfscore.cli.batch_out import IND_KEYS, JSON_KEYS, ChildPart, Pending, begin_rows_file, indicator_keys, rows_writer

__all__ = ["PARALLEL_ROWS", "score_all"]

#: From this many indicator rows, a table is scored in two processes.
PARALLEL_ROWS = 200_000
#: The share of the rows this process scores (and writes, with indicator rows).  With rows, well under half: after
#: scoring, this process also counts the bytes of its rows (~0.02 s at 10^6 rows), makes and writes the summary and
#: replaces the outputs (~0.09 s), and it scored a row more slowly than the child in most timelines (0.86-1.06 s
#: against 0.70-0.93 s per 10^6 rows).  With 0.45 it ended last in every timeline, by 0.04-0.1 s; balancing those
#: figures gives 0.35-0.42.  (The time each process takes for the same rows varies up to 2x from run to run on the
#: 2-core VM, so the wall time alone could not tell 0.40 from 0.52.)  The summary alone waits for both parts'
#: results: half each.
_SHARE_ROWS: Final = 0.4
_SHARE_SUMMARY: Final = 0.5


def score_all(batches: Sequence[Batch], reducer: Reducer, progress: Callable[..., None], ind_format: str | None,
              ind_target: str | None, inputs: Sequence[Path]) -> tuple[list[tuple[Batch, Any]], Pending | None]:
    """Every batch scored, as ``(batch, result)``; and what is pending when a child writes indicator rows.

    When a child scored the last batch, its result is a :class:`~selfscore.cli.batch_out.ChildPart`.
    The caller hands the :class:`~selfscore.cli.batch_out.Pending` (csv or json indicators to a
    file) to :func:`~selfscore.cli.batch_out.indicator_output`, and cancels it (harmless once
    done) if the run stops first.
    """
    def here() -> list[tuple[Batch, Any]]:
        return [(b, score_batch(b.spec, b.table, b.departments, reducer=reducer, progress=progress)) for b in batches]

    target = ind_target or ""
    rows = ind_format if target else None  # the child writes indicator rows: csv or json, to a file
    if rows is not None and (rows not in ("csv", "json") or target == "-"):
        return here(), None
    split = _split(batches, _SHARE_SUMMARY if rows is None else _SHARE_ROWS)
    known = None if split is None else _known_keys(rows, split)
    child = None if split is None else forked.start(_second(split[1], rows, known),
                                                     Path(target).resolve().parent if target else None)
    if split is None or child is None:
        return here(), None
    first, second = split
    pending = Pending(child)
    try:
        scored: list[tuple[Batch, Any]] = [
            (first, score_batch(first.spec, first.table, first.departments, reducer=reducer, progress=progress))]
        keys = known or (None if rows is None else _early_keys(scored, second))
        if rows is not None and keys is not None and (known or child.send(keys)):  # our rows, while the child scores
            _begin(pending, scored, rows, keys, target, inputs)
        got = child.receive()
        if got is None:  # the child failed: its part is scored here
            pending.cancel()
            return [*scored, (second, score_batch(second.spec, second.table, second.departments, reducer=reducer))], None
        refused, cohorts, count, years = got
        scored.append((second, ChildPart(DepartmentResults(second.departments, refused, cohorts), count, years)))
        if rows is None:  # it has sent all it had to; its exit (freeing its memory, ~0.02 s) is not waited for
            child.ended_well()
            return scored, None
        if keys is None:
            keys = indicator_keys(scored)
            if not child.send(keys):
                child.cancel()  # the rows are then written here (indicator_output)
            _begin(pending, scored[:1], rows, keys, target, inputs)
        return scored, pending
    except BaseException:
        pending.cancel()
        raise


def _begin(pending: Pending, here: list[tuple[Batch, Any]], fmt_name: str, keys: list[str], target: str,
           inputs: Sequence[Path]) -> None:
    """Our rows into the output's temporary file, the child told first where its rows go (where ours will end:
    it writes them there itself while we write ours and make the summary); or, when the file could not be
    begun, that we append its rows (or, told a place in it already, stopped: its part is then scored here)."""
    def tell(path: str, end: int) -> None:
        pending.at = end if pending.child.send((path, end)) else None

    pending.begun = begin_rows_file(here, fmt_name, keys, target, inputs, tell)
    if pending.begun is not None:
        return
    if pending.at is None:
        pending.child.send(None)
    else:
        pending.child.cancel()
        pending.at = None


def _known_keys(ind_format: str | None, parts: tuple[Batch, Batch]) -> list[str] | None:
    """The output columns when the input alone tells them, so that the child need not wait for them: json's are
    fixed; csv has no 年度 when no department has a year."""
    if ind_format == "json":
        return list(JSON_KEYS)
    if ind_format == "csv" and all(_no_year(part) for part in parts):
        return [k for k in IND_KEYS if k != "year"]
    return None


def _early_keys(scored: list[tuple[Batch, Any]], second: Batch) -> list[str] | None:
    """The csv columns, when the first part's results tell them (json's are known from the start): 年度 when some
    output row has a year, which the first part settles unless only the second part's departments have one."""
    keys = indicator_keys(scored)
    return keys if "year" in keys or _no_year(second) else None


def _no_year(batch: Batch) -> bool:
    """Whether no department of ``batch`` has a year."""
    return all(year is None for year in department_columns(batch.departments)[1])


def _split(batches: Sequence[Batch], share: float) -> tuple[Batch, Batch] | None:
    """The one large batch cut in two at a department boundary (about ``share`` of its rows in the first part), or
    None."""
    if len(batches) != 1 or len(batches[0].table) < max(PARALLEL_ROWS, 2) or not forked.can_fork():
        return None
    batch = batches[0]
    cut = department_cut(batch.table, len(batch.departments), share)
    if cut is None:
        return None
    row, d = cut
    n = len(batch.table)
    return (Batch(batch.spec, batch.table.rows(0, row, 0), batch.departments[:d]),
            Batch(batch.spec, batch.table.rows(row, n, d), batch.departments[d:]))


def _second(batch: Batch, ind_format: str | None, known: list[str] | None) -> forked.Work:
    """The child's work: score ``batch``, send its departments' results, then (``ind_format``: csv or json) write
    its indicator rows in the columns ``known`` (else once it is sent them) into the output where it is told to
    (else into its own file)."""

    def work(channel: forked.Channel, part: forked.PartFile) -> None:
        result = score_batch(batch.spec, batch.table, batch.departments)
        departments = result.departments
        count = indicator_count(result)
        channel.send((departments.refused, departments.cohorts, count, frozenset(output_years(result))))
        if ind_format is None:
            return
        keys = known or channel.receive()
        rows = rows_writer([(batch, result)], ind_format, keys)
        if count:
            rows.cols()  # made while the parent counts the bytes of its rows (~0.1 s at 10^6 rows)
        place = channel.receive()  # (the output's temporary file, where the rows before ours end), or None
        if not count:
            return
        if place is None:  # into our own file, which the parent appends
            rows(part.write, first=False, last=True)
        else:
            path, at = place
            forked.write_at(path, at, lambda write: rows(write, first=False, last=True))

    return work
