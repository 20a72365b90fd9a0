"""Money: for any cart WooCommerce can produce, the receipt KORONA gets adds up to what
WooCommerce charged, to the currency's smallest unit — or the order is held and the
admin sees both sums and the difference.  Never a receipt that silently disagrees.

Orders are computed the way WooCommerce computes them (tests/reliability/woo_cart.py:
tax-inclusive and exclusive prices, per-line or per-subtotal tax rounding, half-up and
half-even, 0-, 2- and 3-decimal currencies, coupons, shipping, fees) and then run through
the real mapping (order_from_woo), the real hold rule (check_totals) and the real KORONA
receipt builder (receipt_from_order).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.backends.base import IdempotencyKey
from engine.backends.korona import KoronaSettings
from engine.backends.korona.receipts import (
    ItemTax,
    ReceiptRefs,
    product_handles,
    receipt_from_order,
)
from engine.sync.orders import check_totals, order_from_woo
from tests.reliability.woo_cart import (
    CURRENCY_PLACES,
    ROUNDING_MODES,
    TAX_CLASSES,
    Cart,
    CartLine,
    Charge,
    ShopTax,
    woo_order_json,
)

KEY = IdempotencyKey("a1b2c3d4", 1001)
EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cart_lines(draw: st.DrawFn, currency: str) -> CartLine:
    scale = 10 ** CURRENCY_PLACES[currency]
    price = draw(st.integers(1, 400 * scale))
    quantity = draw(st.integers(1, 7))
    discount = draw(st.integers(0, price * quantity // 2) | st.just(0))
    tax_class = draw(st.sampled_from(sorted(TAX_CLASSES)))
    return CartLine(f"A{draw(st.integers(1, 999))}", price, quantity, tax_class, discount)


@st.composite
def charges(draw: st.DrawFn, currency: str, *, negative: bool = False) -> Charge:
    scale = 10 ** CURRENCY_PLACES[currency]
    amount = draw(st.integers(1, 30 * scale))
    if negative and draw(st.booleans()):
        return Charge(-amount, taxable=False)  # a discount entered as a fee
    return Charge(amount, draw(st.booleans()), draw(st.sampled_from(sorted(TAX_CLASSES))))


@st.composite
def carts(draw: st.DrawFn) -> Cart:
    currency = draw(st.sampled_from(sorted(CURRENCY_PLACES)))
    tax = ShopTax(
        prices_include_tax=draw(st.booleans()),
        round_at_subtotal=draw(st.booleans()),
        rounding=draw(st.sampled_from(sorted(ROUNDING_MODES))),
    )
    lines = tuple(draw(st.lists(cart_lines(currency), min_size=1, max_size=5)))
    shipping = draw(st.none() | charges(currency))
    fees = tuple(draw(st.lists(charges(currency, negative=True), max_size=2)))
    return Cart(currency, tax, lines, shipping, fees)


def _settings(currency: str, taxes_included: bool) -> KoronaSettings:
    return KoronaSettings(
        base_url="https://korona.invalid/web/api/v3",
        account_id="acc",
        user="api",
        password="unused",
        payment_methods={"bacs": "pm-webshop"},
        shipping_product="SHIP",
        fee_product="FEE",
        taxes_included=taxes_included,
        currency=currency,
    )


def _refs(order, shop: KoronaSettings) -> ReceiptRefs:
    """Every product known to KORONA; the amounts on the wire are the shop's own, so
    the rate KORONA names for each line does not enter the sums checked here."""
    known = ItemTax(f"{'0' * 8}-0000-4000-8000-{'0' * 11}1", "sector", "tax", Decimal(20))
    return ReceiptRefs(dict.fromkeys(product_handles(order, shop), known), WAREHOUSE)


WAREHOUSE = f"{'0' * 8}-0000-4000-8000-{'0' * 11}2"


def _receipt_sums(receipt: dict) -> tuple[Decimal, Decimal, Decimal]:
    """(items gross, items tax, payments) exactly as they go on the wire."""
    items = receipt["items"]
    gross = sum((Decimal(i["total"]["gross"]) for i in items), Decimal(0))
    tax = sum((Decimal(t["amount"]) for i in items for t in i["total"]["taxPayments"]), Decimal(0))
    paid = sum((Decimal(p["amount"]) for p in receipt["payments"]), Decimal(0))
    return gross, tax, paid


@EXAMPLES
@given(cart=carts(), taxes_included=st.booleans())
def test_booked_receipts_match_woocommerce_to_the_smallest_unit_or_are_held(
    cart: Cart, taxes_included: bool
) -> None:
    woo = woo_order_json(cart)
    order = order_from_woo(woo)
    check = check_totals(order)
    shop = _settings(cart.currency, taxes_included)
    receipt = receipt_from_order(order, KEY, shop, _refs(order, shop))
    gross, tax, paid = _receipt_sums(receipt)
    exact = gross == paid == Decimal(woo["total"]) and tax == Decimal(woo["total_tax"])
    if check.ok:
        assert exact, (woo, receipt)  # booked ⇒ every unit accounted for
        return
    assert not exact, check.describe()  # held ⇒ the difference is real, not a false alarm
    text = check.describe()
    if check.booked_total != check.woo_total:
        assert f"{check.booked_total} {cart.currency}" in text
        assert f"{check.woo_total} {cart.currency}" in text
        assert f"difference {check.booked_total - check.woo_total:+}" in text


@EXAMPLES
@given(cart=carts())
def test_per_line_rounding_always_books(cart: Cart) -> None:
    """WooCommerce's default (taxes rounded per line) always adds up: never held."""
    per_line = Cart(
        cart.currency,
        ShopTax(cart.tax.prices_include_tax, False, cart.tax.rounding),
        cart.lines,
        cart.shipping,
        cart.fees,
    )
    check = check_totals(order_from_woo(woo_order_json(per_line)))
    assert check.ok, check.describe()
