"""The hash-based unique and the scatter-based stable order give exactly numpy's sorted answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfscore.batch import fastunique
from selfscore.batch.fastunique import stable_order, unique_first_inverse

pytest.importorskip("pyarrow")

_INT64 = st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=60, deadline=None)
@given(pool=st.lists(_INT64, min_size=1, max_size=300), seed=st.integers(0, 2**32 - 1),
       n=st.integers(0, 40_000))
def test_unique_first_inverse_is_numpys(pool: list[int], seed: int, n: int) -> None:
    import pyarrow  # noqa: F401  (loaded, as the batch reader loads it)

    rng = np.random.default_rng(seed)
    key = np.array(pool, dtype=np.int64)[rng.integers(0, len(pool), n)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fastunique, "_MIN_ARROW", 0)
        mp.delenv("SELFSCORE_NO_PYARROW", raising=False)
        got = unique_first_inverse(key)
    want = np.unique(key, return_index=True, return_inverse=True)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == np.int64
        assert np.array_equal(g, w.reshape(-1))


def test_unique_uses_arrow_and_matches_on_a_million_keys() -> None:
    import pyarrow  # noqa: F401  (loaded, as the batch reader loads it)

    rng = np.random.default_rng(7)
    key = rng.integers(0, 10**12, 50_000)[rng.integers(0, 50_000, 1_000_000)]
    got = unique_first_inverse(key)
    assert fastunique._arrow() is not None
    for g, w in zip(got, np.unique(key, return_index=True, return_inverse=True), strict=True):
        assert np.array_equal(g, w.reshape(-1))
    numpy_only = unique_first_inverse(key, arrow=False)
    assert all(np.array_equal(a, b) for a, b in zip(got, numpy_only, strict=True))


def test_no_pyarrow_variable_means_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELFSCORE_NO_PYARROW", "1")
    assert fastunique._arrow() is None


@settings(max_examples=100, deadline=None)
@given(n=st.integers(0, 2_000), extra=st.integers(0, 100), repeat=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_stable_order_is_a_stable_argsort(n: int, extra: int, repeat: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.permutation(n + extra)[:n].astype(np.int64)
    if repeat and n > 1:
        values[rng.integers(0, n)] = values[0]
    assert np.array_equal(stable_order(values), np.argsort(values, kind="stable"))
    assert np.array_equal(stable_order(values * 10**9), np.argsort(values * 10**9, kind="stable"))  # wide: a sort

