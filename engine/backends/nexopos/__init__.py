"""NexoPOS 6.x adapter (its internal REST API, Sanctum token)."""

from engine.backends.nexopos.backend import NexoposBackend, create_nexopos_backend
from engine.backends.nexopos.errors import PacedTransport, StockShortage
from engine.backends.nexopos.settings import NexoSettings

__all__ = [
    "NexoSettings",
    "NexoposBackend",
    "PacedTransport",
    "StockShortage",
    "create_nexopos_backend",
]
