"""``tillsync run --headless`` as a real subprocess, for tests that kill it.

The service is started exactly as systemd would (``python -m tui.cli run
--headless --config …``) against sandboxes on loopback; its stdout goes to a
file per start (``service-N.log``, swept for secrets at the end of the session),
so a chatty engine can never block on a full pipe.  ``kill9`` is SIGKILL: no
signal handler, no ``finally``, no flush — the crash the engine must survive.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sandbox import korona as kor
from sandbox.server import RunningServer, free_port

__all__ = ["CONNECTION", "KORONA_PASSWORD", "WEBHOOK_SECRET", "WOO_KEY", "WOO_SECRET", "Service"]

ROOT = Path(__file__).resolve().parents[2]
CONNECTION = "shop1"
WOO_KEY = "ck_kill_5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f"
WOO_SECRET = "cs_kill_secret_0f1e2d3c4b5a69788796a5b4c3"
WEBHOOK_SECRET = "whsec-kill-7d6c5b4a39281706f5e4d3c2"
KORONA_PASSWORD = kor.DEFAULT_PASSWORD


def config_text(folder: Path, woo: RunningServer, korona: RunningServer, port: int, **jobs: str):
    schedules = {"catalog": "off", "stock": "off", "orders_poll": "off", "customers": "off",
                 "reconcile": "off", "webhook_health": "off", **jobs}  # fmt: skip
    lines = "\n".join(f'{job} = "{when}"' for job, when in schedules.items())
    return f"""\
[engine]
state_db = "{folder / "state.db"}"
log_dir = "{folder / "logs"}"
timezone = "UTC"

[webhooks]
port = {port}
public_url = "http://127.0.0.1:{port}/webhooks"

[schedules]
allow_fast = true
{lines}

[connections.{CONNECTION}.woo]
url = "{woo.url}"
consumer_key = "{WOO_KEY}"

[connections.{CONNECTION}.backend]
type = "korona"
base_url = "{korona.url}{kor.API_BASE}"
account_id = "{kor.DEFAULT_ACCOUNT_ID}"
user = "{kor.DEFAULT_USER}"
price_group = "{kor.PRICE_GROUP_WEBSHOP_ID}"
warehouse = "{kor.ORG_WAREHOUSE_ID}"
point_of_sale = "{kor.POS_WEBSHOP_ID}"
coupling_id = "tillsync-kill-test"
timeout = 10

[connections.{CONNECTION}.sync]
new_products_status = "publish"
"""


SECRETS = f"""\
[connections.{CONNECTION}.woo]
consumer_secret = "{WOO_SECRET}"
webhook_secret = "{WEBHOOK_SECRET}"

[connections.{CONNECTION}.backend]
password = "{KORONA_PASSWORD}"
"""


@dataclass
class Service:
    """One installation folder; :meth:`start` runs the engine in it, again and again."""

    folder: Path
    port: int = field(default_factory=free_port)
    starts: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def config_path(self) -> Path:
        return self.folder / "config.toml"

    @property
    def state_db(self) -> Path:
        return self.folder / "state.db"

    def write(self, woo: RunningServer, korona: RunningServer, **jobs: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config_text(self.folder, woo, korona, self.port, **jobs))
        secrets = self.folder / "secrets.toml"
        secrets.write_text(SECRETS)
        secrets.chmod(0o600)

    def output_path(self, start: int | None = None) -> Path:
        return self.folder / f"service-{self.starts if start is None else start}.log"

    def start(self) -> subprocess.Popen[bytes]:
        assert self.process is None, "the previous service is still running"
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILLSYNC_")}
        env.pop("JOURNAL_STREAM", None)
        env["PYTHONPATH"] = str(ROOT)
        command = [sys.executable, "-m", "tui.cli", "run", "--headless"]
        with self.output_path().open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--config", str(self.config_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.folder,
            )
        return self.process

    def command(self, *args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        """Run one ``tillsync`` command on this installation (the service stopped)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILLSYNC_")}
        env["PYTHONPATH"] = str(ROOT)
        command = [sys.executable, "-m", "tui.cli", *args, "--config", str(self.config_path)]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=self.folder, timeout=timeout
        )

    def output(self, start: int | None = None) -> str:
        path = self.output_path(start)
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for(self, text: str, timeout: float = 20.0) -> None:
        """Until ``text`` appears in this start's output (fails if the process exits)."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process is not None and self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{self.output()}"
            time.sleep(0.05)

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as systemd stops it; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.process = None
        return code

    def ensure_stopped(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill9()
        self.process = None

    def query(self, sql: str, *args: object) -> list[tuple]:
        """Read the state file from outside, as another program would (WAL readers)."""
        with sqlite3.connect(f"file:{self.state_db}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql, args).fetchall()
