"""Session-wide secret sweep: no configured secret may appear in anything the suite produces.

For the whole session a root logging handler checks every record, the event bus
checks every event, and each test's captured output and exception text is checked;
when the session ends, the files it left (service output, logs, state databases,
screenshots) are checked too.  A secret found anywhere fails the session with the
secret's *name* and where it was seen (tests/secret_sweep.py, tests/secrets_registry.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.events import EventBus
from tests.secret_sweep import SecretSweep, artefacts

ROOT = Path(__file__).resolve().parents[1]
SWEEP = pytest.StashKey[SecretSweep]()
BASETEMP = pytest.StashKey[Path]()
_ACTIVE: list[SecretSweep] = []


def repo_screenshots() -> list[Path]:
    """The committed SVGs: generated screenshots and the console's snapshot baselines."""
    shots = sorted((ROOT / "screenshots").glob("*.svg"))
    return shots + sorted((ROOT / "tests" / "tui" / "__snapshots__").rglob("*.svg"))


def pytest_configure(config: pytest.Config) -> None:
    sweep = config.stash[SWEEP] = SecretSweep()
    _ACTIVE[:] = [sweep]  # test reports don't carry their config
    config.add_cleanup(_ACTIVE.clear)
    handler = sweep.log_handler()
    logging.getLogger().addHandler(handler)
    publish = EventBus.publish

    def checked_publish(bus: EventBus, event: object) -> None:
        sweep.check(repr(event), f"event {type(event).__name__}")
        publish(bus, event)  # type: ignore[arg-type]

    EventBus.publish = checked_publish  # type: ignore[method-assign]
    config.add_cleanup(lambda: setattr(EventBus, "publish", publish))
    config.add_cleanup(lambda: logging.getLogger().removeHandler(handler))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for sweep in _ACTIVE:
        for title, text in report.sections:
            sweep.check(text, f"{report.nodeid} ({title})")
        if report.failed:
            sweep.check(_exception_lines(report.longreprtext), f"{report.nodeid} (exception)")


def _exception_lines(failure: str) -> str:
    """The exception part of a failure report (``E …`` lines), not the test's source
    lines pytest quotes around it — a test may well spell out the secret it configures."""
    return "\n".join(line for line in failure.splitlines() if line.startswith("E "))


@pytest.fixture(scope="session", autouse=True)
def _sweep_basetemp(tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[None]:
    """Remember where this session's temporary files are, to sweep them at the end."""
    request.config.stash[BASETEMP] = tmp_path_factory.getbasetemp()
    yield


@pytest.fixture
def secret_sweep(request: pytest.FixtureRequest) -> SecretSweep:
    """The session's sweep, for tests that check text they produced themselves."""
    return request.config.stash[SWEEP]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    sweep = config.stash.get(SWEEP, None)
    if sweep is None:
        return
    base = config.stash.get(BASETEMP, None)
    sweep.check_files([*(artefacts(base) if base else ()), *repo_screenshots()])
    if not sweep.findings:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "SECRETS EXPOSED", red=True, bold=True)
        reporter.write_line(sweep.report())
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
