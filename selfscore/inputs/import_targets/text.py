"""Characters and patterns shared by every step of the importer.

Matching runs on a per-character normalised copy of the text (full-width digits and
punctuation folded to ASCII), so offsets match the raw text and every value is cut
from the raw text unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_FOLD: Final[dict[str, str]] = {"—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-", "﹣": "-", "～": "~"}


def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _fold(text: str) -> str:
    return "".join(_fold_char(ch) for ch in text)


def _compact(text: str) -> str:
    """Text for comparisons: folded, without whitespace."""
    return re.sub(r"\s+", "", _fold(text))


def _spaced(word: str) -> str:
    """A regex for ``word`` that allows whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


_SEQ_START = re.compile(
    r"(?P<seq>\d{1,3})\s*[、.]\s*(?P<code>\d)\s*-\s*"
    r"(?=[^;。]{0,12}?指\s*标|[^;。]{0,12}?;\s*\d\s*\d\s*-)"
)
# A record whose number was lost: only with a level-1 name we know.
_BARE_START = re.compile(r"(?<![\d.、])(?P<code>\d)\s*-\s*(?=(?:产\s*出|效\s*益|满\s*意\s*度)\s*指\s*标)")
_CYCLE_LABEL = re.compile(_spaced("实施周期指标值") + r"\s*:?")
_ANNUAL_LABEL = re.compile(_spaced("年度指标值") + r"\s*:?")
_LEVEL1_FIELD = re.compile(r"^(\d)\s*-\s*(.*)$", re.S)
_LEVEL2_FIELD = re.compile(r"^(\d)\s*(\d)\s*-\s*(.*)$", re.S)
_VALUE_WORD = re.compile(r"指\s*标\s*值")
_MARKERS = re.compile(r"指\s*标\s*值|\d\s*-\s*(?:产出|效益|满意度)\s*指\s*标|;\s*\d\d\s*-")

_PAGE = re.compile(
    r"^(?:第\s*\d+\s*页\s*(?:[,/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*(?:[,/]?\s*第\s*\d+\s*页)?"
    r"|-\s*\d+\s*-|\d+\s*/\s*\d+|page\s*\d+(?:\s*(?:of|/)\s*\d+)?)$",
    re.I,
)
_BARE_INT = re.compile(r"^\d{1,4}$")
_SEQ_TAIL = re.compile(r"^[、.]\s*\d\s*-")
# a title line ends with 绩效目标表, perhaps with (2024年) or (续)
_TITLE = re.compile(r"绩\s*效\s*目\s*标\s*表\s*(?:\([^()]*\))?\s*$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CONTINUED = re.compile(r"^[(\[]?\s*续\s*(?:表|上页|前页)?\s*[)\]]?$")
_SIGNATURE = re.compile(r"^(?:填报人|联系人|联系电话|审核人|负责人|制表人|单位负责人|财务负责人|填报日期|打印时间)\s*[:：]")
# a totals row of the whole table (a project's own 合计：… has a colon)
_TOTAL_ROW = re.compile(r"^(?:本\s*页\s*)?(?:合\s*计|小\s*计)\s*[\d,.\s]+$")
_DEPARTMENT = re.compile(
    r"^(?:单位名称|预算单位|填报单位|部门名称)\s*(?:\((?:盖章|公章|签章)\))?\s*[:\s]\s*(?P<name>\S.*)$"
)
# 单位：万元 printed on the department's line, after its name
_TRAILING_UNIT = re.compile(r"\s*(?:金额)?单\s*位\s*:\s*(?P<unit>万元|元|千元)\s*$")
# A name that ends like an organisation's (a department, a sub-unit); a project's name rarely does.
_ORGANISATION = re.compile(r"(?:办事处|街道|委员会|管理局|服务中心|中心|局|院|所|站|队|馆|办公室|政府|公司|学校|小学|中学|幼儿园)$")
# the end of a department name wrapped onto the next line (…街道办事 / 处), perhaps with 单位：万元 after it
_WRAPPED_END = re.compile(r"^(?P<end>[\u4e00-\u9fff]{1,3})(?:\s+(?P<rest>\S.*))?$")
_UNIT = re.compile(r"^(?:金额)?单\s*位\s*[:]\s*(?P<unit>万元|元|千元)\s*$")

# Words of table headers; a line made only of these is a table header.
_HEADER_WORDS: Final[tuple[str, ...]] = tuple(
    sorted(
        {
            "单位名称", "项目名称", "项目编码", "项目代码", "项目类型", "项目类别", "序号", "总计", "合计",
            "资金总额", "项目总额", "财政拨款", "财政资金", "其他资金", "上年结转", "单位资金", "专户资金",
            "项目绩效目标", "年度绩效目标", "总体绩效目标", "绩效目标", "绩效指标", "一级指标", "二级指标",
            "三级指标", "指标值", "实施周期指标值", "年度指标值", "指标内容", "单位", "万元", "元", "金额",
            "预算金额", "资金来源", "项目支出", "预算数",
        },
        key=len,
        reverse=True,
    )
)
_HEADER_WORD_RE = re.compile("|".join(_spaced(w) for w in _HEADER_WORDS))

_AMOUNT_LABELS: Final[tuple[str, ...]] = (
    "资金总额", "项目总额", "总计", "合计", "财政拨款", "财政资金", "其他资金", "上年结转", "单位资金", "专户资金",
)
_AMOUNT_LABEL_RE = "|".join(_spaced(w) for w in _AMOUNT_LABELS)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_LABELLED_AMOUNT = re.compile(rf"(?P<label>{_AMOUNT_LABEL_RE})\s*(?:\(\s*(?:万元|元)\s*\))?\s*:?\s*(?P<value>{_NUMBER})")
_AMOUNTS_ONLY = re.compile(rf"^(?:{_NUMBER})(?:\s+(?:{_NUMBER}))*$")
# 社区办公经费 120.00 120.00 0.00 开展…: name, amounts and goal on one line (layout-preserving exports)
_INLINE_AMOUNTS = re.compile(
    rf"^(?P<pre>.*?[^\d\s,.])\s+(?P<nums>(?:{_NUMBER})(?:\s+(?:{_NUMBER}))*)(?:\s+(?P<post>[^\d\s万元%].*))?$"
)
_NAME_LABEL = re.compile(r"^项\s*目\s*名\s*称\s*[:]\s*(?P<rest>.*)$")
_GOAL_LABEL = re.compile(r"^(?:项\s*目)?\s*(?:年\s*度|总\s*体|中\s*期)?\s*(?:绩\s*效)?\s*目\s*标\s*[:]\s*(?P<rest>.*)$")
_DEFAULT_AMOUNT_COLUMNS: Final[tuple[str, ...]] = ("总计", "财政拨款", "其他资金")
_PUNCT_ONLY = re.compile(r"^[\s。.,;:、!?！？，；：…·\-()（）\"'“”‘’]*$")


def _is_amounts_line(fold: str) -> bool:
    text = fold.strip()
    if not _AMOUNTS_ONLY.match(text):
        return False
    numbers = text.split()
    return len(numbers) >= 2 or "." in text or "," in text


def _excerpt(text: str, limit: int = 40, *, keep_spaces: bool = False) -> str:
    flat = re.sub(r"\s+", " " if keep_spaces else "", text).strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"
