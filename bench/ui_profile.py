"""Where a slow key press goes: a sampling profile of the console while it is measured.

Set ``TILLSYNC_BENCH_UI_PROFILE=<file.json>`` for a dashboard run
(:mod:`bench.tui_side`) and the measured child records, per key press:

* every ~3 ms, the UI thread's and the engine thread's innermost frames
  (``sys._current_frames``), and how late the sampler woke (a late wake is
  the GIL held, or the process not given a CPU);
* each thread's CPU time and run-queue wait from ``/proc/self/task/*/schedstat``
  (waiting for a CPU is the machine's load, not our code);
* each garbage-collector pass (``gc.callbacks``) and the time spent in the
  Textual and console functions named in :data:`TIMED` (re-parse, restyle,
  layout, compositor, recompose, the dashboard's reload and the attached
  client's decoding).

WHY in the bench and not cProfile: cProfile slows every call several-fold
and hides the GIL and the scheduler; these numbers are the run's own.
Off unless the variable is set; nothing here changes what is measured.
"""

from __future__ import annotations

import collections
import functools
import gc
import importlib
import inspect
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["KeyProfiler", "from_environment"]

ENV = "TILLSYNC_BENCH_UI_PROFILE"
EVERY_S = 0.003
SLOW_S = 0.060  # keys slower than this keep every UI stack sample in the report

TIMED = (
    "textual.css.stylesheet:Stylesheet.parse",
    "textual.css.stylesheet:Stylesheet.update",
    "textual.css.stylesheet:Stylesheet.update_nodes",
    "textual.screen:Screen._on_screen_resume",
    "textual.screen:Screen._on_screen_suspend",
    "textual.widgets._footer:Footer.recompose",
    "textual.app:App._display",
    "textual.app:App.refresh_css",
    "textual.app:App.switch_mode",
    "textual.screen:Screen._refresh_layout",
    "textual.screen:Screen._compositor_refresh",
    "textual._compositor:Compositor.reflow",
    "textual._compositor:Compositor.render_update",
    "textual.widget:Widget.recompose",
    "tui.screens.dashboard:DashboardScreen._show",
    "tui.screens.console:ConsoleScreen.on_screen_resume",
    "engine.runtime.control.client:decode_event",
    "engine.runtime.control.calls:FacadeCall.decode_answer",
)


def from_environment() -> KeyProfiler | None:
    path = os.environ.get(ENV)
    return KeyProfiler(Path(path)) if path else None


def _thread_stat(tid: int) -> tuple[int, int]:
    """CPU time and run-queue wait of one thread, in ns (0, 0 when unreadable)."""
    try:
        cpu, wait, _ = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0, 0
    return int(cpu), int(wait)


def _frames(frame: Any, depth: int = 40) -> list[str]:
    """Innermost first: ``module:function`` of each frame."""
    out: list[str] = []
    while frame is not None and len(out) < depth:
        name = frame.f_globals.get("__name__", "?")
        out.append(f"{name}:{frame.f_code.co_name}")
        frame = frame.f_back
    return out


