from decimal import Decimal

import pytest

from engine.model import Money


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money.of("1", "EUR") + Money.of("1", "USD")


def test_money_rounds_explicitly() -> None:
    assert Money.of("2.345", "EUR").quantize().amount == Decimal("2.35")
    assert (Money.of("1.10", "EUR") * 3).amount == Decimal("3.30")
