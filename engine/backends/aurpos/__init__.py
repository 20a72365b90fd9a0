"""AurPOS adapter, through the Ultimate POS Connector API it is built on."""

from engine.backends.aurpos.backend import AurposBackend, create_aurpos_backend
from engine.backends.aurpos.settings import AurposSettings

__all__ = ["AurposBackend", "AurposSettings", "create_aurpos_backend"]
