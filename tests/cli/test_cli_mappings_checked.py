"""``mappings import`` checks each line against what WooCommerce and the back office
report, and refuses the whole file (naming every bad line and what exists) before
anything is written: a mistyped gateway or payment method would hold every order
paid that way."""

from __future__ import annotations

import pytest

from sandbox import korona as kor

from .conftest import Sandboxes
from .installation import Installation


def number_of(sandboxes: Sandboxes, collection: str, uuid: str) -> str:
    with sandboxes.korona.lock:
        record = sandboxes.korona.master.get(collection, uuid)
    assert record is not None and record.number
    return record.number


def mapped(install: Installation) -> list[tuple]:
    return install.query("SELECT kind, source, target FROM mappings ORDER BY kind, source")


def test_gateway_and_method_are_accepted_by_id_or_number(
    install: Installation, sandboxes: Sandboxes
):
    cash = number_of(sandboxes, "paymentMethods", kor.PAYMENT_CASH_ID)
    text = f'[payment]\n"cod" = "{cash}"\n"bacs" = "{kor.PAYMENT_WEBSHOP_ID}"\n'
    text += '[order_status]\n"wc-completed" = "booked"\n'
    result = install.run("mappings", "import", "-", stdin=text)
    assert result.code == 0, result.output
    assert ("payment", "cod", cash) in mapped(install)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            '[payment]\n"paypall" = "1"\n',
            "[payment] 'paypall': WooCommerce has no such gateway (it has: bacs Direct bank",
        ),
        (
            '[payment]\n"cod" = "99"\n',
            "[payment] cod = '99': the back office has no such payment method (it has: 1 Cash, "
            "2 Card, 3 Webshop prepaid, 4 PayPal)",
        ),
        (
            '[order_status]\n"complete" = "booked"\n',
            "[order_status] 'complete': not a WooCommerce order status (they are: pending,",
        ),
        (
            '[location]\n"main" = "Nowhere"\n',
            "[location] main = 'Nowhere': the back office has no such place",
        ),
    ],
)
def test_a_line_neither_side_knows_refuses_the_whole_file(
    install: Installation, sandboxes: Sandboxes, text: str, says: str
):
    good = '[tax_class]\n"*" = ""\n'
    result = install.run("mappings", "import", "-", stdin=good + text)
    assert result.code == 2, result.output
    assert says in result.stderr
    assert "nothing was imported" in result.stderr
    assert mapped(install) == []
