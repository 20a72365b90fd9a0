"""The back office's entry is what the core reads (issue 15)."""

from __future__ import annotations

from engine.backends import Capability, available_backends, backend_entry
from engine.config import parse_config, render_starter_config, render_starter_secrets
from engine.runtime.views import ConsoleOffers


def test_the_built_in_back_office_is_found_through_its_entry_point() -> None:
    from importlib import metadata

    points = {p.name: p.value for p in metadata.entry_points(group="tillsync.backends")}
    assert set(points) <= set(available_backends())
    for name in points:
        assert backend_entry(name).name == name


def test_the_backend_table_is_validated_by_the_entrys_model() -> None:
    for name in available_backends():
        entry = backend_entry(name)
        config = parse_config(
            render_starter_config(timezone="UTC", backend=name),
            secrets_text=render_starter_secrets(backend=name),
        )
        assert isinstance(config.connections["shop1"].backend, entry.settings_model)


def test_capabilities_decide_what_the_console_offers() -> None:
    none = ConsoleOffers.of(frozenset())
    assert not any(vars(none).values())
    seller = ConsoleOffers.of(frozenset({Capability.SALES_CREATE, Capability.SALES_VOID}))
    assert seller.book_orders and seller.void and not seller.invoices
    invoicing = ConsoleOffers.of(frozenset({Capability.INVOICES_SEND, Capability.VOUCHERS}))
    assert invoicing.invoices and invoicing.vouchers and not invoicing.void
    pushing = ConsoleOffers.of(frozenset({Capability.STOCK_WRITE}))
    assert pushing.push_jobs and not pushing.book_orders
