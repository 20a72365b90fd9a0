"""The settings input steps every adapter shares (engine.backends.settings_input)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

from engine.backends.settings_input import coerce_settings, known_values, secret_text
from engine.errors import ConfigError


@dataclass(frozen=True)
class _Settings:
    url: str
    token: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> _Settings:
        values = known_values(cls, data, "Example")
        values["token"] = secret_text(values.get("token", ""))
        return cls(**values)


class _Section:
    def adapter_settings(self) -> dict[str, Any]:
        return {"url": "https://x", "token": SecretStr("s3cret")}


def test_secret_values_are_unwrapped_and_plain_ones_kept() -> None:
    assert secret_text(SecretStr("s3cret")) == "s3cret"
    assert secret_text("plain") == "plain"


def test_an_unknown_key_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="unknown Example settings: colour, urll"):
        known_values(_Settings, {"urll": "x", "colour": "red", "url": "y"}, "Example")


def test_settings_come_from_the_record_a_mapping_or_the_sections_converter() -> None:
    given = _Settings("https://x")
    assert coerce_settings(_Settings, given, "Example") is given
    assert coerce_settings(_Settings, {"url": "https://x"}, "Example") == given
    converted = coerce_settings(_Settings, _Section(), "Example", convert="adapter_settings")
    assert converted == _Settings("https://x", "s3cret")
    with pytest.raises(ConfigError, match="cannot read Example settings from _Section"):
        coerce_settings(_Settings, _Section(), "Example")  # no model_dump
