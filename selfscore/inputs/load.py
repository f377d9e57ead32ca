"""Reading specs and cases from TOML files (the I/O edge of the library).

TOML is read with ``tomllib.load(f, parse_float=Decimal)`` so every number is exact.
A spec is named by its id (a bundled spec in ``scoring_specs/``) or by a path.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from selfscore.core.case import Case, case_from_dict
from selfscore.core.errors import InputError, Problem, SpecError, UnreadableError
from selfscore.core.spec import Spec, merge_spec_data, spec_from_dict
from selfscore.inputs.files import read_bytes

__all__ = ["bundled_specs", "load_case", "load_case_and_spec", "load_spec", "read_toml"]


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file exactly; unreadable files raise UnreadableError, bad syntax InputError."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableError(f"{path}: 不是 UTF-8 编码的文本 (not UTF-8 text) at byte {exc.start}") from None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(f"TOML 格式错误 (TOML syntax error): {exc}", str(path))]) from None


def _specs_dir() -> Any:
    return resources.files("selfscore.scoring_specs")


def bundled_specs() -> list[Spec]:
    """Every spec shipped with selfscore, sorted by id."""
    names = sorted(e.name[: -len(".toml")] for e in _specs_dir().iterdir() if e.name.endswith(".toml"))
    return [load_spec(name) for name in names]


def _spec_data(ref: str, base_dir: Path | None, seen: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    if ref in seen:
        raise SpecError([Problem(f"规范继承出现循环 (extends cycle): {' → '.join((*seen, ref))}", ref, "extends")])
    candidate = Path(ref)
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        path = candidate if candidate.is_absolute() or base_dir is None else base_dir / candidate
        if not path.exists() and base_dir is not None and candidate.exists():
            path = candidate
        data, file = read_toml(path), str(path)
        here = path.parent
    else:
        entry = _specs_dir() / f"{ref}.toml"
        if not entry.is_file():
            known = sorted(e.name[:-5] for e in _specs_dir().iterdir() if e.name.endswith(".toml"))
            raise UnreadableError(f"没有名为“{ref}”的评分规范 (no bundled spec named {ref!r})；已有: {', '.join(known)}")
        with resources.as_file(entry) as real:
            data, file = read_toml(Path(real)), f"scoring_specs/{ref}.toml"
        here = None
    parent = data.get("extends")
    if isinstance(parent, str) and parent:
        base, _ = _spec_data(parent, here, (*seen, ref))
        data = merge_spec_data(base, data, file=file)
        data["extends"] = parent
    return data, file


def load_spec(ref: str, *, base_dir: Path | None = None) -> Spec:
    """Load a spec by bundled id (``liwan-2024``) or by path (relative to ``base_dir``)."""
    data, file = _spec_data(ref, base_dir, ())
    return spec_from_dict(data, file=file)


def load_case(path: Path | str) -> Case:
    """Load a case file (TOML)."""
    p = Path(path)
    data = read_toml(p)
    return case_from_dict(data, file=str(p), name=p.stem)


def load_case_and_spec(path: Path | str, spec_ref: str | None = None) -> tuple[Case, Spec]:
    """Load a case and the spec it names (or ``spec_ref``), reporting problems of both together."""
    problems: list[Problem] = []
    case: Case | None = None
    try:
        case = load_case(path)
    except InputError as exc:
        problems.extend(exc.problems)
    ref = spec_ref or (case.spec if case else None)
    spec: Spec | None = None
    if case is not None and not (ref or "").strip():
        names = ", ".join(sorted(e.name[:-5] for e in _specs_dir().iterdir() if e.name.endswith(".toml")))
        problems.append(Problem(f"未指定评分规范 (no spec named)：请填写 spec，如 {names}，或使用 --spec", str(path), "spec"))
    elif ref:
        try:
            spec = load_spec(ref, base_dir=Path(path).parent)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    assert case is not None and spec is not None
    return case, spec
