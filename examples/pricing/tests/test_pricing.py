import pytest

from pricing import apply_discount, total


def test_no_discount_keeps_the_price() -> None:
    assert apply_discount(1999, 0) == 1999


def test_discount_rounds_half_up() -> None:
    assert apply_discount(995, 10) == 896


def test_total_of_a_basket() -> None:
    assert total([1000, 2000], percent=50) == 1500


def test_percent_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        apply_discount(100, 101)
