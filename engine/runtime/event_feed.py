"""Paging the stored event log, newest-first for a page and oldest-first for a tail.

``tillsync logs --follow`` and the dashboard's log pane ask "what is new
since the last id I showed?"; the store answers newest-first pages, so the
new events are gathered page by page back to that id and returned in the
order they happened.  Nothing is lost when a busy engine writes more events
between two polls than one page holds.
"""

from __future__ import annotations

from engine.errors import ConfigError
from engine.store import StateStore, StoredEvent
from engine.store.event_log import LEVEL_NUMBERS

__all__ = ["check_level", "events_after", "latest_events"]

_PAGE = 500


def check_level(level: str | None) -> str | None:
    if level is None:
        return None
    if level.lower() not in LEVEL_NUMBERS:
        raise ConfigError(f"unknown level {level!r}; levels are {', '.join(LEVEL_NUMBERS)}")
    return level.lower()


async def latest_events(
    store: StateStore,
    *,
    level: str | None = None,
    job: str | None = None,
    connection: str | None = None,
    limit: int = 50,
) -> list[StoredEvent]:
    """The newest ``limit`` matching events, oldest first (as a log reads)."""
    events = await store.events.query(
        min_level=check_level(level), job=job, connection=connection, limit=max(1, limit)
    )
    return events[::-1]


async def events_after(
    store: StateStore,
    after_id: int,
    *,
    level: str | None = None,
    job: str | None = None,
    connection: str | None = None,
) -> list[StoredEvent]:
    """Every matching event with an id above ``after_id``, oldest first."""
    found: list[StoredEvent] = []
    before: int | None = None
    while True:
        page = await store.events.query(
            min_level=check_level(level),
            job=job,
            connection=connection,
            before_id=before,
            limit=_PAGE,
        )
        fresh = [event for event in page if event.id > after_id]
        found.extend(fresh)
        if len(fresh) < len(page) or len(page) < _PAGE:
            return found[::-1]
        before = page[-1].id
