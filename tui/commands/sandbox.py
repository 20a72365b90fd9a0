"""``tillsync sandbox woo|korona``: run one simulator in the foreground."""

from __future__ import annotations

import argparse

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    if args.system == "woo":
        from sandbox.woocommerce import serve_forever

        serve_forever(host=args.host, port=args.port, https=args.https, seed_products=args.products)
    else:
        from sandbox.korona import serve_forever

        serve_forever(host=args.host, port=args.port, seed_products=args.products)
    return 0
