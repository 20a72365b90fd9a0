"""Admin alerts: e-mail (batched, once per outage) and log sinks.

Usage::

    alerts = EmailAlerts("smtp.example.com", 587, "tillsync@shop", ["admin@shop"],
                         username="tillsync", password=secret, starttls=True)
    await alerts.emit(Alert(Severity.ERROR, "KORONA not answering", key="backend-down:korona"))
    await alerts.emit(Alert.resolved("backend-down:korona", "KORONA answers again"))
    await alerts.aclose()
"""

from engine.notify.alert import Alert, AlertSink, LogAlerts, Severity
from engine.notify.email_alerts import EmailAlerts, MailResult
from engine.notify.ledger import OutageLedger
from engine.notify.mail import SmtpSettings, StartTls

__all__ = [
    "Alert",
    "AlertSink",
    "EmailAlerts",
    "LogAlerts",
    "MailResult",
    "OutageLedger",
    "Severity",
    "SmtpSettings",
    "StartTls",
]
