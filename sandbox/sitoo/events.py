"""The Events SPI client: Sitoo pushes events to an endpoint the integrator runs.

[V] (developer.sitoo.com/spi-events): ``POST`` of a JSON array of up to 10
events in chronological order; optional HTTP Basic auth configured for the
callback (not the API credentials); a batch that is not accepted (timeout,
429, 503, 504 — newer text: any non-200 except other 4xx) is sent again and
**blocks the events behind it**; a 200 (and, per one version, a 4xx other
than 429) removes it from the queue; retries go on for about a day
(``retry_interval`` here, scaled for tests) and then the batch is dropped.
An event is ``{event_id (UUID), event_type, event_date (unix), account_id,
data}``; duplicates can happen.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["EventsClient"]

_BATCH = 10


@dataclass
class EventsClient:
    """Posts queued events to ``url`` from a background thread until each batch is accepted."""

    url: str
    account_id: str
    auth: tuple[str, str] | None = None
    retry_interval: float = 0.05
    give_up_after: float = 86_400.0
    timeout: float = 15.0
    queue: deque = field(default_factory=deque)
    accepted: list[list[dict[str, Any]]] = field(default_factory=list)
    attempts: int = 0
    dropped: int = 0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def emit(self, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        event = {
            "event_id": str(uuid.uuid4()),
            "event_type": event_type,
            "event_date": int(time.time()),
            "account_id": self.account_id,
            "data": data,
        }
        self.queue.append(event)
        self._wake.set()
        return event

    def start(self) -> EventsClient:
        self._thread = threading.Thread(target=self._run, name="sitoo-events", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def delivered(self) -> int:
        return sum(len(batch) for batch in self.accepted)

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout, auth=self.auth) as client:
            while not self._stop.is_set():
                if not self.queue:
                    self._wake.wait(0.5)
                    self._wake.clear()
                    continue
                batch = [self.queue[i] for i in range(min(_BATCH, len(self.queue)))]
                self._deliver(client, batch)

    def _deliver(self, client: httpx.Client, batch: list[dict[str, Any]]) -> None:
        """Send one batch until it is accepted (or dropped); the queue waits behind it."""
        first_try = time.monotonic()
        while not self._stop.is_set():
            self.attempts += 1
            if self._accepted(client, batch):
                self.accepted.append(batch)
                break
            if time.monotonic() - first_try > self.give_up_after:
                self.dropped += len(batch)
                break
            self._stop.wait(self.retry_interval)
        for _ in batch:
            self.queue.popleft()

    def _accepted(self, client: httpx.Client, batch: list[dict[str, Any]]) -> bool:
        try:
            status = client.post(self.url, json=batch).status_code
        except httpx.HTTPError:
            return False
        return status == 200 or (400 <= status < 500 and status != 429)
