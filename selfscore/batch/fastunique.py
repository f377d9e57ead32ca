"""``np.unique(key, return_index=True, return_inverse=True)`` through Arrow's hash table where pyarrow is loaded.

Sorting a million int64 keys (what ``np.unique`` does) takes ~0.1 s; Arrow's
``dictionary_encode`` hashes them in ~0.01 s.  :func:`unique_first_inverse` gives
exactly the three arrays ``np.unique`` gives (distinct keys sorted, the first row of
each, every row's index into them): Arrow numbers the distinct keys in order of first
appearance, which is checked, and only the (few) distinct keys are sorted.  pyarrow is
used only when the batch reader has already loaded it (a plain CSV read through
pyarrow, or an Arrow table passed in) and ``SELFSCORE_NO_PYARROW`` is unset; otherwise,
and for short arrays, numpy.  The arrays are the same either way (a property test holds
them equal), so results never depend on it.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

__all__ = ["loaded_pyarrow", "unique_first_inverse"]

#: Below this many keys numpy's sort costs less than loading Arrow's compute module (~30 ms, ~8 MiB).
_MIN_ARROW = 262_144


def loaded_pyarrow() -> Any:
    """The pyarrow module when the batch may use it: already loaded, and ``SELFSCORE_NO_PYARROW`` unset; else None."""
    if os.environ.get("SELFSCORE_NO_PYARROW", "") not in ("", "0") or "pyarrow" not in sys.modules:
        return None
    return sys.modules["pyarrow"]


def _arrow() -> Any:
    if loaded_pyarrow() is None:
        return None
    import pyarrow.compute  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: F401
    return sys.modules["pyarrow"]


def _numpy_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return uniq, first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _values(array: Any, dtype: Any) -> np.ndarray:
    """A null-free Arrow array of fixed-width integers as numpy, read from its buffer (``to_numpy`` imports pandas)."""
    data = array.buffers()[1]
    return np.frombuffer(data, dtype=dtype)[array.offset:array.offset + len(array)]


def unique_first_inverse(key: np.ndarray, *, arrow: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values of the 1-d ``key`` (sorted), the first index of each, and each element's index into them
    (int64), exactly as ``np.unique(key, return_index=True, return_inverse=True)``; ``arrow=False`` forces numpy."""
    if not arrow or key.dtype != np.int64 or key.ndim != 1 or len(key) < _MIN_ARROW:
        return _numpy_unique(key)
    pa = _arrow()
    if pa is None:
        return _numpy_unique(key)
    key = np.ascontiguousarray(key)
    array = pa.Array.from_buffers(pa.int64(), len(key), [None, pa.py_buffer(key)])
    # the system allocator: what Arrow frees here goes back to the heap numpy allocates from
    encoded = sys.modules["pyarrow.compute"].dictionary_encode(array, memory_pool=pa.system_memory_pool())
    width = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64}.get(str(encoded.indices.type))
    if width is None:
        return _numpy_unique(key)
    codes = _values(encoded.indices, width)  # a view on Arrow's buffer, in its own width
    distinct = _values(encoded.dictionary, np.int64).copy()
    k = len(distinct)
    # each key's first row: where the running maximum of the codes steps up (codes in order of appearance)
    running = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    new[1:] = running[1:] > running[:-1]
    del running
    first = np.flatnonzero(new)
    if len(first) != k or not np.array_equal(codes[first], np.arange(k)):  # not numbered by appearance
        return _numpy_unique(key)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k, dtype=np.int64)
    inverse = rank[codes]
    del codes, encoded
    return distinct[order], first[order], inverse


def stable_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` for non-negative int64 ``values``: by a scatter when they are distinct
    and span a small range (a permutation of rows, as ``row_source`` is), else by sorting."""
    n = len(values)
    if n == 0 or values.dtype != np.int64 or int(values.min()) < 0 or int(values.max()) >= 4 * n + 65_536:
        return np.argsort(values, kind="stable")
    position = np.full(int(values.max()) + 1, -1, dtype=np.int64)
    position[values] = np.arange(n, dtype=np.int64)
    order = position[position >= 0]
    if len(order) != n:  # repeated values: ties keep their order only through a stable sort
        return np.argsort(values, kind="stable")
    return order
