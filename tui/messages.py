"""App-wide messages: engine events re-posted into Textual's message queue.

WHY a message and not a direct call: the engine publishes from its own
tasks; the app's one long-lived worker turns each event into a message, so
widgets only ever change on the UI's own turn.  Progress ticks replace the
pending tick of the same run (``can_replace``), so a 10,000-product sync
costs the UI one repaint per frame, not one per product.
"""

from __future__ import annotations

from textual.message import Message

from engine.runtime import EngineEvent, JobProgress

__all__ = ["EngineEventReceived"]


class EngineEventReceived(Message):
    """One engine event, as the app's event worker received it."""

    def __init__(self, event: EngineEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        if not isinstance(message, EngineEventReceived):
            return False
        mine, theirs = self.event, message.event
        return (
            isinstance(mine, JobProgress)
            and isinstance(theirs, JobProgress)
            and (mine.connection, mine.job, mine.run_id)
            == (theirs.connection, theirs.job, theirs.run_id)
        )
