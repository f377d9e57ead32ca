"""Reading target values (指标值 / 年度目标值) and actual values (年度实现值).

Targets are free text typed by officers: ``≥95%``, ``≤2个小时``, ``0次``, ``称职或以上``,
``258256.8 万平方米``, ``≥5% （计划资金额-实际资金额）/计划资金额。``.  :func:`parse_target`
turns such a text into a :class:`Target`: a comparator, an exact number and a unit,
or a qualitative level.

Comparator words follow Chinese legal usage (民法典 第1259条): 以上, 以下 and 以内
include the number; 不满, 超过 and 以外 exclude it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Final, Literal

import attrs

from selfscore.core.errors import TargetError
from selfscore.core.numbers import check_magnitude
from selfscore.core.validate import error_literal

__all__ = [
    "COMPARATORS",
    "Comparator",
    "Target",
    "format_target",
    "parse_actual",
    "parse_target",
    "units_compatible",
]

Comparator = Literal[">=", ">", "<=", "<", "=="]
COMPARATORS: Final[tuple[str, ...]] = (">=", ">", "<=", "<", "==")
Kind = Literal["quantitative", "qualitative"]

_SYMBOLS: Final[dict[str, str]] = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "≧": ">=",
    ">": ">",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "≦": "<=",
    "<": "<",
    "=": "==",
    "==": "==",
}

# Words written before the number, longest first so 不超过 wins over 超过.
_PREFIX_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("大于或等于", ">="),
    ("大于等于", ">="),
    ("小于或等于", "<="),
    ("小于等于", "<="),
    ("不少于", ">="),
    ("不低于", ">="),
    ("不小于", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("控制在", "<="),
    ("至少", ">="),
    ("最少", ">="),
    ("至多", "<="),
    ("最多", "<="),
    ("超过", ">"),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("不满", "<"),
    ("不足", "<"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
)

# Words written after the number (and its unit).
_SUFFIX_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("或以上", ">="),
    ("及以上", ">="),
    ("以上", ">="),
    ("或以下", "<="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("以外", ">"),
)

# 不得超过 is "must not exceed" (<=), not 超过 (>): a modal negation before a word flips it.
_NEGATIONS: Final[tuple[str, ...]] = ("不得", "不应", "不能", "不可", "不宜")
_NEGATED: Final[dict[str, str]] = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}

# Units, longest first.  Anything else directly after the number is taken as a
# one-character unit when it stands alone (``9桶``), otherwise the unit is empty.
_UNITS: Final[tuple[str, ...]] = tuple(
    sorted(
        {
            "%", "‰", "万平方米", "平方米", "平方公里", "平米", "公里", "千米", "米", "亿元", "万元", "元",
            "万吨", "吨", "人次", "家次", "套次", "户次", "场次", "批次", "个小时", "小时", "分钟", "个工作日",
            "工作日", "个月", "月", "天", "日", "年", "次", "人", "个", "场", "家", "宗", "间", "台", "辆",
            "件", "项", "份", "户", "套", "所", "批", "篇", "期", "册", "本", "条", "张", "处", "座", "棵",
            "株", "名", "位", "支", "队", "起", "例", "万人", "万户", "周", "类", "点", "宗次", "单", "盏",
        },
        key=len,
        reverse=True,
    )
)

# Spellings of the same unit.
_UNIT_ALIASES: Final[dict[str, str]] = {
    "个小时": "小时",
    "平米": "平方米",
    "m2": "平方米",
    "个工作日": "工作日",
    "个月": "月",
    "千米": "公里",
}

_NUMBER = re.compile(r"\.?\d[\d.]*")
_VALID_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|【([^【】]*)】")
_TRAILING_PUNCT = "。.，,；;:：、 "


@attrs.frozen
class Target:
    """A parsed target (or actual) value.

    ``kind`` is ``"quantitative"`` (``comparator``, exact ``value`` and ``unit``) or
    ``"qualitative"`` (``level`` holds the normalised text).  ``label`` is text
    written before the number (``现场办事满意率`` in ``现场办事满意率≥95%``); ``note`` is
    text after it, such as a trailing formula in brackets.  ``text`` is the original.
    """

    text: str
    kind: Kind
    comparator: Comparator | None = None
    value: Decimal | None = None
    unit: str = ""
    level: str | None = None
    label: str = ""
    note: str = ""

    @property
    def lower_is_better(self) -> bool:
        """True when the target is a ceiling (``<=`` or ``<``)."""
        return self.comparator in ("<=", "<")

    @property
    def is_zero(self) -> bool:
        """True for a zero target (``0次``, ``0%``): met only by an actual of 0."""
        return self.kind == "quantitative" and self.value == 0 and self.lower_is_better


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    # ═ (U+2550) is how the national form's 指标性质 prints "equals"; NFKC leaves it alone
    s = s.replace("≧", "≥").replace("≦", "≤").replace("═", "=")
    s = re.sub(r"\s+", "", s)
    s = s.replace("【", "[").replace("】", "]")
    # thousands separators inside numbers: 9,121 -> 9121
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)
    return s


def _canonical_unit(unit: str) -> str:
    return _UNIT_ALIASES.get(unit, unit)


def units_compatible(a: str, b: str) -> bool:
    """Whether two units can be compared directly (an empty unit matches any)."""
    return not a or not b or _canonical_unit(a) == _canonical_unit(b)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _read_unit(rest: str) -> str:
    for scale in ("万", "亿"):
        if rest.startswith(scale) and not any(rest.startswith(u) for u in _UNITS if u.startswith(scale)):
            inner = _read_unit(rest[1:])
            if inner and inner not in "%‰":
                return scale + inner
    for unit in _UNITS:
        if rest.startswith(unit):
            return unit
    if rest and _is_cjk(rest[0]):
        after = rest[1:]
        if not after or not _is_cjk(after[0]) or any(after.startswith(w) for w, _ in _SUFFIX_WORDS):
            return rest[0]
    return ""


def _prefix_comparator(prefix: str) -> tuple[str | None, str]:
    """Comparator written just before the number, and the label before it."""
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if prefix.endswith(symbol):
            return _SYMBOLS[symbol], prefix[: -len(symbol)]
    for word, comparator in _PREFIX_WORDS:
        if prefix.endswith(word):
            label = prefix[: -len(word)]
            for negation in _NEGATIONS:
                if label.endswith(negation):
                    return _NEGATED[comparator], label[: -len(negation)]
            return comparator, label
    # 达到 / 为 / 约 introduce a plain value
    for word in ("达到", "达", "为", "约"):
        if prefix.endswith(word):
            return None, prefix[: -len(word)]
    return None, prefix


def _suffix_comparator(suffix: str) -> tuple[str | None, str]:
    # a bracket may stand between the number and the word: 5%（含）以下
    bare = suffix.lstrip("\x00")
    for word, comparator in _SUFFIX_WORDS:
        if bare.startswith(word):
            return comparator, suffix[: len(suffix) - len(bare)] + bare[len(word) :]
    return None, suffix


def _strip_brackets(s: str) -> tuple[str, list[str]]:
    """Remove bracketed segments (formulas, notes); return the rest and the segments."""
    inner: list[str] = []

    def take(match: re.Match[str]) -> str:
        inner.append(next(g for g in match.groups() if g is not None))
        return "\x00"

    previous = None
    while previous != s:
        previous = s
        s = _BRACKETS.sub(take, s)
    return s, inner


def _numbers(s: str) -> list[re.Match[str]]:
    return list(_NUMBER.finditer(s))


def _check_number(token: str, text: str) -> str:
    number = token[:-1] if token.endswith(".") and token.count(".") == 1 and len(token) > 1 else token
    if not _VALID_NUMBER.fullmatch(number):
        raise TargetError(f"目标值中的数字格式有误 (malformed number) “{token}”: “{text}”", text)
    return number


def _level(s: str) -> str:
    return s.replace("\x00", "").strip(_TRAILING_PUNCT)


def _target_numbers(s: str) -> tuple[str, str, list[str], list[re.Match[str]]]:
    """(text outside brackets, text to read, bracketed notes, numbers found) of a normalised target.
    上门服务满意率（90%）: when the only number is inside brackets, that bracket is read as text."""
    outside, inner = _strip_brackets(s)
    found = _numbers(outside)
    work = outside
    if not found:
        with_numbers = [seg for seg in inner if _numbers(seg)]
        if len(with_numbers) == 1 and len(_numbers(with_numbers[0])) == 1:
            pieces = outside.split("\x00")
            position = inner.index(with_numbers[0])
            work = "".join(pieces[: position + 1]) + with_numbers[0] + "".join(pieces[position + 1 :])
            inner = [seg for seg in inner if seg is not with_numbers[0]]
            found = _numbers(work)
    return outside, work, inner, found


def _target_comparator(work: str, inner: list[str], end: int, prefix: str, suffix: str,
                       text: str) -> tuple[str | None, str, str]:
    """(comparator or None, label, note) from the text before the number and after its unit
    (``suffix``, starting at ``end`` in ``work``); contradictory comparators are an error."""
    before, label = _prefix_comparator(prefix.replace("\x00", ""))
    after, note = _suffix_comparator(suffix)
    if after in (">=", "<="):
        # 95%（不含）以上: a bracket saying 不含 makes 以上/以下 exclusive
        first = work[:end].count("\x00")
        between = inner[first : first + len(suffix) - len(suffix.lstrip("\x00"))]
        if any(seg.strip() in ("不含", "不含本数") for seg in between):
            after = after[0]
    if before and after and before != after:
        raise TargetError(f"目标值的比较关系互相矛盾 (contradictory comparators {before} / {after}): “{text}”", text)
    return before or after, label, note


def parse_target(
    text: str, *, lower_is_better: bool | None = None, qualitative: bool = False
) -> Target:
    """Read a target text such as ``≥95%``, ``≤2个小时``, ``0次`` or ``称职或以上``.

    A bare number (``100%``, ``12次``) is a "reach at least" target (``>=``), or a
    ceiling (``<=``) when ``lower_is_better`` is true (成本指标 and the like).  A zero
    target is lower-is-better.  An explicit comparator in the text always wins.
    Text without a number is a qualitative target; ``qualitative=True`` forces that.

    Raises :class:`~selfscore.TargetError` for empty text, malformed numbers, a
    comparator without a number, several numbers, or contradictory comparators.
    """
    if not isinstance(text, str):
        raise TypeError(f"target text must be str, not {type(text).__name__}: {text!r}")
    s = _normalise(text)
    if not s.strip(_TRAILING_PUNCT):
        raise TargetError(f"目标值为空 (empty target): “{text}”", text)
    if error_literal(s) is not None:
        raise TargetError(f"是电子表格的错误值 (a spreadsheet error value) “{text}”，不是数值：请填写实际数值或文本", text)
    if qualitative:
        return Target(text=text, kind="qualitative", level=_level(_normalise(text)))

    outside, work, inner, found = _target_numbers(s)
    if not found:
        if any(sym in outside for sym in ("≥", "≤", ">", "<")):
            raise TargetError(f"目标值有比较符号但没有数值 (comparator without a number): “{text}”", text)
        return Target(text=text, kind="qualitative", level=_level(s))
    if len(found) > 1:
        shown = "、".join(m.group() for m in found)
        raise TargetError(
            f"目标值含有多个数值 ({shown})，无法确定考核值 (several numbers, ambiguous): “{text}”；"
            "请拆分为多个指标，或只写一个考核值，如 “≥5台”",
            text,
        )
    match = found[0]
    number = _check_number(match.group(), text)
    prefix, rest = work[: match.start()], work[match.end() :]
    if prefix.endswith(("-", "−", "负")) and not prefix.endswith("正负"):  # 负5% is not 5%
        raise TargetError(f"暂不支持负数目标值 (negative targets are not supported): “{text}”", text)
    unit = _read_unit(rest)
    comparator, label, note = _target_comparator(work, inner, match.end() + len(unit), prefix, rest[len(unit) :], text)
    try:
        value = check_magnitude(Decimal(number))
    except ValueError as exc:
        raise TargetError(f"{exc}: “{text[:40]}”", text) from None
    if comparator is None:
        comparator = "<=" if (lower_is_better or value == 0) else ">="
    notes = [n for n in (*inner, note.replace("\x00", "").strip(_TRAILING_PUNCT)) if n]
    return Target(
        text=text,
        kind="quantitative",
        comparator=comparator,  # type: ignore[arg-type]
        value=value,
        unit=_canonical_unit(unit),
        label=label.strip(_TRAILING_PUNCT),
        note="；".join(notes),
    )


def parse_actual(text: str) -> Target:
    """Read an actual value (年度实现值) as officers type it: ``493.3 万元``, ``100%完成``, ``达标``.

    A bare number is the measured value (comparator ``==``); a bound such as ``≥ 95%``
    keeps its comparator, so a completion check knows the actual is at least 95%.
    """
    if not isinstance(text, str):
        raise TypeError(f"actual text must be str, not {type(text).__name__}: {text!r}")
    if not _normalise(text).strip(_TRAILING_PUNCT):
        raise TargetError("实现值未填写 (actual value missing)", text)
    if _DATE.fullmatch(_normalise(text)):
        raise TargetError(f"实现值“{text}”是一个日期 (a date)，不是完成数值：时效指标请填写完成情况，如“按时完成”或“12月底前完成”",
                          text)
    try:
        parsed = parse_target(text)
    except TargetError as exc:  # the same reading, said of the actual
        message = str(exc).replace("负数目标值 (negative targets", "负数实现值 (negative actuals").replace("目标值", "实现值")
        raise TargetError(message, text) from None
    if parsed.kind == "quantitative" and not _has_explicit_comparator(text):
        return attrs.evolve(parsed, comparator="==")
    return parsed


_DATE: Final = re.compile(r"(?:19|20)\d\d(?:[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|年(?:0?[1-9]|1[0-2])月"
                          r"(?:(?:0?[1-9]|[12]\d|3[01])[日号])?)")


def _has_explicit_comparator(text: str) -> bool:
    s, _ = _strip_brackets(_normalise(text))
    found = _numbers(s)
    if not found:
        return False
    prefix, rest = s[: found[0].start()], s[found[0].end() :]
    rest = rest[len(_read_unit(rest)) :]
    return _prefix_comparator(prefix)[0] is not None or _suffix_comparator(rest)[0] is not None


_SYMBOL_OUT: Final[dict[str, str]] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}


def format_target(target: Target) -> str:
    """Write a target back as canonical text (``≥95%``); parse_target reads it back."""
    if target.kind == "qualitative":
        return target.level or target.text
    assert target.value is not None and target.comparator is not None
    from selfscore.core.numbers import fmt

    return f"{_SYMBOL_OUT[target.comparator]}{fmt(target.value)}{target.unit}"
