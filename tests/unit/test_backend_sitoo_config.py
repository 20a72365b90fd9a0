"""The Sitoo settings section: two credential sets, the mode picks one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.backends.sitoo import SitooSettings
from engine.backends.sitoo.config import SitooBackendSettings
from engine.backends.sitoo.entry import ENTRY

TEST = {
    "type": "sitoo",
    "test_base_url": "https://api-sandbox.mysitoo.com/v2/accounts/10020",
    "test_api_id": "10020-141",
    "test_password": "test-secret",
}


def test_test_mode_uses_the_test_credentials_and_keeps_the_secret_out_of_repr() -> None:
    section = SitooBackendSettings(**TEST, warehouse="1")
    settings = SitooSettings.coerce(section.adapter_settings())
    assert (settings.mode, settings.api_id, settings.account_id) == ("test", "10020-141", "10020")
    assert settings.password == "test-secret"
    assert "test-secret" not in repr(settings) and "test-secret" not in repr(section)
    assert settings.warehouse_id == "1"


def test_live_mode_needs_the_live_set() -> None:
    with pytest.raises(ValidationError, match="mode 'live' needs base_url, api_id, password"):
        SitooBackendSettings(**TEST, mode="live")
    live = SitooBackendSettings(
        **TEST, mode="live", base_url="https://api.mysitoo.com/v2/accounts/10020",
        api_id="10020-140", password="live-secret",
    )  # fmt: skip
    assert SitooSettings.coerce(live.adapter_settings()).api_id == "10020-140"


def test_api_id_must_look_like_account_dash_number() -> None:
    with pytest.raises(ValidationError, match="<account>-<number>"):
        SitooBackendSettings(**{**TEST, "test_api_id": "woo-sync"})


def test_the_starter_section_validates_with_the_model() -> None:
    import tomllib

    section = tomllib.loads(ENTRY.config_template)
    secrets = tomllib.loads(ENTRY.secrets_template)
    model = SitooBackendSettings(**section, **secrets)
    assert model.mode == "test" and model.product_filter == "active"


async def test_the_test_mode_is_what_the_backend_reports() -> None:
    from engine.backends.sitoo import create_sitoo_backend

    for mode, expected in (("test", True), ("live", False)):
        section = SitooBackendSettings(
            **TEST, mode=mode, base_url="https://api.mysitoo.com/v2/accounts/10020",
            api_id="10020-140", password="live-secret",
        )  # fmt: skip
        backend = create_sitoo_backend(section.adapter_settings())
        try:
            assert backend.test_mode is expected
        finally:
            await backend.aclose()


def test_a_sitoo_connection_reads_stock_every_3_minutes_by_default() -> None:
    """Issue 16's 3-minute stock schedule is the default; nothing to set for Sitoo."""
    from engine.config import parse_config, render_starter_config

    text = render_starter_config(backend="sitoo")
    secrets = '[connections.shop1.woo]\nconsumer_secret = "cs_x"\n'
    secrets += '[connections.shop1.backend]\ntest_password = "p"\n'
    config = parse_config(text, secrets_text=secrets, env={})
    assert config.connections["shop1"].backend.type == "sitoo"
    assert config.job_schedules("shop1")["stock"].text == "every 3 minutes"
