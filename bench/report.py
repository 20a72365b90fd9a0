"""Benchmark rows, their targets, the printed table and the JSON files.

A row is one measured claim ("initial catalog of 2,000 products"); each of
its targets says what was promised, what was measured and, when missed, by
how much.  The table is what the README's Performance section shows; the
JSON holds everything (host model, sandbox counters, profiles) so a number
in the table can always be traced back.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "Row", "Target", "ratio", "render_table", "write_results"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; infinite for a zero denominator (time scale 0)."""
    return numerator / denominator if denominator else float("inf")


@dataclass(frozen=True)
class Target:
    """``actual`` compared with ``limit``: at most (``at_most=True``) or at least."""

    name: str
    limit: float
    actual: float
    at_most: bool = True
    unit: str = ""

    @property
    def passed(self) -> bool:
        return self.actual <= self.limit if self.at_most else self.actual >= self.limit

    def verdict(self) -> str:
        """``ok`` or how far off, e.g. ``missed by 14% (1.43 vs ≤ 1.25)``."""
        sign = "≤" if self.at_most else "≥"
        got = f"{_num(self.actual)}{self.unit} vs {sign} {_num(self.limit)}{self.unit}"
        if self.passed:
            return f"ok ({got})"
        if self.limit == 0:
            return f"MISSED ({got})"
        off = abs(self.actual - self.limit) / abs(self.limit) * 100
        return f"MISSED by {off:.0f}% ({got})"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    scenario: str
    title: str
    tillsync_s: float | None
    baseline_s: float | None = None
    baseline_note: str = ""
    requests: int | None = None
    min_requests: int | None = None
    peak_rss_mb: float | None = None
    targets: tuple[Target, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.targets)

    @property
    def ratio(self) -> float | None:
        if not self.tillsync_s or self.baseline_s is None:
            return None
        return self.baseline_s / self.tillsync_s


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "∞"
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def _seconds(value: float | None, note: str = "") -> str:
    if value is None:
        return note or "—"
    text = f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"
    return f"{text} {note}".strip()


def _cells(row: Row) -> list[str]:
    ratio = row.ratio
    requests = "—" if row.requests is None else f"{row.requests:,}"
    if row.min_requests is not None:
        requests += f" / {row.min_requests:,}"
    result = "pass" if row.passed else "FAIL"
    if not row.targets:
        result = "info"
    return [
        row.title,
        _seconds(row.tillsync_s),
        _seconds(row.baseline_s, row.baseline_note),
        "—" if ratio is None else f"{ratio:,.1f}×",
        requests,
        "—" if row.peak_rss_mb is None else f"{row.peak_rss_mb:.0f} MB",
        result,
    ]


HEADERS = ["scenario", "tillsync", "baseline", "ratio", "requests / min", "peak RSS", "targets"]


def render_table(rows: list[Row]) -> str:
    """A Markdown table, then one line per target (the misses say by how much)."""
    cells = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [line(HEADERS), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(c) for c in cells[1:]]
    out.append("")
    for row in rows:
        for target in row.targets:
            mark = "✓" if target.passed else "✗"
            out.append(f"{mark} {row.title}: {target.name}: {target.verdict()}")
    return "\n".join(out)


def row_json(row: Row) -> dict[str, Any]:
    data = asdict(row)
    data["passed"] = row.passed
    data["ratio"] = row.ratio
    data["targets"] = [
        {**asdict(t), "passed": t.passed, "verdict": t.verdict()} for t in row.targets
    ]
    return data


def write_results(
    rows_by_scenario: dict[str, list[Row]],
    settings: dict[str, Any],
    table: str,
    directory: Path = RESULTS_DIR,
) -> Path:
    """``<scenario>.json`` for each scenario run, plus ``summary.json``; returns the latter."""
    directory.mkdir(parents=True, exist_ok=True)
    for scenario, rows in rows_by_scenario.items():
        body = {"scenario": scenario, "settings": settings, "rows": [row_json(r) for r in rows]}
        (directory / f"{scenario}.json").write_text(json.dumps(body, indent=2, default=str))
    all_rows = [r for rows in rows_by_scenario.values() for r in rows]
    summary = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "settings": settings,
        "passed": all(r.passed for r in all_rows),
        "rows": [
            {"scenario": r.scenario, "title": r.title, "passed": r.passed, "ratio": r.ratio}
            for r in all_rows
        ],
        "table": table.splitlines(),
    }
    path = directory / "summary.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    return path
