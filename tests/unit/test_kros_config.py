"""KROS connections in the config: one token per company, several companies side by side."""

from __future__ import annotations

import pytest

from engine.backends import create_backend
from engine.config import ConfigFileError, parse_config


def company(name: str, token: str, extra: str = "", sequence: str = "OF") -> str:
    return f"""
[connections.{name}.woo]
url = "https://{name}.example.com"
consumer_key = "ck_{name}"
consumer_secret = "cs_{name}"

[connections.{name}.backend]
type = "kros"
token = "{token}"
numbering_sequence = "{sequence}"
{extra}
"""


async def test_two_companies_are_two_connections_each_with_its_token() -> None:
    config = parse_config(
        company("sk", "token-of-the-sk-company")
        + company("cz", "token-of-the-cz-company", 'base_currency = "CZK"')
    )
    backends = [
        create_backend("kros", config.connections[name].adapter_settings()) for name in ("sk", "cz")
    ]
    try:
        sk, cz = backends
        assert (sk.settings.token, cz.settings.token) == (
            "token-of-the-sk-company",
            "token-of-the-cz-company",
        )
        assert (sk.rates.source, cz.rates.source) == ("ECB", "CNB")
        assert "token-of" not in repr(sk) + repr(sk.settings)
    finally:
        for backend in backends:
            await backend.aclose()


def test_a_wrong_value_names_its_key() -> None:
    with pytest.raises(ConfigFileError) as refused:
        parse_config(company("sk", "t", 'document = "delivery_note"'))
    assert "connections.sk.backend.document" in str(refused.value)
    with pytest.raises(ConfigFileError) as refused:
        parse_config(company("sk", "t", sequence="TOOLONG"))
    assert "connections.sk.backend.numbering_sequence" in str(refused.value)
