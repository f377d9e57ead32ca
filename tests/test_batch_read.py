"""Helpers of the batch's table reader: keys numbered by first appearance, and distinct hashes by runs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from selfscore.batch.csvsource import _unique_runs
from selfscore.batch.fastunique import first_seen

_INT64 = st.integers(-(2**63), 2**63 - 1)
_RUNS = st.lists(st.tuples(st.integers(0, 49), st.integers(1, 30)), max_size=60)


def _keys(pool: list[int], runs: list[tuple[int, int]]) -> list[list[int]]:
    """The keys as runs (rows grouped by department), and one of each run (scattered)."""
    return [[pool[k % len(pool)] for k, length in runs for _ in range(length)], [pool[k % len(pool)] for k, _n in runs]]


@settings(max_examples=100, deadline=None)
@given(pool=st.lists(_INT64, min_size=1, max_size=50), runs=_RUNS)
def test_first_seen_numbers_keys_by_first_appearance(pool: list[int], runs: list[tuple[int, int]]) -> None:
    for key_list in _keys(pool, runs):
        key = np.array(key_list, dtype=np.int64)
        order = list(dict.fromkeys(key_list))
        seen, inverse = first_seen(key)
        assert seen.tolist() == order
        assert inverse.dtype == np.int64 and inverse.tolist() == [order.index(k) for k in key_list]


@settings(max_examples=100, deadline=None)
@given(pool=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=50), runs=_RUNS)
def test_unique_runs_is_numpys_unique(pool: list[int], runs: list[tuple[int, int]]) -> None:
    for key_list in _keys(pool, runs):
        h = np.array(key_list, dtype=np.uint64)
        _u, first, inverse = np.unique(h, return_index=True, return_inverse=True)
        got_first, got_inverse = _unique_runs(h)
        assert got_first.tolist() == first.tolist() and got_inverse.tolist() == inverse.reshape(-1).tolist()
