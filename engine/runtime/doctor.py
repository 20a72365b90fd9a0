"""``tillsync doctor``: every precondition of a healthy sync, checked and explained.

Each check answers one question an admin would otherwise debug by hand, and
says what to do when the answer is no: is the store reachable, does it
accept our key, does the back office accept our user, do the configured POS
and warehouse exist, do WooCommerce's webhooks still point at us and are
they active (WooCommerce disables a webhook after repeated failed
deliveries, silently), do the clocks agree (``modified_after`` polling and
webhook de-duplication compare timestamps), can we write our database.

A failing check never hides the others: everything is reported at once.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import httpx

from engine.errors import AuthError, RemoteError, TillsyncError
from engine.instance_lock import InstanceLock
from engine.runtime.connection import ConnectionRuntime
from engine.runtime.jobs import missing_job_settings
from engine.store import StateStore
from engine.webhooks import ORDER_TOPICS
from engine.woo.site import home_differs, site_home

__all__ = [
    "MAX_CLOCK_SKEW_S",
    "CheckStatus",
    "DoctorCheck",
    "DoctorReport",
    "check_connection",
    "check_database",
    "delivery_url",
]

MAX_CLOCK_SKEW_S = 60.0
_PROBE_KEY = "doctor.write_probe"


class CheckStatus(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but something deserves attention; exit code stays 0
    FAIL = "fail"


@dataclass(frozen=True)
class DoctorCheck:
    name: str
    status: CheckStatus
    message: str
    hint: str = ""
    connection: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not CheckStatus.FAIL


@dataclass(frozen=True)
class DoctorReport:
    checks: tuple[DoctorCheck, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> tuple[DoctorCheck, ...]:
        return tuple(check for check in self.checks if not check.ok)


def _ok(name: str, message: str, conn: str = "") -> DoctorCheck:
    return DoctorCheck(name, CheckStatus.OK, message, connection=conn)


def _fail(name: str, message: str, hint: str, conn: str = "") -> DoctorCheck:
    return DoctorCheck(name, CheckStatus.FAIL, message, hint, conn)


def _warn(name: str, message: str, hint: str, conn: str = "") -> DoctorCheck:
    return DoctorCheck(name, CheckStatus.WARN, message, hint, conn)


def delivery_url(public_url: str | None, connection: str) -> str | None:
    """Where WooCommerce must deliver ``connection``'s webhooks (receiver path + name)."""
    if not public_url:
        return None
    return f"{str(public_url).rstrip('/')}/{connection}"


async def check_database(store: StateStore) -> list[DoctorCheck]:
    """Write and delete a setting (proves the file and its folder are writable), then
    ask SQLite whether the file is sound; report whether an engine holds it."""
    checks: list[DoctorCheck] = []
    try:
        await store.settings.set(_PROBE_KEY, datetime.now(UTC).isoformat())
        await store.settings.delete(_PROBE_KEY)
        verdict = await store.integrity_check()
    except Exception as exc:
        checks.append(
            _fail(
                "database",
                f"cannot write {store.path}: {exc}",
                "check the owner and mode of the file and its folder (the service user "
                "needs write access to both: SQLite creates -wal and -shm files beside it)",
            )
        )
        return checks
    if verdict != "ok":
        checks.append(
            _fail(
                "database",
                f"{store.path} is damaged: {verdict[:200]}",
                "restore the last backup (see docs/deploy.md)",
            )
        )
    else:
        checks.append(_ok("database", f"{store.path} is writable and intact"))
    return [*checks, _instance(store.path)]


def _instance(db: str) -> DoctorCheck:
    holder = InstanceLock.holder(db)
    running = f"an engine is running on it (PID {holder})" if holder else "no engine runs on it"
    return _ok("instance", running)


async def check_connection(conn: ConnectionRuntime, public_url: str | None) -> list[DoctorCheck]:
    """WooCommerce (reachable, key accepted, clock, webhooks), then the back office."""
    name = conn.name
    checks: list[DoctorCheck] = []
    response = await _woo_status(conn, checks)
    if response is not None:
        checks.append(_clock_skew(response.headers.get("date"), name))
        checks.extend(await _webhooks(conn, delivery_url(public_url, name)))
    backend = await _backend(conn)
    return [*checks, *backend, *await _job_settings(conn, backend)]


async def _woo_status(conn: ConnectionRuntime, checks: list[DoctorCheck]) -> httpx.Response | None:
    """GET system_status once, without retries: a doctor must answer quickly."""
    name, url = conn.name, conn.config.woo.url
    try:
        response = await conn.woo.remote.request("GET", "system_status", retry=False)
    except AuthError as exc:
        checks.append(await _refused(conn, exc))
        return None
    except RemoteError as exc:
        checks.append(_fail("woocommerce", f"cannot reach {url}: {exc.message}", exc.hint, name))
        return None
    version = _woo_version(response)
    checks.append(_ok("woocommerce", f"{url} accepted the API key{version}", name))
    return response


