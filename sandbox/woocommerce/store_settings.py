"""Store-wide settings: currency, tax classes and rates, payment gateways.

A new WooCommerce store has the tax classes ``standard``, ``reduced-rate``
and ``zero-rate`` and the gateways ``bacs``, ``cheque`` and ``cod``; those
three do not support refunds through the API, so ``api_refund: true`` on an
order paid with them fails exactly as on a real store.  The demo seed adds
``stripe`` and ``ppcp-gateway``, which do.  Rates are an EU-style example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["StoreSettings", "gateway"]

WC_VERSION = "10.0.2"
WP_VERSION = "6.8.8"


def _title_setting(title: str) -> dict[str, Any]:
    return {
        "id": "title",
        "label": "Title",
        "description": "This controls the title which the user sees during checkout.",
        "type": "safe_text",
        "value": title,
        "default": title,
        "tip": "",
        "placeholder": "",
    }


def gateway(
    gateway_id: str, title: str, method_title: str, order: int, refunds: bool = False
) -> dict[str, Any]:
    """A payment gateway record as ``GET /payment_gateways/{id}`` shows it."""
    return {
        "id": gateway_id,
        "title": title,
        "description": f"Pay with {title.lower()}.",
        "order": order,
        "enabled": True,
        "method_title": method_title,
        "method_description": f"{method_title} payments.",
        "method_supports": ["products", "refunds"] if refunds else ["products"],
        "settings": {"title": _title_setting(title)},
        "needs_setup": False,
        "post_install_scripts": [],
        "settings_url": f"/wp-admin/admin.php?page=wc-settings&tab=checkout&section={gateway_id}",
        "connection_url": None,
        "setup_help_text": None,
        "required_settings_keys": [],
    }


def _default_gateways() -> dict[str, dict[str, Any]]:
    return {
        "bacs": gateway("bacs", "Direct bank transfer", "Direct bank transfer", 0),
        "cheque": gateway("cheque", "Check payments", "Check payments", 1),
        "cod": gateway("cod", "Cash on delivery", "Cash on delivery", 2),
    }


def _rate(rate_id: int, rate: str, name: str, tax_class: str, shipping: bool) -> dict[str, Any]:
    return {
        "id": rate_id,
        "country": "",
        "state": "",
        "postcode": "",
        "city": "",
        "postcodes": [],
        "cities": [],
        "rate": rate,
        "name": name,
        "priority": 1,
        "compound": False,
        "shipping": shipping,
        "order": rate_id - 1,
        "class": tax_class,
    }


def _default_rates() -> list[dict[str, Any]]:
    return [
        _rate(1, "20.0000", "VAT", "standard", True),
        _rate(2, "10.0000", "Reduced VAT", "reduced-rate", False),
        _rate(3, "0.0000", "Zero VAT", "zero-rate", False),
    ]


@dataclass
class StoreSettings:
    """Mutable store settings (the API can add tax classes, edit gateways)."""

    site_name: str = "Sandbox Store"
    currency: str = "EUR"
    currency_symbol: str = "&euro;"
    prices_include_tax: bool = False
    base_country: str = "SK"
    tax_classes: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"slug": "standard", "name": "Standard"},
            {"slug": "reduced-rate", "name": "Reduced rate"},
            {"slug": "zero-rate", "name": "Zero rate"},
        ]
    )
    tax_rates: list[dict[str, Any]] = field(default_factory=_default_rates)
    payment_gateways: dict[str, dict[str, Any]] = field(default_factory=_default_gateways)

    def rate_for(self, tax_class: str) -> dict[str, Any] | None:
        """The tax rate applying to a tax class slug ('' = standard), if any."""
        slug = tax_class or "standard"
        return next((r for r in self.tax_rates if r["class"] == slug), None)
