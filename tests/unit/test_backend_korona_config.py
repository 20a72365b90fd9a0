"""KORONA settings from the config file to the adapter, and the defaults they share."""

from __future__ import annotations

import tomllib
from pathlib import Path

from engine.config import parse_config, render_starter_config
from engine.config.connection import SyncPreferences
from engine.events import EventBus
from engine.runtime.connection import build_connection
from engine.store import StateStore
from engine.sync.woo_fields import CatalogPreferences

CONFIG = """
[engine]
state_db = "{db}"

[connections.shop1.woo]
url = "https://shop.example.com"
consumer_key = "ck_0123456789abcdef0123456789abcdef01234567"

[connections.shop1.backend]
type = "korona"
base_url = "https://167.koronacloud.com/web/api/v3"
account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"
user = "woo-sync"
price_group = "Webshop"
{backend}

[connections.shop1.sync]
{sync}
"""
SECRETS = """
[connections.shop1.woo]
consumer_secret = "cs_0123456789abcdef0123456789abcdef01234567"
[connections.shop1.backend]
password = "korona-test-password"
"""


async def _adapter_settings(tmp_path: Path, backend: str = "", sync: str = ""):
    text = CONFIG.format(db=tmp_path / "state.db", backend=backend, sync=sync)
    config = parse_config(text, secrets_text=SECRETS, env={})
    async with StateStore.open(tmp_path / "state.db") as store:
        runtime = build_connection("shop1", config.connections["shop1"], store, EventBus())
        try:
            return runtime.backend.settings
        finally:
            await runtime.aclose()


async def test_price_includes_tax_reaches_the_adapter(tmp_path: Path) -> None:
    """The shop's setting decides whether a net KORONA price group is grossed up."""
    assert (await _adapter_settings(tmp_path)).price_includes_tax is True
    net_shop = await _adapter_settings(tmp_path, sync="price_includes_tax = false")
    assert net_shop.price_includes_tax is False


async def test_weight_property_reaches_the_adapter(tmp_path: Path) -> None:
    assert (await _adapter_settings(tmp_path)).weight_property == "weight"
    german = await _adapter_settings(tmp_path, backend='weight_property = "Gewicht"')
    assert german.weight_property == "Gewicht"


def test_hide_out_of_stock_defaults_agree_everywhere() -> None:
    """The starter config, the config model and the catalog job all hide by default."""
    starter = tomllib.loads(render_starter_config(connection="shop1", timezone="UTC"))
    assert starter["connections"]["shop1"]["sync"]["hide_out_of_stock"] is True
    assert SyncPreferences().hide_out_of_stock is True
    assert CatalogPreferences().hide_out_of_stock is True
