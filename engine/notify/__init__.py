"""Admin alerts: e-mail (batched, once per outage) and log sinks.

Usage::

    alerts = EmailAlerts("smtp.example.com", 587, "tillsync@shop", ["admin@shop"],
                         username="tillsync", password=secret, starttls=True)
    await alerts.emit(Alert(Severity.ERROR, "Back office down", key="backend-down:shop1"))
    await alerts.emit(Alert.resolved("backend-down:shop1", "The back office answers again"))
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
