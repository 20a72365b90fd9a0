"""First-run setup: answers → a validated config, a connection test, coupling.

WHY in the engine: the wizard must write exactly the files ``tillsync init``
documents (the commented starter, secrets apart, both 0600) and refuse
answers start-up would refuse, so it builds them from the same templates
and checks them with the same loader.  The wizard opens a non-exclusive
Engine on the answers to test them; nothing is written until the end.
Which back-office keys are asked, picked or preset is declared by the back
office's entry (its ``setup_fields``): this module names no back office.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.backends import BackendEntry, Pick, SetupField, available_backends, backend_entry
from engine.config import (
    TillsyncConfig,
    guess_local_timezone,
    parse_config,
    render_starter_config,
    render_starter_secrets,
    secrets_path_for,
)
from engine.errors import ConfigError, TillsyncError
from engine.model import LocationKind
from engine.runtime.engine import Engine
from engine.runtime.views_settings import apply_edits

__all__ = [
    "BackendEntry",
    "Pick",
    "SetupAnswers",
    "SetupField",
    "backend_choices",
    "couple",
    "demo_entry",
    "open_setup_engine",
    "sandbox_entries",
    "setup_config",
    "setup_entry",
    "write_setup",
]

_WOO = ("connection", "woo_url", "consumer_key", "consumer_secret", "timezone", "state_db")


def backend_choices() -> tuple[tuple[str, str], ...]:
    """(type, title) of every installed back office, for the wizard's choice."""
    return tuple((name, backend_entry(name).title) for name in available_backends())


def demo_entry(name: str | None = None) -> BackendEntry:
    """The back office ``tillsync demo`` runs: ``name`` (``--backend``), else the first
    installed one that has a demo."""
    if name is not None:
        entry = backend_entry(name)
        if not entry.demo:
            with_demo = [n for n in available_backends() if backend_entry(n).demo]
            raise ConfigError(
                f"the back office {name!r} has no demo",
                hint=f"back offices with a demo: {', '.join(with_demo) or 'none'}",
            )
        return entry
    for name in available_backends():
        if backend_entry(name).demo:
            return backend_entry(name)
    raise ConfigError("no installed back office has a demo")


def sandbox_entries() -> tuple[BackendEntry, ...]:
    """The installed back offices with a sandbox (``tillsync sandbox <name>``)."""
    return tuple(e for e in map(backend_entry, available_backends()) if e.sandbox)


def setup_entry(backend_type: str) -> BackendEntry:
    """The entry whose setup fields the wizard asks (the first installed one by default)."""
    return backend_entry(backend_type or available_backends()[0])


@dataclass(frozen=True, init=False)
class SetupAnswers:
    """What the admin answered: the shop's keys and the back office's (``backend``).

    Keyword arguments other than the shop's are the back office's keys, so a
    caller writes ``SetupAnswers(woo_url=…, base_url=…)`` whatever the back office.
    """

    connection: str
    woo_url: str
    consumer_key: str
    consumer_secret: str
    backend_type: str
    timezone: str
    state_db: str  # empty: the platform's data folder
    backend: tuple[tuple[str, str], ...]

    def __init__(
        self,
        connection: str = "shop1",
        woo_url: str = "",
        consumer_key: str = "",
        consumer_secret: str = "",
        backend_type: str = "",
        timezone: str = "",
        state_db: str = "",
        **backend: str,
    ) -> None:
        values = {"connection": connection, "woo_url": woo_url, "consumer_key": consumer_key}
        values |= {"consumer_secret": consumer_secret, "timezone": timezone, "state_db": state_db}
        values["backend_type"] = backend_type or available_backends()[0]
        values["backend"] = tuple(sorted(backend.items()))
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def entry(self) -> BackendEntry:
        return setup_entry(self.backend_type)

    def value(self, key: str) -> str:
        """A shop answer, or the back office's answer for ``key`` ("" when unanswered)."""
        if key in _WOO or key == "backend_type":
            return str(getattr(self, key))
        return dict(self.backend).get(key, "")

    def with_values(self, **changes: str) -> SetupAnswers:
        """These answers with ``changes``; a key no field knows is ignored."""
        kind = changes.get("backend_type", self.backend_type)
        known = {f.key for f in setup_entry(kind).setup_fields}
        shop = {k: self.value(k) for k in _WOO} | {"backend_type": kind}
        backend = {k: v for k, v in self.backend if k in known}
        for key, value in changes.items():
            if key in shop:
                shop[key] = value
            elif key in known:
                backend[key] = value
        return SetupAnswers(**shop, **backend)

    @property
    def secrets(self) -> tuple[str, ...]:
        keys = {f.key for f in self.entry.setup_fields if f.secret}
        values = (self.consumer_secret, *(v for k, v in self.backend if k in keys))
        return tuple(s for s in values if s)


