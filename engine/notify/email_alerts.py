"""Alert sink that mails the admin, batched and once per outage.

``emit`` only queues: the first alert of a quiet period starts a
``batch_window`` timer and everything raised until it fires goes out as one
digest, so an outage is one mail, not hundreds.  Repeats of a key within
the cooldown are dropped by the :class:`OutageLedger`.  A send that fails
(server down, auth refused) is logged without secrets, the batch is kept,
and it is retried on the next flush — the engine never sees an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.notify.alert import Alert
from engine.notify.ledger import OutageLedger
from engine.notify.mail import (
    SmtpSettings,
    StartTls,
    compose_digest,
    compose_test_mail,
    deliver,
    describe_failure,
)

__all__ = ["EmailAlerts", "MailResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailResult:
    """Outcome of "send test mail", for the settings screen to show."""

    ok: bool
    detail: str


def _reveal(secret: object) -> str | None:
    """Accept a plain string or a pydantic ``SecretStr`` without importing pydantic."""
    if secret is None or isinstance(secret, str):
        return secret
    return secret.get_secret_value()  # type: ignore[attr-defined]


class EmailAlerts:
    """Mails alerts in batches through SMTP; see the module docstring for the rules."""

    def __init__(
        self,
        smtp_host: str,
        smtp_port: int,
        sender: str,
        recipients: Iterable[str],
        *,
        username: str | None = None,
        password: object = None,
        starttls: StartTls = False,
        use_tls: bool = False,
        batch_window: float = 60.0,
        cooldown: float = 3600.0,
        retry_delay: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 30.0,
        tls_context: ssl.SSLContext | None = None,
        max_pending: int = 1000,
    ) -> None:
        self.settings = SmtpSettings(
            host=smtp_host,
            port=smtp_port,
            sender=sender,
            recipients=tuple(recipients),
            username=username,
            password=_reveal(password),
            starttls=starttls,
            use_tls=use_tls,
            timeout=timeout,
            tls_context=tls_context,
        )
        self._ledger = OutageLedger(cooldown, clock)
        self._batch_window = batch_window
        self._retry_delay = retry_delay
        self._max_pending = max_pending
        self._pending: list[Alert] = []
        self._dropped = 0
        self._sending = 0
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self._closed = False
        self.mails_sent = 0
        self.last_error = ""

    def __repr__(self) -> str:
        return f"EmailAlerts({self.settings!r}, pending={self.pending})"

    @property
    def pending(self) -> int:
        """Alerts not yet delivered, including a batch being sent right now."""
        return len(self._pending) + self._sending

    def open_outages(self) -> list[str]:
        return self._ledger.open_keys()

    async def emit(self, alert: Alert) -> None:
        """Queue ``alert`` unless it repeats an outage already reported."""
        if self._closed:
            log.warning("alert after close not mailed: %s", alert.subject)
            return
        if not self._ledger.admit(alert):
            log.debug("alert %s already reported for this outage", alert.key)
            return
        self._pending.append(alert)
        self._shed_overflow()
        self._arm(self._batch_window)

    def _shed_overflow(self) -> None:
        excess = len(self._pending) - self._max_pending
        if excess > 0:
            del self._pending[:excess]
            self._dropped += excess

    def _arm(self, delay: float) -> None:
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._flush_after(delay), name="alert-mail")

    async def _flush_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._timer = None  # alerts raised during the send start a new window
        await self.flush()

    async def flush(self) -> bool:
        """Send everything queued now, as one mail. False if it failed (kept for retry)."""
        async with self._lock:
            if not self._pending:
                return True
            batch, dropped = self._pending, self._dropped
            self._pending, self._dropped, self._sending = [], 0, len(batch)
            try:
                await deliver(compose_digest(batch, self.settings, dropped=dropped), self.settings)
            except asyncio.CancelledError:
                self._restore(batch, dropped)
                raise
            except Exception as exc:
                self._restore(batch, dropped)
                self._report_failure(len(batch), exc)
                return False
            finally:
                self._sending = 0
            self.mails_sent += 1
            self.last_error = ""
            log.info("alert mail sent with %d alert(s)", len(batch))
            return True

    def _restore(self, batch: list[Alert], dropped: int) -> None:
        """Put an unsent batch back in front of anything raised meanwhile."""
        self._pending = batch + self._pending
        self._dropped += dropped
        self._shed_overflow()

    def _report_failure(self, count: int, exc: Exception) -> None:
        self.last_error = describe_failure(exc, self.settings)
        log.warning("alert mail not sent, %d alert(s) kept for retry: %s", count, self.last_error)
        if not self._closed:
            self._arm(self._retry_delay)

    async def send_test_mail(self) -> MailResult:
        """Send a test mail right away (no batching); never raises."""
        try:
            await deliver(compose_test_mail(self.settings), self.settings)
        except Exception as exc:
            detail = describe_failure(exc, self.settings)
            log.warning("test mail failed: %s", detail)
            return MailResult(False, detail)
        recipients = ", ".join(self.settings.recipients)
        log.info("test mail sent to %s", recipients)
        return MailResult(True, f"sent to {recipients}")

    async def aclose(self) -> None:
        """Stop the timer and send what is queued; whatever fails now is logged and lost."""
        self._closed = True
        if self._timer is not None and self._timer is not asyncio.current_task():
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        self._timer = None
        if not await self.flush():
            log.error("%d alert(s) could not be mailed before shutdown", self.pending)
