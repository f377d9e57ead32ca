"""``selfscore batch --indicators FILE`` in two processes (selfscore.cli.forked): the same bytes as in one.

The threshold (``selfscore.cli.batch_halves.PARALLEL_ROWS``, 200,000 rows) is lowered here so that small
tables fork.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from selfscore.cli import batch_halves, forked
from selfscore.cli.batch import main

HEADER = "部门,年度,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值\n"
TARGETS = [("≥95%", "96.5%"), ("≤2个小时", "1.5个小时"), ("0次", "0次"), ("100%", "98.66%"), ("≥10次", "8次"),
           ("称职或以上", "称职"), ("500 万元", "493.3 万元")]

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="forking is for Linux with two cores")


def _table(path: Path, departments: int, *, years: Any = lambda d: d % 7 == 3, bad: Any = lambda d: d == 4) -> Path:
    """Departments of four indicators each (some with a year, some that cannot be scored, quoting needed)."""
    lines = [HEADER]
    for d in range(departments):
        year = "2024" if years(d) else ""
        name = f'"街道{d},甲"' if d % 11 == 5 else f"街道{d}"
        for k in range(4):
            target, actual = TARGETS[(d + k) % len(TARGETS)]
            if bad(d) and k == 2:
                actual = "三次"  # not a number: the department is not scored, its rows are not output
            group = "产出指标" if k < 2 else "效益指标"
            lines.append(f"{name},{year},{group},数量指标,指标{k},{target},{actual},\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _run(args: list[str], out: Path, monkeypatch: pytest.MonkeyPatch, *, fork: bool,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, bytes, str]:
    monkeypatch.setenv("SELFSCORE_ONE_PROCESS", "0" if fork else "1")
    monkeypatch.setattr(batch_halves, "PARALLEL_ROWS", 2)
    code = main([*args, "-f", "csv", "-o", str(out / "s.csv"), "--force"])
    _stdout, err = capsys.readouterr()
    return code, (out / "s.csv").read_bytes(), err


def _one_and_two(table: Path, ind: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str], order: tuple[bool, ...] = (False, True),
                 ) -> dict[bool, tuple[int, bytes, bytes, str]]:
    """The run in one process (False) and in two (True): exit code, summary, indicator file, stderr."""
    got = {}
    for fork in order:
        more = ["--indicators", str(ind)] if ind is not None else []
        code, summary, err = _run([str(table), "--spec", "tianhe-2023", *more], tmp_path, monkeypatch, fork=fork,
                                  capsys=capsys)
        got[fork] = (code, summary, ind.read_bytes() if ind is not None else b"", err)
    return got


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[forked.Child | None]:
    """The children started from now on (None: forking was off)."""
    started: list[forked.Child | None] = []
    real_start = forked.start
    monkeypatch.setattr(forked, "start", lambda work, d: started.append(real_start(work, d)) or started[-1])
    return started


@needs_fork
@pytest.mark.parametrize("fmt_name", ["csv", "json", None])
def test_two_processes_write_the_same_bytes_as_one(fmt_name: str | None, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 40)
    started = _forks(monkeypatch)
    begun: list[object] = []
    real_begin = batch_halves.begin_rows_file
    monkeypatch.setattr(batch_halves, "begin_rows_file", lambda *a: begun.append(real_begin(*a)) or begun[-1])
    got = _one_and_two(table, tmp_path / f"i.{fmt_name}" if fmt_name else None, tmp_path, monkeypatch, capsys)
    assert len(started) == 1 and started[0] is not None  # one process, then two
    # with indicators, this process wrote its rows while the child scored
    assert [b is not None for b in begun] == ([True] if fmt_name else [])
    assert got[True] == got[False]
    assert got[True][0] == 4 and "街道4" in got[True][3] and "第20行" in got[True][3]  # reported either way
    assert got[True][1].count(b"\n") == 1 + 40
    text = got[True][2].decode("utf-8")
    if fmt_name == "json":
        rows = json.loads(text)
        assert len(rows) == 156 and rows[-1]["department"] == "街道39" and rows[61]["name"] == "指标1"
        assert {r["department"] for r in rows} == {
            f"街道{d},甲" if d % 11 == 5 else f"街道{d}" for d in range(40) if d != 4}
    elif fmt_name == "csv":
        assert text.count("\n街道10,") == 4 and '"街道5,甲"' in text and "街道4," not in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


@needs_fork
@pytest.mark.parametrize(("fmt_name", "years", "bad"), [
    ("csv", lambda d: d == 39, lambda d: False),  # only the child's part has a year: the columns wait for it
    ("csv", lambda d: False, lambda d: d == 4),  # no year anywhere: the child knows the columns from the start
    ("csv", lambda d: False, lambda d: d >= 20),  # the child's departments all unscorable: it writes no row
    ("json", lambda d: False, lambda d: d >= 20),  # ... and the list is closed after this process's rows
    ("json", lambda d: d == 2, lambda d: d < 20),  # this process has no row to write
    ("json", lambda d: False, lambda d: True),  # no row at all: []
    ("csv", lambda d: True, lambda d: True),
])
def test_two_processes_at_the_edges(fmt_name: str, years: Any, bad: Any, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 40, years=years, bad=bad)
    started = _forks(monkeypatch)
    monkeypatch.setattr(batch_halves, "_SHARE_ROWS", 0.5)  # the edges above are for a cut in the middle
    cuts: list[int] = []
    real_split = batch_halves._split

    def split(*args: Any) -> Any:
        parts = real_split(*args)
        if parts is not None:
            cuts.append(len(parts[0].departments))
        return parts

    monkeypatch.setattr(batch_halves, "_split", split)
    got = _one_and_two(table, tmp_path / f"i.{fmt_name}", tmp_path, monkeypatch, capsys)
    assert len(started) == 1 and started[0] is not None and cuts == [20]  # 20 departments here, 20 in the child
    assert got[True] == got[False]
    if fmt_name == "json":
        rows = json.loads(got[True][2])
        assert len(rows) == 4 * sum(not bad(d) for d in range(40))
    else:
        lines = got[True][2].decode("utf-8").splitlines()
        assert len(lines) == 1 + 4 * sum(not bad(d) for d in range(40))
        assert ("year" in lines[0].split(",")) == any(years(d) and not bad(d) for d in range(40))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_fork
def test_other_indicator_formats_stay_in_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 10)
    started = _forks(monkeypatch)
    for fmt_name in ("md", "txt"):
        _run([str(table), "--spec", "tianhe-2023", "--indicators", str(tmp_path / f"i.{fmt_name}")], tmp_path,
             monkeypatch, fork=True, capsys=capsys)
    _run([str(table), "--spec", "tianhe-2023", "--indicators", "-", "--indicators-format", "csv"], tmp_path,
         monkeypatch, fork=True, capsys=capsys)
    assert started == []


def test_the_table_cut_at_any_department_scores_the_same(tmp_path: Path) -> None:
    """Departments scored in two batches (the table cut anywhere between departments): the same summary and
    the same indicator bytes as in one batch."""
    from selfscore.batch.dept import score_batch
    from selfscore.batch.io import Batch, read_input
    from selfscore.batch.table import department_cut
    from selfscore.cli.batch_out import indicator_keys, rows_writer, summary_entries, summary_json, summary_rows

    (batch,), _ = read_input(_table(tmp_path / "t.csv", 9), spec="tianhe-2023")
    whole = [(batch, score_batch(batch.spec, batch.table, batch.departments))]

    def printed(scored: list) -> tuple[list, str, bytes, bytes]:
        out: dict[str, list[bytes]] = {"csv": [], "json": []}
        for fmt_name, chunks in out.items():
            keys = indicator_keys(scored)
            for k, part in enumerate(scored):
                rows_writer([part], fmt_name, keys)(lambda c, chunks=chunks: chunks.append(bytes(c)),
                                                    first=k == 0, last=k == len(scored) - 1)
        entries = summary_entries(scored, [])
        rows = list(summary_rows(entries, english=True)[1])
        return rows, summary_json(entries), b"".join(out["csv"]), b"".join(out["json"])

    expected = printed(whole)
    ranks = [(r[0], r[1]) for r in expected[0]]  # ties, ranked in input order: a cut must keep that order
    assert len(ranks) == 9 and ranks[:3] == [("1", "街道0"), ("1", "街道5,甲"), ("1", "街道6")]
    n = len(batch.table)
    cuts = {department_cut(batch.table, len(batch.departments), share / n) for share in range(n + 1)}
    assert None not in cuts and len(cuts) == 8  # every boundary between the nine departments
    for row, d in sorted(cuts):
        parts = [Batch(batch.spec, batch.table.rows(0, row, 0), batch.departments[:d]),
                 Batch(batch.spec, batch.table.rows(row, n, d), batch.departments[d:])]
        assert printed([(b, score_batch(b.spec, b.table, b.departments)) for b in parts]) == expected, row


def test_department_cut() -> None:
    from selfscore.batch.table import IndicatorTable, department_cut

    def table(dept: list[int]) -> IndicatorTable:
        return IndicatorTable(np.array(dept, dtype=np.int64), *[[""] * len(dept)] * 7)

    assert department_cut(table([0, 0, 1, 1, 2, 2]), 3, 0.5) == (2, 1)  # row 3 is department 1's: cut before it
    assert department_cut(table([0, 0, 0, 0, 1, 3]), 5, 0.5) == (4, 1)  # department 0 holds half: cut after it
    assert department_cut(table([0, 0, 0, 0]), 1, 0.5) is None  # one department
    assert department_cut(table([0, 1, 0, 1]), 2, 0.5) is None  # a department's rows apart
    assert department_cut(table([0]), 1, 0.5) is None


@needs_fork
def test_a_child_failing_while_it_places_its_rows_leaves_no_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The child writes its rows into the output itself; if it fails half-way, what it wrote is cut off and
    its rows are written here: the same bytes as in one process."""
    table = _table(tmp_path / "t.csv", 12)
    places: list[tuple[str, int]] = []
    real_begin = batch_halves._begin

    def begin(pending: Any, *args: Any) -> None:
        real_begin(pending, *args)
        places.append(pending.at)

    def half_then_fail(path: str, at: int, fill: Any) -> None:
        with open(path, "r+b") as f:
            f.seek(at)
            f.write(b"half of the rows, then the disk was full")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch_halves, "_begin", begin)
    monkeypatch.setattr(forked, "write_at", half_then_fail)
    out = _one_and_two(table, tmp_path / "i.json", tmp_path, monkeypatch, capsys, order=(True, False))
    assert len(places) == 1 and places[0] is not None and places[0] > 100  # the child was told where to write
    assert out[True] == out[False] and len(json.loads(out[True][2])) == 11 * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_fork