def _backend_edits(a: SetupAnswers, table: str) -> tuple[list, list]:
    """(config edits, secret edits) of the back office's fields."""
    edits, secrets = [(table, "type", a.backend_type)], []
    for f in a.entry.setup_fields:
        value = f.preset.replace("{connection}", a.connection) if f.preset else a.value(f.key)
        if value.strip():
            (secrets if f.secret else edits).append((table, f.key, value.strip()))
    return edits, secrets


def _texts(a: SetupAnswers) -> tuple[str, str]:
    conn = f"connections.{a.connection}"
    config = render_starter_config(
        connection=a.connection,
        timezone=a.timezone or guess_local_timezone(),
        backend=a.backend_type,
    )
    backend, backend_secrets = _backend_edits(a, f"{conn}.backend")
    edits = [
        (f"{conn}.woo", "url", a.woo_url.strip()),
        (f"{conn}.woo", "consumer_key", a.consumer_key.strip()),
        *backend,
    ]
    if a.state_db:
        edits.append(("engine", "state_db", a.state_db))
    secrets = apply_edits(
        render_starter_secrets(connection=a.connection, backend=a.backend_type),
        [(f"{conn}.woo", "consumer_secret", a.consumer_secret), *backend_secrets],
    )
    return apply_edits(config, edits), secrets


def setup_config(answers: SetupAnswers, path: Path) -> TillsyncConfig:
    """The configuration these answers make, validated as start-up would (or ConfigFileError)."""
    config, secrets = _texts(answers)
    return parse_config(config, source=path, secrets_text=secrets, env=os.environ)


async def open_setup_engine(answers: SetupAnswers, path: Path) -> Engine:
    """A non-exclusive Engine on the answers, for testing them before anything is written."""
    return await Engine.open(setup_config(answers, path), exclusive=False)


_KINDS = {Pick.POINT_OF_SALE: LocationKind.POINT_OF_SALE, Pick.WAREHOUSE: LocationKind.WAREHOUSE}


async def couple(engine: Engine, answers: SetupAnswers) -> list[str]:
    """*Network.*  Tell the back office of each chosen place its entry says to couple.

    Each place is selected with the kind its field picks (a number a POS and
    a warehouse share names the right one); one line per place, ✓ or ✗.
    """
    backend = engine.connection(answers.connection).backend
    done = []
    for field in answers.entry.setup_fields:
        location = answers.value(field.key)
        if not (field.couple and location):
            continue
        try:
            chosen = await backend.select_location(location, _KINDS.get(field.pick))
        except TillsyncError as error:
            done.append(f"✗ {location}: {error.message}")
        else:
            done.append(f"✓ {chosen.name}: {chosen.detail or 'selected'}")
    return done


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_setup(answers: SetupAnswers, path: Path) -> Path:
    """Write config.toml and secrets.toml (0600, folder 0700); never overwrite a file."""
    setup_config(answers, path)
    config, secrets = _texts(answers)
    secrets_path = secrets_path_for(path)
    for existing in (path, secrets_path):
        if existing.exists():
            raise ConfigError(f"{existing} already exists; setup never overwrites a file")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _write_private(path, config)
    _write_private(secrets_path, secrets)
    return path
