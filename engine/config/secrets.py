"""Where secrets may live, what counts as one, and who may read the files.

Secrets (API passwords, consumer secrets, tokens, the webhook and SMTP
secrets) can be written in three places, later ones winning:

1. ``config.toml`` itself — allowed, but then the file must be private;
2. ``secrets.toml`` beside it, with the same table structure
   (``[connections.shop1.woo] consumer_secret = "cs_…"``) — always private;
3. environment variables, named ``TILLSYNC_`` + the key's path without the
   leading ``connections``, upper-cased, with ``-`` and ``.`` turned into ``_``:

   ======================================  ===================================
   key                                     environment variable
   ======================================  ===================================
   connections.shop1.woo.consumer_secret   TILLSYNC_SHOP1_WOO_CONSUMER_SECRET
   connections.shop1.woo.webhook_secret    TILLSYNC_SHOP1_WOO_WEBHOOK_SECRET
   connections.shop1.backend.password      TILLSYNC_SHOP1_BACKEND_PASSWORD
   connections.eu-shop.backend.token       TILLSYNC_EU_SHOP_BACKEND_TOKEN
   notify.smtp_password                    TILLSYNC_NOTIFY_SMTP_PASSWORD
   ======================================  ===================================

Only secrets come from the environment: everything else belongs in the
file, where it can be reviewed.  A file holding any secret that group or
others can read is refused, with the ``chmod`` that fixes it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from engine.errors import ConfigError

__all__ = [
    "ENV_PREFIX",
    "Origin",
    "check_private",
    "env_secrets",
    "holds_secrets",
    "is_secret_key",
    "secret_env_var",
]

ENV_PREFIX = "TILLSYNC_"
_SECRET_WORDS = ("password", "secret", "token", "api_key", "apikey", "private_key", "passphrase")
_WOO_SECRETS = ("consumer_secret", "webhook_secret")

Path_ = tuple[str, ...]
Origin = dict[Path_, str]  # key path -> where its value came from (file or env var)


def is_secret_key(name: str) -> bool:
    """Whether a config key holds a secret, judged by its name.

    Judging by name (not by the model) lets the same rule cover the generic
    settings tables of back offices whose fields only their adapter knows.
    """
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def secret_env_var(path: Path_) -> str:
    """The environment variable that may hold the secret at ``path``."""
    parts = path[1:] if path and path[0] == "connections" else path
    return ENV_PREFIX + "_".join(_env_word(part) for part in parts)


def _env_word(part: str) -> str:
    return part.upper().replace("-", "_").replace(".", "_")


def env_secrets(connections: list[str], env: Mapping[str, str]) -> Iterator[tuple[Path_, str, str]]:
    """Yield ``(key path, env var, value)`` for every secret set in ``env``.

    A variable under a connection's ``_WOO_`` or ``_BACKEND_`` prefix that
    names no secret is an error: it is almost surely a typo that would
    otherwise be silently ignored while the admin wonders why auth fails.
    """
    for name, value in sorted(env.items()):
        if not value:
            continue
        if name == secret_env_var(("notify", "smtp_password")):
            yield ("notify", "smtp_password"), name, value
        for connection in connections:
            found = _connection_secret(connection, name)
            if found is not None:
                yield found, name, value


def _connection_secret(connection: str, name: str) -> Path_ | None:
    base = ("connections", connection)
    for section in ("woo", "backend"):
        prefix = secret_env_var((*base, section)) + "_"
        if not name.startswith(prefix):
            continue
        key = name.removeprefix(prefix).lower()
        allowed = key in _WOO_SECRETS if section == "woo" else is_secret_key(key)
        if not allowed:
            raise ConfigError(
                f"environment variable {name} does not name a secret of "
                f"[connections.{connection}.{section}]",
                hint=_env_hint(connection, section),
            )
        return (*base, section, key)
    return None


def _env_hint(connection: str, section: str) -> str:
    if section == "woo":
        names = ", ".join(
            secret_env_var(("connections", connection, "woo", k)) for k in _WOO_SECRETS
        )
        return f"WooCommerce secrets from the environment are: {names}"
    example = secret_env_var(("connections", connection, "backend", "password"))
    return (
        f"only secrets (keys containing {', '.join(_SECRET_WORDS[:3])}, …) may come from the "
        f"environment, e.g. {example}; put other settings in the config file"
    )


def holds_secrets(data: Mapping[str, Any]) -> bool:
    """Whether a parsed TOML document sets any secret-named key to a value."""
    for key, value in data.items():
        if isinstance(value, Mapping):
            if holds_secrets(value):
                return True
        elif is_secret_key(key) and value not in ("", None):
            return True
    return False


def check_private(path: Path, *, why: str) -> None:
    """Refuse a file that holds secrets but that group or others may access."""
    if os.name != "posix":
        return  # Windows ACLs don't map to mode bits; nothing sensible to check
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"refusing to read {path}: it {why} but other users can access it (mode {mode:04o})",
            hint=f"make it private with:  chmod 600 {path}",
        )
