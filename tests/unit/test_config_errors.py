"""Error messages: file, dotted key, what is wrong, an example — and never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.config import (
    ConfigFileError,
    ConfigProblem,
    format_config_error,
    parse_config,
    require_adapters,
)
from engine.errors import ConfigError

SOURCE = Path("/etc/tillsync/config.toml")

VALID = """
[connections.shop1.woo]
url = "https://shop.example.com"
consumer_key = "ck_1"
consumer_secret = "cs_1"

[connections.shop1.backend]
type = "korona"
base_url = "https://167.koronacloud.com/web/api/v3"
account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"
user = "woo-sync"
password = "pw"
"""


def problems_of(text: str) -> dict[str, ConfigProblem]:
    with pytest.raises(ConfigFileError) as caught:
        parse_config(text, source=SOURCE)
    return {problem.dotted: problem for problem in caught.value.problems}


def message_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source=SOURCE)
    return format_config_error(caught.value)


def test_the_valid_base_loads() -> None:
    assert parse_config(VALID, source=SOURCE).connections["shop1"].woo.consumer_key == "ck_1"


def test_a_wrong_value_names_file_key_problem_and_example() -> None:
    message = message_of(
        VALID.replace('account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"', 'account_id = "12345"')
    )
    assert message.splitlines() == [
        f"tillsync: configuration error in {SOURCE}",
        "  connections.shop1.backend.account_id: must be the account's UUID, shown in KORONA "
        "Studio under Settings → Data Exchange → APIv3",
        '    example: account_id = "3f2c1a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f"',
    ]


def test_all_problems_are_reported_at_once() -> None:
    text = VALID + '[engine]\ntimezone = "Europe/Bratislav"\n[webhooks]\nport = 70000\n'
    problems = problems_of(text)
    assert set(problems) == {"engine.timezone", "webhooks.port"}
    assert "did you mean 'Europe/Bratislava'?" in problems["engine.timezone"].problem
    assert problems["webhooks.port"].problem == "must be less than or equal to 65535 (got 70000)"
    assert problems["webhooks.port"].example == "port = 8787"
    assert message_of(text).startswith(f"tillsync: 2 configuration errors in {SOURCE}")


def test_unknown_keys_suggest_the_right_spelling() -> None:
    problems = problems_of(
        VALID.replace("[connections.shop1.woo]", "[connections.shop1.woo]\nverfiy_tls = false")
    )
    assert (
        problems["connections.shop1.woo.verfiy_tls"].problem
        == "unknown key — did you mean 'verify_tls'?"
    )
    problems = problems_of(VALID + "[engine]\nwhatever = 1\n")
    assert (
        "known keys here: state_db, timezone, log_dir, debug" in problems["engine.whatever"].problem
    )


def test_backend_type_errors_point_at_type() -> None:
    """A type no installed entry declares reads, and is refused for use at its key."""
    config = parse_config(VALID.replace('type = "korona"', 'type = "lightspeed"'), source=SOURCE)
    with pytest.raises(ConfigFileError) as caught:
        require_adapters(config)
    unknown = {problem.dotted: problem for problem in caught.value.problems}
    assert "no adapter for 'lightspeed'" in unknown["connections.shop1.backend.type"].problem
    assert "choose one of korona" in unknown["connections.shop1.backend.type"].problem
    missing = problems_of(VALID.replace('type = "korona"\n', ""))
    assert "say which back office" in missing["connections.shop1.backend.type"].problem


def test_cross_field_checks_point_at_the_key() -> None:
    problems = problems_of(VALID + '[notify]\nadmin_email = "boss@shop.example"\n')
    assert problems["notify.smtp_host"].problem == "is required when admin_email is set"
    problems = problems_of(VALID + '[connections.shop1.orders]\nvoid_on = ["completed"]\n')
    assert "booked and voided" in problems["connections.shop1.orders.void_on"].problem


def test_a_table_written_as_a_value() -> None:
    problems = problems_of(VALID + "[connections.shop1]\nsync = true\n")
    assert problems["connections.shop1.sync"].problem.startswith("must be a table")


def test_a_missing_table_and_a_missing_secret() -> None:
    problems = problems_of(
        VALID.split("[connections.shop1.backend]")[0].replace('consumer_secret = "cs_1"\n', "")
    )
    assert (
        problems["connections.shop1.backend"].problem
        == "table [connections.shop1.backend] is missing"
    )
    secret = problems["connections.shop1.woo.consumer_secret"].problem
    assert "/etc/tillsync/secrets.toml" in secret and "TILLSYNC_SHOP1_WOO_CONSUMER_SECRET" in secret


def test_toml_syntax_error_names_line_and_column() -> None:
    message = message_of(VALID.replace('user = "woo-sync"', 'user = "woo-sync'))
    lines = message.splitlines()
    assert lines[0] == f"tillsync: TOML syntax error in {SOURCE}, line 11, column 17"
    assert lines[2] == '    11 | user = "woo-sync'


def test_toml_syntax_error_on_a_secret_line_hides_the_value() -> None:
    message = message_of(VALID.replace('password = "pw"', 'password "hunter2-secret"'))
    assert "line 12" in message and "password ********" in message
    assert "hunter2" not in message


def test_a_bad_schedule_names_its_key_and_the_fix() -> None:
    problems = problems_of(VALID + '[connections.shop1.schedules]\nstock = "every 20s"\n')
    stock = problems["connections.shop1.schedules.stock"]
    assert "more often than once a minute" in stock.problem and "allow_fast = true" in stock.problem
    assert stock.example == 'stock = "every 3 minutes"'
    assert stock.source == str(SOURCE)
    problems = problems_of(VALID + '[schedules]\nreconcile = "nightly"\n')
    assert "can't read schedule 'nightly'" in problems["schedules.reconcile"].problem


def test_plain_config_errors_format_with_their_hint() -> None:
    message = format_config_error(ConfigError("refusing to read x", hint="chmod 600 x"))
    assert message == "tillsync: configuration error: refusing to read x\n  chmod 600 x"


SECRET_KEYS = [
    ("connections.shop1.woo", "consumer_secret"),
    ("connections.shop1.woo", "webhook_secret"),
    ("connections.shop1.backend", "password"),
    ("notify", "smtp_password"),
]
# prefixed so a generated secret can never be a piece of the message's own text
# (hypothesis once drew "ConfigFileEr", which the repr rightly contains)
_secret_values = st.text(
    alphabet=st.characters(codec="ascii", categories=("L", "N")), min_size=12, max_size=30
).map(lambda text: f"Zq9X{text}")
# malformed on purpose: a list, a table, or (woo secrets) a string without "cs_"
_shapes = st.sampled_from(['["{}"]', '{{ x = "{}" }}', '"{}"'])


def with_secret(table: str, key: str, value: str) -> str:
    """VALID with ``key`` in ``table`` set to ``value`` (replacing any value it had)."""
    text = VALID.replace(f'{key} = "cs_1"\n', "").replace(f'{key} = "pw"\n', "")
    if f"[{table}]" not in text:
        text += f"\n[{table}]\n"
    return text.replace(f"[{table}]\n", f"[{table}]\n{key} = {value}\n")


@settings(max_examples=60, deadline=None)
@given(secret=_secret_values, shape=_shapes, where=st.sampled_from(SECRET_KEYS))
def test_no_error_ever_echoes_a_secret(secret: str, shape: str, where: tuple[str, str]) -> None:
    table, key = where
    if shape == '"{}"' and key != "consumer_secret":
        shape = '["{}"]'  # a plain string is a valid password: make it a list
    text = with_secret(table, key, shape.format(secret))
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source=SOURCE)
    error = caught.value
    assert isinstance(error, ConfigFileError)
    assert error.problems[0].dotted.startswith(f"{table}.{key}")
    assert secret not in format_config_error(error)
    assert secret not in str(error) and secret not in repr(error)
    assert error.__cause__ is None and error.__suppress_context__
