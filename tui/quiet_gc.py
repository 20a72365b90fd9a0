"""Full garbage collections between key presses, not in the middle of one (issue 21).

WHY: a full (oldest-generation) collection walks every tracked object the
process holds and stops every thread while it does; in the console that was
20-69 ms on the UI thread in about one key press of ten during a sync, the
slowest keys left once the rest was fixed (bench/README finding 11).  Textual
and the engine make garbage steadily, so Python starts such a pass whenever
enough has piled up, key press or not.  Here the automatic full pass is
switched off (the young generations are still collected as usual) and the
console runs it itself when it would have run — but only once no key was
pressed for ``quiet_s``, or when it is ``overdue_s`` late anyway, so memory
stays bounded while someone types without pause.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["QuietCollector"]

NEVER = 1_000_000  # gen-1 passes before an automatic full one: in practice never


class QuietCollector:
    """Owns the full collections while the console is open (``start`` … ``stop``)."""

    def __init__(
        self,
        quiet_s: float = 1.0,
        overdue_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[int], int] = gc.collect,
    ) -> None:
        self.quiet_s, self.overdue_s = quiet_s, overdue_s
        self._clock, self._collect = clock, collect
        self._saved: tuple[int, int, int] | None = None
        self._last_key = self._due_since = float("-inf")
        self.full_passes = 0  # the full collections it ran

    def start(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], NEVER)

    def stop(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def key_pressed(self) -> None:
        self._last_key = self._clock()

    def due(self) -> bool:
        """Whether Python would have run a full pass by now (its own gen-1 count rule)."""
        return self._saved is not None and gc.get_count()[2] >= self._saved[2]

    def tick(self) -> None:
        """Called every fraction of a second: run a due full pass when it is quiet or late."""
        now = self._clock()
        if not self.due():
            self._due_since = float("-inf")
            return
        if self._due_since == float("-inf"):
            self._due_since = now
        if now - self._last_key >= self.quiet_s or now - self._due_since >= self.overdue_s:
            self._collect(2)
            self._due_since = float("-inf")
            self.full_passes += 1
