"""The tillsync console: a Textual app over one Engine.

Thin by design (STYLE.md §8): it opens the engine in a worker, pumps engine
events into messages in one long-lived worker, owns the screen modes and the
app-wide keys, and closes the engine on the way out.  Everything a screen
shows comes from :mod:`engine.runtime.views`.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar, cast

from textual import events, work
from textual.app import App, AwaitMount, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import NoActiveWorker, get_current_worker

from engine.runtime import Engine, EngineEvent, TillsyncConfig, TillsyncError, load_config
from engine.runtime.badges import console_title
from engine.runtime.control import RemoteEngine, ServiceGone, ServiceStatus, attach_if_running
from engine.runtime.views_console import console_theme, save_console_theme
from tui.engine_host import EngineHost
from tui.frame_hold import SwitchHolds
from tui.messages import EngineEventReceived
from tui.modals.confirm import ConfirmModal
from tui.modals.help import HelpModal
from tui.outcomes import report_release, report_retry
from tui.palette import OrderCommands
from tui.quiet_gc import QuietCollector
from tui.screens.console import ConsoleScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.first_run import FirstRunScreen
from tui.screens.logs import LogsScreen
from tui.screens.mappings import MappingsScreen
from tui.screens.orders import OrdersScreen
from tui.screens.products import ProductsScreen
from tui.screens.settings import SettingsScreen
from tui.screens.startup import StartupScreen
from tui.styles_ahead import add_default_styles
from tui.widgets.nav_bar import SCREENS

__all__ = ["EngineFactory", "TillsyncApp"]

EngineFactory = Callable[[TillsyncConfig], Coroutine[Any, Any, Engine]]
T = TypeVar("T")


async def open_engine(config: TillsyncConfig) -> Engine:
    """The running service's engine when there is one (attached), else one of our own."""
    remote = await attach_if_running(config)
    if remote is not None:
        return cast(Engine, remote)  # it answers the same facade the screens use
    return await Engine.open(config)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _freeze_heap() -> None:
    """Keep what the open console holds out of the garbage collector's full passes.

    WHY (issue 21): the engine shares this process, and a full collection
    walks every tracked object; with the app's screens, styles and the
    engine's state that was 171 ms (all threads stopped) in the middle of a
    key press during a sync.  Frozen (``gc.freeze``), the objects alive once
    the console is up are skipped, and a full pass took 45-56 ms.  Unfrozen
    first, so a reopened engine's predecessor is collected before the rest is
    frozen again.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class TillsyncApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tillsync"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-tiny"),
        (70, "-narrow"),
        (110, "-wide"),
    ]
    COMMANDS = App.COMMANDS | {OrderCommands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        "startup": StartupScreen,
        "dashboard": DashboardScreen,
        "logs": LogsScreen,
        "orders": OrdersScreen,
        "mappings": MappingsScreen,
        "products": ProductsScreen,
        "settings": SettingsScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(i), f"show('{mode}')", label, show=False)
            for i, (mode, label, _) in enumerate(SCREENS, start=1)
        ),
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "keys", "Keys", show=False),
    ]

    def __init__(
        self,
        config_path: Path | None = None,
        *,
        config: TillsyncConfig | None = None,
        engine_factory: EngineFactory = open_engine,
        connection: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        start_engine: bool = True,
        first_jobs: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.config_path = config_path
        self.clock = clock
        self.engine_events: Signal[EngineEvent] = Signal(self, "engine-events")
        self.connection_changed: Signal[str] = Signal(self, "connection-changed")
        self._config = config
        self._factory = engine_factory
        self._wanted_connection = connection
        self._start_engine = start_engine
        self._first_jobs = first_jobs
        self._engine: Engine | None = None
        self.connection = ""
        self.host = EngineHost()
        self._events: asyncio.Queue[list[EngineEvent]] = asyncio.Queue()
        self.frame_holds = SwitchHolds()  # see tui.frame_hold
        self.quiet_gc = QuietCollector()  # full collections between keys (tui.quiet_gc)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the engine is not open yet")
        return self._engine

    @property
    def ready(self) -> bool:
        return self._engine is not None

    async def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Await engine work on the engine's own loop (see :mod:`tui.engine_host`).

        Attached to a service, a read model's coroutine is relayed: the service
        computes it (see :meth:`RemoteEngine.relay`).
        """
        if not isinstance(self._engine, RemoteEngine):
            return await self.host.call(work)
        try:
            return await self.host.call(self._engine.relay(work))
        except ServiceGone as gone:
            return self._not_sent(gone)

    def _not_sent(self, gone: ServiceGone) -> NoReturn:
        """The service is away: an action is refused aloud, a read skipped; the worker ends.

        The title says "service restarting…" already, and the screen reloads
        when the console is attached again.
        """
        if not gone.reads:
            self.notify(f"{gone.message}. {gone.hint}", title="Not sent", severity="warning")
        try:
            get_current_worker()
        except NoActiveWorker:
            raise gone from None
        raise asyncio.CancelledError  # a worker ends quietly (no traceback, no exit)

    async def on_mount(self) -> None:
        self.set_interval(0.25, self.quiet_gc.tick, name="quiet-gc")  # idle until started
        await self.switch_mode("startup")
        self._boot()

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def _boot(self) -> None:
        await self._open()

    async def _open(self) -> None:
        """Load the config (or run first-time setup), open and start the engine."""
        startup = self.screen if isinstance(self.screen, StartupScreen) else None
        try:
            config = self._config or self._load_or_none()
            if config is None:
                self.push_screen(FirstRunScreen(self.config_path), self._after_setup)
                return
            self.host.start()
            engine = await self.host.call(self._factory(config))
        except TillsyncError as error:
            if startup is not None:
                startup.show_error(error.message, error.hint)
            return
        await self._attach(engine)

    def _load_or_none(self) -> TillsyncConfig | None:
        path = self.config_path
        if path is not None and not path.exists():
            return None
        return load_config(path)

    def _after_setup(self, written: Path | None) -> None:
        if written is None:
            self.exit(1)
            return
        self.config_path = written
        self._boot()

    async def _attach(self, engine: Engine) -> None:
        self._engine = engine
        names = list(engine.connections)
        self.connection = self._wanted_connection or (names[0] if names else "")
        self.title = console_title(engine.config, self.connection)
        self.host.forward(engine.bus.subscribe(), self._events.put_nowait)
        self._pump_events()
        if isinstance(engine, RemoteEngine):
            self._show_service(ServiceStatus(attached=True, pid=engine.pid))
        await self._restore_theme(engine)
        if self._start_engine:
            await self.host.call(engine.start())
            for job in self._first_jobs:
                await self.host.call_sync(engine.run_now, job, self.connection)
        await self._compose_ahead([m for m in self.MODES if m != "startup"])
        self._style_ahead()
        self._render_ahead()
        _freeze_heap()
        self.quiet_gc.start()
        await self.switch_mode("dashboard")

    async def _compose_ahead(self, modes: list[str]) -> None:
        """Compose and mount every screen before the dashboard shows (issue 21).

        A first visit otherwise composes the screen and re-parses the styles
        while the user waits (0.2-0.4 s during a sync); done here, while the
        startup screen still shows, a visit only shows it.  Hidden screens do
        not load their data (ConsoleScreen reloads only when current).
        """
        for mode in modes:
            if mode in self.MODES and mode != self.current_mode:
                await self._init_mode(mode)  # what switch_mode does on a first visit, unshown

    def _style_ahead(self) -> None:
        """Style every screen composed ahead now, so no visit re-parses the stylesheet.

        Textual re-parses the whole stylesheet and restyles the shown screen when
        a screen was not styled since the last theme change (its private
        ``_css_update_count``), and a screen composed unshown never is (nor the
        dashboard, not yet mounted when it is first switched to): each first
        visit and the dashboard's first return paid 55-125 ms during a sync
        (issue 21).  This is what ``refresh_css`` does for the screens under the
        current one, done for every mode's screens while the startup screen
        shows.  A theme chosen later restyles the shown screen at once and the
        others at their next visit, as Textual does.
        """
        add_default_styles(self.stylesheet)  # no later first mount re-parses it either
        self.refresh_css(animate=False)  # parsed with the restored theme's variables
        for stack in self._screen_stacks.values():
            for screen in stack:
                if screen is not self.screen:
                    self.stylesheet.update(screen, animate=False)
                    screen._css_update_count = self._css_update_count
                    if isinstance(screen, ConsoleScreen):
                        screen.note_styled()  # its first visit restyles nothing either

    def _render_ahead(self) -> None:
        """Lay out and render every screen composed ahead once, unshown (issue 21).

        WHY: a screen's first frame arranges and renders every widget from
        scratch (40-70 ms of render and 20-50 ms of layout for a screen with a
        table, during a sync: the first visits were the slowest keys, bench/README
        finding 11); done here, while the startup screen shows, a first visit
        renders from the widgets' caches like any later one.
        """
        for stack in self._screen_stacks.values():
            for screen in stack:
                if screen is not self.screen:
                    screen._refresh_layout(self.size)
                    screen._compositor.render_update(full=True)

    async def _restore_theme(self, engine: Engine) -> None:
        """The theme chosen last time; later choices are kept as they are made."""
        saved = await self.call(console_theme(engine))
        if saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._keep_theme)

    def _keep_theme(self, theme: Theme) -> None:
        if self.ready:
            self.run_worker(self.call(save_console_theme(self.engine, theme.name)), group="theme")

    @work(exclusive=True, group="engine-events", exit_on_error=False)
    async def _pump_events(self) -> None:
        """The one long-lived consumer of engine events (STYLE.md §7)."""
        while True:
            for event in await self._events.get():
                self.post_message(EngineEventReceived(event))

    def on_engine_event_received(self, message: EngineEventReceived) -> None:
        if isinstance(message.event, ServiceStatus):
            self._show_service(message.event)
        self.engine_events.publish(message.event)

    def _show_service(self, status: ServiceStatus) -> None:
        """The title bar says which service the console is attached to, or that it restarts."""
        self.sub_title = status.message
        if status.attached and isinstance(self.screen, ConsoleScreen) and self.ready:
            self.screen.reload()  # what changed while the service was away

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.quiet_gc.key_pressed()  # no full collection right after a key
        await super().on_event(event)

    def delay_update(self, delay: float = 0.05) -> None:
        """Hold frames for ``delay`` s or until the screen switched to is ready (frame_hold)."""
        self.frame_holds.hold(self, delay)

    def switch_mode(self, mode: str) -> AwaitMount:
        self.frame_holds.switching()
        mounted = super().switch_mode(mode)
        self.frame_holds.switched(self.screen)
        return mounted

    def action_show(self, mode: str) -> None:
        if self.ready and self.current_mode != mode:
            self.after_asking("Leave", lambda: self.switch_mode(mode))

    def after_asking(self, verb: str, then: Callable[[], object]) -> None:
        """Run ``then`` now, or after a confirm when the screen has unsaved edits."""
        lost = self.screen.unsaved() if isinstance(self.screen, ConsoleScreen) else None
        if lost is None:
            then()
            return
        modal = ConfirmModal(
            "Discard unsaved changes?",
            f"Unsaved edits in {lost} are lost. ctrl+s on the screen saves them first.",
            confirm=f"{verb} without saving",
        )
        self.push_screen(modal, lambda ok: then() if ok is not None else None)

    async def retry_order(self, woo_order_id: int) -> None:
        """The palette's "Retry order #N": book it again, show it, toast how it ended."""
        await report_retry(self, woo_order_id)
        await self.go_to_order(woo_order_id)

    def report_release(self) -> None:
        self.run_worker(report_release(self), group="order-outcome")

    async def release(self) -> None:
        await self._on_screen("mappings", "action_release")

    async def check(self) -> None:
        await self._on_screen("dashboard", "action_check")

    async def dry_run(self) -> None:
        await self._on_screen("products", "action_dry_run")

    async def _on_screen(self, mode: str, action: str) -> None:
        """Run one screen's own action (with its dialogs) from the palette."""
        if self.ready:
            await self.switch_mode(mode)
            getattr(self.screen, action)()

    async def go_to_order(self, woo_order_id: int) -> None:
        """Orders, on one order ("Needs a look", the palette's "Go to order #N")."""
        if not self.ready:
            return
        await self.switch_mode("orders")
        if isinstance(self.screen, OrdersScreen):
            self.screen.show_order(woo_order_id)

    def action_keys(self) -> None:
        """? opens the help of the current view: what it is for and its keys."""
        if isinstance(self.screen, HelpModal):
            return
        names = {mode: label for mode, label, _ in SCREENS}
        self.push_screen(HelpModal(self.screen, names.get(self.current_mode, "tillsync")))

    def action_reopen(self) -> None:
        """Close the engine and open it again from the config file (after a settings edit)."""
        if self.ready:
            self._reopen()

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def _reopen(self) -> None:
        if isinstance(self._engine, RemoteEngine):  # the service takes the saved settings too
            try:
                await self.host.call(self._engine.reload())
            except TillsyncError as error:
                self.notify(error.message, title="Settings not reloaded", severity="error")
                return
        await self.switch_mode("startup")
        if isinstance(self.screen, StartupScreen):
            self.screen.show_status("Reopening: a running job finishes first…")
        await self._close_engine()
        for mode, screen in self.MODES.items():
            if mode != "startup":
                self.remove_mode(mode)
                self.add_mode(mode, screen)
        self._config = None
        await self._open()

    def action_quit(self) -> None:  # type: ignore[override]
        self.after_asking("Quit", self._quit)

    @work(group="quit", exit_on_error=False)
    async def _quit(self) -> None:
        if not isinstance(self._engine, RemoteEngine):  # detaching leaves the service's work be
            self.notify("Stopping: letting a write in progress finish…", timeout=30)
        await self._close_engine()
        self.exit(0)

    async def _close_engine(self) -> None:
        engine, self._engine = self._engine, None
        self.workers.cancel_group(self, "engine-events")
        if engine is not None:
            await self.host.stop(lambda: engine.close(timeout=15))

    async def on_unmount(self) -> None:
        await self._close_engine()
        gc.unfreeze()  # what was frozen can be collected again once the console is gone
        self.quiet_gc.stop()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not self.ready:
            return
        for mode, label, _ in SCREENS:
            yield SystemCommand(f"Go to {label}", f"Open the {label} screen", self._go(mode))
        for job in sorted(self.engine.config.job_schedules(self.connection)):
            yield SystemCommand(f"Run {job} now", f"Start the {job} job", self._run_now(job))
        for name in self.engine.connections:
            if name != self.connection:
                yield SystemCommand(
                    f"Switch to connection {name}", "Show another store", self._switch(name)
                )

    def _go(self, mode: str) -> Callable[[], None]:
        return lambda: self.action_show(mode)

    def _run_now(self, job: str) -> Callable[[], None]:
        return lambda: self.run_now(job)

    @work(group="run-now", exit_on_error=False)
    async def run_now(self, job: str) -> None:
        """Ask the scheduler to run ``job`` (queued when it runs already)."""
        try:
            answer = await self.host.call_sync(self.engine.run_now, job, self.connection)
        except TillsyncError as error:
            self.notify(error.message, title=f"{job} not started", severity="error")
            return
        self.notify(f"{job}: {answer.message}")

    def _switch(self, name: str) -> Callable[[], None]:
        def switch() -> None:
            self.connection = name
            self.title = console_title(self.engine.config, name)
            self.connection_changed.publish(name)

        return switch
