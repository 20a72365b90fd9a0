"""Repeated identical log records, said once with a count.

A flood (a connection storm, a remote that fails every request the same
way) can write the same ERROR line a thousand times a second, and a
rotating log then loses all its history within minutes.  The filter lets
the first ``burst`` records of a kind through (a job that legitimately
starts three times a minute still says so each time), swallows further
repeats for the rest of the ``window`` seconds, and the first one after the
window carries
"… (repeated N times in the last 60 s)".  A kind is (logger, level, message
as formatted), so records of different orders or hosts are never merged.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["RepeatFilter"]

_MAX_KINDS = 512  # bounded memory however varied the flood


class RepeatFilter(logging.Filter):
    """One instance shared by every handler, so a record is judged once."""

    def __init__(
        self,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        burst: int = 5,
    ) -> None:
        super().__init__()
        self.window = window
        self.burst = burst
        self._clock = clock
        # per kind: [window start, records let through, repeats swallowed]
        self._kinds: OrderedDict[tuple[str, int, str], list[float]] = OrderedDict()
        # the last record and its verdict (held, so its identity can't be reused)
        self._last: tuple[logging.LogRecord | None, bool] = (None, True)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._last[0] is record:
            return self._last[1]
        verdict = self._judge(record)
        self._last = (record, verdict)
        return verdict

    def _judge(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        now = self._clock()
        seen = self._kinds.get(key)
        if seen is not None and now - seen[0] < self.window:
            if seen[1] < self.burst:
                seen[1] += 1
                return True
            seen[2] += 1
            return False
        if seen is not None and seen[2]:
            record.msg = f"{key[2]} (repeated {int(seen[2])} times in the last {self.window:g} s)"
            record.args = None
        self._kinds[key] = [now, 1, 0]
        self._kinds.move_to_end(key)
        while len(self._kinds) > _MAX_KINDS:
            self._kinds.popitem(last=False)
        return True
