"""What the engine-level integration tests set up the same way.

A back office registered the way an installed package is (a dist-info folder
with ``entry_points.txt`` on ``sys.path``), a WooCommerce sandbox on
loopback, and a one-connection ``config.toml`` with webhooks on a free port.
Each test file says only what differs: the entry point, the backend table,
the directions.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.backends import unregister_backend
from sandbox.server import RunningServer, start_server
from sandbox.woocommerce import WooSandbox, create_app

__all__ = ["FIXTURE", "free_port", "installed_plugin", "running_woo", "write_engine_config"]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal_backend"


@contextmanager
def installed_plugin(site: Path, dist: str, entry_point: str) -> Iterator[None]:
    """The plugin's metadata in ``site``, as ``pip install`` leaves it, and the fixture importable.

    ``entry_point`` is one ``name = module:ENTRY`` line; on the way out the
    back office is unregistered and the fixture's modules forgotten, so the
    next test registers it afresh.
    """
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[tillsync.backends]\n{entry_point}\n", encoding="utf-8"
    )
    added = [str(site), str(FIXTURE)]
    sys.path[:0] = added
    try:
        yield
    finally:
        for path in added:
            sys.path.remove(path)
        unregister_backend(entry_point.split("=")[0].strip())
        for name in [m for m in sys.modules if m.startswith(FIXTURE.name)]:
            sys.modules.pop(name)


@contextmanager
def running_woo(key: str, secret: str) -> Iterator[tuple[WooSandbox, RunningServer]]:
    """A WooCommerce sandbox served on loopback, its site URL the server's."""
    sandbox = WooSandbox(consumer_key=key, consumer_secret=secret)
    server = start_server(create_app(sandbox))
    sandbox.site_url = server.url
    try:
        yield sandbox, server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_engine_config(
    folder: Path,
    *,
    woo: tuple[str, str, str, str],
    backend: str,
    products: str,
    secrets: str = "",
) -> Path:
    """``config.toml`` (and ``secrets.toml`` when given) for one connection, shop1.

    ``woo`` is (url, consumer key, consumer secret, webhook secret);
    ``backend`` the lines of ``[connections.shop1.backend]``; ``secrets``
    the whole ``secrets.toml``.  Both files are 0600, as the loader demands.
    """
    url, key, secret, webhook_secret = woo
    port = free_port()
    path = folder / "config.toml"
    path.write_text(
        f"""
[engine]
state_db = "{folder / "state.db"}"
timezone = "UTC"

[webhooks]
port = {port}
public_url = "http://127.0.0.1:{port}/webhooks"

[connections.shop1.woo]
url = "{url}"
consumer_key = "{key}"
consumer_secret = "{secret}"
webhook_secret = "{webhook_secret}"

[connections.shop1.backend]
{backend.strip()}

[connections.shop1.directions]
products = "{products}"
""",
        encoding="utf-8",
    )
    written = [path]
    if secrets:
        written.append(folder / "secrets.toml")
        written[-1].write_text(secrets, encoding="utf-8")
    for file in written:
        file.chmod(0o600)
    return path
