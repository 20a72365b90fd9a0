"""Every job name the event log files events under, in one place.

WHY one list: the Logs screen's job filter and ``tillsync logs --job`` offered
only the scheduled jobs, so the order worker's events (``orders``) could not
be picked, and a name changed in one place silently fell out of the other.
The scheduled jobs come from :data:`~engine.runtime.jobs.JOBS` (plugins that
register a job appear too); the others are the engine's own writers.
"""

from __future__ import annotations

from engine.runtime.jobs import JOBS

__all__ = ["ADMIN_JOB", "ORDER_WORKER_JOB", "WEBHOOKS_JOB", "event_jobs"]

ORDER_WORKER_JOB = "orders"  # the outbox worker: bookings, holds, failures, voids
WEBHOOKS_JOB = "webhooks"  # the receiver: deliveries refused or kept
ADMIN_JOB = "admin"  # the admin's own actions (console and CLI), logged by the Engine


def event_jobs() -> tuple[str, ...]:
    """Scheduled jobs first (as configured), then the order worker, receiver and admin."""
    return tuple(dict.fromkeys((*JOBS, ORDER_WORKER_JOB, WEBHOOKS_JOB, ADMIN_JOB)))
