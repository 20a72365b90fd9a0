"""The site's home address as WordPress reports it, to explain "Invalid signature".

Over plain http WooCommerce checks an OAuth 1.0a signature against its own
home address plus the request path (``get_home_url``), not against the
address the request was sent to.  A store configured as
``http://localhost:8080`` for a site whose home is ``http://127.0.0.1:8080``
reaches the right server and still gets "Invalid signature".  The public
REST index (``GET /wp-json/``, no credentials) says which address that is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

__all__ = ["home_differs", "site_home"]


INDEX_TIMEOUT_S = 10.0


async def site_home(store_url: str) -> str | None:
    """``home`` from the store's REST index; None when it can't be read."""
    index = store_url.rstrip("/") + "/wp-json/"
    try:
        async with httpx.AsyncClient(timeout=INDEX_TIMEOUT_S, follow_redirects=True) as http:
            data = (await http.get(index, headers={"Accept": "application/json"})).json()
    except (httpx.HTTPError, ValueError):
        return None
    home = data.get("home") if isinstance(data, dict) else None
    return home.rstrip("/") if isinstance(home, str) and home else None


def home_differs(store_url: str, home: str) -> bool:
    """True when a signature over ``store_url`` can't match one over ``home``.

    The scheme does not count: WooCommerce signs with the request's scheme.
    """
    ours, theirs = urlsplit(store_url.rstrip("/")), urlsplit(home.rstrip("/"))
    return (ours.netloc.lower(), ours.path) != (theirs.netloc.lower(), theirs.path)
