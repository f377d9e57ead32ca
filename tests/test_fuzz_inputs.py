"""Fuzzing every reader with mutated real inputs: no traceback, ever.

Hypothesis mutates the golden cases, both bundled specs and the 自评表 fixtures (CSV and
.xlsx) by bytes, by lines and by values (hostile numbers, spreadsheet error values, dates,
negative rates, deep nesting, invisible characters), then reads and scores them.  The only
acceptable outcomes are a result or a :class:`~selfscore.SelfScoreError`.

The quick run is part of the suite (a few seconds); ``pytest -m slow tests/test_fuzz_inputs.py``
runs thousands of examples.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_support import cell, rows_xml, write_xlsx

import selfscore
from selfscore import SelfScoreError
from selfscore.inputs.files import decode_text
from selfscore.inputs.load import load_case_and_spec, load_spec
from selfscore.inputs.sheet import load_sheet_case
from selfscore.outputs.verify import verify

ROOT = Path(__file__).resolve().parent.parent
CASES = {p.name: p.read_bytes() for p in sorted((ROOT / "cases").glob("*.toml"))}
SPECS = {p.name: p.read_bytes() for p in sorted((ROOT / "scoring_specs").glob("*.toml")) if "truncate" not in p.name}
SHEETS = {p.name: p.read_bytes() for p in sorted((ROOT / "tests" / "data" / "sheets").glob("*.csv"))}
SPEC_OF = {"jinhua": "liwan-2024", "yuangang": "tianhe-2023"}

#: Values an officer, a broken export or an attacker might put in a cell or a TOML value.
HOSTILE = [
    "1E+999999999", "1E-999999999", "0E-999999999", "9" * 5000, "nan", "inf", "-inf", "-5%", "负5%", "#DIV/0!",
    "#N/A", "#VALUE!", "2023-12-31", "2023年12月31日", "", " ", "true", "0", "0.95", "-0", "1e400", "≥", "≤≥5%",
    "[" * 200, "{", '"', "'", "\\", "达成", "未达成", "部分达成", "100%完成", "１２３．４５", "3.3399999999999999",
    "a\u200bb", "\ufeff", "\x00", "≥95%（含）以上", "超过90%", "0次", "0%", "≤0", "12,345,678", "1.2.3", "五",
]

mutations = st.one_of(
    st.tuples(st.just("bytes"), st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)), min_size=1, max_size=4)),
    st.tuples(st.just("lines"), st.lists(st.tuples(st.integers(0, 10**4), st.sampled_from(["drop", "dup", "swap"])),
                                         min_size=1, max_size=3)),
    st.tuples(st.just("values"), st.lists(st.tuples(st.integers(0, 10**4), st.sampled_from(HOSTILE)), min_size=1, max_size=3)),
)


def mutate(raw: bytes, how: tuple[str, list[tuple[int, object]]], *, csv: bool = False) -> bytes:
    kind, edits = how
    if kind == "bytes":
        data = bytearray(raw)
        for at, chunk in edits:
            assert isinstance(chunk, bytes)
            i = at % (len(data) + 1)
            data[i:i + (1 if chunk else 0)] = chunk or b""
        return bytes(data)
    lines = decode_text(raw)[0].split("\n")  # the GBK and UTF-16 fixtures come back as UTF-8
    for at, what in edits:
        i = at % len(lines)
        if kind == "lines":
            if what == "drop":
                del lines[i]
            elif what == "dup":
                lines.insert(i, lines[i])
            else:
                j = (i + 1) % len(lines)
                lines[i], lines[j] = lines[j], lines[i]
            if not lines:
                lines = [""]
        else:
            lines[i] = _replace_value(lines[i], str(what), at, csv=csv)
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def _replace_value(line: str, value: str, at: int, *, csv: bool) -> str:
    if csv:
        cells = line.split(",")
        cells[at % len(cells)] = value
        return ",".join(cells)
    found = list(re.finditer(r'=\s*("[^"]*"|[-+\w.]+)', line))
    if not found:
        return line
    m = found[at % len(found)]
    literal = value if re.fullmatch(r"[-+]?[\w.]+|\[+|\{", value) else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return line[: m.start(1)] + literal + line[m.end(1):]


def outcome(call: Callable[[], object]) -> None:
    """Run ``call``: a result or a SelfScoreError with a message; anything else fails the test."""
    try:
        call()
    except SelfScoreError as exc:
        assert str(exc).strip()


def _score_case(path: Path) -> None:
    case, spec = load_case_and_spec(path)
    selfscore.score(spec, case)


def _score_with_spec(path: Path) -> None:
    spec = load_spec(str(path))
    selfscore.score(spec, selfscore.load_case(ROOT / "cases" / ("jinhua-2024.toml" if "liwan" in path.name
                                                                 else "yuangang-2023.toml")))


def _score_sheet(path: Path, spec: str) -> None:
    case, the_spec = load_sheet_case(path, spec)
    selfscore.score(the_spec, case)
    verify(path, spec)


def _xlsx_from(raw: bytes, path: Path) -> Path:
    """A workbook holding the CSV's cells (numbers as numbers) read back through the .xlsx reader."""
    rows: dict[int, list[str]] = {}
    text = raw.decode("utf-8", errors="replace")
    for n, line in enumerate(text.split("\n")[:200], start=1):
        cells = []
        for j, value in enumerate(line.split(",")[:26]):
            ref = f"{chr(65 + j)}{n}"
            if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
                cells.append(cell(ref, value, t="n", s=1 if j == 4 else 0))
            elif value:
                cells.append(cell(ref, "".join(ch for ch in value if ch >= " " or ch == "\t")))
        rows[n] = cells
    return write_xlsx(path, rows_xml(rows))


