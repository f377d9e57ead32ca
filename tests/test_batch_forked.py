"""``selfscore batch --indicators FILE`` in two processes (selfscore.cli.forked): the same bytes as in one.

The threshold (``PARALLEL_ROWS``, 200,000 rows) is lowered here so that small tables fork.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from selfscore.cli import batch_out, forked
from selfscore.cli.batch import main

ROOT = Path(__file__).resolve().parent.parent
HEADER = "部门,年度,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值\n"
TARGETS = [("≥95%", "96.5%"), ("≤2个小时", "1.5个小时"), ("0次", "0次"), ("100%", "98.66%"), ("≥10次", "8次"),
           ("称职或以上", "称职"), ("500 万元", "493.3 万元")]

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="forking is for Linux with two cores")


def _table(path: Path, departments: int) -> Path:
    """Departments of four indicators each (one with a year, one that cannot be scored, quoting needed)."""
    lines = [HEADER]
    for d in range(departments):
        year = "2024" if d % 7 == 3 else ""
        name = f'"街道{d},甲"' if d % 11 == 5 else f"街道{d}"
        for k in range(4):
            target, actual = TARGETS[(d + k) % len(TARGETS)]
            if d == 4 and k == 2:
                actual = "三次"  # not a number: the department is not scored, its rows are not output
            group = "产出指标" if k < 2 else "效益指标"
            lines.append(f"{name},{year},{group},数量指标,指标{k},{target},{actual},\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _run(args: list[str], out: Path, monkeypatch: pytest.MonkeyPatch, *, fork: bool,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, bytes, str]:
    monkeypatch.setenv("SELFSCORE_ONE_PROCESS", "0" if fork else "1")
    monkeypatch.setattr(batch_out, "PARALLEL_ROWS", 2)
    code = main([*args, "-f", "csv", "-o", str(out / "s.csv"), "--force"])
    _stdout, err = capsys.readouterr()
    return code, (out / "s.csv").read_bytes(), err


@needs_fork
@pytest.mark.parametrize("fmt_name", ["csv", "json"])
def test_two_processes_write_the_same_bytes_as_one(fmt_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 40)
    started: list[forked.Part | None] = []
    real_start = forked.start
    monkeypatch.setattr(forked, "start", lambda w, rows, d: started.append(real_start(w, rows, d)) or started[-1])
    got = {}
    for fork in (False, True):
        ind = tmp_path / f"i.{fmt_name}"
        code, summary, err = _run([str(table), "--spec", "tianhe-2023", "--indicators", str(ind)], tmp_path,
                                     monkeypatch, fork=fork, capsys=capsys)
        got[fork] = (code, summary, ind.read_bytes(), err)
    # one process, then two: 39 departments scored, 156 rows; the child writes the last 3/5
    assert started[0] is None and started[1] is not None and started[1].rows == range(62, 156)
    assert got[True] == got[False]
    assert got[True][0] == 4 and "街道4" in got[True][3]  # the unscorable department is reported either way
    text = got[True][2].decode("utf-8")
    if fmt_name == "json":
        rows = json.loads(text)
        assert len(rows) == 156 and rows[-1]["department"] == "街道39" and rows[61]["name"] == "指标1"
        assert {r["department"] for r in rows} == {
            f"街道{d},甲" if d % 11 == 5 else f"街道{d}" for d in range(40) if d != 4}
    else:
        assert text.count("\n街道10,") == 4 and '"街道5,甲"' in text and "街道4," not in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_any_cut_of_the_rows_writes_the_same_bytes(tmp_path: Path) -> None:
    """Two batches (two specs): the rows written in two parts, cut anywhere, are the rows written whole."""
    from selfscore.batch.dept import score_batch
    from selfscore.batch.io import read_input

    folder = tmp_path / "cases"
    folder.mkdir()
    for name in ("jinhua-2024.toml", "yuangang-2023.toml"):
        shutil.copy(ROOT / "cases" / name, folder / name)
    batches, _ = read_input(folder)
    scored = [(b, score_batch(b.spec, b.table, b.departments)) for b in batches]
    assert len(scored) == 2
    for fmt_name in ("csv", "json"):
        write_rows, total = batch_out._rows_writer(scored, fmt_name)
        whole: list[bytes] = []
        write_rows(range(total), lambda chunk, whole=whole: whole.append(bytes(chunk)))
        for cut in range(1, total):
            parts: list[bytes] = []
            write_rows(range(cut), lambda chunk, parts=parts: parts.append(bytes(chunk)))
            write_rows(range(cut, total), lambda chunk, parts=parts: parts.append(bytes(chunk)))
            assert b"".join(parts) == b"".join(whole), (fmt_name, cut)
    # 金花 reports items only (no indicator rows), 元岗 eleven indicators: a batch of none, then one of eleven
    assert [len(r.row_dept) for _b, r in scored] == [0, 11] and total == 11


@needs_fork
def test_a_failed_child_is_replaced_by_the_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    table = _table(tmp_path / "t.csv", 12)
    parent = os.getpid()
    real = batch_out._rows_writer

    def failing_in_child(scored: object, fmt_name: str) -> object:
        write_rows, total = real(scored, fmt_name)  # type: ignore[arg-type]

        def write(rows: range, sink: object) -> None:
            if os.getpid() != parent:
                raise OSError(28, "No space left on device")
            write_rows(rows, sink)  # type: ignore[arg-type]

        return write, total

    monkeypatch.setattr(batch_out, "_rows_writer", failing_in_child)
    appended: list[bool] = []
    real_append = forked.Part.append_to
    monkeypatch.setattr(forked.Part, "append_to", lambda self, f: appended.append(real_append(self, f)) or appended[-1])
    out = {}
    for fork in (True, False):
        ind = tmp_path / "i.csv"
        code, _summary, _err = _run([str(table), "--spec", "tianhe-2023", "--indicators", str(ind)], tmp_path,
                                  monkeypatch, fork=fork, capsys=capsys)
        out[fork] = (code, ind.read_bytes())
    assert appended == [False]  # the child failed (once: the second run had no child)
    assert out[True] == out[False] and out[True][1].count(b"\n") == 1 + 11 * 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@needs_fork
def test_cancel_stops_the_child_and_removes_its_file(tmp_path: Path) -> None:
    part = forked.start(lambda rows, write: time.sleep(30), range(0, 1), tmp_path)
    assert part is not None and Path(part.path).exists()
    began = time.monotonic()
    part.cancel()
    assert time.monotonic() - began < 5 and not Path(part.path).exists()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # reaped: no child left behind
    part.cancel()  # twice is harmless


def test_forking_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SELFSCORE_ONE_PROCESS", "1")
    assert not forked.can_fork() and forked.start(lambda rows, write: None, range(1), tmp_path) is None
    assert list(tmp_path.iterdir()) == []
