"""Report text: the Chinese paragraphs a 自评报告 contains, written from a result.

The wording follows the published reports (金花 2024: "履职效能总分50分，得分48.5分，
其中：部门整体绩效目标产出指标完成情况得分19分……"), so an officer can paste it.
"""

from __future__ import annotations

from fractions import Fraction

from selfscore.core.engine import IndicatorResult, ItemResult, PartResult, Result
from selfscore.core.numbers import fmt, fmt_percent, sub

__all__ = ["completion_bands", "narrative"]

_NUMERALS = "一二三四五六七八九十"


def completion_bands(indicators: tuple[IndicatorResult, ...] | list[IndicatorResult]) -> tuple[int, int, int, int]:
    """Counts of indicators by completion: (100% and above, 60–100%, below 60%, 部分达成 without a rate)."""
    full = middle = low = partly = 0
    for ind in indicators:
        rate = ind.completion.uncapped if ind.completion.uncapped is not None else ind.completion.rate
        if rate is None:
            if ind.completion.outcome == "达成":
                full += 1
            else:
                partly += 1
        elif rate >= 1:
            full += 1
        elif rate >= Fraction(3, 5):
            middle += 1
        else:
            low += 1
    return full, middle, low, partly


def _score(value: object) -> str:
    return "—" if value is None else f"{fmt(value)}分"  # type: ignore[arg-type]


def _item_phrase(item: ItemResult) -> str:
    if item.status == "scored":
        return f"{item.name}得分{fmt(item.score)}分"  # type: ignore[arg-type]
    if item.status == "unknown":
        return f"{item.name}评分细则未公布"
    return f"{item.name}未填报"


def _group_sentence(label: str, inds: list[IndicatorResult]) -> str:
    weights = sorted({ind.weight for ind in inds})
    span = fmt(weights[0]) if len(weights) == 1 else f"{fmt(weights[0])}-{fmt(weights[-1])}"
    full, middle, low, partly = completion_bands(inds)
    bands = [f"完成率100%及以上的指标有{full}个"]
    if middle:
        bands.append(f"完成率在60%-100%的指标有{middle}个")
    if low:
        bands.append(f"完成率低于60%的指标有{low}个")
    if partly:
        bands.append(f"部分达成的指标有{partly}个")
    return f"共设置{label}{len(inds)}个，每个指标分值为{span}分，{'，'.join(bands)}"


def _indicator_paragraph(item: ItemResult) -> str | None:
    """Counts by completion band for each indicator group of the item (效益指标 and 满意度指标 apart)."""
    if not item.indicators:
        return None
    fallback = item.name.replace("部门整体绩效目标", "").replace("完成情况", "")
    groups: dict[str, list[IndicatorResult]] = {}
    for ind in item.indicators:
        groups.setdefault(ind.group.strip() or fallback, []).append(ind)
    sentences = [_group_sentence(label, inds) for label, inds in groups.items()]
    return f"{'；'.join(sentences)}，合计得分为{_score(item.score)}。"


def _part_paragraphs(index: int, part: PartResult) -> list[str]:
    heading = f"（{_NUMERALS[index]}）{part.name}分析"
    if part.unknown:
        return [heading, f"{part.name}的评分细则未公布，本项未计分。"]
    lines = [heading]
    head = f"{part.name}总分{fmt(part.max)}分，" if part.max is not None else f"{part.name}"
    if part.score is not None:
        head += f"得分{fmt(part.score)}分"
    else:
        head += "部分项目未计分，不计本项得分"
    lines.append(f"{head}，其中：{'，'.join(_item_phrase(i) for i in part.items)}。")
    for item in part.items:
        paragraph = _indicator_paragraph(item)
        if paragraph:
            lines.append(paragraph)
    return lines


def _problems(result: Result) -> list[str]:
    found: list[str] = []
    for part in result.parts:
        for item in part.items:
            for d in item.deductions:
                found.append(d.reason if "扣" in d.reason else f"{d.reason}，扣{fmt(d.points)}分")
            for ind in item.indicators:
                if ind.score < ind.weight:
                    rate = ind.completion.uncapped if ind.completion.uncapped is not None else ind.completion.rate
                    shown = ind.completion.outcome if rate is None else f"完成率{fmt_percent(rate)}"
                    reason = f"，原因：{ind.reason}" if ind.reason else ""
                    found.append(f"{ind.name}（目标{ind.target.text.strip()}，实际{ind.actual.text.strip()}）{shown}，"
                                 f"扣{fmt(sub(ind.weight, ind.score))}分{reason}")
            if item.kind == "execution_rate" and item.rate is not None and item.score is not None and item.max is not None \
                    and item.score < item.max:
                found.append(f"{item.name}方面，年度平均执行率为{fmt_percent(item.rate)}，扣{fmt(sub(item.max, item.score))}分")
    return found


def narrative(result: Result) -> str:
    """The self-evaluation paragraphs for ``result``, as plain text."""
    lines = ["一、自评结论"]
    if result.partial:
        scored = (f"已计分部分得分{fmt(result.known_score)}分（满分{fmt(result.known_max)}分）" if result.known_max
                  else "尚无已计分的项目")
        lines.append(f"{result.year}年度部门整体支出绩效自评结果不完整，{scored}，未计总分和等级。尚缺：")
        lines.extend(f"  {m}" for m in result.missing)
    else:
        lines.append(f"{result.year}年度部门整体支出绩效自评结果为{fmt(result.score)}分"  # type: ignore[arg-type]
                     + (f"，等级为“{result.grade}”。" if result.grade else "。"))
    lines.append("二、绩效分析")
    for index, part in enumerate(result.parts):
        lines.extend(_part_paragraphs(index, part))
    lines.append("三、存在问题")
    problems = _problems(result)
    if problems:
        lines.extend(f"（{k}）{text}。" for k, text in enumerate(problems, start=1))
    else:
        lines.append("无扣分事项。")
    return "\n".join(lines) + "\n"
