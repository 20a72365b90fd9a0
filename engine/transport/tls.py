"""One SSL context per CA set, shared by every client of the process.

httpx builds a fresh ``SSLContext`` for each ``AsyncClient`` and loads the
whole certificate bundle into it — about 80 ms and over a megabyte each,
even for a client that only ever speaks plain http.  With hundreds of
connections configured, start-up took minutes.  A context is safe to share
between clients (it holds settings and trust anchors, not connections), so
the first client of a CA set builds it and the rest reuse it.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import httpx

__all__ = ["http_transport", "shared_ssl_context"]

_contexts: dict[str, ssl.SSLContext] = {}
_lock = threading.Lock()  # the console's engine runs on its own thread


def shared_ssl_context(verify: bool | str | ssl.SSLContext) -> ssl.SSLContext:
    """The process's context for ``verify``: True (the default bundle), a CA file, or False."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    key = "default" if verify is True else "insecure" if verify is False else _ca_key(verify)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = _contexts[key] = _build(verify)
        return context


def http_transport(
    given: httpx.AsyncBaseTransport | None, verify: bool | str | ssl.SSLContext
) -> httpx.AsyncBaseTransport:
    """The transport an adapter's API sends through: the one given (tests, sandboxes),
    else plain HTTP on the process's shared context for ``verify`` (see above)."""
    return given or httpx.AsyncHTTPTransport(verify=shared_ssl_context(verify))


def _ca_key(cafile: str) -> str:
    return "cafile:" + str(Path(cafile).expanduser().resolve())


def _build(verify: bool | str) -> ssl.SSLContext:
    if isinstance(verify, str):  # httpx 0.28 deprecates verify=<path>
        return ssl.create_default_context(cafile=verify)
    return httpx.create_ssl_context(verify=verify)
