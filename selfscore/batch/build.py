"""Building the batch table while reading: a builder per spec, columns as runs of values or of codes,
and rows taken a chunk at a time (by columns) or one by one (item rows, blank cells, yes/no words to check)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import numpy as np

from selfscore.batch.csvsource import (
    _EMPTY,
    _LOWER,
    _NONE,
    CodedSource,
    _bad_word,
    _blank,
    _bool,
    _lower_word,
    _strip,
    _strip_or_none,
)
from selfscore.batch.fastunique import first_seen
from selfscore.batch.parse import exact_decimal
from selfscore.batch.table import CodedColumn, Department, Departments, IndicatorTable, LineLabels
from selfscore.core.case import case_from_dict
from selfscore.core.errors import InputError, SelfScoreError, UnreadableError, UsageError
from selfscore.core.spec import Spec


class SpecNeeded(InputError, UsageError):
    """A table without a spec column was given without ``--spec`` (a usage error)."""


@attrs.frozen
class Failure:
    """An input (a file, or a department) that could not be scored at all, and why."""

    name: str
    file: str
    reason: str
    code: int = 4  # 3: unreadable, 4: invalid


class _TableBuilder:
    """Collects the rows of one spec's departments."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.index: dict[tuple[str, str], int] = {}
        self.names: list[tuple[str, str]] = []
        self.problems: defaultdict[int, list[str]] = defaultdict(list)  # of the departments that have any
        self.items: defaultdict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.files: list[str] = []
        self.cols: dict[str, _Column] = {k: _Column() for k in ("group", "name", "target", "actual", "weight",
                                                                  "judgement", "lower_is_better", "category")}
        self.department = _Ints()
        self.lines = _Ints()

    def dept(self, name: str, year: str, file: str) -> int:
        key = (name, year)
        d = self.index.get(key)
        if d is None:
            d = self.index[key] = len(self.names)
            self.names.append(key)
            self.files.append(file)
        return d

    def depts(self, keys: list[tuple[str, str]], file: str) -> list[int]:
        """:meth:`dept` of each of the distinct ``keys`` (name, year), the new ones numbered in their order."""
        index = self.index
        new = [k for k in keys if k not in index]
        if new:
            n0 = len(self.names)
            index.update(zip(new, range(n0, n0 + len(new)), strict=True))
            self.names.extend(new)
            self.files.extend([file] * len(new))
        return [index[k] for k in keys]

    def build(self) -> tuple[IndicatorTable, Departments]:
        years = {year: _year(year) for year in {year for _name, year in self.names}}
        special = set(self.problems) | set(self.items)
        if any(bad for _y, bad in years.values()):
            special.update(d for d, (_name, year) in enumerate(self.names) if years[year][1])
        held = {}
        for d in sorted(special):
            name, year = self.names[d]
            held[d] = self._department(name, *years[year], self.problems.get(d, []), self.items.get(d, {}),
                                       self.files[d])
        departments = Departments([name for name, _year in self.names],
                                  [years[year][0] for _name, year in self.names], self.files, held)
        c = {k: col.build() for k, col in self.cols.items()}
        table = IndicatorTable(department=self.department.build(), group=c["group"], name=c["name"],
                               target=c["target"], actual=c["actual"], weight=c["weight"], judgement=c["judgement"],
                               lower_is_better=c["lower_is_better"], category=c["category"],
                               where=LineLabels(self.lines.build()))
        return table, departments

    def _department(self, name: str, year: int | None, bad: str | None, problems: list[str],
                    items: dict[str, dict[str, Any]], file: str) -> Department:
        """A department with problems or items: its items read as a case file's are."""
        problems = [*problems, *([bad] if bad else [])]
        found = {}
        if items:
            try:
                case = case_from_dict({"spec": self.spec.id, "department": name, "year": year or self.spec.year,
                                       "items": items}, file=file)
                found = dict(case.items)
            except InputError as exc:
                problems.extend(str(attrs.evolve(p, file="")) for p in exc.problems)
        return Department(name=name, year=year, items=found, file=file, problems=tuple(problems))


def _year(year: str) -> tuple[int | None, str | None]:
    """A year cell as an integer (None when empty), or the problem with it."""
    if not year:
        return None, None
    try:
        return int(year), None
    except ValueError:
        return None, f"年度应为整数 (year must be an integer): “{year}”"


