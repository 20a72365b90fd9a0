"""``_links`` blocks and REST URLs, shared by every resource renderer."""

from __future__ import annotations

from typing import Any

__all__ = ["api_url", "resource_links"]


def api_url(site: str, route: str) -> str:
    """``<site>/wp-json/wc/v3/<route>``."""
    return f"{site}/wp-json/wc/v3/{route}"


def resource_links(site: str, item: str, collection: str, **extra: str) -> dict[str, Any]:
    """``self`` and ``collection`` links (plus e.g. ``up``) as WooCommerce adds them."""
    links: dict[str, Any] = {
        "self": [{"href": api_url(site, item)}],
        "collection": [{"href": api_url(site, collection)}],
    }
    for rel, route in extra.items():
        links[rel] = [{"href": api_url(site, route)}]
    return links
