"""EmailAlerts against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from engine.notify import Alert, EmailAlerts, Severity
from sandbox.server import free_port

USER = "tillsync"
PASSWORD = "smtp-Pa55-w0rd-q7"
KEY = "backend-down:korona"

# the plain-text test server takes AUTH without TLS on purpose (loopback only)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Mailbox:
    """aiosmtpd handler keeping every accepted message (it runs in the server's thread)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.rcpt: list[list[str]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self.rcpt.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted"

    async def wait_for(self, count: int) -> list[Message]:
        """Wait up to 5 s for ``count`` messages without blocking the loop the sink sends from."""

        def wait() -> None:
            with self._arrived:
                self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=5)

        await asyncio.to_thread(wait)
        return self.messages


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def start_smtp(mailbox: Mailbox, port: int | None = None, **kwargs) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port(), **kwargs)
    controller.start()
    return controller


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp(mailbox: Mailbox) -> Iterator[Controller]:
    controller = start_smtp(
        mailbox, authenticator=authenticate, auth_required=True, auth_require_tls=False
    )
    yield controller
    controller.stop()


def sink_for(port: int, **kwargs) -> EmailAlerts:
    options = {"username": USER, "password": PASSWORD, "batch_window": 60.0, **kwargs}
    return EmailAlerts("127.0.0.1", port, "tillsync@shop.test", ["admin@shop.test"], **options)


def body_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()


async def test_five_alerts_in_one_window_are_one_mail(smtp, mailbox) -> None:
    alerts = sink_for(smtp.port, batch_window=0.3)
    for n in range(5):
        await alerts.emit(Alert(Severity.ERROR, f"order {n} failed", key=f"order:{n}"))
    assert mailbox.messages == []  # nothing before the window closes
    [mail] = await mailbox.wait_for(1)  # the window's mail, waited for (not a fixed sleep)
    assert mail["Subject"] == "[tillsync] 5 alerts, worst ERROR: order 0 failed (+4 more)"
    assert all(f"order {n} failed" in body_of(mail) for n in range(5))
    assert mailbox.rcpt == [["admin@shop.test"]]
    await alerts.aclose()
    assert len(mailbox.messages) == 1


async def test_an_outage_is_mailed_once_and_resolution_rearms(smtp, mailbox) -> None:
    alerts = sink_for(smtp.port)
    for _ in range(3):
        await alerts.emit(Alert(Severity.ERROR, "KORONA is not answering", key=KEY))
        assert await alerts.flush()
    await alerts.emit(Alert.resolved(KEY, "KORONA answers again"))
    await alerts.flush()
    await alerts.emit(Alert(Severity.ERROR, "KORONA is not answering", key=KEY))
    await alerts.aclose()
    subjects = [m["Subject"] for m in await mailbox.wait_for(3)]
    assert subjects == [
        "[tillsync] ERROR: KORONA is not answering",
        "[tillsync] RESOLVED: KORONA answers again",
        "[tillsync] ERROR: KORONA is not answering",
    ]


async def test_cooldown_expiry_sends_a_reminder(smtp, mailbox) -> None:
    now = [0.0]
    alerts = sink_for(smtp.port, cooldown=3600, clock=lambda: now[0])
    await alerts.emit(Alert(Severity.ERROR, "KORONA is not answering", key=KEY))
    now[0] = 1800
    await alerts.emit(Alert(Severity.ERROR, "KORONA is not answering", key=KEY))
    await alerts.flush()
    now[0] = 3601
    await alerts.emit(Alert(Severity.ERROR, "KORONA is still not answering", key=KEY))
    await alerts.aclose()
    assert [m["Subject"] for m in await mailbox.wait_for(2)] == [
        "[tillsync] ERROR: KORONA is not answering",
        "[tillsync] ERROR: KORONA is still not answering",
    ]


async def test_send_test_mail(smtp, mailbox) -> None:
    result = await sink_for(smtp.port).send_test_mail()
    assert result.ok and "admin@shop.test" in result.detail
    [mail] = await mailbox.wait_for(1)
    assert mail["Subject"] == "[tillsync] test mail" and mail["From"] == "tillsync@shop.test"


