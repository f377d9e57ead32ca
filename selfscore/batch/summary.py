"""The summary of a batch as columns: each department's score, max, grade and rank, in rank order.

Built from the departments' cohorts (:class:`~selfscore.batch.assemble.Cohort`) without a
Python object per department: each distinct score is made a Decimal and printed once and
filled in by index, grades are looked up once per distinct score, and the competition ranks
within each group of comparable departments (same spec, partial or not, same max) come
from one lexsort.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np

from selfscore.batch.assemble import Cohort, Column, DepartmentResult, DepartmentResults, decimal_at
from selfscore.batch.table import department_columns
from selfscore.core.numbers import fmt, normalized_or_none

__all__ = ["Summary", "cohort_entries", "json_entry", "printed", "summary", "summary_json"]

DASH: Final = "—"
CANNOT: Final = "无法计分 (cannot score)"


@attrs.frozen(eq=False)
class Summary:
    """One entry per department (every batch's, then the inputs that could not be read), in rank order:
    complete results, then partial ones, by rank; departments that could not be scored last."""

    department: list[str]
    year: list[int | None]
    file: list[str]
    spec: list[str]
    error: list[str | None]
    rank: list[int | None]
    score: list[str]  # as printed; DASH when not scored
    max: list[str]
    grade: list[str]
    partial: list[bool | None]  # None: not scored
    note: list[str]
    batch: np.ndarray  # the entry's batch (-1: an input that could not be read)
    index: np.ndarray  # its department in that batch
    results: Sequence[DepartmentResults]

    def __len__(self) -> int:
        return len(self.department)

    def rank_text(self, i: int) -> str:
        rank = self.rank[i]
        return "" if rank is None else f"({rank})" if self.partial[i] else str(rank)

    def result(self, i: int) -> DepartmentResult | None:
        """Entry ``i``'s DepartmentResult (made on demand); None for an input that could not be read."""
        b = int(self.batch[i])
        return None if b < 0 else self.results[b][int(self.index[i])]


def _missing_short(missing: tuple[str, ...]) -> str:
    return "缺 " + "、".join(m.split("：")[0] for m in missing) if missing else ""


class _Columns:
    """The entries in input order, as object arrays filled by index."""

    def __init__(self, n: int) -> None:
        self.text = {k: np.full(n, DASH, dtype=object) for k in ("score", "max", "grade")}
        self.error = np.full(n, None, dtype=object)
        self.partial = np.full(n, None, dtype=object)
        self.note = np.full(n, CANNOT, dtype=object)
        self.is_partial = np.zeros(n, dtype=bool)
        self.value = np.zeros(n, dtype=np.int64)  # the score's place among all distinct scores
        self.group = np.full(n, -1, dtype=np.int64)  # (spec, partial, max) group; -1: not scored


def _fill(cols: _Columns, start: int, result: DepartmentResults, spec_key: int,
          values: dict[Decimal, int], groups: dict[tuple[int, bool, Decimal], int]) -> list[np.ndarray]:
    """A batch's scored departments into ``cols``; the score keys are placed later (see :func:`summary`)."""
    keys = []
    for d, refused in result.refused.items():
        cols.error[start + d] = refused.error
    for c in result.cohorts:
        at = c.ds + start
        shown, inverse = c.shown()
        top = c.known_max if c.partial else c.other.max
        printed = np.array([fmt(v) for v in shown] + [""], dtype=object)[:-1]
        grades = np.array([DASH if c.partial else (c.spec.grade(v) or DASH) for v in shown] + [""], dtype=object)[:-1]
        cols.text["score"][at] = printed[inverse]
        cols.text["grade"][at] = grades[inverse]
        cols.text["max"][at] = DASH if top is None else fmt(top)
        cols.partial[at] = c.partial
        cols.is_partial[at] = c.partial
        cols.note[at] = _missing_short(c.missing) if c.partial else ""
        cols.group[at] = groups.setdefault((spec_key, c.partial, top), len(groups))
        for v in shown:
            values.setdefault(v, len(values))
        keys.append(np.array([values[v] for v in shown], dtype=np.int64)[inverse] if shown else inverse)
        keys.append(at)
    return keys


def _ranks(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Competition ranks by value (highest first) within each group (-1: no rank, 0 given); ties in input order."""
    rank = np.zeros(len(group), dtype=np.int64)
    scored = np.flatnonzero(group >= 0)
    if not len(scored):
        return rank
    order = scored[np.lexsort((scored, -value[scored], group[scored]))]
    g, v = group[order], value[order]
    pos = np.arange(len(order))
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_value = new_group | np.r_[True, v[1:] != v[:-1]]
    first_of_group = np.maximum.accumulate(np.where(new_group, pos, 0))
    first_of_value = np.maximum.accumulate(np.where(new_value, pos, 0))
    rank[order] = first_of_value - first_of_group + 1
    return rank


def summary(batches: Sequence[tuple[Any, Any]], failures: Sequence[Any]) -> Summary:
    """The summary of scored batches (``(batch, BatchResult)``) and of the inputs that could not be read."""
    sizes = [len(r.departments) for _b, r in batches]
    n = sum(sizes) + len(failures)
    cols = _Columns(n)
    values: dict[Decimal, int] = {}
    groups: dict[tuple[int, bool, Decimal], int] = {}
    specs: dict[str, int] = {}
    pending: list[np.ndarray] = []
    start = 0
    for (batch, result), size in zip(batches, sizes, strict=True):
        pending += _fill(cols, start, result.departments, specs.setdefault(batch.spec.id, len(specs)), values, groups)
        start += size
    for i, f in enumerate(failures):
        cols.error[start + i] = f.reason
    place = np.zeros(len(values), dtype=np.int64)  # each distinct score's place in value order
    place[[values[v] for v in sorted(values)]] = np.arange(len(values))
    distinct_sorted = sorted(values)
    for j in range(1, len(distinct_sorted)):  # equal values (4.0 and 4.00) share a place
        if distinct_sorted[j] == distinct_sorted[j - 1]:
            place[values[distinct_sorted[j]]] = place[values[distinct_sorted[j - 1]]]
    for keys, at in zip(pending[::2], pending[1::2], strict=True):
        cols.value[at] = place[keys]
    rank = _ranks(cols.group, cols.value)
    failed = cols.group < 0
    order = np.lexsort((np.arange(n), rank, cols.is_partial & ~failed, failed))
    return _ordered(cols, rank, order, batches, failures, sizes)


def _ordered(cols: _Columns, rank: np.ndarray, order: np.ndarray, batches: Sequence[tuple[Any, Any]],
             failures: Sequence[Any], sizes: list[int]) -> Summary:
    names: list[str] = []
    years: list[int | None] = []
    files: list[str] = []
    spec: list[str] = []
    for (batch, result), size in zip(batches, sizes, strict=True):
        their_names, their_years, their_files = department_columns(result.departments.inputs)
        names += their_names
        years += their_years
        files += their_files
        spec += [batch.spec.id] * size
    names += [f.name for f in failures]
    years += [None] * len(failures)
    files += [f.file for f in failures]
    spec += [""] * len(failures)
    which = np.repeat(np.r_[np.arange(len(sizes)), -1], [*sizes, len(failures)])
    index = np.concatenate([np.arange(s) for s in [*sizes, len(failures)]])

    def pick(column: Any) -> list[Any]:
        return np.asarray(column, dtype=object)[order].tolist() if len(order) else []

    ranks = np.where(cols.group >= 0, rank, 0)
    return Summary(
        department=pick(names), year=pick(years), file=pick(files), spec=pick(spec), error=pick(cols.error),
        rank=[r or None for r in ranks[order].tolist()], score=pick(cols.text["score"]), max=pick(cols.text["max"]),
        grade=pick(cols.text["grade"]), partial=pick(cols.partial), note=pick(cols.note),
        batch=which[order], index=index[order], results=[r.departments for _b, r in batches])


def cohort_entries(s: Summary) -> list[tuple[Cohort, np.ndarray, np.ndarray]]:
    """Each cohort of the summary's batches (:class:`~selfscore.batch.assemble.Cohort`) with its entries:
    their places in the summary and their members in the cohort."""
    out = []
    for b, results in enumerate(s.results):
        mine = np.flatnonzero(s.batch == b)
        cohort_of = results.cohort_of[s.index[mine]]
        for c, cohort in enumerate(results.cohorts):
            at = mine[cohort_of == c]
            out.append((cohort, at, results.member[s.index[at]]))
    return out


def printed(cohort: Cohort, col: Column | None, members: np.ndarray) -> list[str]:
    """A cohort's scores in ``col`` for some members, as printed (``fmt``; :data:`DASH` for no column), each
    distinct value made a Decimal and printed once."""
    if col is None:
        return [DASH] * len(members)
    values, exps = col[0][members], col[1][members]
    if values.dtype == object:
        texts: dict[int, str] = {}
        for v, e in zip(values.tolist(), exps.tolist(), strict=True):
            if v not in texts:  # equal values print alike, whatever their exponent (fmt normalizes)
                texts[v] = fmt(decimal_at(v, cohort.scale, e))
        return list(map(texts.__getitem__, values.tolist()))
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    shown = [fmt(decimal_at(v, cohort.scale, e)) for v, e in zip(distinct.tolist(), exps[first].tolist(), strict=True)]
    out: list[str] = np.array([*shown, ""], dtype=object)[inverse.reshape(-1)].tolist()
    return out


# --- JSON -------------------------------------------------------------------------

_PRINTED: dict[Decimal, str] = {}


def _dec(value: Decimal | None) -> str:
    """A score as printed (``fmt``), each distinct Decimal formatted once (a summary repeats a few values)."""
    if value is None:
        return DASH
    text = _PRINTED.get(value)  # Decimal('4') and Decimal('4.0') hash alike and print alike
    if text is None:
        text = _PRINTED[value] = fmt(value)
    return text


def _details(d: DepartmentResult) -> dict[str, Any]:
    """What the JSON summary adds for a scored department."""
    return {"missing": list(d.missing), "total": None if d.score is None else _dec(d.score),
            "known_score": _dec(d.known_score), "known_max": _dec(d.known_max),
            "parts": {name: _dec(v) for _k, name, v, _m in d.parts}, "items": {i.key: _dec(i.score) for i in d.items}}


_JSON_KEYS: Final = ("rank", "department", "year", "spec", "file", "total", "grade", "partial", "known_score",
                     "known_max", "missing", "parts", "items", "error")


def _json_entry(e: dict[str, Any], more: dict[str, Any], max_: Any) -> dict[str, Any]:
    """One department of the JSON summary: ``e`` what every entry has, ``more`` what a scored one adds."""
    d = {k: more[k] if k in more else e.get(k) for k in _JSON_KEYS}
    d["score"] = d.pop("total")
    d["max"] = None if e["error"] is not None or e["partial"] else max_
    return d


def json_entry(s: Summary, i: int) -> dict[str, Any]:
    """Entry ``i`` of the JSON summary, as json.dumps is given it."""
    error = s.error[i]
    result = s.result(i)
    e = {"rank": s.rank[i], "department": s.department[i], "year": s.year[i], "spec": s.spec[i], "file": s.file[i],
         "grade": s.grade[i], "partial": s.partial[i], "error": error}
    return _json_entry(e, _details(result) if error is None and result is not None else {}, s.max[i])


def summary_json(s: Summary) -> str:
    """The summary as JSON: ``json.dumps`` (indent 2) of ``{"departments": [json_entry ...], "scored", "failed"}``;
    a cohort's departments through one template (:func:`_cohort_json`), any other one by one."""
    n = len(s)
    failed = sum(e is not None for e in s.error)
    objects: list[str | None] = [None] * n
    for cohort, at, members in cohort_entries(s):
        if len(at):
            _cohort_json(s, cohort, at, members, objects)
    for i in range(n):
        if objects[i] is None:
            objects[i] = json.dumps(json_entry(s, i), ensure_ascii=False, indent=2).replace("\n", "\n    ")
    frame = json.dumps({"departments": [_PLACE.format(0)] if n else [], "scored": n - failed, "failed": failed},
                       ensure_ascii=False, indent=2)
    return frame.replace(_ENCODED_PLACE.format(0), ",\n    ".join(map(str, objects))) + "\n"


_PLACE: Final = "\x00{}\x00"  # a leaf of a template, as given to json.dumps and as it encodes it
_ENCODED_PLACE: Final = '"\\u0000{}\\u0000"'
_PLACES: Final = re.compile(re.escape(_ENCODED_PLACE).replace(re.escape("{}"), "([0-9]+)"))
_ENCODE: Final = json.JSONEncoder(ensure_ascii=False).encode


def _cohort_json(s: Summary, cohort: Cohort, at: np.ndarray, members: np.ndarray, objects: list[str | None]) -> None:
    """The JSON objects of a cohort's entries (summary places ``at``, cohort members ``members``) into
    ``objects``: json.dumps lays out one object (nested as in the summary) whose leaves that differ between
    members are placeholders, and each member's leaves (each distinct one encoded once) are put in their places."""
    spec = s.spec[int(at[0])]
    fixed = [spec, *cohort.missing, *(p.name for p, _c in cohort.parts), *(it.key for it, _s, _c in cohort.items)]
    if any("\x00" in t for t in fixed):  # a placeholder could be mistaken for a real text: one by one instead
        return
    leaves: list[list[Any]] = []

    def place(column: list[Any]) -> str:
        leaves.append(column)
        return _PLACE.format(len(leaves) - 1)

    def pick(column: list[Any]) -> list[Any]:
        picked: list[Any] = np.asarray([*column, None], dtype=object)[at].tolist()
        return picked

    e = {"rank": place(pick(s.rank)), "department": place(pick(s.department)), "year": place(pick(s.year)),
         "spec": spec, "file": place(pick(s.file)), "grade": place(pick(s.grade)), "partial": cohort.partial,
         "error": None}
    more = {"missing": list(cohort.missing),
            "total": None if cohort.final is None else place(printed(cohort, cohort.final, members)),
            "known_score": place(printed(cohort, cohort.known, members)),
            "known_max": _dec(normalized_or_none(cohort.known_max)),
            "parts": {p.name: place(printed(cohort, col, members)) for p, col in cohort.parts},
            "items": {it.key: place(printed(cohort, col, members)) for it, _status, col in cohort.items}}
    text = json.dumps(_json_entry(e, more, place(pick(s.max))), ensure_ascii=False, indent=2)
    pieces = _PLACES.split(text.replace("\n", "\n    "))
    template = "{}".join(piece.replace("{", "{{").replace("}", "}}") for piece in pieces[::2])
    encoded = [_encoded(leaves[int(k)]) for k in pieces[1::2]]
    for i, made in zip(at.tolist(), map(template.format, *encoded), strict=True):
        objects[i] = made


def _encoded(column: list[Any]) -> list[str]:
    """Each JSON leaf as json encodes it, each distinct one once."""
    if set(map(type, column)) <= {str, int, type(None)}:  # no two of these are equal unless they encode alike
        table = {v: _ENCODE(v) for v in dict.fromkeys(column)}
        return list(map(table.__getitem__, column))
    return [_ENCODE(v) for v in column]
