"""``tillsync orders drafts [--finalise]``: orders kept as drafts for short stock.

Some back offices save an order whose stock is short as a draft (kept, not
booked); this lists them, and ``--finalise`` makes final those whose stock is
back now (the order worker also does it on its own schedule while the service
runs).  It asks the back office directly; the state database is not touched.
With the service running, the service does both (attached through its control
socket), so the order worker's process stays the one writer to the back office.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from engine.runtime import Engine
from engine.runtime.control import RemoteEngine
from engine.runtime.views_drafts import finalise_drafts, list_drafts
from tui.commands.session import EXIT_OK, Session, run_with_engine

__all__ = ["run_drafts"]


def run_drafts(session: Session) -> int:
    async def body(engine: Engine) -> int:
        if session.args.finalise:
            done = await _call(engine, finalise_drafts(engine, session.connection))
            print(f"Made final: {', '.join(done)}" if done else "No draft has its stock back yet.")
        return await _print_drafts(session, engine)

    return run_with_engine(session, body, exclusive=False, attach=True)


async def _call(engine: Engine, work: Coroutine[Any, Any, Any]) -> Any:
    """Attached, the service runs the same function on its engine (the socket's facade call)."""
    if isinstance(engine, RemoteEngine):
        return await engine.relay(work)
    return await work


async def _print_drafts(session: Session, engine: Engine) -> int:
    drafts = await _call(engine, list_drafts(engine, session.connection))
    if not drafts:
        print("No order is waiting as a draft for stock.")
        return EXIT_OK
    print(f"{len(drafts)} order(s) kept as drafts until stock is back:")
    print(f"{'order':>10}  {'date':<19}  {'total':>10}  detail")
    for d in drafts:
        print(session.mask(f"{d.number:>10}  {d.date[:19]:<19}  {d.total:>10}  {d.detail}"))
    if not session.args.finalise:
        print("`tillsync orders drafts --finalise` makes final those whose stock is back.")
    return EXIT_OK
