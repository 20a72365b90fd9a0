"""Secret redaction for captures, error messages and log lines.

Two nets, because either alone leaks: sensitive *names* (Authorization
header, ``consumer_secret`` / ``oauth_signature`` query parameters,
``password`` / ``token`` JSON keys) are masked wherever they appear, and the
*values* the caller declared secret are replaced verbatim — also in their
URL- and JSON-escaped spellings — so a secret echoed back in an unexpected
place (an error message, a redirect URL) is caught as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

import httpx

__all__ = ["MASK", "Redactor", "is_sensitive_name"]

MASK = "***"

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)
_SENSITIVE_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|signature|api[_-]?key|private[_-]?key|credential|session)",
    re.IGNORECASE,
)
# key=value pairs in query strings / form bodies whose key looks sensitive
# (a key starts only after a separator, which keeps the scan linear on large bodies)
_PAIR = re.compile(r"(?:^|(?<=[?&;,\s\"']))(?P<key>[\w\[\]%.-]+)=(?P<value>[^&\s\"']*)")

# "key": "value" in JSON that could not be parsed (e.g. truncated for a capture)
_JSON_PAIR = re.compile(r'"(?P<key>[^"\\]{1,64})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')


def is_sensitive_name(name: str) -> bool:
    """True for header/parameter/field names that carry credentials."""
    return name.lower() in _SENSITIVE_HEADERS or bool(_SENSITIVE_NAME.search(name))


class Redactor:
    """Masks declared secret values and credential-looking fields."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        spellings: set[str] = set()
        for secret in secrets:
            if secret:
                spellings.update(_spellings(secret))
        # longest first so a secret containing another is masked whole
        self._values = sorted(spellings, key=len, reverse=True)

    def add(self, secret: str) -> None:
        """Declare one more secret value (e.g. a token obtained at runtime)."""
        if secret:
            self._values = sorted({*self._values, *_spellings(secret)}, key=len, reverse=True)

    def text(self, value: str) -> str:
        """Mask declared secret values anywhere in ``value``."""
        for secret in self._values:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def pairs(self, value: str) -> str:
        """Mask ``key=value`` pairs with sensitive keys (query strings, form bodies)."""

        def mask(match: re.Match[str]) -> str:
            key = match.group("key")
            return f"{key}={MASK}" if is_sensitive_name(key) else match.group(0)

        return self.text(_PAIR.sub(mask, value))

    def url(self, url: str | httpx.URL) -> str:
        return self.pairs(str(url))

    def headers(self, headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
        return {
            name: MASK if is_sensitive_name(name) else self.text(value)
            for name, value in headers.items()
        }

    def body(self, body: str) -> str:
        """Mask a request/response body: JSON fields by name, else form pairs."""
        try:
            parsed = json.loads(body)
        except ValueError:
            return self.pairs(_JSON_PAIR.sub(_mask_json_pair, body))
        if not isinstance(parsed, dict | list):
            return self.text(body)
        return self.text(json.dumps(_mask_json(parsed), ensure_ascii=False))


def _mask_json_pair(match: re.Match[str]) -> str:
    if is_sensitive_name(match.group("key")):
        return f'"{match.group("key")}": "{MASK}"'
    return match.group(0)


def _spellings(secret: str) -> set[str]:
    escaped = json.dumps(secret)[1:-1]
    return {secret, quote(secret, safe=""), quote_plus(secret), escaped}


def _mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: MASK if is_sensitive_name(str(k)) and _is_scalar(v) else _mask_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    return value


def _is_scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, dict | list)
