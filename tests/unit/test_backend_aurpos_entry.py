"""The AurPOS entry: registered, its starter section validates, never the default."""

from __future__ import annotations

import tomllib

from engine.backends import available_backends, backend_entry
from engine.backends.aurpos.config import AurposBackendSettings
from engine.backends.aurpos.settings import AurposSettings


def test_aurpos_is_installed_but_never_the_default() -> None:
    names = available_backends()
    assert "aurpos" in names
    # built on inferred facts, it ranks after the others whatever its name sorts as
    assert names[0] != "aurpos"
    assert backend_entry(names[0]).rank < backend_entry("aurpos").rank


def test_starter_section_validates_and_builds_settings() -> None:
    entry = backend_entry("aurpos")
    section = tomllib.loads(entry.config_template) | tomllib.loads(entry.secrets_template)
    model = AurposBackendSettings.model_validate(section | {"location": "1"})
    settings = AurposSettings.coerce(model)
    assert settings.location == "1" and settings.base_paths == ("", "/public")
    assert "change-me" not in repr(settings)
    assert settings.status_map["pending"] == "draft"
    assert settings.status_map["processing"] == "final"
