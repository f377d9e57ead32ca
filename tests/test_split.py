"""Sharing an item's points over its indicators (docs/domain.md §5)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from selfscore import SelfScoreError, check_weights, split_points


def _d(*values: str) -> tuple[D, ...]:
    return tuple(D(v) for v in values)


# --- split_points ----------------------------------------------------------------------


def test_yuangang_2023_output_weights() -> None:
    # 元岗 2023 自评报告: 6 output indicators share 20 points as 3.34/3.33/3.33/3.33/3.33/3.34
    shares = split_points(20, 6)
    assert shares == _d("3.34", "3.33", "3.33", "3.33", "3.33", "3.34")
    assert sum(shares) == 20


def test_yuangang_2023_benefit_weights() -> None:
    # 5 benefit indicators at 4 each
    shares = split_points("20", 5)
    assert shares == _d("4", "4", "4", "4", "4")
    assert [str(s) for s in shares] == ["4.00"] * 5


@pytest.mark.parametrize(
    ("leftover", "expected"),
    [
        ("ends", ("3.34", "3.33", "3.33", "3.33", "3.33", "3.34")),
        ("first", ("3.34", "3.34", "3.33", "3.33", "3.33", "3.33")),
        ("last", ("3.33", "3.33", "3.33", "3.33", "3.34", "3.34")),
    ],
)
def test_leftover_orders(leftover: str, expected: tuple[str, ...]) -> None:
    assert split_points(20, 6, leftover=leftover) == _d(*expected)  # type: ignore[arg-type]


def test_ends_order_goes_first_last_second_second_to_last() -> None:
    # 20.03 = 2003 cents over 6: 333 each and 5 spare cents to positions 1, 6, 2, 5, 3
    assert split_points("20.03", 6) == _d("3.34", "3.34", "3.34", "3.33", "3.34", "3.34")
    # 4 cents over 5: the middle one is handed out last
    assert split_points("0.04", 5) == _d("0.01", "0.01", "0", "0.01", "0.01")
    assert split_points("0.05", 5) == _d("0.01", "0.01", "0.01", "0.01", "0.01")


def test_one_spare_cent_goes_to_the_first() -> None:
    assert split_points(10, 3) == _d("3.34", "3.33", "3.33")
    assert split_points(10, 3, leftover="last") == _d("3.33", "3.33", "3.34")


def test_places() -> None:
    assert split_points(10, 3, places=0) == _d("4", "3", "3")
    assert split_points(10, 3, places=0, leftover="last") == _d("3", "3", "4")
    assert split_points(1, 3, places=1) == _d("0.4", "0.3", "0.3")
    assert split_points(1, 3, places=3) == _d("0.334", "0.333", "0.333")


def test_single_indicator_and_zero_total() -> None:
    assert split_points(10, 1) == _d("10")
    assert split_points(0, 3) == _d("0", "0", "0")


def test_total_as_full_width_text() -> None:
    assert split_points("２０", 6) == _d("3.34", "3.33", "3.33", "3.33", "3.33", "3.34")


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((20, 0), {}, "'n'"),
        ((20, -1), {}, "'n'"),
        ((-20, 6), {}, "total"),
        (("20.001", 6), {}, "decimal places"),
        (("0.5", 2), {"places": 0}, "decimal places"),
        ((20, 6), {"leftover": "middle"}, "leftover"),
        ((20, 6), {"places": 13}, "places"),
        ((20, 6), {"places": -1}, "places"),
        (("abc", 6), {}, "abc"),
    ],
)
def test_split_points_rejects(args: tuple[object, ...], kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        split_points(*args, **kwargs)  # type: ignore[arg-type]


def test_split_points_refuses_float_total() -> None:
    with pytest.raises(TypeError, match="float"):
        split_points(20.0, 6)  # type: ignore[arg-type]


def test_split_points_refuses_float_count() -> None:
    with pytest.raises(TypeError, match="float"):
        split_points(20, 6.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [True, "6", None])
def test_split_points_count_must_be_an_int(n: object) -> None:
    with pytest.raises(TypeError, match="'n'"):
        split_points(20, n)  # type: ignore[arg-type]


def test_split_points_refuses_float_places() -> None:
    with pytest.raises(TypeError, match="float"):
        split_points(20, 6, places=2.0)  # type: ignore[arg-type]


# --- check_weights ---------------------------------------------------------------------


def test_check_weights_accepts_yuangang_weights() -> None:
    weights = check_weights(["3.34", "3.33", "3.33", "3.33", "3.33", "3.34"], 20)
    assert weights == _d("3.34", "3.33", "3.33", "3.33", "3.33", "3.34")
    assert all(type(w) is D for w in weights)


def test_check_weights_accepts_ints_decimals_and_equal_values() -> None:
    assert check_weights([4, 4, 4, 4, 4], 20) == _d("4", "4", "4", "4", "4")
    assert check_weights([D("3.340"), "16.66"], "20.0") == _d("3.34", "16.66")
    assert check_weights([], 0) == ()


@pytest.mark.parametrize(
    ("weights", "total", "shown"),
    [
        (["3.33"] * 6, 20, "19.98"),
        (["3.34"] * 6, 20, "20.04"),
        (["4", "4", "4", "4", "3.9"], 20, "19.9"),
        ([], 20, "0"),
        (["20.000001"], 20, "20.000001"),
    ],
)
def test_check_weights_rejects_a_wrong_sum(weights: list[str], total: int, shown: str) -> None:
    with pytest.raises(SelfScoreError) as info:
        check_weights(weights, total)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert shown in message
    assert str(total) in message


def test_check_weights_rejects_negative_weight() -> None:
    with pytest.raises(ValueError) as info:
        check_weights(["21", "-1"], 20)
    assert str(info.value) == "第2个分值为负数 (weight must be >= 0): -1"


def test_check_weights_names_a_weight_that_is_not_a_number_in_chinese() -> None:
    with pytest.raises(ValueError) as info:
        check_weights(["20", "二十"], 20)
    assert str(info.value) == "第2个分值 (weight 2) 不是数值 (not a number): “二十”"


def test_split_points_messages_are_chinese_first() -> None:
    with pytest.raises(ValueError) as negative:
        split_points(-20, 6)
    assert str(negative.value) == "分值为负数 ('total' must be >= 0): -20"
    with pytest.raises(ValueError) as places:
        split_points("20.001", 6)
    assert str(places.value) == "分值 20.001 的小数位多于 2 位 ('total' has more than 2 decimal places)"


def test_check_weights_refuses_floats() -> None:
    with pytest.raises(TypeError, match="float"):
        check_weights([3.34, "16.66"], 20)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="float"):
        check_weights(["4"] * 5, 20.0)  # type: ignore[arg-type]


def test_weights_problem_is_the_one_wording() -> None:
    from selfscore.core.split import weights_problem

    assert weights_problem(D("20.00"), D("20")) is None
    assert weights_problem(D("19.9"), D("20"), "产出") == (
        "“产出”各指标分值之和 19.9 不等于该项分值 20 (weights do not add up to the item's points)")
    with pytest.raises(SelfScoreError) as info:
        check_weights(["12.5", "7.4"], 20)
    assert str(info.value) == "各指标分值之和 19.9 不等于该项分值 20 (weights do not add up to the item's points)"