def check(target: str, name: str, how: tuple[str, list[tuple[int, object]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if target == "case":
            path = tmp / name
            path.write_bytes(mutate(CASES[name], how))
            outcome(lambda: _score_case(path))
        elif target == "spec":
            path = tmp / name
            path.write_bytes(mutate(SPECS[name], how))
            outcome(lambda: _score_with_spec(path))
        else:
            spec = SPEC_OF[name.split("-")[0]]
            raw = mutate(SHEETS[name], how, csv=True)
            path = tmp / name
            path.write_bytes(raw)
            outcome(lambda: _score_sheet(path, spec))
            book = _xlsx_from(raw, tmp / "t.xlsx")
            outcome(lambda: _score_sheet(book, spec))


targets = st.one_of(
    st.tuples(st.just("case"), st.sampled_from(sorted(CASES))),
    st.tuples(st.just("spec"), st.sampled_from(sorted(SPECS))),
    st.tuples(st.just("sheet"), st.sampled_from(sorted(SHEETS))),
)
_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "derandomize": True}


@settings(max_examples=200, **_SETTINGS)  # type: ignore[arg-type]
@given(targets, mutations)
def test_fuzz_quick(target: tuple[str, str], how: tuple[str, list[tuple[int, object]]]) -> None:
    check(*target, how)


@pytest.mark.slow
@settings(max_examples=4000, **{**_SETTINGS, "derandomize": False})  # type: ignore[arg-type]
@given(targets, mutations)
def test_fuzz_long(target: tuple[str, str], how: tuple[str, list[tuple[int, object]]]) -> None:
    check(*target, how)


def test_mutations_reach_the_readers(tmp_path: Path) -> None:
    """The value mutation really lands: a target turned into 负5% is refused, naming the indicator."""
    raw = CASES["yuangang-2023.toml"]
    line = raw.decode().split("\n").index('target = "4 次"')
    path = tmp_path / "c.toml"
    path.write_bytes(mutate(raw, ("values", [(line, "负5%")])))
    with pytest.raises(SelfScoreError, match=r"「举办文化活动场数」.*负数目标值"):
        _score_case(path)
