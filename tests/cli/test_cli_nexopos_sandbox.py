"""``tillsync sandbox nexopos`` runs the NexoPOS simulator from its entry and prints its
token, which then opens the API over loopback."""

from __future__ import annotations

from pathlib import Path

import httpx

from sandbox.nexopos import ids

from .conftest import free_port
from .installation import Installation


def test_nexopos_sandbox_serves_with_its_printed_token(tmp_path: Path) -> None:
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    port = free_port()
    service = inst.spawn("sandbox", "nexopos", "--port", str(port), "--products", "5")
    try:
        service.wait_for(f"token: {ids.TOKEN}", timeout=60)
        headers = {"Authorization": f"Bearer {ids.TOKEN}", "Accept": "application/json"}
        products = httpx.get(f"http://127.0.0.1:{port}/api/products", headers=headers, timeout=10)
        assert len(products.json()) == 5
    finally:
        service.stop()
