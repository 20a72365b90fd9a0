"""Order rules, idempotency keys, failure classification and the intake's outbox rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.backends.korona.errors import DailyLimitExceeded
from engine.errors import (
    AuthError,
    Capture,
    ConfigError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from engine.events import EventBus
from engine.notify import Severity
from engine.store import OrderSource, OutboxState, StateStore
from engine.sync.context import SyncContext
from engine.sync.orders import HoldKind, OrderIntake, OrderRules, hold_kind, sale_key
from engine.sync.orders.failures import classify_failure, format_request
from engine.webhooks import Delivery, IntakeResult
from tests.unit.test_orders_mapping import woo_order

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_rules_book_at_the_trigger_and_void_on_cancel_or_refund() -> None:
    rules = OrderRules()
    assert rules.books("completed") and not rules.books("processing")
    assert rules.voids("cancelled") and rules.voids("refunded") and not rules.voids("failed")
    assert rules.reduces_stock("processing") and rules.reduces_stock("on-hold")
    assert not rules.tracks("pending") and not rules.tracks("cancelled")
    custom = OrderRules("wc-shipped", ("wc-cancelled",))
    assert custom.books("shipped") and custom.tracks("shipped") and custom.voids("cancelled")
    with pytest.raises(ConfigError):
        OrderRules("cancelled")


class _Entry:
    def __init__(self, key: str, order_id: int = 7) -> None:
        self.idempotency_key = key
        self.woo_order_id = order_id


def test_sale_key_comes_from_the_outbox_key_and_is_stable() -> None:
    key = sale_key(_Entry("woo-7-1a2b3c4d"))  # type: ignore[arg-type]
    assert key.value == "WC-1a2b3c4d-7-0"
    assert key.for_void().value == "WC-1a2b3c4d-7-0-V"
    assert sale_key(_Entry("woo-7-1a2b3c4d")) == key  # type: ignore[arg-type]
    odd = sale_key(_Entry("imported/key with spaces"))  # type: ignore[arg-type]
    assert odd.value.startswith("WC-") and " " not in odd.value


def test_hold_kind_is_read_back_from_the_reason() -> None:
    assert hold_kind("needs mapping: payment gateway 'x'") is HoldKind.NEEDS_MAPPING
    assert hold_kind("not ready: waits for status 'completed'") is HoldKind.NOT_READY
    assert hold_kind("admin said so") is None and hold_kind(None) is None


def _capture() -> Capture:
    return Capture(
        "POST", "https://korona/receipts", {"authorization": "***"}, '[{"number":"WC-1"}]',
        400, {"content-type": "application/json"}, '{"code":"INVALID_MODEL_PROPERTY"}', 12.5,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("exc", "kind", "retry", "stop", "severity"),
    [
        (TransientError("503"), "transient", True, True, Severity.WARNING),
        (AuthError("401"), "auth", True, True, Severity.CRITICAL),
        (ValidationError("refused"), "validation", False, False, Severity.ERROR),
        (NotFoundError("gone"), "not_found", False, False, Severity.ERROR),
        (RuntimeError("bug"), "internal", False, False, Severity.ERROR),
    ],
)
def test_failure_table(exc, kind: str, retry: bool, stop: bool, severity: Severity) -> None:
    failure = classify_failure(exc, attempts=3, now=NOW, rand=lambda: 1.0)
    assert (failure.kind, failure.retry_at is not None, failure.stop) == (kind, retry, stop)
    assert failure.severity is severity and failure.hint and failure.error
    assert failure.dead_letter is (not retry)


def test_backoff_grows_with_attempts_and_has_jitter() -> None:
    waits = [
        classify_failure(TransientError("x"), attempts=n, now=NOW, rand=lambda: 1.0).retry_at
        for n in (1, 2, 3)
    ]
    assert [w - NOW for w in waits] == [timedelta(seconds=s) for s in (30, 60, 120)]
    low = classify_failure(TransientError("x"), attempts=3, now=NOW, rand=lambda: 0.0)
    assert low.retry_at - NOW == timedelta(seconds=60)  # equal jitter: half to full delay


def test_daily_quota_waits_for_the_reset_and_pages_the_admin() -> None:
    exc = DailyLimitExceeded("quota", status=429, retry_after=8 * 3600.0)
    failure = classify_failure(exc, attempts=1, now=NOW)
    assert failure.retry_at == NOW + timedelta(hours=8)
    assert failure.stop and failure.severity is Severity.CRITICAL
    short = classify_failure(DailyLimitExceeded("busy", retry_after=2.0), attempts=1, now=NOW)
    assert short.severity is None  # a brief throttle is not worth an e-mail


def test_captured_exchange_is_kept_already_redacted() -> None:
    exc = ValidationError("refused", capture=_capture())
    failure = classify_failure(exc, attempts=1, now=NOW)
    assert failure.request.startswith("POST https://korona/receipts\n")
    assert "authorization: ***" in failure.request and '"number":"WC-1"' in failure.request
    assert failure.response.startswith("HTTP 400") and "INVALID_MODEL_PROPERTY" in failure.response
    fallback = classify_failure(ValidationError("x"), attempts=1, now=NOW, fallback=_capture())
    assert fallback.request == format_request(_capture())
    assert format_request(None) == ""


class _DeletedInWoo:
    """WooCommerce for an intake test: every order asked for is gone (404)."""

    async def get_order(self, order_id: int) -> dict:
        raise NotFoundError(f"order {order_id} not found", status=404)


@pytest.fixture
async def intake(tmp_path: Path):
    store = await StateStore.open(tmp_path / "state.db", synchronous="NORMAL")
    woo = _DeletedInWoo()
    ctx = SyncContext("default", store, woo=woo, backend=None, bus=EventBus())  # type: ignore[arg-type]
    woken: list[int] = []
    yield OrderIntake(ctx, on_new=lambda: woken.append(1)), woken
    await store.close()


def _delivery(payload: dict, topic: str = "order.updated") -> Delivery:
    modified = datetime.fromisoformat(payload["date_modified_gmt"]).replace(tzinfo=UTC)
    return Delivery("default", topic, payload["id"], modified, payload)


async def test_intake_dedupes_ignores_stale_and_untracked(intake) -> None:
    take, woken = intake
    first = woo_order(status="processing", date_modified_gmt="2026-11-20T09:00:00")
    assert await take(_delivery(first)) is IntakeResult.NEW
    assert await take(_delivery(first)) is IntakeResult.DUPLICATE
    newer = woo_order(status="completed", date_modified_gmt="2026-11-20T09:05:00")
    assert await take(_delivery(newer)) is IntakeResult.NEW
    assert await take(_delivery(first)) is IntakeResult.STALE  # a late webhook
    entry = await take.ctx.store.outbox.get(4711)
    assert json.loads(entry.payload)["status"] == "completed" and len(woken) == 2
    pending = woo_order(id=4712, status="pending")
    assert await take(_delivery(pending)) is IntakeResult.IGNORED
    assert await take.ctx.store.outbox.get(4712) is None
    other = Delivery("shop2", "order.updated", 1, NOW, woo_order())
    assert await take(other) is IntakeResult.IGNORED


async def test_stock_lines_only_while_woo_has_taken_the_stock(intake) -> None:
    take, _ = intake
    await take(_delivery(woo_order(status="processing", date_modified_gmt="2026-11-20T09:00:00")))
    pending = await take.ctx.store.outbox.pending_quantities_by_sku()
    assert pending == {"10002": 3, "10007": 1}
    await take(_delivery(woo_order(status="cancelled", date_modified_gmt="2026-11-20T09:01:00")))
    assert await take.ctx.store.outbox.pending_quantities_by_sku() == {}


async def test_newer_revision_reopens_not_ready_but_not_mapping_holds(intake) -> None:
    take, _ = intake
    outbox = take.ctx.store.outbox
    for order_id, reason in ((1, "not ready: waits"), (2, "needs mapping: payment gateway 'x'")):
        await take(_delivery(woo_order(id=order_id, date_modified_gmt="2026-11-20T09:00:00")))
        await outbox.hold(order_id, reason)
        await take(_delivery(woo_order(id=order_id, date_modified_gmt="2026-11-20T09:01:00")))
    assert (await outbox.get(1)).state is OutboxState.WAITING
    assert (await outbox.get(2)).state is OutboxState.HELD


async def test_same_second_edit_is_taken_from_the_poll_only(intake) -> None:
    take, _ = intake
    outbox = take.ctx.store.outbox
    processing = woo_order(status="processing", date_modified_gmt="2026-11-20T09:00:00")
    completed = woo_order(status="completed", date_modified_gmt="2026-11-20T09:00:00")
    await take(_delivery(processing))
    assert await take(_delivery(completed)) is IntakeResult.DUPLICATE  # webhook: can't tell
    modified = (await outbox.get(4711)).modified_gmt
    assert await take.offer(completed, modified, OrderSource.POLL) is IntakeResult.NEW
    entry = await outbox.get(4711)
    assert entry.payload_data()["status"] == "completed" and entry.modified_gmt > modified
    assert await take.offer(completed, modified, OrderSource.POLL) is IntakeResult.STALE


async def test_deleted_order_not_yet_booked_is_skipped(intake) -> None:
    take, _ = intake
    await take(_delivery(woo_order(status="processing")))
    gone = Delivery("default", "order.deleted", 4711, None, {"id": 4711}, gone=True)
    assert await take(gone) is IntakeResult.NEW
    entry = await take.ctx.store.outbox.get(4711)
    assert entry.state is OutboxState.SKIPPED and entry.last_error.startswith("not booked:")
    assert await take(Delivery("default", "order.deleted", 9, None, {"id": 9}, gone=True)) is (
        IntakeResult.IGNORED
    )
