"""The passthroughs every adapter built on one API object repeats.

WHY: most adapters keep one ``_api`` object that owns the transport (a
:class:`~engine.transport.RemoteClient` as its ``client``).  The engine
reads the transport's counters and last redacted capture through the
backend and closes it through the backend; those three members were the
same lines in every adapter, so they live here once.
"""

from __future__ import annotations

from typing import Protocol

from engine.backends.base import BackendBase
from engine.errors import Capture
from engine.transport import RemoteClient, RequestStats

__all__ = ["ApiBackend", "ClientApi"]


class ClientApi(Protocol):
    """An adapter's API object: the transport it owns, closed with it."""

    client: RemoteClient

    async def aclose(self) -> None: ...


class ApiBackend(BackendBase):
    """A :class:`BackendBase` whose ``_api`` owns the transport."""

    _api: ClientApi

    @property
    def stats(self) -> RequestStats:
        return self._api.client.stats

    @property
    def last_capture(self) -> Capture | None:
        return self._api.client.last_capture

    async def aclose(self) -> None:
        await self._api.aclose()
