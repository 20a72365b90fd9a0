"""Composing alert mails and handing them to an SMTP server (aiosmtplib).

One digest lists every alert of a batch, worst severity in the subject, so
an outage that raises fifty alerts in a minute costs the admin one mail.
Failures are described through a redactor that knows the SMTP password,
because some servers echo what they were sent in their error replies.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal

import aiosmtplib

from engine.notify.alert import Alert
from engine.transport.redaction import Redactor

__all__ = [
    "SmtpSettings",
    "StartTls",
    "compose_digest",
    "compose_test_mail",
    "deliver",
    "describe_failure",
]

#: ``True`` requires STARTTLS, ``False`` never uses it, ``"auto"`` uses it when offered.
StartTls = bool | Literal["auto"]

MAX_LISTED = 50


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how alert mail is sent. ``password`` is kept out of ``repr``."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: StartTls = False
    use_tls: bool = False
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    subject_prefix: str = "[tillsync]"


def _one_line(text: str, limit: int = 160) -> str:
    """Header-safe: no CR/LF (header injection), bounded length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _subject(alerts: Sequence[Alert], prefix: str) -> str:
    worst = max(alerts, key=lambda a: a.severity.rank)
    if len(alerts) == 1:
        return f"{prefix} {worst.severity.upper()}: {_one_line(worst.subject)}"
    return (
        f"{prefix} {len(alerts)} alerts, worst {worst.severity.upper()}: "
        f"{_one_line(worst.subject, 100)} (+{len(alerts) - 1} more)"
    )


def _entry(alert: Alert) -> str:
    lines = [f"[{alert.severity.upper()}] {_stamp(alert.at)}  {_one_line(alert.subject, 300)}"]
    if alert.key:
        lines.append(f"    key: {alert.key}")
    lines.extend(f"    {line}" for line in alert.body.splitlines())
    return "\n".join(lines)


def _envelope(settings: SmtpSettings, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    # the sender's domain, not socket.getfqdn(): that is a blocking DNS lookup
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "tillsync")
    message.set_content(text)
    return message


def compose_digest(
    alerts: Sequence[Alert], settings: SmtpSettings, *, dropped: int = 0
) -> EmailMessage:
    """One mail listing ``alerts`` (oldest first); ``dropped`` counts alerts shed on overflow."""
    ordered = sorted(alerts, key=lambda a: a.at)
    listed = ordered[:MAX_LISTED]
    first, last = _stamp(ordered[0].at), _stamp(ordered[-1].at)
    intro = f"tillsync raised {len(ordered)} alert(s) between {first} and {last}."
    parts = [intro, *(_entry(a) for a in listed)]
    if len(ordered) > len(listed):
        parts.append(f"… and {len(ordered) - len(listed)} more; see the tillsync event log.")
    if dropped:
        parts.append(f"{dropped} older alert(s) were discarded while mail could not be sent.")
    return _envelope(
        settings, _subject(ordered, settings.subject_prefix), "\n\n".join(parts) + "\n"
    )


def compose_test_mail(settings: SmtpSettings) -> EmailMessage:
    """The mail behind the "send test mail" action."""
    text = (
        f"This is a test mail from tillsync, sent {_stamp(datetime.now(UTC))}.\n\n"
        f"Alerts will be sent from {settings.sender} via {settings.host}:{settings.port}.\n"
    )
    return _envelope(settings, f"{settings.subject_prefix} test mail", text)


def _start_tls(value: StartTls) -> bool | None:
    return None if value == "auto" else bool(value)


async def deliver(message: EmailMessage, settings: SmtpSettings) -> None:
    """Send ``message``; raises whatever the connection or the server raised."""
    await aiosmtplib.send(
        message,
        hostname=settings.host,
        port=settings.port,
        username=settings.username,
        password=settings.password,
        start_tls=_start_tls(settings.starttls),
        use_tls=settings.use_tls,
        tls_context=settings.tls_context,
        timeout=settings.timeout,
    )


def describe_failure(exc: BaseException, settings: SmtpSettings) -> str:
    """A log-safe one-liner for a failed send: the password is never in it."""
    redactor = Redactor([settings.password])
    detail = redactor.text(_one_line(str(exc), 300)) or "no detail"
    return f"{type(exc).__name__}: {detail} ({settings.host}:{settings.port})"
