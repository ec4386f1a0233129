import pytest

from inventory import Inventory, OutOfStock


def test_add_and_take() -> None:
    inv = Inventory()
    assert inv.add("apple", 3) == 3
    assert inv.take("apple", 2) == 1


def test_cannot_take_more_than_stock() -> None:
    inv = Inventory()
    inv.add("pear", 1)
    with pytest.raises(OutOfStock):
        inv.take("pear", 2)
