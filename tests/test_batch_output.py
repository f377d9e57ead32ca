"""Batch output by index: files equal to the per-record writers, printed rates equal to ``completion``'s,
tables in memory read as files are, the summary in rank order with repeated names named."""

from __future__ import annotations

import csv
import io
import json
import random
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pytest
from batch_support import random_row

import selfscore as s
import selfscore.batch as sb
from selfscore.batch.output import rate_codes
from selfscore.cli.batch import main

TABLE = '''\
部门,年度,评分规范,一级指标,二级指标,三级指标,年度目标值,年度实现值,分值
"甲, 街道",2023,tianhe-2023,产出指标,数量指标,"活动""场数""",≥10次,8次,
"甲, 街道",2023,tianhe-2023,效益指标,满意度,满意度,≥95%,96.5%,
乙街道,2024,tianhe-2023-truncate,产出指标,数量指标,"多行
名称",≤2个小时,3个小时,12
乙街道,2024,tianhe-2023-truncate,产出指标,质量指标,合格率,100%,99.99%,8
乙街道,2024,tianhe-2023-truncate,效益指标,社会效益,宜居,达标,达标,
丙街道,2023,tianhe-2023,产出指标,数量指标,活动场数,0次,1次,
'''


def _records_csv(results: list[sb.BatchResult], keys: list[str]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(keys)
    for r in results:
        w.writerows([["" if x[k] is None else str(x[k]) for k in keys] for x in r.indicator_rows()])
    return out.getvalue().encode()


def test_indicator_files_equal_the_record_writers(tmp_path: Path) -> None:
    """CSV and JSON written by index are byte for byte what csv.writer and json.dumps write for the records."""
    p = tmp_path / "t.csv"
    p.write_text(TABLE, encoding="utf-8")
    results, failures = sb.score_input(p)
    assert not failures and len(results) == 2
    cols = [sb.indicator_columns(r) for r in results]
    keys = [k for k in sb.KEYS if k != "item_key"]
    got = io.BytesIO()
    for k, c in enumerate(cols):
        part = io.BytesIO()
        sb.write_csv(c.texts(strip=False), keys, keys, part.write)
        got.write(part.getvalue() if k == 0 else part.getvalue().split(b"\n", 1)[1])
    assert got.getvalue() == _records_csv(results, keys)
    for r, c in zip(results, cols, strict=True):
        out = io.BytesIO()
        sb.write_json(c, sb.KEYS, out.write)
        assert out.getvalue().decode() == json.dumps(r.indicator_rows(), ensure_ascii=False, indent=1) + "\n"
    rows = [x for r in results for x in r.indicator_rows()]
    assert [x["rate"] for x in rows] == ["80%", "101.58%", "0%", "66.67%", "99.99%", "100%"]


def test_cli_indicator_json_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "t.csv"
    p.write_text(TABLE, encoding="utf-8")
    assert main([str(p), "--indicators", str(tmp_path / "i.json"), "-f", "csv"]) == 0
    data = json.loads((tmp_path / "i.json").read_text(encoding="utf-8"))
    assert [d["score"] for d in data] == ["16", "20", "0", "8", "7.9", "20"]
    assert data[0]["department"] == "甲, 街道" and data[0]["year"] == 2023 and data[3]["name"] == "多行\n名称"
    assert main([str(p), "--indicators", "-", "--indicators-format", "csv", "-f", "csv"]) == 0
    out = capsys.readouterr().out.split("\n\n", 1)[1]
    assert list(csv.reader(io.StringIO(out)))[4][-3:] == ["66.67%", "12", "8"]
    assert main([str(p), "--indicators", str(tmp_path / "i.md")]) == 0
    head = (tmp_path / "i.md").read_text(encoding="utf-8").splitlines()[0]
    assert "一级指标" in head and "二级指标" in head and "所属评分项" in head


def test_printed_rates_equal_completion() -> None:
    """The rate printed for every row is ``completion``'s (uncapped, else capped, else the outcome)."""
    rng = random.Random(7)
    rows = [random_row(rng) for _ in range(3000)]
    reduced = sb.indicator_rows([r[0] for r in rows], [r[1] for r in rows], ["1"] * len(rows),
                                judgements=[r[3] for r in rows], lower_is_better=[r[4] for r in rows])
    keep = np.array([i for i in range(len(rows)) if i not in reduced.errors], dtype=np.int64)
    texts, codes = rate_codes(reduced, keep)
    checked = 0
    for i, code in zip(keep.tolist(), codes.tolist(), strict=True):
        t, a, _w, j, lower = rows[i]
        done = s.completion(s.parse_target(t, lower_is_better=lower), s.parse_actual(a), judgement=j)
        rate = done.uncapped if done.uncapped is not None else done.rate
        assert texts[code] == (done.outcome if rate is None else s.fmt_percent(Fraction(rate))), (rows[i], done)
        checked += 1
    assert checked > 2000


def test_tables_in_memory_read_as_the_file(tmp_path: Path) -> None:
    """An Arrow table and a polars DataFrame give the departments the CSV file gives."""
    pa_csv = pytest.importorskip("pyarrow.csv")
    pl = pytest.importorskip("polars")
    p = tmp_path / "t.csv"
    p.write_text(TABLE, encoding="utf-8")
    want, _ = sb.score_input(p)

    def same(results: list[sb.BatchResult]) -> bool:
        return [[attrs.evolve(d, file="") for d in r.departments] for r in results] == [
            [attrs.evolve(d, file="") for d in r.departments] for r in want]

    assert same(sb.score_input(pa_csv.read_csv(p))[0])
    assert same(sb.score_input(pl.read_csv(p, infer_schema=False))[0])
    with pytest.raises(TypeError, match="not a table"):
        sb.read_input(42)


def test_summary_in_rank_order_and_repeated_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "t.csv"
    p.write_text("部门,年度,一级指标,三级指标,年度目标值,年度实现值\n低,2023,产出指标,a,≥10次,7次\n"
                 "高,2023,产出指标,a,≥10次,10次\n坏,2023,产出指标,a,≥10次,很多\n中,2023,产出指标,a,≥10次,9次\n",
                 encoding="utf-8")
    code = main([str(p), "--spec", "tianhe-2023", "-f", "csv"])
    out, err = capsys.readouterr()
    assert code == 4
    assert [r["department"] for r in csv.DictReader(io.StringIO(out))] == ["高", "中", "低", "坏"]
    assert "单位名称" not in err
    p.write_text(p.read_text(encoding="utf-8") + "高,2024,产出指标,a,≥10次,8次\n", encoding="utf-8")
    main([str(p), "--spec", "tianhe-2023", "-f", "csv"])
    err = capsys.readouterr().err
    assert "⚠ 单位名称“高”出现 2 次 (duplicate department name)" in err
    assert "（t.csv，2023 年度，tianhe-2023，第 (1) 名）；（t.csv，2024 年度，tianhe-2023，第 (3) 名）" in err


def test_weight_messages_are_core_wordings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Weights typed in part name the indicators left blank (the engine's wording); weights that do not add up
    get the one wording of core.split.weights_problem, as the engine words them."""
    p = tmp_path / "t.csv"
    p.write_text("部门,一级指标,三级指标,年度目标值,年度实现值,分值\n甲,产出指标,a,1,1,12\n甲,产出指标,b,1,1,\n"
                 "乙,产出指标,a,1,1,12\n乙,产出指标,b,1,1,7.5\n", encoding="utf-8")
    assert main([str(p), "--spec", "tianhe-2023", "-f", "csv"]) == 4
    err = capsys.readouterr().err
    assert "部分指标填写了分值、部分没有 (weights typed for some indicators only)；未填: b" in err
    assert ("二级指标 部门整体绩效目标产出指标完成情况: “部门整体绩效目标产出指标完成情况”各指标分值之和 19.5 不等于该项分值 20 "
            "(weights do not add up to the item's points)") in err
