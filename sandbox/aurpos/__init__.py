"""Ultimate POS "Connector" sandbox, the API AurPOS is built on.

Built from ``shared/reference/aurpos-api.md`` (facts marked [V]erified or
[I]nferred there and in each module's docstring), never from our adapter.

    sb = seed_demo(AurposSandbox())
    server = start_server(create_app(sb))
    token_url = f"{server.url}{sb.prefix}/oauth/token"
"""

from sandbox.aurpos.app import API_PATH, create_app, serve_forever
from sandbox.aurpos.faults import Knobs, SellFault
from sandbox.aurpos.seed import DEMO_CLIENT, DEMO_USER, FULL_PERMISSIONS, seed_demo
from sandbox.aurpos.state import AurposSandbox, Client, User

__all__ = [
    "API_PATH",
    "DEMO_CLIENT",
    "DEMO_USER",
    "FULL_PERMISSIONS",
    "AurposSandbox",
    "Client",
    "Knobs",
    "SellFault",
    "User",
    "create_app",
    "seed_demo",
    "serve_forever",
]