class _Column:
    """One column of a table being read: runs of values, or of codes into a table of distinct values."""

    def __init__(self) -> None:
        self.parts: list[tuple[list[Any], np.ndarray | None]] = []
        self.pending: list[Any] = []
        self.dense = False

    def append(self, value: Any) -> None:
        self.pending.append(value)

    def extend(self, values: Iterable[Any]) -> None:
        self.pending.extend(values)

    def extend_coded(self, values: list[Any], codes: np.ndarray, *, dense: bool = False) -> None:
        """Rows ``values[codes[r]]`` (``values`` should be shared between calls: it is translated once);
        ``dense``: ``values`` are distinct and each is held by one of these rows."""
        self._flush()
        self.dense = dense and not self.parts
        self.parts.append((values, codes))

    def _flush(self) -> None:
        if self.pending:
            self.parts.append((self.pending, None))
            self.pending = []

    def build(self) -> CodedColumn:
        self._flush()
        shared = {id(values) for values, _codes in self.parts}
        if len(shared) == 1 and all(codes is not None for _v, codes in self.parts):  # one table of distinct values
            if len(self.parts) == 1 and self.dense:
                return CodedColumn(*self.parts[0])  # type: ignore[arg-type]
            codes = self.parts[0][1] if len(self.parts) == 1 else np.concatenate([c for _v, c in self.parts])
            return _used_only(self.parts[0][0], codes)  # type: ignore[arg-type]
        index: dict[Any, int] = {}
        translated: dict[int, np.ndarray] = {}
        out = []
        for values, codes in self.parts:
            trans = translated.get(id(values)) if codes is not None else None
            if trans is None:
                new = [v for v in dict.fromkeys(values) if v not in index]
                index.update(zip(new, range(len(index), len(index) + len(new)), strict=True))
                trans = np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))
                if codes is None:
                    out.append(trans)
                    continue
                translated[id(values)] = trans
            out.append(trans[codes])
        codes_all = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
        return _used_only(list(index), codes_all)


def _used_only(values: list[Any], codes: np.ndarray) -> CodedColumn:
    """The column with only the distinct values some row refers to (in their order)."""
    used = np.zeros(len(values), dtype=bool)
    used[codes] = True
    if not used.all():
        keep = np.flatnonzero(used)
        renumber = np.cumsum(used) - 1
        values = [values[k] for k in keep.tolist()]
        codes = renumber[codes]
    return CodedColumn(values, codes)