async def test_smtp_down_is_logged_then_delivered_later(mailbox, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    alerts = sink_for(port, timeout=2)
    await alerts.emit(Alert(Severity.CRITICAL, "Webhook disabled by WooCommerce", key="hook"))
    assert await alerts.flush() is False  # no exception, kept for retry
    assert alerts.pending == 1 and "127.0.0.1" in alerts.last_error
    failed = await alerts.send_test_mail()
    assert not failed.ok and failed.detail
    controller = start_smtp(
        mailbox, port=port, authenticator=authenticate, auth_required=True, auth_require_tls=False
    )
    try:
        await alerts.emit(Alert(Severity.WARNING, "Stock job slow", key="slow"))
        assert await alerts.flush()
        [mail] = await mailbox.wait_for(1)
    finally:
        await alerts.aclose()
        controller.stop()
    assert "Webhook disabled by WooCommerce" in body_of(mail) and "Stock job slow" in body_of(mail)
    assert alerts.pending == 0 and alerts.last_error == ""
    assert "alert mail not sent" in caplog.text
    assert PASSWORD not in caplog.text


async def test_refused_login_never_logs_the_password(smtp, mailbox, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    alerts = sink_for(smtp.port, password=PASSWORD + "-old")
    await alerts.emit(Alert(Severity.ERROR, "order 5 failed"))
    assert await alerts.flush() is False
    result = await alerts.send_test_mail()
    await alerts.aclose()
    assert not result.ok and "SMTPAuthenticationError" in result.detail
    assert mailbox.messages == []
    for text in (caplog.text, result.detail, alerts.last_error, repr(alerts)):
        assert PASSWORD not in text


async def test_failed_retry_is_scheduled_by_itself(mailbox) -> None:
    port = free_port()
    alerts = sink_for(port, batch_window=0.05, retry_delay=0.2, timeout=2)
    await alerts.emit(Alert(Severity.ERROR, "KORONA is not answering", key=KEY))
    for _ in range(500):  # the first attempt fails: nobody listens yet
        if alerts.last_error:
            break
        await asyncio.sleep(0.01)
    assert alerts.last_error and alerts.pending == 1
    controller = start_smtp(
        mailbox, port=port, authenticator=authenticate, auth_required=True, auth_require_tls=False
    )
    try:
        assert [m["Subject"] for m in await mailbox.wait_for(1)] == [
            "[tillsync] ERROR: KORONA is not answering"
        ]
        await alerts.aclose()  # waits for the send in flight to finish
        assert (alerts.pending, alerts.mails_sent) == (0, 1)
    finally:
        await alerts.aclose()
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_smtp(mailbox: Mailbox, ca: trustme.CA) -> Iterator[Controller]:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    controller = start_smtp(
        mailbox,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    yield controller
    controller.stop()


@pytest.mark.parametrize("starttls", [True, "auto"])
async def test_starttls_with_login(tls_smtp, mailbox, ca, starttls) -> None:
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    alerts = sink_for(tls_smtp.port, starttls=starttls, tls_context=client_context)
    assert (await alerts.send_test_mail()).ok
    assert len(await mailbox.wait_for(1)) == 1


async def test_plaintext_to_a_starttls_only_server_fails_softly(tls_smtp, mailbox, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    alerts = sink_for(tls_smtp.port, starttls=False)
    result = await alerts.send_test_mail()
    assert not result.ok and mailbox.messages == []
    assert PASSWORD not in caplog.text + result.detail


async def test_backlog_is_bounded_and_the_mail_says_so(mailbox) -> None:
    port = free_port()
    alerts = sink_for(port, max_pending=3, timeout=2)
    for n in range(5):
        await alerts.emit(Alert(Severity.ERROR, f"order {n} failed"))
        await alerts.flush()  # each attempt fails: nobody listens yet
    assert alerts.pending == 3
    controller = start_smtp(
        mailbox, port=port, authenticator=authenticate, auth_required=True, auth_require_tls=False
    )
    try:
        await alerts.aclose()
        await alerts.emit(Alert(Severity.ERROR, "after close"))
    finally:
        controller.stop()
    [mail] = mailbox.messages
    text = body_of(mail)
    assert "order 0 failed" not in text and "order 4 failed" in text
    assert "2 older alert(s) were discarded" in text and "after close" not in text
    assert alerts.pending == 0
