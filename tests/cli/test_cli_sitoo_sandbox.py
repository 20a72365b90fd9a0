"""``tillsync sandbox sitoo`` runs the Sitoo simulator from its entry and prints the
sandbox credentials, which then open the API over loopback."""

from __future__ import annotations

from pathlib import Path

import httpx

from sandbox import sitoo

from .conftest import free_port
from .installation import Installation


def test_sitoo_sandbox_serves_with_its_printed_credentials(tmp_path: Path) -> None:
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    port = free_port()
    service = inst.spawn("sandbox", "sitoo", "--port", str(port), "--products", "5")
    try:
        service.wait_for(f"API password: {sitoo.DEFAULT_PASSWORD}", timeout=60)
        base = f"http://127.0.0.1:{port}/v2/accounts/{sitoo.DEFAULT_ACCOUNT_ID}"
        auth = (f"{sitoo.DEFAULT_ACCOUNT_ID}-1", sitoo.DEFAULT_PASSWORD)
        products = httpx.get(f"{base}/sites/1/products.json", auth=auth, timeout=10).json()
        assert products["totalcount"] >= 5
    finally:
        service.stop()
