"""Benchmark (issue 13): ``selfscore batch`` against polars and pandas with float scoring, side by side.

Not part of the test suite.  Run from the repository root, with polars, pandas and
pyarrow installed (``pip install -e '.[fast,bench]'``)::

    python3 benchmarks/bench_issue13.py                      # 10^5 and 10^6 rows (~10 min on 2 busy cores)
    python3 benchmarks/bench_issue13.py --rows 100000 --repeat 1

For each size it writes the issue-13 workload (:mod:`workload`: 30 indicators per
department, typed weights in a 分值 column, realistic repeated target texts, ~102
bytes a row) and runs every pipeline in its own process, round robin, ``--repeat``
times, keeping each one's fastest run:

- ``selfscore batch`` summary only, and with ``--indicators`` as csv, json and xlsx;
- the same without pyarrow (``SELFSCORE_NO_PYARROW=1``), whose files must be identical;
- polars and pandas: read, float scoring of the same rule, per-row and summary output
  (:mod:`pipelines`).

Reported per pipeline: wall time, CPU time (user + system: on a shared machine wall
time also measures the neighbours), peak RSS (``wait4``: the largest process), peak PSS of
all its processes (one more, untimed run: ``selfscore batch --indicators`` forks a child
on Linux), the ratio to the polars run,
and wrong rows: every row's score against the scalar Decimal engine, computed once per
distinct (target, actual, weight).  Then the single-case check: ``selfscore score`` of a
case against ``python -c 'import selfscore'``, and that it imports no numpy or pyarrow.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import workload  # noqa: E402

SPEC = "tianhe-2023"


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run ``cmd`` under GNU time: its wall time, CPU time (user + system) and peak RSS (MiB).

    (``wait4`` on a child forked from this process would count this process's pages in its peak.)
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", stats.name, *cmd], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
                              check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
        wall, user, system, rss = stats.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss) / 1024}


def peak_memory(cmd: list[str], env: dict[str, str] | None = None) -> float | None:
    """Peak memory (MiB) of ``cmd`` and every process it forks, summed: the PSS (each shared page counted once,
    split among its sharers) of the process tree, sampled every 5 ms from ``/proc`` (None elsewhere than Linux).

    ``selfscore batch --indicators`` forks a child that shares the parent's pages; peak RSS (``wait4``) counts
    only the larger process, so this is the figure to hold against polars' (one process, its threads).
    """
    if not Path("/proc/self/smaps_rollup").exists():
        return None
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_pss(pid) for pid in _tree(proc.pid)))
        time.sleep(0.005)
    return peak / 1024


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pipelines(src: Path, out: Path, xlsx: bool) -> dict[str, tuple[list[str], dict[str, str], list[Path]]]:
    py = sys.executable
    batch = [py, "-m", "selfscore", "batch", str(src), "--spec", SPEC, "-f", "csv", "--no-progress", "--force"]
    p: dict[str, tuple[list[str], dict[str, str], list[Path]]] = {
        "selfscore summary": ([*batch, "-o", str(out / "s.csv")], {}, [out / "s.csv"]),
        "selfscore --indicators csv": ([*batch, "-o", str(out / "s2.csv"), "--indicators", str(out / "i.csv")], {},
                                       [out / "s2.csv", out / "i.csv"]),
        "selfscore --indicators csv, one process": (
            [*batch, "-o", str(out / "s2-1.csv"), "--indicators", str(out / "i-1.csv")], {"SELFSCORE_ONE_PROCESS": "1"},
            [out / "i-1.csv"]),
        "selfscore --indicators json": ([*batch, "-o", str(out / "s3.csv"), "--indicators", str(out / "i.json")], {},
                                        [out / "i.json"]),
        "selfscore summary, no pyarrow": ([*batch, "-o", str(out / "s-np.csv")], {"SELFSCORE_NO_PYARROW": "1"},
                                          [out / "s-np.csv"]),
        "selfscore --indicators csv, no pyarrow": (
            [*batch, "-o", str(out / "s2-np.csv"), "--indicators", str(out / "i-np.csv")], {"SELFSCORE_NO_PYARROW": "1"},
            [out / "s2-np.csv", out / "i-np.csv"]),
        "polars + float": ([py, "benchmarks/pipelines.py", "polars", str(src), str(out / "i-pl.csv"), str(out / "s-pl.csv")],
                           {}, [out / "i-pl.csv"]),
        "pandas + float": ([py, "benchmarks/pipelines.py", "pandas", str(src), str(out / "i-pd.csv"), str(out / "s-pd.csv")],
                           {}, [out / "i-pd.csv"]),
    }
    if xlsx:
        p["selfscore --indicators xlsx"] = ([*batch, "-o", str(out / "s4.csv"), "--indicators", str(out / "i.xlsx")], {},
                                            [out / "i.xlsx"])
    return p


def exact_scores(src: Path) -> list[Decimal | None]:
    """Every row's score by the scalar engine (parse, completion, apply_rule), once per distinct row."""
    import selfscore as s

    spec = s.load_spec(SPEC)
    rules = {g: it.rule for it in spec.items() for g in it.groups}
    memo: dict[tuple[str, ...], Decimal | None] = {}
    out = []
    with open(src, encoding="utf-8", newline="") as f:
        for row in list(csv.reader(f))[1:]:
            key = (row[1], row[2], row[4], row[5], row[6])
            if key not in memo:
                try:
                    lower = spec.lower_is_better(group=row[1], category=row[2])
                    done = s.completion(s.parse_target(row[4], lower_is_better=lower), s.parse_actual(row[5]))
                    memo[key] = s.apply_rule(rules[row[1]], Decimal(row[6]), done).score  # type: ignore[arg-type]
                except s.SelfScoreError:
                    memo[key] = None
            out.append(memo[key])
    return out


