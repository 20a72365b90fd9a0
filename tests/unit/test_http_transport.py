"""Every adapter's API gets its transport from one place (engine.transport.http_transport)."""

from __future__ import annotations

import httpx

from engine.transport import http_transport, shared_ssl_context


def test_a_given_transport_is_used_as_is() -> None:
    given = httpx.MockTransport(lambda request: httpx.Response(204))
    assert http_transport(given, verify=True) is given


def test_without_one_it_is_plain_http_on_the_shared_context() -> None:
    built = http_transport(None, verify=False)
    assert isinstance(built, httpx.AsyncHTTPTransport)
    context = built._pool._ssl_context  # httpcore keeps the context it was given
    assert context is shared_ssl_context(False)
    assert http_transport(None, verify=False)._pool._ssl_context is context