class _Ints:
    """An int64 column being read, from single values and arrays."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.pending: list[int] = []

    def append(self, value: int) -> None:
        self.pending.append(value)

    def extend(self, values: Iterable[int] | np.ndarray) -> None:
        if isinstance(values, np.ndarray):
            self._flush()
            self.parts.append(values.astype(np.int64, copy=False))
        else:
            self.pending.extend(values)

    def _flush(self) -> None:
        if self.pending:
            self.parts.append(np.asarray(self.pending, dtype=np.int64))
            self.pending = []

    def build(self) -> np.ndarray:
        self._flush()
        if len(self.parts) == 1:
            return self.parts[0]
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int64)




class _State:
    """What reading one table collects: a builder per spec, and failures."""

    def __init__(self, file: str, spec_for: Callable[[str], Spec], index: dict[str, int | None], width: int) -> None:
        self.file = file
        self.spec_for = spec_for
        self.i = index
        self.width = width
        self.builders: dict[str, _TableBuilder] = {}
        self.failures: list[Failure] = []
        self.failed_specs: set[str] = set()

    def builder(self, ref: str, where: str) -> _TableBuilder | None:
        try:
            spec = self.spec_for(ref)
        except SpecNeeded:
            raise
        except SelfScoreError as exc:
            if ref not in self.failed_specs:
                self.failed_specs.add(ref)
                self.failures.append(Failure(f"评分规范 {ref}", self.file, f"{where}: {exc}",
                                             3 if isinstance(exc, UnreadableError) else 4))
            return None
        b = self.builders.get(spec.id)
        if b is None:
            b = self.builders[spec.id] = _TableBuilder(spec)
        return b


def _fast_chunk(state: _State, chunk: list[list[str]], line0: int) -> bool:
    """Take a chunk of plain indicator rows column by column; False (nothing taken) if it is not plain."""
    i = state.i
    if i["spec"] is not None or i["group"] is None or i["target"] is None:
        return False
    cols = list(zip(*chunk, strict=True))
    if i["item"] is not None and any(cols[i["item"]]):
        return False
    depts = [x.strip() for x in cols[i["department"]]]  # type: ignore[index]
    groups = [x.strip() for x in cols[i["group"]]]
    targets = cols[i["target"]]
    if not (all(depts) and all(groups) and all(t.strip() for t in targets)):
        return False
    lower: list[bool | None]
    if i["lower_is_better"] is not None:
        words = [x.strip().lower() for x in cols[i["lower_is_better"]]]
        if any(w not in _LOWER for w in words):
            return False
        lower = [_LOWER[w] for w in words]
    else:
        lower = [None] * len(chunk)
    b = state.builder("", f"第{line0}行")
    if b is None:
        return True
    years = [y.strip() for y in cols[i["year"]]] if i["year"] is not None else [""] * len(chunk)
    index, file = b.index, state.file
    codes = [index[k] if k in index else b.dept(k[0], k[1], file) for k in zip(depts, years, strict=True)]
    lines = range(line0, line0 + len(chunk))
    c = b.cols
    b.department.extend(codes)
    c["group"].extend(groups)
    c["name"].extend([n.strip() or f"第{n_}行" for n, n_ in zip(cols[i["name"]], lines, strict=True)]
                     if i["name"] is not None else [f"第{n_}行" for n_ in lines])
    c["target"].extend(targets)
    c["actual"].extend(cols[i["actual"]] if i["actual"] is not None else [""] * len(chunk))
    c["weight"].extend([w.strip() or None for w in cols[i["weight"]]] if i["weight"] is not None else [None] * len(chunk))
    c["judgement"].extend([j.strip() or None for j in cols[i["judgement"]]] if i["judgement"] is not None
                          else [None] * len(chunk))
    c["lower_is_better"].extend(lower)
    c["category"].extend([x.strip() for x in cols[i["category"]]] if i["category"] is not None else [""] * len(chunk))
    b.lines.extend(lines)
    return True


def _coded_chunk(state: _State, src: CodedSource, r0: int, r1: int, line0: int) -> bool:
    """:func:`_fast_chunk` for data rows ``r0:r1`` of a plain CSV, on codes: the same decision, the same columns."""
    i = state.i
    if not _coded_plain(i, src, r0, r1):
        return False
    b = state.builder("", f"第{line0}行")
    if b is None:
        return True
    m, whole = r1 - r0, r0 == 0 and r1 == src.n  # all rows: every distinct text is used (dense)
    b.department.extend(_dept_numbers(b, state.file, src, i, r0, r1))
    c = b.cols
    g_values, g_codes = src.derived(i["group"], "strip", _strip)  # type: ignore[arg-type]
    c["group"].extend_coded(g_values, g_codes[r0:r1], dense=whole)
    lines = np.arange(line0, line0 + m, dtype=np.int64)
    if i["name"] is not None:
        n_values, n_codes = src.derived(i["name"], "strip", _strip)
        nc = n_codes[r0:r1]
        if not src.any(i["name"], "strip", _blank, r0, r1):
            c["name"].extend_coded(n_values, nc, dense=whole)
        else:
            c["name"].extend([n_values[c_] or f"第{n_}行" for c_, n_ in zip(nc.tolist(), lines.tolist(), strict=True)])
    else:
        c["name"].extend([f"第{n_}行" for n_ in lines.tolist()])
    t_values, t_codes = src.column(i["target"])  # type: ignore[arg-type]
    c["target"].extend_coded(t_values, t_codes[r0:r1], dense=whole)
    zeros = np.zeros(m, dtype=np.int64)
    for key_, j_, how, f in (("actual", i["actual"], "", None), ("weight", i["weight"], "strip_or_none", _strip_or_none),
                             ("judgement", i["judgement"], "strip_or_none", _strip_or_none),
                             ("lower_is_better", i["lower_is_better"], "lower", _lower_word),
                             ("category", i["category"], "strip", _strip)):
        if j_ is None:
            c[key_].extend_coded(_NONE if key_ in ("weight", "judgement", "lower_is_better") else _EMPTY, zeros, dense=whole)
        else:
            values, codes = src.column(j_) if f is None else src.derived(j_, how, f)
            c[key_].extend_coded(values, codes[r0:r1], dense=whole)
    b.lines.extend(lines)
    return True


def _coded_plain(i: dict[str, int | None], src: CodedSource, r0: int, r1: int) -> bool:
    """Whether rows ``r0:r1`` are plain indicator rows (what :func:`_fast_chunk` checks), on codes."""
    if i["spec"] is not None or i["group"] is None or i["target"] is None:
        return False
    if i["item"] is not None and src.any(i["item"], "", bool, r0, r1):
        return False
    if (src.any(i["department"], "strip", _blank, r0, r1) or src.any(i["group"], "strip", _blank, r0, r1)  # type: ignore[arg-type]
            or src.any(i["target"], "", _blank, r0, r1)):
        return False
    return not (i["lower_is_better"] is not None and src.any(i["lower_is_better"], "lower", _bad_word, r0, r1))


def _dept_numbers(b: _TableBuilder, file: str, src: CodedSource, i: dict[str, int | None], r0: int,
                  r1: int) -> np.ndarray:
    """Each row's department number, departments numbered in the order they first appear (as the row-by-row
    reader numbers them)."""
    d_values, d_codes = src.derived(i["department"], "strip", _strip)  # type: ignore[arg-type]
    if i["year"] is not None:
        y_values, y_codes = src.derived(i["year"], "strip", _strip)
        key = d_codes[r0:r1].astype(np.int64) * len(y_values) + y_codes[r0:r1]  # codes may be int32
    else:
        y_values, key = _EMPTY, d_codes[r0:r1]
    seen, inverse = first_seen(key)
    ny = len(y_values)
    names = ([(d_values[k], y_values[0]) for k in seen.tolist()] if ny == 1
             else [(d_values[k // ny], y_values[k % ny]) for k in seen.tolist()])
    number = np.asarray(b.depts(names, file), dtype=np.int64)
    numbers: np.ndarray = number[inverse]
    return numbers


def _slow_row(state: _State, row: list[str], line: int) -> None:
    i = state.i
    if not any(row):
        return
    where = f"第{line}行"
    ref = row[i["spec"]].strip() if i["spec"] is not None else ""
    b = state.builder(ref, where)
    if b is None:
        return
    dept = row[i["department"]].strip()  # type: ignore[index]
    year = row[i["year"]].strip() if i["year"] is not None else ""
    if not dept:
        state.failures.append(Failure(f"（{where}）", state.file, f"{where}: 部门名称为空 (department is empty)"))
        return
    d = b.dept(dept, year, state.file)
    bad = [cell[1:] for cell in row if cell.startswith("\x00")]
    if bad:
        b.problems[d].append(f"{where}: " + "；".join(bad))
        return
    item_ref = row[i["item"]].strip() if i["item"] is not None else ""
    if item_ref:
        _item_row(b, d, item_ref, row, where, i["name"], i["actual"], i["deduction"], i["reason"])
        return
    missing = [k for k, j in (("一级指标/group", i["group"]), ("年度目标值/target", i["target"])) if j is None or not row[j].strip()]
    if missing:
        b.problems[d].append(f"{where}: 缺少 {', '.join(missing)} (missing)")
        return
    lower = _bool(row[i["lower_is_better"]]) if i["lower_is_better"] is not None else None
    if isinstance(lower, str):
        b.problems[d].append(f"{where}: {lower}")
        lower = None
    name = row[i["name"]].strip() if i["name"] is not None else ""
    c = b.cols
    b.department.append(d)
    c["group"].append(row[i["group"]].strip())  # type: ignore[index]
    c["name"].append(name or where)
    c["target"].append(row[i["target"]])  # type: ignore[index]
    c["actual"].append(row[i["actual"]] if i["actual"] is not None else "")
    c["weight"].append((row[i["weight"]].strip() if i["weight"] is not None else "") or None)
    c["judgement"].append((row[i["judgement"]].strip() if i["judgement"] is not None else "") or None)
    c["lower_is_better"].append(lower)
    c["category"].append(row[i["category"]].strip() if i["category"] is not None else "")
    b.lines.append(line)


def _item_row(b: _TableBuilder, d: int, ref: str, row: list[str], where: str, i_name: int | None,
              i_actual: int | None, i_ded: int | None, i_reason: int | None) -> None:
    item = b.spec.item(ref)
    if item is None:
        b.problems[d].append(f"{where}: 评分规范 {b.spec.id} 中没有评分项“{ref}” (no such item)；可用: "
                             + ", ".join(f"{i.key}（{i.name}）" for i in b.spec.items()))
        return
    given = b.items[d].setdefault(item.key, {})
    actual = row[i_actual].strip() if i_actual is not None else ""
    deduction = row[i_ded].strip() if i_ded is not None else ""
    reason = row[i_reason].strip() if i_reason is not None else ""
    label = row[i_name].strip() if i_name is not None else ""
    if item.kind == "execution_rate":
        if not actual:
            b.problems[d].append(f"{where}: 支出率行须在 年度实现值/actual 填写百分数，如 95% (execution rate needs actual)")
            return
        given.setdefault("periods", []).append({"rate": actual, **({"label": label} if label else {})})
        return
    if item.kind in ("checklist", "indicators"):
        field = "shortcomings" if item.kind == "checklist" else "deductions"
        entries = given.setdefault(field, [])
        if deduction:
            try:
                points = exact_decimal(deduction, what="扣分 (deduction)")
            except (TypeError, ValueError) as exc:
                b.problems[d].append(f"{where}: {exc}")
                return
            entries.append({"points": points, "reason": reason or "（未写原因）", **({"indicator": label} if label else {})})
        return
    b.problems[d].append(f"{where}: 评分项“{item.name}”（{item.kind}）不接受填报 (takes no input)")
