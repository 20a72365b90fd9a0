"""The last drift report of a connection, for the console's Drift view.

The reconcile job keeps it beside the state database (see
:mod:`engine.reconcile.report_file`); reading it here keeps the console
free of file paths, and an attached console gets it through the service.
"""

from __future__ import annotations

from engine.reconcile import DriftReport, last_report_path, load_report
from engine.runtime.engine import Engine

__all__ = ["drift_report"]


async def drift_report(engine: Engine, connection: str) -> DriftReport | None:
    """None until a reconcile has run for ``connection``."""
    return load_report(last_report_path(engine.store.path, connection))
