"""``tillsync orders list | show ID | retry ID | skip ID``: the order outbox.

``show`` is the failed-order debugger of the command line: the order's
history, its error kind and what to do, and the last request and response
exchanged with the back office (redacted when captured; the configured
secrets are masked again before printing).  ``retry`` and ``skip`` work
beside a running service, whose worker picks the change up.
"""

from __future__ import annotations

import argparse
from functools import partial

from engine.runtime import Engine, OrderDetail, OutboxEntry
from tui.commands.orders_backfill import run_backfill
from tui.commands.orders_drafts import run_drafts
from tui.commands.session import EXIT_OK, Session, open_session, run_with_engine

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    session = open_session(args)
    if args.action == "backfill":
        return run_backfill(session)
    if args.action == "drafts":
        return run_drafts(session)
    body = {"list": _list, "show": _show, "retry": _retry, "skip": _skip}[args.action]
    changes = args.action in ("retry", "skip")  # through the service when it runs
    return run_with_engine(session, partial(body, session), exclusive=False, attach=changes)


def _stamp(entry: OutboxEntry) -> str:
    return entry.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")


async def _list(session: Session, engine: Engine) -> int:
    args = session.args
    entries = await engine.orders_list(args.state, session.connection, args.limit)
    if not entries:
        print("No orders" + (f" in state {args.state}." if args.state else " yet."))
        return EXIT_OK
    print(f"{'order':>8}  {'state':<9} {'tries':>5}  {'changed':<16}  detail")
    for e in entries:
        detail = e.last_error or (f"booked as {e.backoffice_ref}" if e.backoffice_ref else "")
        line = f"{e.woo_order_id:>8}  {e.state.value:<9} {e.attempts:>5}  {_stamp(e):<16}  "
        print(session.mask(line + detail[:80]))
    return EXIT_OK


async def _show(session: Session, engine: Engine) -> int:
    details = await engine.orders_show(session.args.order_id, session.connection)
    print(session.mask("\n".join(_describe(details))))
    return EXIT_OK


def _describe(details: OrderDetail) -> list[str]:
    e = details.entry
    lines = [
        f"Order #{e.woo_order_id} — {e.state.value} (from {e.source.value}, {e.attempts} attempts)",
        f"  modified in WooCommerce: {e.modified_gmt.isoformat()}",
        f"  idempotency key:         {e.idempotency_key}",
    ]
    if e.backoffice_ref:
        lines.append(f"  back-office sale:        {e.backoffice_ref}")
    if e.next_attempt_at:
        lines.append(f"  next attempt:            {e.next_attempt_at.astimezone():%Y-%m-%d %H:%M}")
    if e.last_error:
        lines += ["", f"Error ({e.last_error_kind or 'unknown kind'}): {e.last_error}"]
    if details.hint:
        lines.append(f"  → {details.hint}")
    if details.missing:
        lines += ["", "Missing before it can be booked:"]
        lines += [f"  {m.label}" for m in details.missing]
    lines += [f"  {text}" for text in details.explained]
    lines += ["", "History:"]
    lines += [
        f"  {t.at.astimezone():%Y-%m-%d %H:%M:%S}  "
        f"{t.from_state.value if t.from_state else '—'} → {t.to_state.value}  {t.detail}"
        for t in details.history
    ]
    for title, text in (("Last request", e.last_request), ("Last response", e.last_response)):
        if text:
            lines += ["", f"{title}:", text]
    return lines


async def _retry(session: Session, engine: Engine) -> int:
    entry = await engine.orders_retry(session.args.order_id, session.connection)
    print(f"Order #{entry.woo_order_id} is {entry.state.value} again: the order worker sends it")
    print("on its next pass (while `tillsync run` is running).")
    return EXIT_OK


async def _skip(session: Session, engine: Engine) -> int:
    args = session.args
    entry = await engine.orders_skip(args.order_id, args.reason, session.connection)
    print(f"Order #{entry.woo_order_id} is {entry.state.value}: it will not be sent to the back")
    print(f"office. Undo with `tillsync orders retry {entry.woo_order_id}`.")
    return EXIT_OK
