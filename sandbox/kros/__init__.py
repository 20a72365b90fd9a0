"""KROS Fakturácia + Sklad sandbox: a strict HTTP simulator of one KROS company.

Built from ``shared/reference/kros-api.md`` and ``kros-contract.md``, never
from our adapter; inferred behaviour is marked [I] in each module and listed
in docs/sandbox-kros.md.

    kb = KrosSandbox(webhook_url="http://127.0.0.1:9000/webhooks/shop/backoffice")
    kb.seed(products=12)
    server = start_server(create_app(kb))
    base_url = f"{server.url}/api"
"""

from sandbox.kros.app import API_BASE, create_app, serve_forever
from sandbox.kros.company import (
    BASE_CURRENCY,
    DEFAULT_TOKEN,
    WEBHOOK_SECRET,
    Knobs,
    KrosSandbox,
)
from sandbox.kros.rates import CNB_PATH, ECB_PATH
from sandbox.kros.signature import HEADER as SIGNATURE_HEADER
from sandbox.kros.signature import sign

__all__ = [
    "API_BASE",
    "BASE_CURRENCY",
    "CNB_PATH",
    "DEFAULT_TOKEN",
    "ECB_PATH",
    "SIGNATURE_HEADER",
    "WEBHOOK_SECRET",
    "Knobs",
    "KrosSandbox",
    "create_app",
    "serve_forever",
    "sign",
]
