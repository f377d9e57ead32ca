"""Batch scoring: many departments, or many indicators, at once, exactly as the scalar engine scores them.

The one package of selfscore that imports numpy (and, where installed, pyarrow)::

    import selfscore.batch as sb

    results, failures = sb.score_input("departments.csv", spec="tianhe-2023")   # a file, a folder of cases,
    results, failures = sb.score_input(arrow_table, spec="tianhe-2023")         # an Arrow table, a polars frame
    for result in results:
        for d in result.departments:                                            # DepartmentResult
            print(d.name, d.score, d.grade, d.error)
        cols = sb.indicator_columns(result)                                     # every indicator, by index
        with open("indicators.csv", "wb") as f:
            sb.write_csv(cols.texts(strip=False), sb.KEYS, sb.KEYS, f.write)

    sb.score_indicators(targets, actuals, weights, rule)    # one rule over columns of texts: Decimals

Every score equals ``selfscore.score(spec, case)``'s (Decimal value and exponent), which
the differential tests hold; departments the scalar engine refuses are reported with
its reason, and the others are still scored.  Arrow tables and polars DataFrames are
taken as they are (duck-typed: ``column_names``/``column(i)``, or ``to_arrow()``), so a
Dask or polars user can call :func:`score_input` per partition.
"""

from __future__ import annotations

from typing import Any

from selfscore.batch.assemble import DepartmentResult, ItemScore
from selfscore.batch.dept import BatchResult, score_batch
from selfscore.batch.io import Batch, Failure, SpecNeeded, read_input
from selfscore.batch.output import KEYS, IndicatorColumns, indicator_columns, write_csv, write_json
from selfscore.batch.parse import Reducer, exact_decimal
from selfscore.batch.rows import Rows, indicator_rows
from selfscore.batch.scoring import RowScores, score_indicators, score_rows
from selfscore.batch.table import CodedColumn, Department, IndicatorTable, table_from_cases

__all__ = [
    "KEYS",
    "Batch",
    "BatchResult",
    "CodedColumn",
    "Department",
    "DepartmentResult",
    "Failure",
    "IndicatorColumns",
    "IndicatorTable",
    "ItemScore",
    "Reducer",
    "RowScores",
    "Rows",
    "SpecNeeded",
    "exact_decimal",
    "indicator_columns",
    "indicator_rows",
    "read_input",
    "score_batch",
    "score_indicators",
    "score_input",
    "score_rows",
    "table_from_cases",
    "write_csv",
    "write_json",
]


def score_input(data: Any, *, spec: str | None = None, sheet: str | None = None) -> tuple[list[BatchResult], list[Failure]]:
    """Score a table (a CSV/xlsx path, a folder of cases, an Arrow table or a polars DataFrame).

    One :class:`BatchResult` per spec in the input, and the inputs that could not be read at all.
    """
    batches, failures = read_input(data, spec=spec, sheet=sheet)
    reducer = Reducer()
    return [score_batch(b.spec, b.table, b.departments, reducer=reducer) for b in batches], failures
