"""NexoPOS 6.2.1 sandbox: a strict HTTP simulator of one store's internal REST API.

Built from ``shared/reference/nexopos-api.md`` (and its §11, what a running
6.2.1 answered), never from our adapter.  Each module's docstring marks what
is verified and what is inferred.

    sb = seed_store(NexoSandbox(), products=20)
    server = start_server(create_app(sb))   # base URL: server.url
"""

from sandbox.nexopos import ids
from sandbox.nexopos.app import API_BASE, create_app, serve_forever
from sandbox.nexopos.seed import add_category, add_product, add_variable_product, seed_store
from sandbox.nexopos.state import ALL_PERMISSIONS, Knobs, NexoSandbox

__all__ = [
    "ALL_PERMISSIONS",
    "API_BASE",
    "Knobs",
    "NexoSandbox",
    "add_category",
    "add_product",
    "add_variable_product",
    "create_app",
    "ids",
    "seed_store",
    "serve_forever",
]
