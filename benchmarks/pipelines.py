"""The side-by-side pipelines of the issue-13 benchmark, each run in its own process.

    python benchmarks/pipelines.py polars|pandas INPUT.csv INDICATORS.csv SUMMARY.csv

What a quick port does: read the CSV, pull comparator, number and unit out of the
target and actual texts with a regular expression, score ``tianhe-2023``'s rule
(proportional, floor 60 %, one decimal) in float64, and write every indicator's
score and a per-department summary.  Qualitative targets are met when the actual
repeats the target; a bare number in a 成本指标 row is a ceiling (the spec's direction).  ``selfscore batch`` is run as the CLI itself.
"""

from __future__ import annotations

import sys
from typing import Any

NUM = r"([0-9]+(?:\.[0-9]+)?)"
TARGET = r"^(≥|≤|>|<|=)?" + NUM + r"(.*)$"
COST = ["成本指标", "成本"]  # tianhe-2023's [[directions]]: a bare number there is a ceiling


def polars_pipeline(src: str, ind_out: str, sum_out: str) -> None:
    import polars as pl

    df = pl.read_csv(src, infer_schema=False)
    df = df.rename({"部门": "dept", "一级指标": "group", "三级指标": "name", "年度目标值": "target",
                    "年度实现值": "actual", "分值": "w"})
    t = pl.col("target").str.extract_groups(TARGET)
    df = df.with_columns(
        cmp=t.struct.field("1"), t=t.struct.field("2").cast(pl.Float64),
        a=pl.col("actual").str.extract(NUM, 1).cast(pl.Float64), w=pl.col("w").cast(pl.Float64),
        item=pl.when(pl.col("group") == "产出指标").then(pl.lit("output")).otherwise(pl.lit("benefit")))
    lower = pl.col("cmp").is_in(["≤", "<"]) | (pl.col("cmp").is_null() & pl.col("二级指标").is_in(COST))
    rate = (pl.when(pl.col("t").is_null()).then((pl.col("actual") == pl.col("target")).cast(pl.Float64))
            .when(pl.col("t") == 0).then((pl.col("a") == 0).cast(pl.Float64))
            .when(lower & (pl.col("a") == 0)).then(1.0)
            .when(lower).then(pl.col("t") / pl.col("a"))
            .otherwise(pl.col("a") / pl.col("t")))
    df = df.with_columns(rate=rate)
    capped = pl.min_horizontal(pl.col("rate"), pl.lit(1.0))
    score = (pl.when(capped >= 1).then(pl.col("w")).when(capped < 0.6).then(0.0)
             .otherwise(pl.min_horizontal(pl.col("w"), (pl.col("w") * capped).round(1))))
    df = df.with_columns(score=score, rate_text=(pl.col("rate") * 100).round(2).cast(pl.String) + "%")
    df.select("dept", "group", "name", "target", "actual", "rate_text", "w", "score").write_csv(ind_out)
    summary = (df.group_by("dept", maintain_order=True).agg(pl.col("score").sum().round(2).alias("score"))
               .sort("score", descending=True).with_columns(rank=pl.col("score").rank("min", descending=True)))
    summary.write_csv(sum_out)


def pandas_pipeline(src: str, ind_out: str, sum_out: str) -> None:
    import numpy as np
    import pandas as pd

    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df.columns = ["dept", "group", "category", "name", "target", "actual", "w"]
    parts = df["target"].str.extract(TARGET)
    cmp, t = parts[0], parts[1].astype(float)
    a = df["actual"].str.extract(NUM)[0].astype(float)
    w = df["w"].astype(float)
    lower = cmp.isin(["≤", "<"]) | (cmp.isna() & df["category"].isin(COST))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(t.isna(), (df["actual"] == df["target"]).astype(float),
                        np.where(t == 0, (a == 0).astype(float),
                                 np.where(lower, np.where(a == 0, 1.0, t / a), a / t)))
    capped = np.minimum(rate, 1.0)
    score = np.where(capped >= 1, w, np.where(capped < 0.6, 0.0, np.minimum(w, np.round(w * capped, 1))))
    df["rate_text"] = pd.Series(np.round(rate * 100, 2)).astype(str) + "%"
    df["score"] = score
    df[["dept", "group", "name", "target", "actual", "rate_text", "w", "score"]].to_csv(ind_out, index=False)
    summary = df.groupby("dept", sort=False)["score"].sum().round(2).sort_values(ascending=False).to_frame()
    summary["rank"] = summary["score"].rank(method="min", ascending=False)
    summary.to_csv(sum_out)


PIPELINES: dict[str, Any] = {"polars": polars_pipeline, "pandas": pandas_pipeline}

if __name__ == "__main__":
    PIPELINES[sys.argv[1]](*sys.argv[2:5])
