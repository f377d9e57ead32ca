"""Hypothesis strategies for selfscore values, for tests of selfscore and of tools built on it.

This module needs ``hypothesis`` (a test-only dependency) and is therefore not
imported by ``selfscore`` itself::

    from hypothesis import given
    from selfscore.testing import decimals, targets, weights

    @given(weights(), targets())
    def test_something(weight, target): ...

Every strategy produces exact values (``Decimal``, ``Fraction``, ``str``); none
ever produces a binary float.  Numbers are drawn as integers and scaled, so a
``decimals(places=2)`` value always has exactly two decimal places.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from selfscore.core.completion import Completion
from selfscore.core.numbers import ROUNDING_MODES, Rounding, to_decimal
from selfscore.core.rules import AllOrNothing, FixedDeduction, IndicatorRule, Proportional, StepDeduction
from selfscore.core.targets import COMPARATORS, Target, format_target

__all__ = [
    "GRADE_LEVELS",
    "QUALITATIVE_LEVELS",
    "UNITS",
    "comparators",
    "completions",
    "decimals",
    "qualitative_targets",
    "quantitative_targets",
    "rates",
    "roundings",
    "rules",
    "target_texts",
    "targets",
    "units",
    "weights",
]

#: Canonical units seen in target tables (aliases such as 个小时 or 平米 are left out,
#: because the parser folds them into 小时 / 平方米).  ``""`` is a bare number.
UNITS: tuple[str, ...] = (
    "", "%", "‰", "万元", "元", "亿元", "万平方米", "平方米", "公里", "人", "人次", "家次", "套次",
    "万套次", "次", "场", "家", "间", "宗", "个", "台", "小时", "分钟", "工作日", "天", "月", "件", "项",
)

#: Qualitative target levels from the published target tables (docs/domain.md §2).
QUALITATIVE_LEVELS: tuple[str, ...] = (
    "达标", "完成", "及时", "合规", "日产日清", "控制在标准内", "按时完成任务", "提升",
)

#: Graded qualitative targets (a level on an ordered scale, "at least").
GRADE_LEVELS: tuple[str, ...] = ("称职或以上", "良好以上", "良或以上", "良及以上", "合格及以上")


def _units_of(value: Decimal | int | str, places: int) -> int:
    """``value`` in units of ``10**-places``; it must be a whole number of such units."""
    scaled = to_decimal(value).scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value!r} has more than {places} decimal places")
    return int(scaled)


def decimals(
    *,
    places: int = 2,
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 1000,
) -> st.SearchStrategy[Decimal]:
    """Decimals with exactly ``places`` decimal places from ``min_value`` to ``max_value``.

    ``decimals(places=1, max_value=100)`` draws values such as ``Decimal("93.7")``.
    The bounds may be given as ``Decimal``, ``int`` or text; they must themselves
    fit in ``places`` decimals.
    """
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 12:
        raise ValueError(f"'places' must be an int from 0 to 12: {places!r}")
    lo, hi = _units_of(min_value, places), _units_of(max_value, places)
    if lo > hi:
        raise ValueError(f"min_value {min_value!r} is above max_value {max_value!r}")
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places))


def weights(
    *,
    places: int = 2,
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 20,
) -> st.SearchStrategy[Decimal]:
    """Indicator weights (单项分值): ``decimals`` from 0 to 20 with two places by default."""
    return decimals(places=places, min_value=min_value, max_value=max_value)


def rates(*, max_denominator: int = 10_000) -> st.SearchStrategy[Fraction]:
    """Exact completion rates from 0 to 1 inclusive, as Fractions."""
    return st.integers(1, max_denominator).flatmap(
        lambda den: st.integers(0, den).map(lambda num: Fraction(num, den))
    )


def units() -> st.SearchStrategy[str]:
    """A canonical unit from :data:`UNITS` (``""`` for a bare number)."""
    return st.sampled_from(UNITS)


def comparators(allowed: Sequence[str] = COMPARATORS) -> st.SearchStrategy[str]:
    """A comparator from ``allowed`` (all of ``>=``, ``>``, ``<=``, ``<``, ``==`` by default)."""
    return st.sampled_from(tuple(allowed))


def quantitative_targets(
    *,
    comparators: Sequence[str] = COMPARATORS,
    units: Sequence[str] = UNITS,
    places: int = 2,
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 100_000,
) -> st.SearchStrategy[Target]:
    """Quantitative :class:`~selfscore.Target` values whose ``text`` is the canonical form.

    ``text`` is what :func:`~selfscore.format_target` writes (``≥95%``), so
    ``parse_target(t.text)`` reads back ``t.comparator``, ``t.value`` and ``t.unit``.
    """

    def build(comparator: str, value: Decimal, unit: str) -> Target:
        target = Target(text="", kind="quantitative", comparator=comparator, value=value, unit=unit)  # type: ignore[arg-type]
        return Target(
            text=format_target(target), kind="quantitative", comparator=comparator, value=value, unit=unit  # type: ignore[arg-type]
        )

    return st.builds(
        build,
        st.sampled_from(tuple(comparators)),
        decimals(places=places, min_value=min_value, max_value=max_value),
        st.sampled_from(tuple(units)),
    )


def qualitative_targets(levels: Sequence[str] = QUALITATIVE_LEVELS + GRADE_LEVELS) -> st.SearchStrategy[Target]:
    """Qualitative :class:`~selfscore.Target` values (``达标``, ``称职或以上`` ...)."""
    return st.sampled_from(tuple(levels)).map(lambda level: Target(text=level, kind="qualitative", level=level))


def targets(*, qualitative: bool = True, **kwargs: object) -> st.SearchStrategy[Target]:
    """Any canonical target: quantitative (see :func:`quantitative_targets`, which takes
    ``kwargs``) or, unless ``qualitative=False``, qualitative."""
    quantitative = quantitative_targets(**kwargs)  # type: ignore[arg-type]
    if not qualitative:
        return quantitative
    return st.one_of(quantitative, qualitative_targets())


def target_texts(*, qualitative: bool = True, **kwargs: object) -> st.SearchStrategy[str]:
    """Canonical target texts such as ``≥95%``, ``≤2小时``, ``=0次`` or ``良好以上``
    (the arguments are those of :func:`targets`)."""
    return targets(qualitative=qualitative, **kwargs).map(format_target)


def roundings(*, max_places: int = 4) -> st.SearchStrategy[Rounding]:
    """A :class:`~selfscore.Rounding`: 0 to ``max_places`` places, any mode."""
    return st.builds(Rounding, st.integers(0, max_places), st.sampled_from(tuple(ROUNDING_MODES)))


def completions(*, qualitative: bool | None = None, partial: bool = True) -> st.SearchStrategy[Completion]:
    """Consistent :class:`~selfscore.Completion` values.

    A rate of 1 is 达成, a lower rate 未达成; with ``partial`` a qualitative
    部分达成 (rate ``None``) is also drawn.  ``qualitative`` fixes the flag.
    """
    flags = st.booleans() if qualitative is None else st.just(qualitative)

    def build(rate: Fraction, flag: bool) -> Completion:
        return Completion("达成" if rate == 1 else "未达成", rate, rate, flag)

    scored = st.builds(build, rates(), flags)
    if not partial or qualitative is False:
        return scored
    return st.one_of(scored, st.just(Completion("部分达成", None, None, True)))


def _shares() -> st.SearchStrategy[Decimal | None]:
    return st.one_of(st.none(), decimals(places=2, min_value=0, max_value=1))


def rules() -> st.SearchStrategy[IndicatorRule]:
    """Any indicator rule with valid parameters (``partial_share`` sometimes unset)."""
    unit_interval = decimals(places=2, min_value=0, max_value=1)
    return st.one_of(
        st.builds(Proportional, floor=unit_interval, rounding=roundings(), partial_share=_shares()),
        st.builds(AllOrNothing, partial_share=_shares(), rounding=roundings()),
        st.builds(
            FixedDeduction,
            threshold=unit_interval,
            points=decimals(places=1, max_value=20),
            partial_share=_shares(),
            rounding=roundings(),
        ),
        st.builds(
            StepDeduction,
            step=decimals(places=3, min_value="0.001", max_value="0.5"),
            points=decimals(places=2, max_value=5),
            rounding=roundings(),
            partial_share=_shares(),
        ),
    )