def wrong_rows(path: Path, column: str, exact: list[Decimal | None], *, printed: bool) -> int:
    """Rows whose score differs from the scalar engine's (``printed``: the text must be ``fmt(score)``)."""

    with open(path, encoding="utf-8", newline="") as f:
        got = [r[column] for r in csv.DictReader(f)]
    if len(got) != len(exact):
        return abs(len(got) - len(exact)) + wrong_rows_prefix(got, exact, printed)
    return wrong_rows_prefix(got, exact, printed)


def wrong_rows_prefix(got: list[str], exact: list[Decimal | None], printed: bool) -> int:
    import selfscore as s

    bad = 0
    for text, want in zip(got, exact, strict=False):
        if want is None:
            bad += text != ""
        elif printed:
            bad += text != s.fmt(want)
        else:
            bad += Decimal(text) != want
    return bad


def cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU seconds of ``cmd`` (``wait4``: microseconds, where GNU time counts in 10 ms steps)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return float(usage.ru_utime + usage.ru_stime)


def single_case(repeat: int) -> None:
    """``selfscore score`` of one case (json, and the terminal table) against importing selfscore: bare (the
    package's names load lazily), with the scoring function loaded (``selfscore.score``) and with every public
    name loaded (what ``import selfscore`` loaded before it became lazy); and which heavy modules it loads.
    The interpreter alone and ``import attrs`` (a dependency of every value object) show the floor."""
    py = sys.executable
    cmds = {"score -f json": [py, "-m", "selfscore", "score", "cases/jinhua-2024.toml", "-f", "json"],
            "score (table)": [py, "-m", "selfscore", "score", "cases/jinhua-2024.toml"],
            "import": [py, "-c", "import selfscore"], "import+score": [py, "-c", "import selfscore; selfscore.score"],
            "import+all": [py, "-c", "import selfscore; [getattr(selfscore, n) for n in selfscore.__all__]"],
            "python -c pass": [py, "-c", "pass"], "import attrs": [py, "-c", "import attrs"]}
    best = dict.fromkeys(cmds, float("inf"))
    for _ in range(max(repeat, 7)):
        for name, cmd in cmds.items():
            best[name] = min(best[name], cpu_seconds(cmd))
    probe = ("import sys; from selfscore.cli.main import main; main(['score', 'cases/jinhua-2024.toml', '-f', 'json']);"
             "print(sorted(m for m in ('numpy', 'pyarrow', 'polars', 'pandas') if m in sys.modules), file=sys.stderr)")
    loaded = subprocess.run([py, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stderr.strip()
    print("\n## single case (CPU ms: user + system from wait4, fastest of the runs)\n")
    print("| command | CPU ms | / import | / import+score | / import+all |\n|---|---|---|---|---|")
    for name in cmds:
        print(f"| {name} | {best[name] * 1e3:.0f} | {best[name] / best['import']:.2f} | "
              f"{best[name] / best['import+score']:.2f} | {best[name] / best['import+all']:.2f} |")
    ratio = max(best["score -f json"], best["score (table)"]) / best["import+all"]
    print(f"\ntarget: score <= 1.5x `python -c 'import selfscore'`, read as the import with its public names loaded "
          f"(what it loaded when the target was set): {ratio:.2f}; the bare import is lazy now and loads nothing: "
          f"`import attrs` alone is {best['import attrs'] / best['import']:.2f}x it; "
          f"heavy modules loaded by score: {loaded}")


def compile_bytecode() -> None:
    """Byte-compile the package first, as installing a wheel does: an editable checkout run with
    PYTHONDONTWRITEBYTECODE=1 (as on the project's VM) would otherwise compile ~90 modules on every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "selfscore")], check=True,
                   stdout=subprocess.DEVNULL)


def bench(n: int, repeat: int, xlsx: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        src = out / "departments.csv"
        workload.write_table(src, n)
        rows = sum(1 for _ in open(src, encoding="utf-8")) - 1
        size = src.stat().st_size
        print(f"\n## {rows:,} rows, {rows // 30:,} departments, {size / 2**20:.0f} MiB ({size / rows:.0f} bytes/row)")
        plan = pipelines(src, out, xlsx)
        best: dict[str, dict[str, float]] = {}
        for _ in range(repeat):
            for name, (cmd, env, _files) in plan.items():
                if name.endswith("xlsx") and name in best:
                    continue  # once is enough: it is slow, and reported as is
                got = run(cmd, env)
                old = best.get(name)
                best[name] = got if old is None else {k: min(old[k], got[k]) for k in got}
        exact = exact_scores(src)
        same = all((out / a).read_bytes() == (out / b).read_bytes() for a, b in (("s.csv", "s-np.csv"), ("i.csv", "i-np.csv")))
        one = (out / "i.csv").read_bytes() == (out / "i-1.csv").read_bytes()
        memory = {name: peak_memory(cmd, env) for name, (cmd, env, _files) in plan.items() if not name.endswith("xlsx")}
        wrong = {
            "selfscore --indicators csv": wrong_rows(out / "i.csv", "score", exact, printed=True),
            "selfscore --indicators csv, no pyarrow": wrong_rows(out / "i-np.csv", "score", exact, printed=True),
            "polars + float": wrong_rows(out / "i-pl.csv", "score", exact, printed=False),
            "pandas + float": wrong_rows(out / "i-pd.csv", "score", exact, printed=False),
        }
        polars = best["polars + float"]
        print("| pipeline | wall s | CPU s | peak RSS MiB | peak PSS MiB, all processes | wall / polars | CPU / polars "
              "| PSS / polars | wrong rows |")
        print("|---|---|---|---|---|---|---|---|---|")
        pss_polars = memory.get("polars + float")
        for name, m in best.items():
            w: Any = wrong.get(name, "–")
            pss = memory.get(name)
            pss_text = "–" if pss is None else f"{pss:.0f}"
            pss_ratio = "–" if pss is None or not pss_polars else f"{pss / pss_polars:.2f}"
            print(f"| {name} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss']:.0f} | {pss_text} | "
                  f"{m['wall'] / polars['wall']:.2f} | {m['cpu'] / polars['cpu']:.2f} | {pss_ratio} | {w} |")
        print(f"\nwith and without pyarrow: summary and indicator files {'identical' if same else 'DIFFER'}; "
              f"indicator file in one process and in two: {'identical' if one else 'DIFFER'}")
        ind, summ = best["selfscore --indicators csv"], best["selfscore summary"]
        print(f"targets: --indicators/polars wall {ind['wall'] / polars['wall']:.2f} (<= 1.0), CPU "
              f"{ind['cpu'] / polars['cpu']:.2f}; summary/polars wall {summ['wall'] / polars['wall']:.2f} (<= 0.8), CPU "
              f"{summ['cpu'] / polars['cpu']:.2f}; --indicators/summary wall {ind['wall'] / summ['wall']:.2f} (< 2); "
              f"peak RSS {ind['rss']:.0f} vs polars {polars['rss']:.0f} MiB, peak PSS of all processes "
              f"{memory.get('selfscore --indicators csv') or 0:.0f} vs {pss_polars or 0:.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[10**5, 10**6])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-xlsx", action="store_true", help="skip the xlsx output (openpyxl: slow at 10^6 rows)")
    args = ap.parse_args()
    versions = subprocess.run([sys.executable, "-c", "import importlib.metadata as m; print('; '.join(f'{p} ' + "
                               "m.version(p) for p in ('numpy', 'pyarrow', 'polars', 'pandas', 'openpyxl')))"],
                              capture_output=True, text=True, check=False).stdout.strip()
    print(f"# selfscore batch vs polars/pandas — Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}; {versions}; load average {os.getloadavg()[0]:.1f} at start")
    compile_bytecode()
    for n in args.rows:
        bench(n, args.repeat, not args.no_xlsx)
    single_case(args.repeat)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
