"""The drift report as text (CLI, e-mail), JSON and CSV (files an admin keeps).

The last report of each connection is kept as JSON beside the state
database (``reconcile-<connection>.json``), so a console or the dashboard
shows "yesterday: 0 differences" without running anything.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.reconcile.drift import Drift, DriftKind, DriftReport, TotalsRow

__all__ = ["last_report_path", "load_report", "render_text", "report_json", "write_report"]

_CSV_FIELDS = ("kind", "subject", "detail", "cause", "action", "shop", "backoffice", "rounding")


def last_report_path(state_db: str | Path, connection: str) -> Path:
    return Path(state_db).parent / f"reconcile-{connection}.json"


def report_json(report: DriftReport) -> dict[str, Any]:
    data = asdict(report)
    data["summary"] = report.summary
    data["counts"] = report.counts()
    return json.loads(json.dumps(data, default=str))


def _csv(report: DriftReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*_CSV_FIELDS, "order_id", "woo_product_id"))
    for d in report.drifts:
        row = (d.kind.value, d.subject, d.detail, d.cause, d.action, d.shop, d.backoffice)
        writer.writerow(
            (*row, "yes" if d.rounding else "", d.order_id or "", d.woo_product_id or "")
        )
    for t in report.totals:
        writer.writerow(("totals", f"{t.group} {t.key}", "", "", "", t.shop, t.backoffice, ""))
    return out.getvalue()


def write_report(report: DriftReport, path: str | Path) -> Path:
    """JSON, or CSV when the file name ends in ``.csv``; written whole, then renamed."""
    target = Path(path)
    text = (
        _csv(report)
        if target.suffix.lower() == ".csv"
        else json.dumps(report_json(report), indent=2)
    )
    partial = target.with_name(target.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    return target


def load_report(path: str | Path) -> DriftReport | None:
    """A report written by :func:`write_report` as JSON, or None when there is none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    drifts = tuple(Drift(**{**d, "kind": DriftKind(d["kind"])}) for d in data.pop("drifts", ()))
    totals = tuple(
        TotalsRow(t["group"], t["key"], Decimal(t["shop"]), Decimal(t["backoffice"]))
        for t in data.pop("totals", ())
    )
    data.pop("summary", None), data.pop("counts", None)
    data["notes"] = tuple(data.get("notes", ()))
    return DriftReport(**data, drifts=drifts, totals=totals)


def _lines(title: str, drifts: tuple[Drift, ...]) -> list[str]:
    if not drifts:
        return []
    lines = [title]
    for d in drifts:
        lines.append(f"  {d.kind.value:<15} {d.subject:<12} {d.detail}")
        lines.append(f"  {'':<15} {'':<12} cause: {d.cause}; {d.action}")
    return lines


def render_text(report: DriftReport) -> str:
    """What ``tillsync reconcile`` prints and the admin's e-mail says."""
    lines = [f"Reconcile {report.connection} {report.summary}"]
    lines.append(
        f"  {report.orders_read} web orders and {report.sales_read} back-office sales read"
    )
    lines += [f"  note: {note}" for note in report.notes]
    lines += _lines("Differences:", report.real)
    lines += _lines("Rounding differences (not counted):", report.rounding)
    off = [t for t in report.totals if t.difference]
    if report.totals:
        lines.append("Totals (shop / back office):")
        for t in report.totals:
            mark = "  <- differs" if t in off else ""
            lines.append(f"  {t.group:<9} {t.key:<38} {t.shop:>12} {t.backoffice:>12}{mark}")
    return "\n".join(lines)
