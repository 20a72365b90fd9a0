"""Every key of ``tillsync init``'s template changes something the engine uses.

A key that validates but reaches no job is worse than a missing one: the
admin sets it and nothing happens (``deactivated_to_draft`` was always on,
``price_includes_tax`` was read nowhere).  For each key of the starter
config this builds the engine twice — once as written, once with that key
changed — and compares what the jobs are handed: the catalog preferences,
the back-office adapter's settings, the WooCommerce client, the order
rules, the schedules, the alert sink, the webhook receiver, the options a
run gets.  The comparison walks the built objects, not the config, so a key
that stops at the config model fails here.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
import ssl
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.config import parse_config, render_starter_config, render_starter_secrets
from engine.errors import ConfigError
from engine.runtime import Engine
from engine.runtime.jobs import _dry_run
from tui.commands.session import Session

CONNECTION = "shop1"
SECRETS = render_starter_secrets(connection=CONNECTION).replace(
    '# webhook_secret = "change-me', 'webhook_secret = "change-me'
)

#: template key (``connection.`` stands for ``connections.<name>.``) -> a changed TOML value
CHANGED: dict[str, str] = {
    "engine.timezone": '"America/New_York"',
    "engine.debug": "true",
    "webhooks.host": '"127.0.0.2"',
    "webhooks.port": "8788",
    "webhooks.max_body_bytes": "2048",
    "notify.admin_email": '["admin@shop.example"]',
    "notify.smtp_port": "2525",
    "notify.starttls": "false",
    "notify.reconcile_mail": '"always"',
    "schedules.catalog": '"every 20 minutes"',
    "schedules.stock": '"every 7 minutes"',
    "schedules.orders_poll": '"every 9 minutes"',
    "schedules.customers": '"every 45 minutes"',
    "schedules.reconcile": '"daily at 02:00"',
    "schedules.webhook_health": '"every 25 minutes"',
    "schedules.heavy": '["reconcile", "catalog"]',
    "schedules.allow_fast": "true",
    "connection.enabled": "false",
    "connection.woo.url": '"https://other-shop.example.com"',
    "connection.woo.consumer_key": '"ck_other"',
    "connection.woo.auth": '"query"',
    "connection.woo.verify_tls": "false",
    "connection.woo.timeout": "12",
    "connection.backend.type": '"kros"',
    "connection.backend.base_url": '"https://168.koronacloud.com/web/api/v3"',
    "connection.backend.account_id": '"11111111-1111-1111-1111-111111111111"',
    "connection.backend.user": '"someone-else"',
    "connection.backend.taxes_included": "false",
    "connection.backend.currency": '"CZK"',
    "connection.backend.verify_tls": "false",
    "connection.backend.timeout": "12",
    "connection.sync.new_products_status": '"publish"',
    "connection.sync.sync_categories": "false",
    "connection.sync.hide_out_of_stock": "false",
    "connection.sync.deactivated_to_draft": "false",
    "connection.sync.sync_images": "false",
    "connection.sync.sync_gtin": "false",
    "connection.sync.description_mode": '"short"',
    "connection.sync.create_fields": '["name", "price"]',
    "connection.sync.update_fields": '["price", "quantity"]',
    "connection.sync.price_includes_tax": "false",
    "connection.sync.dry_run": "true",
    "connection.orders.trigger_status": '"processing"',
    "connection.orders.void_on": '["refunded"]',
    "connection.orders.watch_seconds": "7",
    # KORONA writes no products, categories or stock and reads no customers:
    # another way is refused when the connection is built
    "connection.directions.products": '"both"',
    "connection.directions.categories": '"push"',
    "connection.directions.stock": '"push"',
    "connection.directions.customers": '"pull"',
}

#: what a key needs beside it to show its effect (allow_fast only matters for a fast schedule;
#: mail settings only once there is someone to mail; heavy only inside quiet hours)
ALONGSIDE: dict[str, dict[str, str]] = {
    "schedules.allow_fast": {"schedules.stock": '"every 30s"'},
    "notify.smtp_port": {"notify.admin_email": '["a@shop.example"]'},
    "notify.starttls": {"notify.admin_email": '["a@shop.example"]'},
}
BASE: dict[str, str] = {  # a connection able to run every job, and to receive webhooks
    "connection.backend.price_group": '"Webshop"',
    "connection.backend.warehouse": '"1"',
    "connection.backend.point_of_sale": '"90"',
    "webhooks.public_url": '"https://sync.example.com/webhooks"',
    "notify.smtp_host": '"smtp.example.com"',
    "schedules.quiet_hours": '"01:00-05:00"',
}


def template_keys() -> list[str]:
    """Every key the template sets (commented-out examples are documentation)."""
    data = tomllib.loads(render_starter_config(connection=CONNECTION, timezone="Europe/Vienna"))

    def walk(table: dict[str, Any], prefix: str) -> Iterator[str]:
        for key, value in table.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                yield from walk(value, f"{path}.")
            else:
                yield path

    prefix = f"connections.{CONNECTION}."
    return [k.replace(prefix, "connection.") for k in walk(data, "")]


def config_text(folder: Path, changes: dict[str, str]) -> str:
    """The starter config with ``changes`` applied in place (key lines are unique per table)."""
    text = render_starter_config(connection=CONNECTION, timezone="Europe/Vienna")
    all_changes = {"engine.state_db": f'"{folder / "state.db"}"', **BASE, **changes}
    for dotted, value in all_changes.items():
        table, key = dotted.rsplit(".", 1)
        table = table.replace("connection", f"connections.{CONNECTION}", 1)
        text = _set(text, table, key, value)
    return text


def _set(text: str, table: str, key: str, value: str) -> str:
    lines = text.splitlines()
    start = lines.index(f"[{table}]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    pattern = re.compile(rf"^#?\s*{re.escape(key)}\s*=")
    for index in range(start, end):
        if pattern.match(lines[index]):
            lines[index] = f"{key} = {value}"
            return "\n".join(lines) + "\n"
    lines.insert(end, f"{key} = {value}")
    return "\n".join(lines) + "\n"


#: live state, not settings: each engine has its own (its database file, its subscribers)
NOT_SETTINGS = frozenset(
    {"StateStore", "Database", "EventBus", "Lock", "Event", "Condition", "Logger"}
)
#: attributes that are clocks, not settings (the slow-client guard's last summary time)
LIVE_ATTRIBUTES = frozenset({"_last_summary"})


def observe(value: Any, depth: int = 0, seen: frozenset[int] = frozenset()) -> Any:
    """What an object holds, as plain data: primitives kept, objects walked, identities dropped."""
    if value is None or isinstance(value, str | int | float | bool | enum.Enum):
        return value
    if isinstance(value, ssl.SSLContext):
        return ("ssl", value.verify_mode, value.check_hostname)
    if isinstance(value, httpx.URL | Path | datetime.timedelta | datetime.tzinfo):
        return str(value)
    if depth > 20 or id(value) in seen or (callable(value) and not hasattr(value, "__dict__")):
        return "…"
    seen = seen | {id(value)}
    if isinstance(value, dict):
        return {str(k): observe(v, depth + 1, seen) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [observe(v, depth + 1, seen) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "get_secret_value"):
        return value.get_secret_value()
    if dataclasses.is_dataclass(value):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {type(value).__name__: observe(fields, depth + 1, seen)}
    state = getattr(value, "__dict__", None)
    if state is None or type(value).__name__ in NOT_SETTINGS:
        return type(value).__name__
    settings = {k: v for k, v in state.items() if k not in LIVE_ATTRIBUTES}
    return {type(value).__name__: observe(settings, depth + 1, seen)}


async def consumed(folder: Path, changes: dict[str, str]) -> Any:
    """Everything the jobs are handed by an engine opened on the changed config."""
    try:
        config = parse_config(config_text(folder, changes), secrets_text=SECRETS)
        engine = await Engine.open(config, exclusive=False)  # the store makes the folder
    except ConfigError as refused:
        return ("refused", refused.message)
    try:
        seen: dict[str, Any] = {"connections": sorted(engine.connections)}
        seen["alerts"] = observe(engine.alerts)
        seen["debug"] = Session(_no_args(), config, ()).debug
        hooked = engine.orders.with_webhooks()
        if hooked:
            receiver, server = engine.orders.build_receiver(hooked)
            seen["webhooks"] = observe((receiver._max_body_bytes, server))
        for name, conn in engine.connections.items():
            seen[name] = _connection(engine, conn)
        return seen
    finally:
        await engine.close(timeout=5)


def _no_args() -> Any:
    import argparse

    return argparse.Namespace(debug=False)


def _connection(engine: Engine, conn: Any) -> dict[str, Any]:
    return {
        "prefs": observe(conn.ctx.prefs),
        "backend": observe(conn.backend),
        "woo": observe(conn.woo),
        "rules": observe(conn.worker.rules if conn.worker else None),
        "watch": observe(getattr(conn, "watch", None)),
        "run_options": _dry_run(conn, {}),
        "schedules": observe(engine._scheduler(conn.name, conn)._slots),
        "reconcile_mail_always": conn.reconcile_mail_always,
    }


async def test_the_same_config_twice_is_seen_the_same(tmp_path: Path) -> None:
    """Without this, a walk that caught a timestamp or a file name would call every key
    effective (each engine of the table test has its own folder, as here)."""
    assert await consumed(tmp_path / "a", {}) == await consumed(tmp_path / "b", {})


def test_every_template_key_has_a_change_to_try() -> None:
    missing = sorted(set(template_keys()) - set(CHANGED))
    assert not missing, f"template keys with no entry in CHANGED: {missing}"


@pytest.mark.parametrize("key", template_keys())
async def test_changing_the_key_changes_what_the_engine_uses(key: str, tmp_path: Path) -> None:
    before = await consumed(tmp_path / "base", ALONGSIDE.get(key, {}))
    after = await consumed(tmp_path / "changed", {**ALONGSIDE.get(key, {}), key: CHANGED[key]})
    assert before != after, f"{key} = {CHANGED[key]} changes nothing the engine uses"
