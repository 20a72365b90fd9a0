"""The console's own preferences, kept in the state database.

WHY the store and not the config file: a theme is the admin's taste, not
the sync's behaviour; it must survive a restart without rewriting a config
file the admin edits by hand (and diffs, and deploys).
"""

from __future__ import annotations

from engine.runtime.engine import Engine

__all__ = ["console_theme", "save_console_theme"]

_THEME_KEY = "console.theme"


async def console_theme(engine: Engine) -> str | None:
    """The theme the admin last chose, or ``None`` (the console's default)."""
    value = await engine.store.settings.get(_THEME_KEY)
    return value if isinstance(value, str) else None


async def save_console_theme(engine: Engine, theme: str) -> None:
    """Keep the theme for the next start; a read-only console (another one runs) can't."""
    if engine.exclusive:
        await engine.store.settings.set(_THEME_KEY, theme)