class KeyProfiler:
    """Samples and timings for the whole run; :meth:`key` marks a measured key press."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.samples: collections.deque[tuple[float, float, list[str], list[str]]] = (
            collections.deque(maxlen=200_000)
        )
        self.spans: list[tuple[str, str, float, float]] = []
        self.keys: list[dict[str, Any]] = []
        self._gc_started: dict[int, float] = {}
        self._stop = threading.Event()
        self._main = threading.main_thread().ident or 0
        self._native: dict[str, int] = {}
        self._thread = threading.Thread(target=self._sample, name="bench-profiler", daemon=True)

    def start(self) -> None:
        for target in TIMED:
            self._time(target)
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def _time(self, target: str) -> None:
        module_name, _, qualname = target.partition(":")
        owner: Any = importlib.import_module(module_name)
        *path, name = qualname.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, name)
        spans = self.spans

        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    spans.append(
                        (qualname, threading.current_thread().name, started, time.perf_counter())
                    )

            setattr(owner, name, timed_async)
            return

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spans.append(
                    (qualname, threading.current_thread().name, started, time.perf_counter())
                )

        setattr(owner, name, timed)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_started[info["generation"]] = now
            return
        started = self._gc_started.pop(info["generation"], now)
        self.spans.append(
            (f"gc{info['generation']}", threading.current_thread().name, started, now)
        )

    def _engine_ident(self) -> int:
        for thread in threading.enumerate():
            if thread.name == "tillsync-engine":
                self._native["engine"] = thread.native_id or 0
                return thread.ident or 0
        return 0

    def _sample(self) -> None:
        self._native["ui"] = threading.main_thread().native_id or 0
        last = time.perf_counter()
        while not self._stop.wait(EVERY_S):
            now = time.perf_counter()
            frames = sys._current_frames()
            engine = self._engine_ident()
            self.samples.append(
                (
                    now,
                    now - last - EVERY_S,
                    _frames(frames.get(self._main)),
                    _frames(frames.get(engine), depth=12),
                )
            )
            last = now

    def stats(self) -> dict[str, tuple[int, int]]:
        return {name: _thread_stat(tid) for name, tid in self._native.items() if tid}

    def key(
        self, mode: str, started: float, stats: dict[str, tuple[int, int]], latency: float
    ) -> None:
        """Record one key press: its window (to its frame) and each thread's CPU and
        run-queue wait from the press until the measuring task ran again."""
        after = self.stats()
        self.keys.append(
            {
                "mode": mode,
                "started": started,
                "ended": started + latency,
                "cpu_ms": {n: (after[n][0] - stats[n][0]) / 1e6 for n in after if n in stats},
                "runqueue_ms": {n: (after[n][1] - stats[n][1]) / 1e6 for n in after if n in stats},
                "loadavg": os.getloadavg()[0],
            }
        )

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1)
        gc.callbacks.remove(self._on_gc)
        self.path.write_text(json.dumps(self._report(), indent=1), encoding="utf-8")

    def _report(self) -> list[dict[str, Any]]:
        return [self._key_report(key) for key in self.keys]

    def _key_report(self, key: dict[str, Any]) -> dict[str, Any]:
        start, end = key["started"], key["ended"]
        inside = [s for s in self.samples if start <= s[0] <= end]
        spans: dict[str, float] = collections.Counter()
        for name, thread, s, e in self.spans:
            overlap = min(e, end) - max(s, start)
            if overlap > 0:
                spans[f"{name} [{thread}]"] += overlap * 1000
        ui = collections.Counter(_interesting(s[2]) for s in inside)
        stacks = [_landmarks(s[2]) for s in inside] if end - start > SLOW_S else []
        engine = collections.Counter(_interesting(s[3]) for s in inside)
        return {
            **key,
            "latency_ms": round((end - start) * 1000, 1),
            "samples": len(inside),
            "late_wakes_ms": sorted((round(s[1] * 1000, 1) for s in inside), reverse=True)[:5],
            "spans_ms": {k: round(v, 1) for k, v in spans.most_common(20)},
            "ui_top": ui.most_common(12),
            "engine_top": engine.most_common(6),
            "ui_stacks": stacks,
        }


def _interesting(stack: list[str]) -> str:
    """A sample's innermost frame plus the innermost console/Textual frame under it."""
    if not stack:
        return "-"
    own = next((f for f in stack if f.startswith(("tui.", "engine.", "textual."))), "")
    return stack[0] if stack[0] == own else f"{stack[0]} < {own}"


def _landmarks(stack: list[str]) -> str:
    """Outermost to innermost, the console's and Textual's frames only (a readable stack)."""
    own = [f for f in reversed(stack) if f.startswith(("tui.", "engine.", "textual."))]
    return (
        " > ".join(f.replace("textual.", "t.") for f in own[-14:])
        + f" || {stack[0] if stack else '-'}"
    )
