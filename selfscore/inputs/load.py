"""Reading specs and cases from TOML files (the I/O edge of the library).

TOML is read with ``tomllib.load(f, parse_float=Decimal)`` so every number is exact.
A spec is named by its id (a bundled spec in ``scoring_specs/``) or by a path.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Final

from selfscore.core.case import MAX_INDICATORS, Case, case_from_dict
from selfscore.core.errors import InputError, Problem, SpecError, UnreadableError
from selfscore.core.numbers import MAX_DIGITS
from selfscore.core.spec import Spec, merge_spec_data, spec_from_dict
from selfscore.inputs.files import MAX_TOML_BYTES, read_bytes, sniff

__all__ = ["MAX_NESTING", "bundled_specs", "load_case", "load_case_and_spec", "load_spec", "read_toml"]


#: Nesting of tables and arrays in a case or spec: the bundled specs nest 4 deep
#: (``parts[].items[].rule.steps[]``); 32 is far above that and far below Python's recursion limit.
MAX_NESTING: Final = 32
_OFFICE_SUFFIXES: Final = (".xls", ".et", ".ett", ".ods", ".xlsb", ".numbers", ".doc", ".docx", ".wps", ".pdf")

#: tomllib's messages (Python 3.11-3.13), by their start, in Chinese.
_TOML_MESSAGES: Final = (
    ("Invalid statement", "无法识别的语句"),
    ("Expected newline or end of document", "一行只能写一个 键 = 值，之后应换行"),
    ("Invalid initial character for a key part", "键名的首字符无效（键名含中文或空格时须加引号，如 \"名称\" = …）"),
    ("Expected '=' after a key", "键名之后缺少 ="),
    ("Cannot declare", "同一个表或键重复声明"),
    ("Cannot overwrite a value", "同一个键重复赋值"),
    ("Cannot mutate immutable namespace", "不能修改已完整写出的表或数组"),
    ("Invalid value", "值无效（文本须加引号，如 target = \"≥95%\"）"),
    ("Unclosed array", "数组缺少右方括号 ]"),
    ("Unclosed inline table", "行内表缺少右花括号 }"),
    ("Unterminated string", "文本缺少结束引号"),
    ("Illegal character", "文本中有不允许的字符（控制字符）"),
    ("Found invalid character", "文本中有不允许的字符（控制字符）"),
    ("Invalid date or datetime", "日期或时间无效"),
    ("Expected ']' at the end of a table declaration", "表名之后缺少 ]"),
    ("Expected ']]' at the end of an array declaration", "表数组名之后缺少 ]]"),
    ("Unescaped '\\' in a string", "文本中的反斜杠 \\ 须写成 \\\\"),
    ("Invalid hex value", "转义序列 \\u 之后的十六进制数无效"),
    ("Unescaped", "文本中有未转义的字符"),
    ("Invalid array", "数组格式错误"),
    ("Invalid inline table", "行内表格式错误"),
)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message in Chinese with its line and column (the English kept in brackets)."""
    text = str(exc)
    found = re.fullmatch(r"(.*?)\s*\(at (?:line (\d+), column (\d+)|end of document)\)", text, flags=re.S)
    english = found.group(1) if found else text
    english = re.sub(r"\(((?:'[^']*',?\s*)+)\)", lambda m: ".".join(re.findall(r"'([^']*)'", m.group(1))), english)
    where = f"第{found.group(2)}行第{found.group(3)}列" if found and found.group(2) else "文件末尾" if found else ""
    chinese = next((zh for en, zh in _TOML_MESSAGES if english.startswith(en)), "格式错误")
    return f"TOML 格式错误 (TOML syntax error)：{where + '：' if where else ''}{chinese} ({english})"


def _too_deep(data: Any) -> bool:
    """Whether tables and arrays nest more than :data:`MAX_NESTING` deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file exactly; unreadable files raise UnreadableError, bad syntax InputError.

    The file must be a regular file of at most :data:`MAX_TOML_BYTES`; office files
    (.xls, .ods, …) are named as such, not reported as TOML syntax errors.
    """
    p = Path(path)
    raw = read_bytes(p, limit=MAX_TOML_BYTES, kind=f"案例或评分规范文件（一个案例最多 {MAX_INDICATORS} 个指标）")
    kind = sniff(raw)
    if kind is not None:
        raise UnreadableError(f"{path}: {kind}")
    if p.suffix.lower() in _OFFICE_SUFFIXES:
        raise UnreadableError(f"{path}: 扩展名为 {p.suffix}，不是案例文件 (.toml) 或 .xlsx/.csv 表格：请用 Excel 或 WPS "
                              "另存为 .xlsx 后再试")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableError(f"{path}: 不是 UTF-8 编码的文本 (not UTF-8 text)，第 {exc.start + 1} 个字节处；"
                              "请用 UTF-8 编码保存") from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(_toml_message(exc), str(path))]) from None
    except RecursionError:
        data = None
    except ValueError:  # an integer of more than 4,300 digits
        raise InputError([Problem(f"TOML 中的整数过长 (integer too long)：数值最多 {MAX_DIGITS} 位", str(path))]) from None
    if data is None or _too_deep(data):
        raise InputError([Problem(f"表或数组嵌套过深 (nested too deeply)：最多 {MAX_NESTING} 层", str(path))])
    return data


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
