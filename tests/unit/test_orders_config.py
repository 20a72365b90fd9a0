"""Order settings from the config file to the worker, and places from the adapter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from engine.config import parse_config
from engine.events import EventBus
from engine.model import LocationKind
from engine.runtime.connection import build_connection
from engine.store import StateStore
from engine.sync.orders.order_extras import DEFAULT_META_KEYS

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
warehouse = "2"
point_of_sale = "90"

[connections.shop1.orders]
{orders}
"""
SECRETS = """
[connections.shop1.woo]
consumer_secret = "cs_0123456789abcdef0123456789abcdef01234567"
[connections.shop1.backend]
password = "test-password"
"""


async def _runtime(tmp_path: Path, orders: str = ""):
    config = parse_config(
        CONFIG.format(db=tmp_path / "state.db", orders=orders), secrets_text=SECRETS, env={}
    )
    store = await StateStore.open(tmp_path / "state.db")
    return build_connection("shop1", config.connections["shop1"], store, EventBus()), store


async def test_meta_keys_and_the_confirmation_deadline_reach_the_worker(tmp_path: Path) -> None:
    orders = 'confirm_within_minutes = 5\n[connections.shop1.orders.meta]\nvat_id = ["my_vat"]\n'
    runtime, store = await _runtime(tmp_path, orders + 'base_currency = "EUR"')
    try:
        keys = runtime.worker.rules.meta_keys
        assert (keys.vat_id, keys.base_currency) == (("my_vat",), "EUR")
        assert keys.tax_id == DEFAULT_META_KEYS.tax_id  # unset keys keep their defaults
        assert runtime.worker.confirmations.window.deadline == timedelta(minutes=5)
    finally:
        await runtime.aclose()
        await store.close()


async def test_defaults_and_the_stock_location_come_from_the_adapter(tmp_path: Path) -> None:
    runtime, store = await _runtime(tmp_path)
    try:
        assert runtime.worker.rules.meta_keys == DEFAULT_META_KEYS
        assert runtime.worker.confirmations.window.deadline == timedelta(hours=1)
        assert runtime.backend.locations[LocationKind.WAREHOUSE] == "2"
        assert runtime.ctx.stock_location_id == "2"
    finally:
        await runtime.aclose()
        await store.close()
