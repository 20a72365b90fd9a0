"""JSON the way PHP's ``wp_json_encode`` writes it: ASCII only, slashes escaped.

The raw bytes matter: webhook signatures are computed over them, so a
receiver that re-serialises the JSON before checking the HMAC fails here as
it would against a real store.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

__all__ = ["PhpJSONResponse", "php_json"]


def php_json(payload: Any) -> bytes:
    """``json_encode($payload)`` with PHP's default flags."""
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


class PhpJSONResponse(Response):
    media_type = "application/json; charset=UTF-8"

    def render(self, content: Any) -> bytes:
        return php_json(content)
