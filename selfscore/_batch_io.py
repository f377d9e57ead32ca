"""Reading batch inputs: a CSV or .xlsx table with a department column, or a folder of case files.

A table has one row per indicator::

    部门, 一级指标, 二级指标, 三级指标, 年度目标值, 年度实现值[, 分值][, 判断结果][, 越低越好][, 年度]

(English headers work too: department, group, category, name, target, actual,
weight, judgement, lower_is_better, year; see :data:`HEADERS`).  Rows that name a
spec item in an ``item`` (评分项) column carry what a department reports besides
indicators: the execution rate (``actual`` = ``95%``, one row per reporting period, averaged),
checklist shortcomings and summary deductions (``deduction`` 扣分 + ``reason``
扣分原因; a row without a deduction records "no shortcomings").

CSV is read as UTF-8 (with or without BOM) or, failing that, GB18030 (what Excel
saves on Chinese Windows).  Spreadsheet number cells are taken only when exact
(see :func:`selfscore._batch_parse.exact_decimal`); a percentage cell (0.95 shown
as 95%) is read as ``95%``.  Every problem is tied to its department, which is then
reported and skipped; the other departments are scored.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np

from ._batch_dept import Department, IndicatorTable, table_from_cases
from ._batch_parse import exact_decimal
from ._case import case_from_dict
from ._errors import InputError, Problem, SelfScoreError, UnreadableError
from ._load import load_case_and_spec, load_spec
from ._numbers import fmt
from ._spec import Spec

__all__ = ["HEADERS", "Batch", "Failure", "SpecNeeded", "read_input"]

#: Column -> accepted header spellings (case-insensitive for ASCII, full-width folded).
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "department": ("department", "部门", "部门名称", "单位", "单位名称", "预算单位"),
    "year": ("year", "年度"),
    "spec": ("spec", "评分规范"),
    "group": ("group", "一级指标"),
    "category": ("category", "二级指标"),
    "name": ("name", "三级指标", "指标名称"),
    "target": ("target", "年度目标值", "目标值", "指标值"),
    "actual": ("actual", "年度实现值", "实现值", "实际完成值"),
    "weight": ("weight", "分值", "权重"),
    "judgement": ("judgement", "判断结果", "判断"),
    "lower_is_better": ("lower_is_better", "越低越好"),
    "item": ("item", "评分项"),
    "deduction": ("deduction", "扣分"),
    "reason": ("reason", "扣分原因", "偏差原因", "原因"),
}
_REQUIRED: Final = ("department",)
_TRUE: Final = frozenset({"true", "yes", "1", "是", "y", "t"})
_FALSE: Final = frozenset({"false", "no", "0", "否", "n", "f"})
_SPEC_ERROR_CODE: Final = 4


class SpecNeeded(InputError):
    """A table without a spec column was given without ``--spec`` (a usage error)."""


@attrs.frozen
class Failure:
    """An input (a file, or a department) that could not be scored at all, and why."""

    name: str
    file: str
    reason: str
    code: int = 4  # 3: unreadable, 4: invalid


@attrs.frozen(eq=False)
class Batch:
    """Departments to score under one spec."""

    spec: Spec
    table: IndicatorTable
    departments: list[Department]


def _norm_header(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "_")


def _columns(header: Sequence[str], file: str) -> dict[str, int]:
    lookup = {_norm_header(alias): key for key, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        key = lookup.get(_norm_header(str(raw or "")))
        if key is not None and key not in found:
            found[key] = i
    missing = [k for k in _REQUIRED if k not in found]
    if missing:
        raise InputError([Problem(
            f"缺少列 (missing column): {', '.join(missing)}；表头应包含 部门/department，"
            f"以及 一级指标/group、三级指标/name、年度目标值/target、年度实现值/actual；见到的表头: {', '.join(map(str, header))}",
            file, "表头 (header)")])
    return found


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableError(f"{path}: 文件不存在 (file not found)") from None
    except OSError as exc:
        raise UnreadableError(f"{path}: 无法读取 (cannot read): {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnreadableError(f"{path}: 不是 UTF-8 或 GB18030 编码的文本 (not UTF-8/GB18030 text) at byte {exc.start}") from None
    del raw
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise InputError([Problem(f"CSV 格式错误 (CSV syntax error): {exc}", str(path))]) from None


def _cell_text(value: Any, number_format: str | None) -> str:
    """A spreadsheet cell as the text an officer typed (exact, or an error)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        d = exact_decimal(value, what="单元格数值 (cell value)")
        if number_format and "%" in number_format:
            return f"{fmt(d * 100)}%"
        return fmt(d) if d == d.to_integral_value() else str(d)
    return str(value)


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[str]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the environment
        raise UnreadableError(f"{path}: 读取 .xlsx 需要 openpyxl (pip install 'selfscore[xlsx]')") from None
    if not path.exists():
        raise UnreadableError(f"{path}: 文件不存在 (file not found)")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableError(f"{path}: 不是可读取的 .xlsx 文件 (not a readable .xlsx): {exc}") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError([Problem(f"没有名为“{sheet}”的工作表 (no such sheet)；已有: {', '.join(wb.sheetnames)}", str(path))])
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        for r, row in enumerate(ws.iter_rows(), start=1):
            out = []
            for c, cell in enumerate(row, start=1):
                try:
                    out.append(_cell_text(cell.value, getattr(cell, "number_format", None)))
                except (TypeError, ValueError) as exc:
                    out.append(f"\x00{exc} (第{r}行第{c}列)")
            yield out
    finally:
        wb.close()


