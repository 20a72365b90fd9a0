"""The secret sweep itself: it knows every harness secret, it bites, and the committed
screenshots are clean."""

from __future__ import annotations

import importlib
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from engine.events import EventBus, Level, LogEvent
from tests.conftest import repo_screenshots
from tests.secret_sweep import SecretSweep
from tests.secrets_registry import KNOWN_SECRETS, needles

ROOT = Path(__file__).resolve().parents[2]

#: module → the names of its constants that are configured secrets
HARNESS_SECRETS = {
    "tests.integration.sync_harness": ("WOO_SECRET", "KORONA_PASSWORD"),
    "tests.integration.orders_harness": ("WOO_SECRET",),
    "tests.cli.installation": ("WOO_SECRET", "WEBHOOK_SECRET", "KORONA_PASSWORD"),
    "tests.tui.seed": ("WOO_SECRET",),
    "tests.reliability.service": ("WOO_SECRET", "WEBHOOK_SECRET", "KORONA_PASSWORD"),
    "tests.reliability.test_webhook_abuse": ("SECRET",),
    "tests.security.installation": ("WOO_SECRET", "WEBHOOK_SECRET", "SMTP_PASSWORD"),
    "tests.integration.test_notify_smtp": ("PASSWORD",),
    "tests.integration.test_webhooks_loopback": ("SECRET",),
    "tests.integration.test_webhooks_server": ("SECRET",),
    "tests.integration.test_woo_client_sandbox": ("SECRET",),
    "tests.integration.test_woo_client_resources": ("SECRET",),
    "tui.commands.demo": ("DEMO_WOO_SECRET", "DEMO_WEBHOOK_SECRET"),
    "sandbox.nexopos.ids": ("TOKEN",),
    "sandbox.kros.company": ("DEFAULT_TOKEN", "WEBHOOK_SECRET"),
}


@pytest.mark.parametrize("module", sorted(HARNESS_SECRETS))
def test_registry_knows_every_harness_secret(module: str) -> None:
    loaded = importlib.import_module(module)
    known = set(KNOWN_SECRETS.values())
    missing = [name for name in HARNESS_SECRETS[module] if getattr(loaded, name) not in known]
    assert not missing, f"add {module}.{missing} to tests/secrets_registry.py"


def test_sweep_finds_secrets_in_records_tracebacks_events_and_basic_auth() -> None:
    sweep = SecretSweep()
    logger = logging.getLogger("tests.security.sweep_probe")
    logger.propagate = False  # keep the probe out of the session's own sweep
    handler = sweep.log_handler()
    logger.addHandler(handler)
    secret = KNOWN_SECRETS["webhook secret (security tests)"]
    try:
        logger.warning("clean line")
        try:
            raise ValueError(f"bad token {secret}")
        except ValueError:
            logger.error("failed", exc_info=True)  # only the traceback holds it
    finally:
        logger.removeHandler(handler)
    event = LogEvent(level=Level.INFO, job="x", connection="c", text="t", data={"k": secret})
    sweep.check(repr(event), "event")
    basic = next(n for n, name in needles().items() if name.endswith("HTTP Basic credential"))
    sweep.check(f"authorization: Basic {basic}", "capture")
    where = [f.where for f in sweep.findings]
    assert len(where) == 3 and where[1:] == ["event", "capture"], where
    assert secret not in sweep.report()  # names only, never the value


def test_the_session_sweep_is_installed() -> None:
    handlers = [type(h).__name__ for h in logging.getLogger().handlers]
    assert "_SweepHandler" in handlers
    assert EventBus.publish.__name__ == "checked_publish"


LEAKY_TEST = """
import logging
from tests.secrets_registry import KNOWN_SECRETS

def test_leaks():
    secret = KNOWN_SECRETS["KORONA API password (sandbox account)"]
    logging.getLogger("engine.probe").warning("login with %s", secret)

def test_fails_for_another_reason():
    configured = "smtp-pass-Xy9"  # quoted by pytest as source, not produced by tillsync
    assert False, "unrelated"
"""


def test_a_leak_anywhere_fails_the_whole_session(tmp_path: Path) -> None:
    """A passing test that logs a secret still fails the run, naming the secret; a failing
    test whose quoted source holds one does not count as an exposure."""
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
         str(tmp_path / "test_leaky.py")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "1 failed, 1 passed" in output and "SECRETS EXPOSED" in output
    findings = output.split("SECRETS EXPOSED", 1)[1]
    assert "KORONA API password (sandbox account) found in log record engine.probe" in findings
    assert "SMTP password" not in findings  # a test's own source is not an exposure
    assert KNOWN_SECRETS["KORONA API password (sandbox account)"] not in output


def test_committed_screenshots_hold_no_secret() -> None:
    sweep = SecretSweep()
    shots = repo_screenshots()
    sweep.check_files(shots)
    assert sweep.findings == [], sweep.report()
    assert sweep.scanned == len(shots)
