"""Turning pydantic and TOML errors into :class:`ConfigProblem` s an admin can act on.

Pydantic's own messages are written for programmers ("Input should be a
valid integer, unable to parse string as an integer") and carry the input
value, which for a secret must never be shown.  Here each error becomes the
TOML key path, a plain sentence and — only for non-secret keys — the value
that was given.

A cross-field check in a model can aim its error at one key by starting the
message with ``"<key>: "``; the key is then appended to the error's path.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.config.adapters import available_backend_types
from engine.config.keys import key_info, keys_under
from engine.config.problems import ConfigProblem
from engine.config.secrets import is_secret_key, secret_env_var

__all__ = ["Sources", "problem_from_toml", "problems_from_validation"]

_KEYED = re.compile(r"^([a-z_]+): (.+)$", re.DOTALL)
_TOML_AT = re.compile(r"^(.*?)\s*\(at line (\d+), column (\d+)\)$", re.DOTALL)
_SHOWN_TYPES = (str, int, float, bool)
_TOML_KEY = re.compile(r"\s*([A-Za-z0-9_.\"\'-]+)")


@dataclass(frozen=True)
class Sources:
    """Where values came from, so each problem names the right file or variable."""

    config: Path
    secrets: Path
    origins: Mapping[tuple[str, ...], str]

    def of(self, key: tuple[str, ...]) -> str:
        return self.origins.get(key, str(self.config))


def problems_from_validation(error: ValidationError, sources: Sources) -> list[ConfigProblem]:
    """One problem per pydantic error, in the order pydantic found them."""
    problems: list[ConfigProblem] = []
    for item in error.errors(include_url=False):
        key = _toml_key(item["loc"])
        key, text = _explain(item, key, sources)
        problems.append(ConfigProblem(key, text, source=sources.of(key)))
    return problems


def _toml_key(loc: tuple[Any, ...]) -> tuple[str, ...]:
    """Pydantic's loc minus its internals: ``[key]`` markers, list indexes."""
    key: list[str] = []
    for part in loc:
        if isinstance(part, int) or part == "[key]" or "[" in str(part):
            continue
        key.append(str(part))
    return tuple(key)


def _explain(
    item: Mapping[str, Any], key: tuple[str, ...], sources: Sources
) -> tuple[tuple[str, ...], str]:
    kind, message = item["type"], str(item["msg"])
    if kind == "missing":
        return key, _missing(key, sources)
    if kind == "extra_forbidden":
        return key, "unknown key" + _did_you_mean(key)
    if kind == "union_tag_invalid":
        tag = item.get("ctx", {}).get("tag", "")
        return (
            *key,
            "type",
        ), f"unknown back office {tag!r}; choose one of {', '.join(available_backend_types())}"
    if kind == "union_tag_not_found":
        return (
            *key,
            "type",
        ), f"is missing: say which back office this is ({', '.join(available_backend_types())})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return key, f"must be a table: [{'.'.join(key)}] with keys under it"
    if kind in ("value_error", "assertion_error"):
        return _keyed(key, message.removeprefix("Value error, ").removeprefix("Assertion failed, "))
    return key, _plain(message) + _got(key, item.get("input"))


def _missing(key: tuple[str, ...], sources: Sources) -> str:
    if key and is_secret_key(key[-1]):
        return (
            f"secret is missing: put it in {sources.secrets} or set the environment "
            f"variable {secret_env_var(key)}"
        )
    if key == ("connections",):
        return "no connection is configured: add a [connections.<name>] table with woo and backend"
    info = key_info(key)
    if info is not None and info.table:
        return f"table [{'.'.join(key)}] is missing"
    return "is required but missing"


def _did_you_mean(key: tuple[str, ...]) -> str:
    known = keys_under(key[:-1])
    close = difflib.get_close_matches(key[-1], known, n=1, cutoff=0.6) if key else []
    if close:
        return f" — did you mean {close[0]!r}?"
    return f" (known keys here: {', '.join(known)})" if known else ""


def _keyed(key: tuple[str, ...], message: str) -> tuple[tuple[str, ...], str]:
    match = _KEYED.match(message)
    if match:
        return (*key, match[1]), match[2]
    return key, message


def _plain(message: str) -> str:
    return (
        message.replace("Input should be", "must be")
        .replace("String should", "must")
        .replace("Dictionary should", "must")
        .replace("Tuple should", "must")
    )


def _got(key: tuple[str, ...], value: Any) -> str:
    if any(is_secret_key(part) for part in key) or not isinstance(value, _SHOWN_TYPES):
        return ""
    if isinstance(value, str) and "://" in value and "@" in value:  # URL user:password
        return ""
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "…"
    return f" (got {shown})"


def problem_from_toml(
    error: tomllib.TOMLDecodeError, path: Path, text: str, *, secret: bool
) -> ConfigProblem:
    """A TOML syntax error with file, line, column and the line itself (secrets masked)."""
    match = _TOML_AT.match(str(error))
    if match is None:
        return ConfigProblem((), f"TOML syntax error: {error}", source=str(path))
    line, column = int(match[2]), int(match[3])
    lines = text.splitlines()
    excerpt = None if secret else _excerpt(lines, line)
    return ConfigProblem((), match[1], source=str(path), line=line, column=column, excerpt=excerpt)


#: The longest excerpt quoted; a 1 GiB line is not echoed to the terminal.
EXCERPT_LIMIT = 120
_TRIPLE_QUOTES = ('"""', "'''")


def _excerpt(lines: list[str], line: int) -> str | None:
    """The offending line, masked and cut; none inside a multi-line string, whose
    lines may be a secret's continuation with no key on them to say so."""
    if line > len(lines) or _in_multiline_string(lines, line):
        return None
    shown = _mask(lines[line - 1])
    return shown if len(shown) <= EXCERPT_LIMIT else shown[: EXCERPT_LIMIT - 1] + "…"


def _in_multiline_string(lines: list[str], line: int) -> bool:
    """True when ``line`` opens, continues or closes a multi-line string (approximate,
    erring towards hiding: any triple quote on it or an unclosed one before it)."""
    if any(quotes in lines[line - 1] for quotes in _TRIPLE_QUOTES):
        return True
    return any(sum(ln.count(q) for ln in lines[: line - 1]) % 2 for q in _TRIPLE_QUOTES)


def _mask(line: str) -> str:
    """The line as written, unless it mentions a secret anywhere (an inline table
    ``woo = { consumer_secret = "…" }`` too): then only the text before the value."""
    if not any(is_secret_key(word) for word in re.findall(r"[A-Za-z0-9_]+", line)):
        return line
    key = line.split("=", 1)[0] if "=" in line else (_TOML_KEY.match(line) or [line])[0]
    return f"{key.rstrip()} ********"
