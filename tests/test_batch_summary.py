"""The columnar summary's ranks and the lazily made department results."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from selfscore.batch.dept import score_batch
from selfscore.batch.io import read_input
from selfscore.batch.summary import _ranks, summary

ROWS = """部门,一级指标,二级指标,三级指标,年度目标值,年度实现值
甲,产出指标,数量指标,活动场数,≥10次,8次
甲,效益指标,满意度,满意度,≥95%,96%
乙,产出指标,数量指标,活动场数,≥10次,三次
丙,产出指标,数量指标,活动场数,≥10次,12次
丙,效益指标,满意度,满意度,≥95%,90%
丁,产出指标,数量指标,活动场数,≥10次,8次
丁,效益指标,满意度,满意度,≥95%,96%
"""


def test_competition_ranks_within_groups() -> None:
    group = np.array([0, 0, -1, 1, 0, 0, 1])
    value = np.array([5, 7, 9, 1, 7, 2, 3])
    # group 0: 7, 7 share 1st, then 5 is 3rd and 2 is 4th; group 1: 3 then 1; -1 has no rank
    assert _ranks(group, value).tolist() == [3, 1, 0, 2, 1, 4, 1]


def test_summary_and_lazy_results(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(ROWS, encoding="utf-8")
    batches, failures = read_input(str(p), spec="tianhe-2023")
    scored = [(b, score_batch(b.spec, b.table, b.departments)) for b in batches]
    depts = scored[0][1].departments
    assert len(depts) == 4 and depts.ok().tolist() == [True, False, True, True]
    assert depts[-1] == depts[3] and depts[1:3] == (depts[1], depts[2]) and list(depts) == list(depts[0:4])
    assert depts[0].score is None and depts[0].partial and str(depts[0].known_score) == "36"
    s = summary(scored, failures)
    assert s.department == ["丙", "甲", "丁", "乙"]
    assert s.score == ["38.9", "36", "36", "—"] and s.rank == [1, 2, 2, None]
    assert [s.rank_text(i) for i in range(4)] == ["(1)", "(2)", "(2)", ""]
    assert s.error[3] is not None and s.result(3) is not None and s.result(3).error == s.error[3]
    assert s.result(1) == depts[0]
