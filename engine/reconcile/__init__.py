"""Nightly reconciliation: do the shop and the back office agree on orders, money,
prices and stock for a period?  See docs/reconcile.md."""

from engine.reconcile.drift import Drift, DriftKind, DriftReport, TotalsRow
from engine.reconcile.period import Period, days, parse_day, period_of, yesterday
from engine.reconcile.report_file import last_report_path, load_report, render_text, write_report
from engine.reconcile.runner import Reconciliation

__all__ = [
    "Drift",
    "DriftKind",
    "DriftReport",
    "Period",
    "Reconciliation",
    "TotalsRow",
    "days",
    "last_report_path",
    "load_report",
    "parse_day",
    "period_of",
    "render_text",
    "write_report",
    "yesterday",
]