def test_a_miscounted_first_part_is_not_trusted(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Were this process's rows ever to end elsewhere than it told the child, the file begun is dropped, the child
    stopped, and all the rows written here: the same bytes as in one process."""
    from selfscore.cli import batch_out

    table = _table(tmp_path / "t.csv", 12)
    real_size = batch_out.RowsOut.size
    monkeypatch.setattr(batch_out.RowsOut, "size", lambda self, first: real_size(self, first=first) + 1)
    begun: list[object] = []
    real_begin = batch_halves.begin_rows_file
    monkeypatch.setattr(batch_halves, "begin_rows_file", lambda *a: begun.append(real_begin(*a)) or begun[-1])
    started = _forks(monkeypatch)
    out = _one_and_two(table, tmp_path / "i.csv", tmp_path, monkeypatch, capsys, order=(True, False))
    assert len(started) == 1 and started[0] is not None and begun == [None]
    assert out[True] == out[False] and out[True][2].count(b"\n") == 1 + 11 * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_fork
@pytest.mark.parametrize("when", ["scoring", "writing"])
def test_a_failed_child_is_replaced_by_the_parent(when: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 12)
    parent = os.getpid()
    real_score, real_writer = batch_halves.score_batch, batch_halves.rows_writer

    def in_child_fail(real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if os.getpid() != parent:
                raise OSError(28, "No space left on device")
            return real(*args, **kwargs)
        return call

    if when == "scoring":
        monkeypatch.setattr(batch_halves, "score_batch", in_child_fail(real_score))
    else:
        monkeypatch.setattr(batch_halves, "rows_writer", lambda *a: in_child_fail(real_writer(*a)))
    started = _forks(monkeypatch)
    out = _one_and_two(table, tmp_path / "i.csv", tmp_path, monkeypatch, capsys, order=(True, False))
    assert len(started) == 1 and started[0] is not None  # the first run forked, the second did not
    assert out[True] == out[False] and out[True][2].count(b"\n") == 1 + 11 * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_fork
@pytest.mark.parametrize("where", ["_summary", "indicator_output"])
def test_an_interrupted_run_leaves_no_child_and_no_file(where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the fork (while the summary or the indicators are written): exit 130, the child stopped,
    no temporary file, no output."""
    import selfscore.cli.batch as cli_batch

    table = _table(tmp_path / "t.csv", 40)

    def interrupted(*_args: Any, **_kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_batch, where, interrupted)
    started = _forks(monkeypatch)
    ind = tmp_path / "i.csv"
    monkeypatch.setenv("SELFSCORE_ONE_PROCESS", "0")
    monkeypatch.setattr(batch_halves, "PARALLEL_ROWS", 2)
    code = main([str(table), "--spec", "tianhe-2023", "--indicators", str(ind), "-o", str(tmp_path / "s.csv")])
    capsys.readouterr()
    assert code == 130 and len(started) == 1 and started[0] is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the child was stopped and reaped
    assert sorted(p.name for p in tmp_path.iterdir()) == (["s.csv", "t.csv"] if where != "_summary" else ["t.csv"])


@needs_fork
def test_cancel_stops_the_child_and_removes_its_file(tmp_path: Path) -> None:
    child = forked.start(lambda channel, write: time.sleep(30), tmp_path)
    assert child is not None and child.path is not None and Path(child.path).exists()
    began = time.monotonic()
    child.cancel()
    assert time.monotonic() - began < 5 and not Path(child.path).exists()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # reaped: no child left behind
    child.cancel()  # twice is harmless
    assert child.receive() is None and not child.send("x")


@needs_fork
def test_a_child_whose_parent_is_gone_removes_its_file(tmp_path: Path) -> None:
    """A parent that is killed cannot remove the child's file: the child, finding the channel ended at its next
    message, removes it itself and leaves (status 1)."""
    def work(channel: forked.Channel, part: forked.PartFile) -> None:
        part.write(b"rows")
        channel.receive()  # where to copy them: never told

    child = forked.start(work, tmp_path)
    assert child is not None and child.path is not None and Path(child.path).exists()
    child.channel._out.close()  # what the parent's death does to the pipe the child reads
    _pid, status = os.waitpid(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1 and list(tmp_path.iterdir()) == []
    child.pid = 0  # reaped here
    child.cancel()


@needs_fork
def test_messages_both_ways(tmp_path: Path) -> None:
    def work(channel: forked.Channel, part: forked.PartFile) -> None:
        got = channel.receive()
        channel.send({"got": got, "big": b"x" * 1_000_000})  # more than a pipe holds: sent as the parent reads
        part.write(b"from the child\n")

    child = forked.start(work, tmp_path)
    assert child is not None and child.send([1, "二"])
    reply = child.receive()
    assert reply["got"] == [1, "二"] and len(reply["big"]) == 1_000_000
    out = tmp_path / "out"
    with open(out, "wb") as f:
        f.write(b"from the parent\n")
        assert child.append_to(f)
    assert out.read_bytes() == b"from the parent\nfrom the child\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@needs_fork
def test_the_child_writes_where_it_is_told_while_the_parent_writes_before(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_bytes(b"")

    def work(channel: forked.Channel, part: forked.PartFile) -> None:
        forked.write_at(*channel.receive(), lambda write: (write(b"abc"), write(b"def")))

    child = forked.start(work, tmp_path)
    assert child is not None and child.send((str(out), 4))
    with open(out, "r+b") as f:
        f.write(b"0123")
    assert child.ended_well()
    assert out.read_bytes() == b"0123abcdef" and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_forking_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELFSCORE_ONE_PROCESS", "1")
    assert not forked.can_fork() and forked.start(lambda channel, write: None, tmp_path) is None
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_child_is_done_when_it_says_so_and_is_reaped(tmp_path: Path) -> None:
    """The child's last message, not its exit status, says its work is done: a child that leaves early with
    status 0 failed; one that finished is reaped without being waited for."""
    def leaves(channel: forked.Channel, part: forked.PartFile) -> None:
        part.write(b"half")
        os._exit(0)

    child = forked.start(leaves, tmp_path)
    assert child is not None and not child.ended_well()
    child = forked.start(lambda channel, part: part.write(b"all"), tmp_path)
    assert child is not None and child.ended_well()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no child left: both reaped
            break
        time.sleep(0.01)
    else:
        pytest.fail("a child was left unreaped")
    assert list(tmp_path.iterdir()) == []
