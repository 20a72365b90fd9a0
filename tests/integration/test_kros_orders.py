"""Orders → KROS over loopback: 202 → confirming → KROS's signed webhook → done, once.

The KROS sandbox posts its webhook to our receiver's back-office route; the
order stays ``confirming`` until then (or until a look-up finds it), and only
then is the KROS number written back to WooCommerce.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from engine.events import LogEvent
from engine.store import OutboxState
from engine.sync.orders import OrderWorker
from engine.sync.orders.confirmations import ConfirmationWindow
from engine.sync.orders.writeback import receipt_in_woo
from sandbox.kros import SIGNATURE_HEADER, sign

from .kros_harness import KrosWorld, kros_sandboxes, kros_world
from .orders_harness import FAST_BACKOFF, next_second, wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def servers():
    with kros_sandboxes() as running:
        yield running


async def arrived(world: KrosWorld, order_id: int) -> None:
    async def check() -> bool:
        return await world.entry(order_id) is not None

    await wait_until(check)


async def state_is(world: KrosWorld, order_id: int, state: OutboxState) -> None:
    async def check() -> bool:
        return (await world.entry(order_id)).state is state

    await wait_until(check)


async def accepted(world: KrosWorld, worker=None) -> dict:
    order = world.place()
    await arrived(world, order["id"])
    report = await (worker or world.worker).drain()
    assert (report.confirming, report.booked, report.written_back) == (1, 0, 0)
    return order


async def test_an_order_is_confirming_until_the_webhook_then_done_with_its_number(
    servers, tmp_path: Path
) -> None:
    servers.kb.knobs.update(webhook_delay=0.3)
    async with kros_world(servers, tmp_path) as world:
        order = await accepted(world)
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.CONFIRMING and entry.backoffice_ref is None
        assert receipt_in_woo(await world.ctx.woo.get_order(order["id"])) is None
        await state_is(world, order["id"], OutboxState.DONE)
        (document,) = world.kb.documents["invoices"]
        assert document["externalId"].startswith("WC-") and document["orderNumber"] == str(
            order["number"]
        )
        assert (await world.entry(order["id"])).backoffice_ref == document["documentNumber"]
        assert (await world.worker.drain()).written_back == 1
        written = receipt_in_woo(await world.ctx.woo.get_order(order["id"]))
        assert written is not None and written.number == document["documentNumber"]
        assert world.kb.deliveries[-1]["status"] == 200
        (done,) = [
            t for t in await world.ctx.store.outbox.history(order["id"])
            if t.to_state is OutboxState.DONE
        ]  # fmt: skip
        assert f"PDF {document['pdfReportLink']}" in done.detail  # the link, kept
        total = sum(i["totalPriceInclVat"] for i in document["items"])
        assert abs(total - float(order["total"])) < 0.005  # reconciles to the cent


async def test_processed_with_problems_is_a_failure_with_kros_problem_list(
    servers, tmp_path: Path
) -> None:
    servers.kb.knobs.update(webhook="problems")
    async with kros_world(servers, tmp_path) as world:
        order = await accepted(world)
        await state_is(world, order["id"], OutboxState.FAILED)
        entry = await world.entry(order["id"])
        assert "Položka nie je na sklade" in (entry.last_error or "")
        assert world.kb.documents["invoices"] == []


async def test_without_a_webhook_a_look_up_by_key_confirms_it(servers, tmp_path: Path) -> None:
    servers.kb.knobs.update(webhook="never")
    async with kros_world(servers, tmp_path) as world:
        now = [datetime.now(UTC)]
        window = ConfirmationWindow(deadline=timedelta(minutes=10), poll=timedelta(seconds=30))
        worker = OrderWorker(world.ctx, world.alerts, backoff=FAST_BACKOFF,
                             clock=lambda: now[0], confirmation=window)  # fmt: skip
        order = await accepted(world, worker)
        await wait_until(lambda: _async(bool(world.kb.documents["invoices"])))
        now[0] += window.poll
        report = await worker.drain()
        assert (report.confirmed, report.written_back) == (1, 1)
        (document,) = world.kb.documents["invoices"]
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.DONE
        assert entry.backoffice_ref == document["documentNumber"]
        assert world.kb.deliveries == []


async def _async(value: bool) -> bool:
    return value


async def test_a_lost_answer_is_retried_by_looking_up_never_a_second_document(
    servers, tmp_path: Path
) -> None:
    servers.kb.knobs.update(drop_answer=1, webhook="never")
    async with kros_world(servers, tmp_path) as world:
        order = world.place()
        await arrived(world, order["id"])
        first = await world.worker.drain()
        assert first.confirming == 0  # the answer never came
        await wait_until(lambda: _async(bool(world.kb.documents["invoices"])))
        assert (await world.entry(order["id"])).state is not OutboxState.DONE

        async def retried() -> bool:
            await world.worker.drain()
            return (await world.entry(order["id"])).state is OutboxState.DONE

        await wait_until(retried)
        assert len(world.kb.documents["invoices"]) == 1
        assert world.kb.stats.posts == 1


async def test_cancel_after_booking_posts_one_credit_note_referencing_the_invoice(
    servers, tmp_path: Path
) -> None:
    async with kros_world(servers, tmp_path) as world:
        order = await accepted(world)
        await state_is(world, order["id"], OutboxState.DONE)
        (invoice,) = world.kb.documents["invoices"]
        await world.worker.drain()  # the write-back, then a later revision cancels it
        await next_second(world)
        world.sb.set_order_status(order["id"], "cancelled")

        async def voided() -> bool:
            await world.worker.drain()
            return (await world.entry(order["id"])).state is OutboxState.VOIDED

        await wait_until(voided, within=10)
        credit = [d for d in world.kb.documents["invoices"] if d["invoiceType"] == 1]
        assert len(credit) == 1
        assert credit[0]["creditedInvoiceNumber"] == invoice["documentNumber"]
        assert all(i["totalPriceInclVat"] <= 0 for i in credit[0]["items"])
        assert (await world.entry(order["id"])).void_ref == credit[0]["documentNumber"]
        for _ in range(2):
            await world.worker.drain()
        assert len(world.kb.documents["invoices"]) == 2  # never deleted, never twice


async def test_bad_signature_is_401_and_unknown_request_id_is_acknowledged(
    servers, tmp_path: Path
) -> None:
    servers.kb.knobs.update(webhook="never")
    async with kros_world(servers, tmp_path) as world:
        order = await accepted(world)
        entry = await world.entry(order["id"])
        note = {"requestId": entry.pending_ref, "status": 200, "results": {"entities": [
            {"data": {"id": 1, "documentNumber": "20269999", "externalId": "x"}}]}}  # fmt: skip
        body = json.dumps(note)
        async with httpx.AsyncClient() as http:
            wrong = {SIGNATURE_HEADER: sign(body, "wrong-key")}
            forged = await http.post(world.backoffice_url, content=body, headers=wrong)
            assert forged.status_code == 401
            assert (await world.entry(order["id"])).state is OutboxState.CONFIRMING
            stranger = json.dumps({"requestId": "00000000-0000-0000-0000-000000000000",
                                   "status": 200, "results": {"entities": []}})  # fmt: skip
            signed = {SIGNATURE_HEADER: sign(stranger, world.kb.webhook_secret)}
            answer = await http.post(world.backoffice_url, content=stranger, headers=signed)
        assert (answer.status_code, answer.text) == (200, "recorded")
        assert (await world.entry(order["id"])).state is OutboxState.CONFIRMING


async def test_an_order_without_a_rate_is_held_with_the_reason_then_books_once_released(
    servers, tmp_path: Path
) -> None:
    servers.kb.currency = "CZK"  # a Czech company; the shop sells in EUR
    servers.kb.knobs.update(cnb_feed="malformed")
    async with kros_world(servers, tmp_path, base_currency="CZK") as world:
        events = world.ctx.bus.subscribe()
        order = world.place()
        await arrived(world, order["id"])
        assert (await world.worker.drain()).held == 1
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.HELD and "no CNB rate for EUR" in (entry.last_error or "")
        assert world.kb.stats.posts == 0
        world.kb.knobs.update(cnb_feed="ok")
        await world.ctx.store.outbox.release_held()
        assert (await world.worker.drain()).confirming == 1
        await state_is(world, order["id"], OutboxState.DONE)
        (document,) = world.kb.documents["invoices"]
        assert (document["currency"], document["exchangeRate"]) == ("EUR", 25.21)
        assert "CNB" in document["internalNote"]
        texts = [e.text for e in await drained(events) if isinstance(e, LogEvent)]
        today = datetime.now(UTC).date().isoformat()
        assert any(f"(CNB {today}: 1 EUR = 25.210 CZK)" in t for t in texts), texts


async def drained(subscription) -> list:
    items = []
    while True:
        try:
            items.append(await asyncio.wait_for(anext(subscription), 0.01))
        except TimeoutError:
            return items


def set_billing_ids(world: KrosWorld, order_id: int, ico: str) -> None:
    """A checkout plugin stored the buyer's company and IČO on the order."""
    with world.sb.lock:
        order = world.sb.orders[order_id]
        order["billing"]["company"] = "Majolika s.r.o."
        order["meta_data"] = [
            {"id": 9001, "key": "_billing_ico", "value": ico},
            {"id": 9002, "key": "_billing_ic_dph", "value": "SK2020123456"},
            {"id": 9003, "key": "_billing_vat_id", "value": "SK2020123456"},
        ]