def _bool(text: str) -> bool | None | str:
    t = _norm_header(text)
    if not t:
        return None
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return f"越低越好 应为 是/否 (lower_is_better must be yes/no): “{text}”"


class _TableBuilder:
    """Collects the rows of one spec's departments."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.index: dict[tuple[str, str], int] = {}
        self.names: list[tuple[str, str]] = []
        self.problems: list[list[str]] = []
        self.items: list[dict[str, dict[str, Any]]] = []
        self.files: list[str] = []
        self.cols: dict[str, list[Any]] = {k: [] for k in ("department", "group", "name", "target", "actual", "weight",
                                                            "judgement", "lower_is_better", "category", "where")}

    def dept(self, name: str, year: str, file: str) -> int:
        key = (name, year)
        d = self.index.get(key)
        if d is None:
            d = self.index[key] = len(self.names)
            self.names.append(key)
            self.problems.append([])
            self.items.append({})
            self.files.append(file)
        return d

    def build(self) -> tuple[IndicatorTable, list[Department]]:
        departments = []
        for d, (name, year) in enumerate(self.names):
            problems = list(self.problems[d])
            year_int: int | None = None
            if year:
                try:
                    year_int = int(year)
                except ValueError:
                    problems.append(f"年度应为整数 (year must be an integer): “{year}”")
            items = {}
            if self.items[d]:
                try:
                    case = case_from_dict({"spec": self.spec.id, "department": name, "year": year_int or self.spec.year,
                                           "items": self.items[d]}, file=self.files[d])
                    items = dict(case.items)
                except InputError as exc:
                    problems.extend(str(attrs.evolve(p, file="")) for p in exc.problems)
            departments.append(Department(name=name, year=year_int, items=items, file=self.files[d],
                                          problems=tuple(problems)))
        c = self.cols
        table = IndicatorTable(department=np.asarray(c["department"], dtype=np.int64), group=c["group"], name=c["name"],
                               target=c["target"], actual=c["actual"], weight=c["weight"], judgement=c["judgement"],
                               lower_is_better=c["lower_is_better"], category=c["category"], where=c["where"])
        return table, departments


def _read_table(rows: Iterable[list[str]], file: str, spec_for: Callable[[str], Spec],
                progress: Callable[[int], None] | None) -> tuple[list[Batch], list[Failure]]:
    it = iter(rows)
    header = next(it, None)
    if header is None:
        raise InputError([Problem("文件为空 (empty file)", file)])
    col = _columns(header, file)
    builders: dict[str, _TableBuilder] = {}
    failures: list[Failure] = []
    failed_specs: dict[str, str] = {}
    g = {k: col.get(k) for k in HEADERS}
    i_dept, i_year, i_spec = g["department"], g["year"], g["spec"]
    i_group, i_name, i_target, i_actual = g["group"], g["name"], g["target"], g["actual"]
    i_weight, i_judge, i_lower, i_cat = g["weight"], g["judgement"], g["lower_is_better"], g["category"]
    i_item, i_ded, i_reason = g["item"], g["deduction"], g["reason"]
    width = len(header)
    default_spec = "" if i_spec is not None else None
    last_builder: _TableBuilder | None = None
    last_ref: str | None = None
    for line, row in enumerate(it, start=2):
        if len(row) < width:
            row = row + [""] * (width - len(row))
        if not any(row):
            continue
        dept = row[i_dept].strip()  # type: ignore[index]
        where = f"第{line}行"
        ref = row[i_spec].strip() if i_spec is not None else default_spec
        if ref != last_ref or last_builder is None:
            try:
                spec = spec_for(ref or "")
            except SpecNeeded:
                raise
            except SelfScoreError as exc:
                key = ref or ""
                if key not in failed_specs:
                    failed_specs[key] = str(exc)
                    failures.append(Failure(f"评分规范 {key}", file, f"{where}: {exc}",
                                            3 if isinstance(exc, UnreadableError) else 4))
                last_builder, last_ref = None, None
                continue
            b = builders.get(spec.id)
            if b is None:
                b = builders[spec.id] = _TableBuilder(spec)
            last_builder, last_ref = b, ref
        b = last_builder
        year = row[i_year].strip() if i_year is not None else ""
        if not dept:
            failures.append(Failure(f"（{where}）", file, f"{where}: 部门名称为空 (department is empty)"))
            continue
        d = b.dept(dept, year, file)
        bad = [cell[1:] for cell in row if cell.startswith("\x00")]
        if bad:
            b.problems[d].append(f"{where}: " + "；".join(bad))
            continue
        item_ref = row[i_item].strip() if i_item is not None else ""
        if item_ref:
            _item_row(b, d, item_ref, row, where, i_name, i_actual, i_ded, i_reason)
            continue
        c = b.cols
        missing = [k for k, i in (("一级指标/group", i_group), ("年度目标值/target", i_target)) if i is None or not row[i].strip()]
        if missing:
            b.problems[d].append(f"{where}: 缺少 {', '.join(missing)} (missing)")
            continue
        lower = _bool(row[i_lower]) if i_lower is not None else None
        if isinstance(lower, str):
            b.problems[d].append(f"{where}: {lower}")
            lower = None
        weight = row[i_weight].strip() if i_weight is not None else ""
        judgement = row[i_judge].strip() if i_judge is not None else ""
        name = row[i_name].strip() if i_name is not None else ""
        c["department"].append(d)
        c["group"].append(row[i_group].strip())  # type: ignore[index]
        c["name"].append(name or f"第{line}行")
        c["target"].append(row[i_target])  # type: ignore[index]
        c["actual"].append(row[i_actual] if i_actual is not None else "")
        c["weight"].append(weight or None)
        c["judgement"].append(judgement or None)
        c["lower_is_better"].append(lower)
        c["category"].append(row[i_cat].strip() if i_cat is not None else "")
        c["where"].append(where)
        if progress is not None and line % 50_000 == 0:
            progress(line)
    batches = []
    for b in builders.values():
        table, departments = b.build()
        batches.append(Batch(b.spec, table, departments))
    return batches, failures


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


def read_input(
    path: str | Path,
    *,
    spec: str | None = None,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Batch], list[Failure]]:
    """Read a CSV/xlsx table or a folder of case files into batches (one per spec) and failures.

    Raises UnreadableError (exit 3) when the input itself cannot be read and
    InputError (exit 4) when it cannot be understood at all (no department column,
    no spec for a table); problems of single departments become their own failures.
    """
    p = Path(path)
    if p.is_dir():
        return _read_folder(p, spec)
    if not p.exists():
        raise UnreadableError(f"{p}: 文件或目录不存在 (no such file or folder)")
    suffix = p.suffix.lower()
    if suffix == ".toml":
        return _read_folder(p, spec)
    specs: dict[str, Spec] = {}

    def spec_for(ref: str) -> Spec:
        name = ref or spec
        if not name:
            raise SpecNeeded([Problem("表格输入须指定评分规范：--spec NAME，或提供 spec/评分规范 列 "
                                      "(a table needs --spec or a spec column)", str(p))])
        found = specs.get(name)
        if found is None:
            found = specs[name] = load_spec(name, base_dir=p.parent)
        return found

    if spec is not None:
        spec_for(spec)  # an unknown --spec is an error of the whole run, reported before reading
    if suffix in (".xlsx", ".xlsm"):
        rows: Iterable[list[str]] = _xlsx_rows(p, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(p)
    else:
        raise UnreadableError(f"{p}: 不支持的输入格式 (unsupported input) “{p.suffix}”；可用 .csv、.xlsx 或案例目录")
    batches, failures = _read_table(rows, str(p), spec_for if spec is None else (lambda _ref: spec_for(spec)), progress)
    if spec is None and not batches and not failures:
        raise InputError([Problem("表格中没有数据行 (no data rows)", str(p))])
    return batches, failures


def _read_folder(p: Path, spec: str | None) -> tuple[list[Batch], list[Failure]]:
    files = sorted(p.rglob("*.toml")) if p.is_dir() else [p]
    if not files:
        raise InputError([Problem("目录中没有案例文件 (no *.toml case files)", str(p))])
    by_spec: dict[str, tuple[Spec, list[Any]]] = {}
    failures: list[Failure] = []
    for f in files:
        try:
            case, sp = load_case_and_spec(f, spec)
        except UnreadableError as exc:
            failures.append(Failure(f.stem, str(f), str(exc), 3))
            continue
        except InputError as exc:
            failures.append(Failure(f.stem, str(f), "；".join(str(pr) for pr in exc.problems), 4))
            continue
        except SelfScoreError as exc:  # pragma: no cover - load_case_and_spec raises InputError subclasses
            failures.append(Failure(f.stem, str(f), str(exc), 4))
            continue
        if spec is not None:
            case = attrs.evolve(case, spec=sp.id)
        by_spec.setdefault(sp.id, (sp, []))[1].append(case)
    batches = []
    for sp, cases in by_spec.values():
        table, departments = table_from_cases(cases)
        batches.append(Batch(sp, table, departments))
    return batches, failures
