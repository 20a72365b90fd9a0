"""``tillsync sandbox woo|<back office>``: run one simulator in the foreground.

A back office's simulator is the one its entry names (``"module:attr"`` of a
``serve_forever(host, port, seed_products)``), so this command names none.
"""

from __future__ import annotations

import argparse
import importlib

from engine.runtime.views_setup import setup_entry

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    if args.system == "woo":
        from sandbox.woocommerce import serve_forever

        serve_forever(host=args.host, port=args.port, https=args.https, seed_products=args.products)
        return 0
    module, _, attribute = setup_entry(args.system).sandbox.partition(":")
    serve_forever = getattr(importlib.import_module(module), attribute)
    serve_forever(host=args.host, port=args.port, seed_products=args.products)
    return 0
