"""WooCommerce REST API v3 client and webhook signature check.

Everything the engine needs from a store goes through :class:`WooClient`,
which sits on the shared :mod:`engine.transport` (retry, limits, redaction).
"""

from engine.woo.auth import AuthMode, OAuth1Auth, QueryStringAuth, choose_auth
from engine.woo.batch import MAX_BATCH_ITEMS, BatchItemResult, BatchResult
from engine.woo.client import WooClient, api_base, woo_date
from engine.woo.faults import parse_woo_error
from engine.woo.pagination import MAX_PER_PAGE, Page
from engine.woo.signature import SIGNATURE_HEADER, sign, verify

__all__ = [
    "MAX_BATCH_ITEMS",
    "MAX_PER_PAGE",
    "SIGNATURE_HEADER",
    "AuthMode",
    "BatchItemResult",
    "BatchResult",
    "OAuth1Auth",
    "Page",
    "QueryStringAuth",
    "WooClient",
    "api_base",
    "choose_auth",
    "parse_woo_error",
    "sign",
    "verify",
    "woo_date",
]
