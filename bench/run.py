"""``python -m bench.run --quick|--full [--only SCENARIO …]``: run, print, write JSON.

Prints the table (tillsync, the naive baseline, their ratio, requests made
against the minimum, peak RSS, targets) and writes ``bench/results/``.
Exit status 1 when a target was missed, so CI can tell.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from bench.report import RESULTS_DIR, Row, render_table, write_results
from bench.scenarios import SCENARIOS, scenario
from bench.settings import FULL, QUICK

__all__ = ["main"]

PROFILES = RESULTS_DIR / "profiles"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes, same shapes (default)")
    size.add_argument("--full", action="store_true", help="the target sizes (long)")
    parser.add_argument(
        "--only", action="append", choices=sorted(SCENARIOS), help="run only this scenario"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        help="the host's time scale (1 = as slow as the measured host; default: the set's)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"run tillsync's side under cProfile (files in {PROFILES}; times get slower)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    settings = FULL if args.full else QUICK
    if args.profile:
        settings = replace(settings, profile_dir=str(PROFILES))
    if args.time_scale is not None:
        settings = replace(settings, time_scale=args.time_scale)
    names = args.only or list(SCENARIOS)
    print(f"tillsync benchmarks ({settings.name}): {', '.join(names)}", flush=True)
    print(f"host model: {settings.host_model()}", flush=True)
    rows: dict[str, list[Row]] = {}
    for name in names:
        started = time.monotonic()
        print(f"\n== {name} …", flush=True)
        rows[name] = scenario(name)(settings)
        print(f"== {name} done in {time.monotonic() - started:.0f} s", flush=True)
    table = render_table([r for found in rows.values() for r in found])
    print("\n" + table)
    directory = RESULTS_DIR / "full" if args.full else RESULTS_DIR
    path = write_results(rows, settings.to_json(), table, directory)
    print(f"\nresults: {path.parent}/")
    return 0 if all(r.passed for found in rows.values() for r in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
