"""Every secret the test suites configure, in one place, so one sweep can look for all.

The session sweep (tests/conftest.py) and tests/security scan logs, events,
exception texts, CLI output, state files and screenshots for these values and for
the forms they take on the wire (HTTP Basic credentials).  A harness that adds a
secret adds it here; ``test_registry_knows_every_harness_secret`` fails otherwise.
Only secrets tillsync is *configured* with belong here — a value a test invents to
probe a parser (``"pw"``, ``"x"``) is not something tillsync could leak.
"""

from __future__ import annotations

import base64

__all__ = ["BASIC_LOGINS", "KNOWN_SECRETS", "needles"]

#: name → value; the name (never the value) is what a failure report shows.
KNOWN_SECRETS: dict[str, str] = {
    "Woo consumer secret (sync/orders harnesses)": "cs_test_fedcba9876543210fedcba9876543210",
    "Woo consumer secret (CLI installation)": "cs_cli_secret_fedcba9876543210fedcba98765",
    "webhook secret (CLI installation)": "whsec-cli-5f1e0d9c8b7a6f5e4d3c2b1a",
    "KORONA API password (sandbox account)": "sandbox-password",
    "KROS API token (sandbox company)": "kros-sandbox-token-company-1",
    "KROS webhook authorization key (sandbox company)": (
        "kros-sandbox-webhook-authorization-key-0123456789ab"
    ),
    "Woo consumer secret (kill tests)": "cs_kill_secret_0f1e2d3c4b5a69788796a5b4c3",
    "webhook secret (kill tests)": "whsec-kill-7d6c5b4a39281706f5e4d3c2",
    "webhook secret (webhook abuse tests)": "whsec-abuse-6c1d0f9e8a7b",
    "Woo consumer secret (security tests)": "cs_sec_9a8b7c6d5e4f30211203f4e5d6c7b8a9",
    "webhook secret (security tests)": "whsec-sec-0a9b8c7d6e5f4a3b2c1d",
    "SMTP password (security tests)": "smtp-sec-Qw3rty-77",
    "Woo consumer secret (Woo client sandbox tests)": "cs_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "Woo consumer secret (Woo client resource tests)": "cs_f6e5d4c3b2a1908172635445362718a9",
    "webhook secret (Woo webhook lifecycle test)": "whsec_do_not_print_7",
    "webhook secret (receiver loopback tests)": "loopback-secret-5dK2",
    "webhook secret (receiver server tests)": "in-loop-secret-93",
    "webhook secret (receiver unit tests)": "wh-secret-Zq81",
    "second webhook secret (receiver unit tests)": "other-secret-77",
    "SMTP password (notify integration tests)": "smtp-Pa55-w0rd-q7",
    "SMTP password (notify unit tests)": "smtp-pass-Xy9",
    "Woo consumer secret (console snapshot config)": "cs_f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed",
    "Woo consumer secret (demo)": "cs_demo_0000000000000000000000000000000000",
    "webhook secret (demo)": "demo-webhook-secret-not-for-production",
    "AurPOS OAuth client secret (sandbox)": "sandbox-client-secret-0123456789",
    "AurPOS user password (sandbox)": "sandbox-pass-4321",
    "NexoPOS access token (sandbox store)": "3|nexo-sandbox-token-0123456789abcdef",
    "Sitoo API password (sandbox account)": "sandbox-api-password",
    "Sitoo Events SPI callback password (events test)": "events-cb-secret-4411",
}

#: (user or consumer key, secret name) pairs sent as HTTP Basic credentials.
BASIC_LOGINS: tuple[tuple[str, str], ...] = (
    ("api-user", "KORONA API password (sandbox account)"),
    ("ck_test_0123456789abcdef0123456789abcdef", "Woo consumer secret (sync/orders harnesses)"),
    ("ck_cli_0123456789abcdef0123456789abcdef01", "Woo consumer secret (CLI installation)"),
    ("ck_kill_5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f", "Woo consumer secret (kill tests)"),
    ("ck_4f1e2d3c4b5a69788796a5b4c3d2e1f0", "Woo consumer secret (Woo client sandbox tests)"),
    ("smtp-user", "SMTP password (security tests)"),
    ("90210-1", "Sitoo API password (sandbox account)"),
    ("sitoo-events", "Sitoo Events SPI callback password (events test)"),
)  # fmt: skip


def needles() -> dict[str, str]:
    """Text to look for → the name to report: each secret and its Basic-auth form."""
    found = {value: name for name, value in KNOWN_SECRETS.items()}
    for user, name in BASIC_LOGINS:
        token = base64.b64encode(f"{user}:{KNOWN_SECRETS[name]}".encode()).decode()
        found[token] = f"{name}, as an HTTP Basic credential"
    return found