async def _refused(conn: ConnectionRuntime, exc: AuthError) -> DoctorCheck:
    """The key was refused; "Invalid signature" over http often means the wrong address."""
    name, url = conn.name, str(conn.config.woo.url)
    text = f"{url} refused the consumer key/secret ({exc.status}: {exc.message})"
    home = await site_home(url) if "signature" in exc.message.lower() else None
    if home and home_differs(url, home):
        hint = (
            f"over http WooCommerce checks the signature against its home address {home}, "
            f'not against {url}: set url = "{home}" in [connections.{name}.woo]'
        )
        return _fail("woocommerce", text, hint, name)
    hint = (
        "create a Read/Write key in WooCommerce → Settings → Advanced → REST API and "
        "put it in the config (key) and secrets.toml (secret); if the host strips the "
        'Authorization header, set auth = "query"'
    )
    return _fail("woocommerce", text, hint, name)


def _woo_version(response: httpx.Response) -> str:
    try:
        version = response.json().get("environment", {}).get("version")
    except (ValueError, AttributeError):
        return ""
    return f" (WooCommerce {version})" if version else ""


def _clock_skew(date_header: str | None, connection: str) -> DoctorCheck:
    if not date_header:
        return _warn(
            "clock", "WooCommerce sent no Date header", "cannot compare clocks", connection
        )
    try:
        remote = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return _warn("clock", f"unreadable Date header {date_header!r}", "", connection)
    skew = (datetime.now(UTC) - remote).total_seconds()
    text = f"local clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the store's"
    if abs(skew) > MAX_CLOCK_SKEW_S:
        hint = "enable time sync on this machine (timedatectl set-ntp true) or on the store's host"
        return _warn("clock", text, hint, connection)
    return _ok("clock", text, connection)


async def _webhooks(conn: ConnectionRuntime, url: str | None) -> list[DoctorCheck]:
    name = conn.name
    if url is None:
        hint = "set public_url to the address your reverse proxy exposes (docs/deploy.md)"
        text = "no [webhooks] public_url: orders arrive by polling only (minutes late)"
        return [_warn("webhooks", text, hint, name)]
    if conn.webhook_secret is None:
        text = "no webhook_secret: deliveries cannot be verified, so none are accepted"
        hint = "run `tillsync webhooks install`: it generates one and registers the webhooks"
        return [_fail("webhooks", text, hint, name)]
    try:
        hooks = await conn.woo.list_webhooks()
    except RemoteError as exc:
        return [_fail("webhooks", f"cannot list webhooks: {exc.message}", exc.hint, name)]
    ours = [h for h in hooks if str(h.get("delivery_url", "")).rstrip("/") == url]
    return [_coverage(ours, url, name)]


def _coverage(ours: list[dict], url: str, name: str) -> DoctorCheck:
    """Every order topic delivered to us, and every such webhook active."""
    missing = sorted(ORDER_TOPICS - {str(h.get("topic")) for h in ours})
    if missing:
        hint = "run `tillsync webhooks install` (the engine also registers them at start)"
        return _fail("webhooks", f"no webhook delivers {', '.join(missing)} to {url}", hint, name)
    inactive = [h for h in ours if h.get("status") != "active"]
    if not inactive:
        orders = sum(1 for h in ours if h.get("topic") in ORDER_TOPICS)
        more = len(ours) - orders
        also = f" (and {more} for products, customers or coupons)" if more else ""
        return _ok("webhooks", f"{orders} active order webhooks deliver to {url}{also}", name)
    listed = ", ".join(f"#{h.get('id')} {h.get('topic')} is {h.get('status')}" for h in inactive)
    hint = (
        "WooCommerce disables a webhook after repeated failed deliveries: check the "
        "reverse proxy, then restart tillsync or run `tillsync webhooks install`, "
        "which re-activate it"
    )
    return _fail("webhooks", listed, hint, name)


async def _job_settings(conn: ConnectionRuntime, said: list[DoctorCheck]) -> list[DoctorCheck]:
    """Each back-office choice a job needs but the config does not make, with the values
    to choose from: a config without a warehouse must not end "All checks passed".
    A choice the back office's own check already failed on is not reported twice."""
    failed = {c.name for c in said if not c.ok}
    checks = []
    for missing in missing_job_settings(conn):
        if f"{conn.backend.name}: {missing.key.replace('_', ' ')}" in failed:
            continue
        key = f"connections.{conn.name}.backend.{missing.key}"
        try:
            choices = await conn.backend.setting_choices(missing.key)
        except TillsyncError:
            choices = ""  # the back-office check above already says why it can't be asked
        hint = f"set {missing.key} to one of: {choices}" if choices else f"set {missing.key}"
        text = f"{key} is not set: {missing.needed_for} needs it"
        checks.append(_fail("settings", text, hint, conn.name))
    return checks


async def _backend(conn: ConnectionRuntime) -> list[DoctorCheck]:
    backend = conn.backend
    try:
        result = await backend.check()
    except TillsyncError as exc:
        return [_fail(backend.name, exc.message, exc.hint, conn.name)]
    hint = f"check [connections.{conn.name}.backend] and the back office's API user"
    return [
        _ok(f"{backend.name}: {item.name}", item.message, conn.name)
        if item.ok
        else _fail(f"{backend.name}: {item.name}", item.message, hint, conn.name)
        for item in result.items
    ]
