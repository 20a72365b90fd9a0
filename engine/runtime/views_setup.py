"""First-run setup: answers → a validated config, a connection test, coupling.

WHY in the engine: the wizard must write exactly the files ``tillsync init``
documents (the commented starter, secrets apart, both 0600) and refuse
answers start-up would refuse, so it builds them from the same templates
and checks them with the same loader.  The wizard opens a non-exclusive
Engine on the answers to test them; nothing is written until the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from engine.config import (
    TillsyncConfig,
    guess_local_timezone,
    parse_config,
    render_starter_config,
    render_starter_secrets,
    secrets_path_for,
)
from engine.errors import ConfigError, TillsyncError
from engine.runtime.engine import Engine
from engine.runtime.views_settings import apply_edits

__all__ = ["SetupAnswers", "couple", "open_setup_engine", "setup_config", "write_setup"]


@dataclass(frozen=True)
class SetupAnswers:
    connection: str = "shop1"
    woo_url: str = ""
    consumer_key: str = ""
    consumer_secret: str = ""
    backend_type: str = "korona"
    base_url: str = ""
    account_id: str = ""
    user: str = ""
    password: str = ""
    point_of_sale: str = ""
    warehouse: str = ""
    price_group: str = ""
    timezone: str = ""
    state_db: str = ""  # empty: the platform's data folder

    def with_values(self, **changes: str) -> SetupAnswers:
        known = {f.name for f in fields(self)}
        return SetupAnswers(**{**self.__dict__, **{k: v for k, v in changes.items() if k in known}})

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.consumer_secret, self.password) if s)


def _texts(a: SetupAnswers) -> tuple[str, str]:
    conn = f"connections.{a.connection}"
    config = render_starter_config(
        connection=a.connection, timezone=a.timezone or guess_local_timezone()
    )
    edits = [
        (f"{conn}.woo", "url", a.woo_url.strip()),
        (f"{conn}.woo", "consumer_key", a.consumer_key.strip()),
        (f"{conn}.backend", "type", a.backend_type),
        (f"{conn}.backend", "base_url", a.base_url.strip()),
        (f"{conn}.backend", "account_id", a.account_id.strip()),
        (f"{conn}.backend", "user", a.user.strip()),
        (f"{conn}.backend", "coupling_id", f"tillsync-{a.connection}"),
    ]
    edits += [
        (f"{conn}.backend", key, getattr(a, key))
        for key in ("point_of_sale", "warehouse", "price_group")
        if getattr(a, key)
    ]
    if a.state_db:
        edits.append(("engine", "state_db", a.state_db))
    secrets = apply_edits(
        render_starter_secrets(connection=a.connection),
        [
            (f"{conn}.woo", "consumer_secret", a.consumer_secret),
            (f"{conn}.backend", "password", a.password),
        ],
    )
    return apply_edits(config, edits), secrets


def setup_config(answers: SetupAnswers, path: Path) -> TillsyncConfig:
    """The configuration these answers make, validated as start-up would (or ConfigFileError)."""
    config, secrets = _texts(answers)
    return parse_config(config, source=path, secrets_text=secrets, env=os.environ)


async def open_setup_engine(answers: SetupAnswers, path: Path) -> Engine:
    """A non-exclusive Engine on the answers, for testing them before anything is written."""
    return await Engine.open(setup_config(answers, path), exclusive=False)


async def couple(engine: Engine, connection: str, *locations: str) -> list[str]:
    """*Network.*  Select (and for an External POS, couple) each chosen location."""
    backend = engine.connection(connection).backend
    done = []
    for location in filter(None, locations):
        try:
            chosen = await backend.select_location(location)
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
