"""The last drift report of a connection, for the console's Drift view.

The reconcile job keeps it beside the state database (see
:mod:`engine.reconcile.report_file`); reading it here keeps the console
free of file paths, and an attached console gets it through the service.
"""

from __future__ import annotations

from engine.reconcile import (
    Drift,
    DriftKind,
    DriftReport,
    last_report_path,
    load_report,
    period_of,
    render_text,
)
from engine.runtime.engine import Engine

# the console imports the engine through engine.runtime only (pyproject's import contract)
__all__ = ["Drift", "DriftKind", "DriftReport", "drift_report", "period_of", "render_text"]


async def drift_report(engine: Engine, connection: str) -> DriftReport | None:
    """None until a reconcile has run for ``connection``."""
    return load_report(last_report_path(engine.store.path, connection))
