"""Once-per-outage bookkeeping, digest composition and the log sink — no I/O."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from engine.notify import Alert, AlertSink, EmailAlerts, LogAlerts, OutageLedger, Severity
from engine.notify.mail import SmtpSettings, compose_digest, describe_failure

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SETTINGS = SmtpSettings(
    host="smtp.example.test",
    port=587,
    sender="tillsync@shop.test",
    recipients=("admin@shop.test", "ops@shop.test"),
    username="tillsync",
    password="smtp-pass-Xy9",
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def down(key: str = "backend-down:korona", at: datetime = T0) -> Alert:
    return Alert(Severity.ERROR, "KORONA is not answering", "timeout after 30 s", key, at)


def test_a_key_is_reported_once_per_cooldown() -> None:
    clock = FakeClock()
    ledger = OutageLedger(cooldown=3600, clock=clock)
    assert ledger.admit(down())
    clock.now += 3599
    assert not ledger.admit(down())
    assert ledger.admit(down("backend-down:woo"))  # another condition is news
    clock.now += 1
    assert ledger.admit(down())  # still broken an hour later: a reminder
    assert ledger.open_keys() == ["backend-down:korona", "backend-down:woo"]


def test_resolved_rearms_the_key_and_is_sent_only_after_an_outage() -> None:
    ledger = OutageLedger(cooldown=3600, clock=FakeClock())
    assert not ledger.admit(Alert.resolved("backend-down:korona", "back"))  # nothing to resolve
    assert ledger.admit(down())
    assert ledger.admit(Alert.resolved("backend-down:korona", "KORONA answers again"))
    assert ledger.open_keys() == []
    assert ledger.admit(down())  # a new outage is news again


def test_alerts_without_key_are_never_suppressed() -> None:
    ledger = OutageLedger(cooldown=3600, clock=FakeClock())
    plain = Alert(Severity.WARNING, "order 12 dead-lettered")
    assert all(ledger.admit(plain) for _ in range(3))


def test_digest_lists_every_alert_with_the_worst_in_the_subject() -> None:
    alerts = [
        Alert(Severity.WARNING, "Stock job slow", key="slow", at=T0 + timedelta(seconds=5)),
        Alert(Severity.CRITICAL, "Webhook disabled\r\nBcc: evil@x", key="hook", at=T0),
        Alert(Severity.INFO, "Catalog done", "12 written\n3 skipped", at=T0 + timedelta(seconds=9)),
    ]
    message = compose_digest(alerts, SETTINGS)
    assert message["Subject"] == (
        "[tillsync] 3 alerts, worst CRITICAL: Webhook disabled Bcc: evil@x (+2 more)"
    )
    assert message["To"] == "admin@shop.test, ops@shop.test"
    assert message["Bcc"] is None
    text = message.get_content()
    assert text.index("Webhook disabled") < text.index("Stock job slow") < text.index("Catalog")
    assert "    12 written\n    3 skipped" in text
    assert "between 2026-11-22 10:00:00 UTC and 2026-11-22 10:00:09 UTC" in text


def test_digest_caps_the_list_and_mentions_shed_alerts() -> None:
    alerts = [Alert(Severity.ERROR, f"order {i} failed", at=T0) for i in range(60)]
    text = compose_digest(alerts, SETTINGS, dropped=7).get_content()
    assert "order 49 failed" in text and "order 50 failed" not in text
    assert "… and 10 more" in text and "7 older alert(s) were discarded" in text


def test_single_alert_subject() -> None:
    message = compose_digest([down()], SETTINGS)
    assert message["Subject"] == "[tillsync] ERROR: KORONA is not answering"


def test_failure_description_and_repr_hide_the_password() -> None:
    error = RuntimeError("535 auth failed for tillsync/smtp-pass-Xy9")
    assert "smtp-pass-Xy9" not in describe_failure(error, SETTINGS)
    assert "smtp-pass-Xy9" not in repr(SETTINGS)
    alerts = EmailAlerts("h", 25, "a@b", ["c@d"], password="smtp-pass-Xy9")
    assert "smtp-pass-Xy9" not in repr(alerts)


class _Secret:
    def get_secret_value(self) -> str:
        return "from-secretstr"


def test_password_may_be_a_secretstr() -> None:
    alerts = EmailAlerts("h", 25, "a@b", ["c@d"], password=_Secret())
    assert alerts.settings.password == "from-secretstr"


async def test_log_alerts_log_at_the_severity_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="engine.notify")
    sink = LogAlerts()
    assert isinstance(sink, AlertSink)
    await sink.emit(down())
    await sink.emit(Alert.resolved("backend-down:korona", "KORONA answers again"))
    assert await sink.flush()
    await sink.aclose()
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.ERROR, "alert error [backend-down:korona]: KORONA is not answering"),
        (logging.INFO, "alert resolved [backend-down:korona]: KORONA answers again"),
    ]
