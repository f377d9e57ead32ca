"""Exact numbers: to_decimal, div_round, Rounding, fmt and friends (docs/domain.md §6).

Every expected value here is worked out by hand (or from the published reports), never
copied from the code's output.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import attrs
import pytest

from selfscore import Rounding, div_round, fmt, fmt_percent, to_decimal
from selfscore.core.numbers import ROUNDING_MODES, fraction_to_decimal, mul, show_quotient

# --- to_decimal ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.34", D("3.34")),
        ("493.3", D("493.3")),
        ("258256.8", D("258256.8")),
        ("9,121", D("9121")),  # 元岗 2023: 决算收入 9,121 万元
        ("1,634.28", D("1634.28")),
        (" 9 120.18 ", D("9120.18")),
        ("１２．５", D("12.5")),  # full-width digits and point
        ("-0.5", D("-0.5")),
        (7, D(7)),
        (D("0.125"), D("0.125")),
    ],
)
def test_to_decimal_reads_exact_values(value: object, expected: D) -> None:
    result = to_decimal(value)
    assert type(result) is D
    assert result == expected


def test_to_decimal_keeps_the_written_places() -> None:
    # 20.00 and 20 are equal but a weight typed as 3.30 keeps its two places
    assert str(to_decimal("3.30")) == "3.30"
    assert str(to_decimal("20.00")) == "20.00"


def test_to_decimal_refuses_float_with_a_clear_message() -> None:
    with pytest.raises(TypeError, match="float") as info:
        to_decimal(3.34, what="weight")
    message = str(info.value)
    assert "weight" in message
    assert "3.34" in message


@pytest.mark.parametrize("value", [True, False, None, [1], Fraction(1, 2)])
def test_to_decimal_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize("value", ["abc", "", "3.3.4", "NaN", "Infinity", "-inf", D("NaN"), D("Infinity")])
def test_to_decimal_refuses_non_numbers(value: object) -> None:
    with pytest.raises(ValueError):
        to_decimal(value)


def test_to_decimal_error_names_the_value() -> None:
    with pytest.raises(ValueError, match="abc"):
        to_decimal("abc", what="total")


# --- div_round: multiply first, divide once, round once -------------------------------


def test_half_up_where_python_round_is_wrong() -> None:
    # 0.125 is exactly representable in binary; Python's round() is half-even -> 0.12
    assert round(0.125, 2) == 0.12
    assert div_round(D("0.125"), D(1), Rounding(places=2)) == D("0.13")
    assert div_round(D(1), D(8), Rounding(places=2)) == D("0.13")


def test_half_up_on_a_float_trap_value() -> None:
    # 2.675 as a binary float is 2.67499999..., so round(2.675, 2) gives 2.67
    assert round(2.675, 2) == 2.67
    assert div_round(D("2.675"), D(1), Rounding(places=2)) == D("2.68")


@pytest.mark.parametrize(
    ("num", "den", "places", "half_up", "truncate"),
    [
        ("0.125", "1", 2, "0.13", "0.12"),
        ("-0.125", "1", 2, "-0.13", "-0.12"),  # half-up rounds halves away from zero
        ("2", "3", 2, "0.67", "0.66"),
        ("-2", "3", 2, "-0.67", "-0.66"),
        ("2", "-3", 2, "-0.67", "-0.66"),
        ("-2", "-3", 2, "0.67", "0.66"),
        ("1", "2", 0, "1", "0"),  # round(0.5) is 0 in Python
        ("5", "2", 0, "3", "2"),  # round(2.5) is 2 in Python
        ("-5", "2", 0, "-3", "-2"),
        ("1", "3", 0, "0", "0"),
        ("19732", "5000", 1, "3.9", "3.9"),  # 元岗: 4 × 493.3 / 500 = 3.9464
        ("19732", "5000", 2, "3.95", "3.94"),
        ("19732", "5000", 3, "3.946", "3.946"),
        ("19732", "5000", 4, "3.9464", "3.9464"),
        ("3.9464", "1", 1, "3.9", "3.9"),
        ("0.05", "1", 1, "0.1", "0.0"),
        ("0.0449999", "1", 1, "0.0", "0.0"),
        ("1", "0.3", 3, "3.333", "3.333"),  # divisor with decimals
        ("0.1", "0.20", 2, "0.50", "0.50"),  # 金花: 0.1 point ÷ 0.2 -> 0.5 deduction
        ("0", "7", 2, "0.00", "0.00"),
    ],
)
def test_div_round(num: str, den: str, places: int, half_up: str, truncate: str) -> None:
    assert div_round(D(num), D(den), Rounding(places, "half_up")) == D(half_up)
    assert div_round(D(num), D(den), Rounding(places, "truncate")) == D(truncate)


def test_div_round_result_has_exactly_the_declared_places() -> None:
    assert str(div_round(D(20), D(1), Rounding(places=2))) == "20.00"
    assert str(div_round(D("3.9464"), D(1), Rounding(places=1))) == "3.9"
    assert str(div_round(D(7), D(2), Rounding(places=0))) == "4"


def test_div_round_is_exact_beyond_decimal_context_precision() -> None:
    # (10**40 * 10 + 5) / 10 = 10**40 + 0.5: half-up gives 10**40 + 1.  A 28-digit
    # context (or a float) would lose the final 5.
    num = D(10**41 + 5)
    assert div_round(num, D(10), Rounding(places=0)) == D(10**40 + 1)
    assert div_round(num, D(10), Rounding(places=0, mode="truncate")) == D(10**40)


def test_div_round_by_zero() -> None:
    with pytest.raises(ZeroDivisionError):
        div_round(D(1), D(0), Rounding())


def test_div_round_refuses_float() -> None:
    with pytest.raises(TypeError, match="float"):
        div_round(0.125, D(1), Rounding())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        div_round(D(1), 8.0, Rounding())  # type: ignore[arg-type]


# --- Rounding ----------------------------------------------------------------------


def test_rounding_defaults_and_labels() -> None:
    assert Rounding() == Rounding(places=2, mode="half_up")
    assert Rounding(places=1).label == "四舍五入, 1位小数"
    assert Rounding(places=2, mode="truncate").label == "截尾, 2位小数"
    assert set(ROUNDING_MODES) == {"half_up", "truncate"}


@pytest.mark.parametrize(
    ("value", "places", "mode", "expected"),
    [
        ("3.9464", 1, "half_up", "3.9"),
        ("3.9464", 2, "half_up", "3.95"),
        ("3.9464", 2, "truncate", "3.94"),
        ("0.125", 2, "half_up", "0.13"),
        ("0.125", 2, "truncate", "0.12"),
        ("-0.125", 2, "half_up", "-0.13"),
        ("-0.125", 2, "truncate", "-0.12"),
        ("19.95", 1, "half_up", "20.0"),
        ("39.95", 1, "truncate", "39.9"),
        ("3.34", 2, "half_up", "3.34"),
        ("9.5", 0, "half_up", "10"),
        ("9.5", 0, "truncate", "9"),
    ],
)
def test_rounding_apply(value: str, places: int, mode: str, expected: str) -> None:
    assert Rounding(places, mode).apply(D(value)) == D(expected)  # type: ignore[arg-type]


def test_rounding_apply_twice_changes_nothing() -> None:
    once = Rounding(places=1).apply(D("3.9464"))
    assert Rounding(places=1).apply(once) == once == D("3.9")


@pytest.mark.parametrize("places", [-1, 13, 100])
def test_rounding_places_out_of_range(places: int) -> None:
    with pytest.raises(ValueError, match="places"):
        Rounding(places=places)


def test_rounding_mode_must_be_known() -> None:
    with pytest.raises(ValueError, match="mode"):
        Rounding(mode="half_even")  # type: ignore[arg-type]


def test_rounding_places_float_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        Rounding(places=2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("places", [True, "2", None])
def test_rounding_places_must_be_an_int(places: object) -> None:
    with pytest.raises(TypeError, match="places"):
        Rounding(places=places)  # type: ignore[arg-type]


def test_rounding_apply_float_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="float"):
        Rounding(places=2).apply(0.125)  # type: ignore[arg-type]


def test_rounding_is_frozen() -> None:
    rounding = Rounding()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rounding.places = 3  # type: ignore[misc]


# --- fmt, fmt_percent, show_quotient, mul, fraction_to_decimal --------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20.00", "20"),
        ("3.90", "3.9"),
        ("3.34", "3.34"),
        ("39.9", "39.9"),
        ("0.00", "0"),
        ("-0.0", "0"),
        ("1E+2", "100"),
        ("258256.8", "258256.8"),
        ("-3.50", "-3.5"),
        ("0.000001", "0.000001"),
        ("9120.18", "9120.18"),
    ],
)
def test_fmt(value: str, expected: str) -> None:
    assert fmt(D(value)) == expected


@pytest.mark.parametrize(
    ("rate", "places", "expected"),
    [
        (Fraction(4933, 5000), 2, "98.66%"),  # 元岗 493.3 / 500
        (Fraction(2, 3), 2, "66.67%"),
        (Fraction(1), 2, "100%"),
        (Fraction(0), 2, "0%"),
        (Fraction(19, 20), 2, "95%"),
        (Fraction(1, 8), 0, "13%"),  # 12.5% half-up
        (Fraction(1, 8), 1, "12.5%"),
        (Fraction(15, 14), 2, "107.14%"),
    ],
)
def test_fmt_percent(rate: Fraction, places: int, expected: str) -> None:
    assert fmt_percent(rate, places=places) == expected


@pytest.mark.parametrize(
    ("num", "den", "kwargs", "expected"),
    [
        ("19732", "5000", {}, "3.9464"),
        ("10", "4", {}, "2.5"),
        ("2", "3", {}, "≈0.666667"),
        ("1", "3", {"places": 2}, "≈0.33"),
        ("0.1", "0.20", {}, "0.5"),
    ],
)
def test_show_quotient(num: str, den: str, kwargs: dict[str, int], expected: str) -> None:
    assert show_quotient(D(num), D(den), **kwargs) == expected


def test_mul_is_exact() -> None:
    assert mul(D(4), D("0.9866")) == D("3.9464")
    assert mul() == D(1)
    # 18 + 18 significant digits: the exact product has 36, more than a default context keeps
    a, b = D("123456789.123456789"), D("987654321.987654321")
    exact = D(f"{123456789123456789 * 987654321987654321}E-18")  # the constructor is exact
    assert mul(a, b) == exact


@pytest.mark.parametrize(
    ("rate", "rounding", "expected"),
    [
        (Fraction(2, 3), Rounding(4), "0.6667"),
        (Fraction(2, 3), Rounding(4, "truncate"), "0.6666"),
        (Fraction(4933, 5000), Rounding(2), "0.99"),
        (Fraction(1, 8), Rounding(2), "0.13"),
    ],
)
def test_fraction_to_decimal(rate: Fraction, rounding: Rounding, expected: str) -> None:
    assert fraction_to_decimal(rate, rounding) == D(expected)


def test_fmt_percent_is_exact_with_long_fractions() -> None:
    # (125·10^27 − 1) / 10^30 is 12.4999...% (28 nines): 12% at 0 places.  Multiplying the
    # 30-digit numerator by 100 in a 28-digit context would give exactly 12.5% -> 13%.
    assert fmt_percent(Fraction(125 * 10**27 - 1, 10**30), places=0) == "12%"
