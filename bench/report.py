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
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "Row",
    "Target",
    "at_scale_1",
    "ratio",
    "render_table",
    "write_results",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; infinite for a zero denominator (time scale 0)."""
    return numerator / denominator if denominator else float("inf")


def at_scale_1(measured: float, overhead: float, scale: float, *, serial: bool = True) -> float:
    """A time measured at host ``scale``, corrected to the real host (scale 1).

    Only the host's costs shrink with the scale; the per-request CPU of the
    client and the sandbox (``overhead``: the same work measured at scale 0)
    does not.  A ``serial`` client (one request at a time) waits for both in
    turn, so its host part is divided by the scale and the overhead added
    once: exact.  A client with requests in flight together overlaps the two
    by an unknown amount, so it gets the pessimistic bound: everything
    divided by the scale (never better than it would really do).
    """
    if scale <= 0 or scale == 1:
        return measured
    if not serial:
        return measured / scale
    return overhead + max(0.0, measured - overhead) / scale


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
    naive_s: float | None = None  # the per-product script; baseline_s is the batched one
    naive_note: str = ""
    # the same figures corrected to time scale 1 ({"tillsync": s, "baseline": s, "naive": s})
    at_1: dict[str, float] | None = None
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
        """Baseline over tillsync, as measured (at the run's time scale)."""
        return _over(self.baseline_s, self.tillsync_s)

    @property
    def naive_ratio(self) -> float | None:
        return _over(self.naive_s, self.tillsync_s)

    def ratio_at_1(self, side: str = "baseline") -> float | None:
        """The ratio with both times corrected to time scale 1 (None if not measured)."""
        if self.at_1 is None:
            return None
        return _over(self.at_1.get(side), self.at_1.get("tillsync"))


def _over(numerator: float | None, denominator: float | None) -> float | None:
    if not denominator or numerator is None:
        return None
    return numerator / denominator


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


def _ratio_cell(measured: float | None, at_1: float | None) -> str:
    if measured is None:
        return "—"
    if at_1 is None:
        return f"{measured:,.1f}×"
    return f"{at_1:,.1f}× (measured {measured:,.1f}×)"


def _time_cell(row: Row, side: str, value: float | None, note: str = "") -> str:
    if row.at_1 is None or value is None or side not in row.at_1:
        return _seconds(value, note)
    return f"{_seconds(row.at_1[side], note)} (measured {_seconds(value)})"


def _cells(row: Row) -> list[str]:
    requests = "—" if row.requests is None else f"{row.requests:,}"
    if row.min_requests is not None:
        requests += f" / {row.min_requests:,}"
    result = "pass" if row.passed else "FAIL"
    if not row.targets:
        result = "info"
    return [
        row.title,
        _time_cell(row, "tillsync", row.tillsync_s),
        _time_cell(row, "baseline", row.baseline_s, row.baseline_note),
        _ratio_cell(row.ratio, row.ratio_at_1("baseline")),
        _time_cell(row, "naive", row.naive_s, row.naive_note),
        _ratio_cell(row.naive_ratio, row.ratio_at_1("naive")),
        requests,
        "—" if row.peak_rss_mb is None else f"{row.peak_rss_mb:.0f} MB",
        result,
    ]


HEADERS = [
    "scenario",
    "tillsync",
    "batched baseline",
    "ratio",
    "naive baseline",
    "ratio",
    "requests / min",
    "peak RSS",
    "targets",
]


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
    data["naive_ratio"] = row.naive_ratio
    data["ratio_at_1"] = row.ratio_at_1("baseline")
    data["naive_ratio_at_1"] = row.ratio_at_1("naive")
    data["targets"] = [
        {**asdict(t), "passed": t.passed, "verdict": t.verdict()} for t in row.targets
    ]
    return data


def row_from_json(data: dict[str, Any]) -> Row:
    """A row read back from a scenario file (to rebuild the summary table)."""
    targets = tuple(
        Target(t["name"], t["limit"], t["actual"], t["at_most"], t["unit"])
        for t in data.get("targets", ())
    )
    known = {f.name for f in fields(Row)} - {"targets"}
    return Row(**{k: v for k, v in data.items() if k in known}, targets=targets)


def _summary_rows(directory: Path) -> list[tuple[str, Row]]:
    """Every scenario file in ``directory``: when it was run, and its rows."""
    found = []
    for path in sorted(directory.glob("*.json")):
        if path.name == "summary.json":
            continue
        body = json.loads(path.read_text())
        when = body.get("when", "")
        found += [(when, row_from_json(r)) for r in body.get("rows", ())]
    return found


def write_results(
    rows_by_scenario: dict[str, list[Row]],
    settings: dict[str, Any],
    table: str,
    directory: Path = RESULTS_DIR,
) -> Path:
    """``<scenario>.json`` for each scenario run, plus ``summary.json``; returns the latter.

    The summary covers every scenario file in ``directory`` (each with when
    it ran), not only this run's, so a partial run (``--only``) leaves a
    consistent set.
    """
    directory.mkdir(parents=True, exist_ok=True)
    when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    load = [round(x, 2) for x in os.getloadavg()]
    for scenario, rows in rows_by_scenario.items():
        body = {
            "scenario": scenario,
            "when": when,
            "loadavg_at_end": load,
            "settings": settings,
            "rows": [row_json(r) for r in rows],
        }
        (directory / f"{scenario}.json").write_text(json.dumps(body, indent=2, default=str))
    everything = _summary_rows(directory)
    summary = {
        "when": when,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_at_end": load,
        },
        "settings": settings,
        "this_run": table.splitlines(),
        "passed": all(r.passed for _, r in everything),
        "rows": [
            {
                "scenario": r.scenario,
                "title": r.title,
                "when": ran,
                "passed": r.passed,
                "ratio": r.ratio,
                "ratio_at_1": r.ratio_at_1(),
                "naive_ratio_at_1": r.ratio_at_1("naive"),
            }
            for ran, r in everything
        ],
        "table": render_table([r for _, r in everything]).splitlines(),
    }
    path = directory / "summary.json"
    path.write_text(json.dumps(summary, indent=2, default=str))
    return path
