"""A tillsync installation in a temporary folder, pointed at sandboxes on loopback.

Every command runs the real entry point (``python -m tui.cli``) as a
subprocess with ``TILLSYNC_CONFIG`` set, exactly as an admin would.  Every
result passes through :meth:`Installation.check_clean`, which fails the
test if a configured secret or a Python traceback reaches the output.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from sandbox import korona as kor
from sandbox.server import RunningServer

ROOT = Path(__file__).resolve().parents[2]
WOO_KEY = "ck_cli_0123456789abcdef0123456789abcdef01"
WOO_SECRET = "cs_cli_secret_fedcba9876543210fedcba98765"
WEBHOOK_SECRET = "whsec-cli-5f1e0d9c8b7a6f5e4d3c2b1a"
KORONA_PASSWORD = kor.DEFAULT_PASSWORD
PUBLIC_URL = "https://sync.example.test/webhooks"
CONNECTION = "shop1"

TAX_MAPPINGS = f"""\
[tax_class]
"{kor.SECTOR_STANDARD_ID}" = ""
"{kor.SECTOR_REDUCED_ID}" = "reduced-rate"
"{kor.SECTOR_FREE_ID}" = "zero-rate"
"""


ORDER_MAPPINGS = (
    TAX_MAPPINGS
    + f"""
[payment]
"bacs" = "{kor.PAYMENT_WEBSHOP_ID}"
"""
)


def config_text(
    woo: RunningServer,
    korona: RunningServer,
    folder: Path,
    schedules: str = "",
    webhook_port: int = 8787,
) -> str:
    return f"""\
[engine]
state_db = "{folder / "state.db"}"
log_dir = "{folder / "logs"}"
timezone = "UTC"

[webhooks]
port = {webhook_port}
public_url = "{PUBLIC_URL}"

[schedules]
catalog = "off"
stock = "off"
orders_poll = "off"
customers = "off"
reconcile = "off"
webhook_health = "off"
{schedules}

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
coupling_id = "tillsync-cli-test"

[connections.{CONNECTION}.sync]
new_products_status = "publish"
"""


def secrets_text(korona_password: str = KORONA_PASSWORD) -> str:
    return f"""\
[connections.{CONNECTION}.woo]
consumer_secret = "{WOO_SECRET}"
webhook_secret = "{WEBHOOK_SECRET}"

[connections.{CONNECTION}.backend]
password = "{korona_password}"
"""


def offline_install(folder: Path) -> Installation:
    """A configured installation whose remotes are never reached (nothing listens on :9):
    for what must be refused before any request."""
    nowhere: Any = SimpleNamespace(url="http://127.0.0.1:9")
    inst = Installation(folder, (WOO_SECRET, WEBHOOK_SECRET, KORONA_PASSWORD))
    inst.write(config_text(nowhere, nowhere, inst.folder), secrets_text())
    return inst


@dataclass
class Installation:
    folder: Path
    secrets: tuple[str, ...]
    outputs: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.folder / "config.toml"

    @property
    def state_db(self) -> Path:
        return self.folder / "state.db"

    def write(self, config: str, secrets: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config, encoding="utf-8")
        secrets_path = self.folder / "secrets.toml"
        secrets_path.write_text(secrets, encoding="utf-8")
        secrets_path.chmod(0o600)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILLSYNC_")}
        env.pop("JOURNAL_STREAM", None)
        env["TILLSYNC_CONFIG"] = str(self.config_path)
        env["PYTHONPATH"] = str(ROOT)
        return {**env, **(extra or {})}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tui.cli", *args]

    def run(self, *args: str, timeout: float = 60, stdin: str | None = None) -> CliResult:
        done = subprocess.run(
            self.command(*args),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(),
            cwd=self.folder,
            input=stdin,
        )
        return self.check_clean(CliResult(done.returncode, done.stdout, done.stderr))

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> Service:
        """Start a long-running command; its output is collected as it comes."""
        process = subprocess.Popen(
            self.command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(env),
            cwd=self.folder,
        )
        return Service(process, self)

    def check_clean(self, result: CliResult) -> CliResult:
        """No secret and no traceback may ever reach an admin's terminal."""
        self.outputs.append(result.stdout + result.stderr)
        for text in (result.stdout, result.stderr):
            for secret in self.secrets:
                assert secret not in text, f"a configured secret was printed:\n{text}"
            assert "Traceback (most recent call last)" not in text, text
        return result

    def log_text(self) -> str:
        logs = self.folder / "logs"
        return "".join(p.read_text() for p in sorted(logs.glob("*"))) if logs.exists() else ""

    def assert_logs_clean(self) -> None:
        """The rotating log files hold no configured secret either."""
        text = self.log_text()
        for secret in self.secrets:
            assert secret not in text, "a configured secret reached the log file"

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.state_db) as db:
            return db.execute(sql).fetchall()


class Service:
    """A running command whose stdout/stderr lines are read by threads as they come,
    so waiting for a line never loses the ones buffered after it."""

    def __init__(self, process: subprocess.Popen[str], install: Installation) -> None:
        self.process = process
        self.install = install
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(process.stderr, self.errors), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, stream: IO[str] | None, into: list[str]) -> None:
        assert stream is not None
        for line in stream:
            with self._changed:
                into.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 20) -> int:
        """The index of the first stdout line from ``after`` on that contains ``text``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index in range(after, len(self.lines)):
                    if text in self.lines[index]:
                        return index
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._alive()):
                    self.process.kill()
                    raise AssertionError(
                        f"{text!r} never came:\n{''.join(self.lines + self.errors)}"
                    )
                self._changed.wait(min(left, 0.5))

    def _alive(self) -> bool:
        return any(reader.is_alive() for reader in self._readers)

    def send_signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then kill it if it has not ended within ``timeout`` (a test's cleanup)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def finish(self, timeout: float = 30) -> CliResult:
        """Wait for the command to end; check its whole output like :meth:`Installation.run`."""
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        result = CliResult(code, "".join(self.lines), "".join(self.errors))
        return self.install.check_clean(result)


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr
