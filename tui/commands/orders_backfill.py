"""``tillsync orders backfill --since DATE [--yes]``: book older orders on purpose.

Without ``--yes`` it only counts (a dry run: nothing is written anywhere);
with it the start point moves and the next orders poll or worker pass books
them.  Moving the start point needs the engine to itself (stop the service
first), so a running poll can't overwrite the rewound cursor.
"""

from __future__ import annotations

from datetime import UTC, datetime

from engine.runtime import ConfigError, Engine, apply_backfill, plan_backfill
from tui.commands.session import EXIT_OK, Session, run_with_engine

__all__ = ["parse_since", "run_backfill"]


def parse_since(text: str) -> datetime:
    """``2026-11-01`` or ``2026-11-01T08:00`` (UTC unless an offset is given)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            f"--since {text!r} is not a date", hint="Write it as 2026-11-01 or 2026-11-01T08:00."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def run_backfill(session: Session) -> int:
    since = parse_since(session.args.since)

    async def body(engine: Engine) -> int:
        conn = engine.connection(session.connection)
        plan = await plan_backfill(conn, since)
        was = f"{plan.current:%Y-%m-%d %H:%M} UTC" if plan.current else "not set"
        print(f"{plan.connection}: start point {was} → {since:%Y-%m-%d %H:%M} UTC")
        print(
            f"  {plan.to_book} order(s) would be booked; "
            f"{plan.already_booked} already carry a receipt number (linked, not booked)"
        )
        if not session.args.yes:
            print("Dry run: nothing changed. Add --yes to move the start point.")
            return EXIT_OK
        reopened = await apply_backfill(conn, since)
        print(f"Start point moved; {reopened} listed order(s) due again.")
        print("The next orders poll (or `tillsync sync orders`) books them, each once.")
        return EXIT_OK

    return run_with_engine(session, body, exclusive=True)
