"""Values the starter files ship with, which no real store or back office accepts.

``tillsync init`` writes ``ck_change_me``, ``cs_change_me``, an all-zero
account id and ``shop.example.com`` so the file reads as an example.  They
are valid *syntax*, so loading accepts them; ``doctor`` and the jobs must
not, or "the config is valid" would be said of a file that cannot work.
Secrets are inspected but never quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from engine.config.models import TillsyncConfig
from engine.config.problems import ConfigProblem

__all__ = ["placeholder_problems"]

_CHANGE_ME = re.compile(r"change[-_ ]?me", re.IGNORECASE)
_ZERO_UUID = re.compile(r"0{8}-0{4}-0{4}-0{4}-0{12}")
_EXAMPLE_HOSTS = ("example.com", "example.org", "example.net")


def placeholder_problems(config: TillsyncConfig) -> list[ConfigProblem]:
    """One problem per key that still holds a starter placeholder (enabled connections)."""
    source = str(config.source) if config.source is not None else ""
    problems = []
    for name, conn in config.enabled_connections.items():
        for key, value in _leaves(conn, ("connections", name)):
            why = _placeholder(key[-1], value)
            if why:
                problems.append(ConfigProblem(key, why, source=source))
    return problems


def _leaves(model: BaseModel, at: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for field in (*type(model).model_fields, *(model.model_extra or {})):
        value = getattr(model, field, None)
        if isinstance(value, BaseModel):
            yield from _leaves(value, (*at, field))
        else:
            yield (*at, field), value


def _placeholder(field: str, value: Any) -> str | None:
    secret = isinstance(value, SecretStr)
    text = value.get_secret_value() if secret else value
    if not isinstance(text, str):
        return None
    if _CHANGE_ME.search(text):
        what = "the secret" if secret else f"{text!r}"
        return f"{what} is the starter file's placeholder: put the real value here"
    if _ZERO_UUID.fullmatch(text.strip()):
        return "the all-zero id is the starter file's placeholder: put your account's id here"
    if field in ("url", "base_url") and _example_host(text):
        return f"{text!r} is the starter file's example address: put your own here"
    return None


def _example_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _EXAMPLE_HOSTS)