async def test_a_malformed_ico_from_the_billing_meta_is_held_naming_the_field(
    servers, tmp_path: Path
) -> None:
    async with kros_world(servers, tmp_path) as world:
        order = world.place(status="pending")
        set_billing_ids(world, order["id"], "12-AB")
        world.sb.set_order_status(order["id"], "completed")
        await arrived(world, order["id"])

        async def completed_payload() -> bool:
            entry = await world.entry(order["id"])
            return entry.payload_data()["status"] == "completed"

        await wait_until(completed_payload)
        assert (await world.worker.drain()).held == 1
        entry = await world.entry(order["id"])
        assert entry.state is OutboxState.HELD
        assert "registration number (IČO) '12-AB'" in (entry.last_error or "")
        assert world.kb.stats.posts == 0

        await next_second(world)
        set_billing_ids(world, order["id"], "35123456")  # the staff correct it
        world.sb.set_order_status(order["id"], "completed", note="IČO corrected")

        async def corrected() -> bool:
            meta = (await world.entry(order["id"])).payload_data()["meta_data"]
            return any(m["value"] == "35123456" for m in meta)

        await wait_until(corrected)
        await world.ctx.store.outbox.release_held()
        await world.worker.drain()
        await state_is(world, order["id"], OutboxState.DONE)
        (document,) = world.kb.documents["invoices"]
        partner = document["partner"]
        assert (partner["registrationId"], partner["vatId"]) == ("35123456", "SK2020123456")
        assert partner["address"]["businessName"] == "Majolika s.r.o."
