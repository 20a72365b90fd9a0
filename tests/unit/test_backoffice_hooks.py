"""Which connections get POST …/<name>/backoffice: those whose back office notifies."""

from __future__ import annotations

from types import SimpleNamespace

from starlette.testclient import TestClient

from engine.backends.base import BackendBase, Capability
from engine.runtime.order_services import backoffice_hooks
from engine.webhooks import WebhookReceiver


class _Notifies(BackendBase):
    name = "notifies"
    capabilities = frozenset({Capability.SALES_CREATE, Capability.NOTIFICATIONS})


class _Silent(BackendBase):
    name = "silent"
    capabilities = frozenset({Capability.SALES_CREATE})


def _conn(name: str, backend: BackendBase, worker: bool = True) -> SimpleNamespace:
    booker = SimpleNamespace(backoffice_event=None) if worker else None
    return SimpleNamespace(name=name, backend=backend, worker=booker)


def test_only_notifying_back_offices_that_book_get_the_route() -> None:
    conns = [_conn("a", _Notifies()), _conn("b", _Silent()), _conn("c", _Notifies(), False)]
    hooks = backoffice_hooks(conns, 1024)  # type: ignore[arg-type]
    assert hooks is not None and sorted(hooks.endpoints) == ["a"]
    assert backoffice_hooks([_conn("b", _Silent())], 1024) is None  # type: ignore[list-item]


def test_without_hooks_the_route_does_not_exist() -> None:
    async def intake(delivery):  # pragma: no cover - never reached
        raise AssertionError

    receiver = WebhookReceiver(secrets={"a": "s"}, intake=intake)
    with TestClient(receiver.app) as client:
        assert client.post("/webhooks/a/backoffice", content=b"{}").status_code == 404
