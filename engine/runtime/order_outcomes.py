"""What became of orders the admin sent again: retried or released.

WHY: a retry or a release only makes orders due; the worker books them a
moment later.  The admin pressed a key and wants to know how it ended:
"Order #104 failed again: line 1: SKU 10288 … no longer exists", or
"22 released: 15 booked, 7 failed (product missing)".  These functions make
the move, wait (bounded) until each order has settled, and name why the
ones that did not book stopped, asking the back office which lines are gone
when a sale was refused.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import FailureKind
from engine.events import Level, LogEvent
from engine.runtime.engine import Engine
from engine.runtime.event_jobs import ADMIN_JOB
from engine.runtime.line_check import LineProblem, backoffice_title, check_order_lines
from engine.store import OutboxEntry, OutboxState
from engine.sync.orders import kind_of

__all__ = [
    "REFUSED_KINDS",
    "OrderOutcome",
    "OutcomeSummary",
    "release_and_watch",
    "retry_and_watch",
    "watch_outcomes",
    "watch_retry",
]

_S = OutboxState
_ON_ITS_WAY = {_S.WAITING, _S.IN_FLIGHT, _S.CONFIRMING}
#: A refusal that may be a product the back office no longer has: worth asking it.
REFUSED_KINDS = frozenset({FailureKind.VALIDATION.value, FailureKind.NOT_FOUND.value})
PRODUCT_MISSING = "product missing"


@dataclass(frozen=True)
class OrderOutcome:
    """Where one order ended after the admin sent it again."""

    woo_order_id: int
    state: OutboxState
    settled: bool  # False: still on its way (waiting, in flight, or a retry is scheduled)
    error: str = ""
    reason: str = ""  # short, for grouping: "product missing", "needs mapping", a failure kind
    explained: tuple[str, ...] = ()  # the lines at fault, in words

    @property
    def booked(self) -> bool:
        return self.state is _S.DONE

    def describe(self) -> str:
        """One sentence for a toast."""
        order = f"Order #{self.woo_order_id}"
        if not self.settled:
            return f"{order} is still on its way ({self.error or self.state.value})."
        if self.booked:
            return f"{order} booked."
        why = "; ".join(self.explained) or self.error or self.reason
        if self.state is _S.HELD:
            return f"{order} is held again: {why}"
        if self.state is _S.FAILED:
            return f"{order} failed again: {why}"
        return f"{order} is {self.state.value}."


@dataclass(frozen=True)
class OutcomeSummary:
    """A release's outcome: "22 released: 15 booked, 7 failed (product missing)"."""

    outcomes: tuple[OrderOutcome, ...]

    def describe(self) -> str:
        total = len(self.outcomes)
        if not total:
            return "No held order to release."
        parts = [f"{sum(o.booked for o in self.outcomes)} booked"]
        for label, state in (("failed", _S.FAILED), ("held again", _S.HELD)):
            stopped = [o for o in self.outcomes if o.settled and o.state is state]
            if stopped:
                reasons = Counter(o.reason for o in stopped if o.reason)
                why = ", ".join(r if n == len(stopped) else f"{n} {r}" for r, n in reasons.items())
                parts.append(f"{len(stopped)} {label}" + (f" ({why})" if why else ""))
        waiting = sum(not o.settled for o in self.outcomes)
        if waiting:
            parts.append(f"{waiting} still on their way")
        return f"{total} released: " + ", ".join(parts)


def _settled(entry: OutboxEntry) -> bool:
    if entry.state in _ON_ITS_WAY:
        return False
    return not (entry.state is _S.FAILED and entry.next_attempt_at is not None)


async def _wait(
    engine: Engine, connection: str, ids: list[int], within: float
) -> dict[int, OutboxEntry]:
    """Poll the outbox until every order settled or ``within`` seconds passed."""
    deadline = time.monotonic() + within
    working = engine.connection(connection).worker_running  # nobody books: nothing to wait for
    while True:
        entries = {}
        for woo_order_id in ids:
            entry = await engine.store.outbox.get(woo_order_id, connection=connection)
            if entry is not None:
                entries[woo_order_id] = entry
        done = all(_settled(e) for e in entries.values())
        if done or not working or time.monotonic() >= deadline:
            return entries
        await asyncio.sleep(0.2)  # the worker books in its own task; poll, bounded


def _outcome(
    entry: OutboxEntry, lines: tuple[LineProblem, ...], explained: tuple[str, ...]
) -> OrderOutcome:
    reason = ""
    if entry.state is _S.HELD:
        kind = kind_of(entry)
        reason = kind.value if kind else "held"
    elif entry.state is _S.FAILED:
        gone = any(not p.deactivated for p in lines)
        reason = PRODUCT_MISSING if gone else (entry.last_error_kind or "failed")
    return OrderOutcome(
        entry.woo_order_id,
        entry.state,
        _settled(entry),
        error=entry.last_error or "",
        reason=reason,
        explained=explained,
    )


async def watch_outcomes(
    engine: Engine, connection: str, ids: Iterable[int], *, within: float = 60.0
) -> tuple[OrderOutcome, ...]:
    """*Network* (a refused sale's lines are checked).  Each order's outcome."""
    wanted = list(dict.fromkeys(ids))
    entries = await _wait(engine, connection, wanted, within)
    refused = [
        i
        for i, e in entries.items()
        if e.state is _S.FAILED and _settled(e) and e.last_error_kind in REFUSED_KINDS
    ]
    problems = await check_order_lines(engine, connection, refused) if refused else {}
    title, tz = backoffice_title(engine, connection), engine.config.tz
    outcomes = []
    for woo_order_id, entry in entries.items():
        lines = problems.get(woo_order_id, ())
        explained = tuple(p.describe(title, tz) for p in lines)
        outcomes.append(_outcome(entry, lines, explained))
    return tuple(outcomes)


async def retry_and_watch(
    engine: Engine, connection: str, woo_order_id: int, *, within: float = 60.0
) -> OrderOutcome:
    """*Network.*  Retry one order now and wait (bounded) for how it ends."""
    await engine.orders_retry(woo_order_id, connection)
    return await watch_retry(engine, connection, woo_order_id, within=within)


async def watch_retry(
    engine: Engine, connection: str, woo_order_id: int, *, within: float = 60.0
) -> OrderOutcome:
    """*Network.*  How a retried order ended; one that did not book is said in the log,
    so "Needs a look" shows why (its newest line for the order)."""
    (outcome,) = await watch_outcomes(engine, connection, [woo_order_id], within=within)
    if outcome.settled and not outcome.booked:
        engine.bus.publish(
            LogEvent(
                text=outcome.describe(),
                job=ADMIN_JOB,
                connection=connection,
                level=Level.WARNING,
                entity=f"order:{woo_order_id}",
            )
        )
    return outcome


async def release_and_watch(
    engine: Engine, connection: str, *, within: float = 60.0
) -> OutcomeSummary:
    """*Network.*  Release every held order, wait for them, log and return the outcome."""
    held = await engine.store.outbox.list_by_state(_S.HELD, connection=connection, limit=10_000)
    await engine.release_held(connection)
    summary = OutcomeSummary(
        await watch_outcomes(engine, connection, [e.woo_order_id for e in held], within=within)
    )
    failed = any(o.state is _S.FAILED for o in summary.outcomes)
    engine.bus.publish(
        LogEvent(
            text=summary.describe(),
            job=ADMIN_JOB,
            connection=connection,
            level=Level.WARNING if failed else Level.INFO,
            entity="orders",
        )
    )
    return summary
