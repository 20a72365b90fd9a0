"""The hold Textual puts on frames while the console switches screens, ended once the
new screen is ready instead of after a fixed 50 ms.

WHY (issue 21, bench/README finding 11): ``App.switch_mode`` calls
``delay_update()``, which drops every frame for 50 ms "to mask a brief
transition" — a screen being composed and mounted.  The console composes every
mode's screen before the dashboard shows (``TillsyncApp._compose_ahead``), so
there is nothing to mask: the hold only added 50 ms, plus the wait for the
next frame after it, to every key press that changes the screen, and any work
that landed meanwhile (a table's reload) came before the frame too.  The hold
of a switch now ends as soon as the screen switched to has handled its
``ScreenResume`` (see ``ConsoleScreen.on_screen_resume``); a hold nobody ends
early (a screen that is not a console screen, the command palette's) still
ends after its delay, as in Textual.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

__all__ = ["FrameHold", "SwitchHolds"]


class FrameHold:
    """One hold on the app's frames (what ``App.delay_update`` takes), released once."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.released = False
        app._begin_batch()

    def release(self) -> None:
        """Let frames out again and repaint the shown screen (Textual's own end of a hold)."""
        if self.released:
            return
        self.released = True
        self._app._end_batch()
        if not self._app._batch_count:
            self._app.screen.refresh()


class SwitchHolds:
    """The app's frame holds, and which one a screen switch took for which screen."""

    def __init__(self) -> None:
        self._taken: FrameHold | None = None
        self._switch: tuple[FrameHold, Screen[Any]] | None = None
        self.released_early = 0  # holds ended by a resumed screen (not by their timer)

    def hold(self, app: App[Any], delay: float) -> None:
        """``delay_update``: hold frames; released after ``delay`` unless released sooner."""
        self._taken = FrameHold(app)
        app.set_timer(delay, self._taken.release, name="delay_update")

    def switching(self) -> None:
        self._taken = None

    def switched(self, screen: Screen[Any]) -> None:
        """A switch to ``screen`` is done: its hold (if it took one) waits for its resume."""
        taken, self._taken = self._taken, None
        self._switch = (taken, screen) if taken is not None and not taken.released else None

    def resumed(self, screen: Screen[Any]) -> None:
        """``screen`` handled its resume: the switch's hold ends if it was the one switched to."""
        if self._switch is None or self._switch[1] is not screen:
            return
        hold, self._switch = self._switch[0], None
        if not hold.released:
            hold.release()
            self.released_early += 1
