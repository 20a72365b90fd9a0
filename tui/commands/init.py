"""``tillsync init``: a commented starter configuration, and what to edit next."""

from __future__ import annotations

import argparse
from pathlib import Path

from engine.runtime import locate_config, write_starter_files

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    target = Path(args.path).expanduser() if args.path else locate_config(args.config)
    config_path, secrets_path = write_starter_files(
        target, connection=args.name, backend=getattr(args, "backend", None)
    )
    print(f"Wrote {config_path}")
    print(f"Wrote {secrets_path}  (mode 600: it holds the secrets)")
    print()
    print("Next:")
    print(f"  1. In {config_path.name}, under [connections.{args.name}.woo] and .backend, set the")
    print("     store URL, consumer key, and the back office's URL, account and user.")
    print(f"  2. In {secrets_path.name}, put the consumer secret and the back-office password")
    print("     (or use the TILLSYNC_… environment variables named there).")
    print("  3. tillsync doctor                  — checks every setting against the real systems")
    print("  4. tillsync sync catalog --dry-run  — shows what the first sync would change")
    print("  5. tillsync run --headless          — or as a systemd service: docs/deploy.md")
    if args.path or args.config:
        print(f"Pass --config {config_path} (or set TILLSYNC_CONFIG) to use this file.")
    return 0
