"""An installation holding one of every kind of secret, run through the real CLI.

The shop is served over https and reached with query-string keys (the consumer
secret travels in every URL), KORONA with HTTP Basic, the webhooks are keyed with
a secret sent to WooCommerce in a request body, and alerts log in to an SMTP
server with a password — every place a secret could slip into a log line, a
stored exchange, an event or a terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from sandbox import korona as kor
from sandbox.server import RunningServer, free_port, start_server
from sandbox.tls import make_self_signed
from sandbox.woocommerce import WooSandbox, create_app
from tests.integration.test_notify_smtp import Mailbox
from tests.secrets_registry import KNOWN_SECRETS

__all__ = ["SECRETS", "Installation", "Shop", "secured_shop"]

ROOT = Path(__file__).resolve().parents[2]
CONNECTION = "shop1"
WOO_KEY = "ck_sec_00112233445566778899aabbccddeeff0011"
WOO_SECRET = KNOWN_SECRETS["Woo consumer secret (security tests)"]
WEBHOOK_SECRET = KNOWN_SECRETS["webhook secret (security tests)"]
SMTP_USER = "smtp-user"
SMTP_PASSWORD = KNOWN_SECRETS["SMTP password (security tests)"]
KORONA_PASSWORD = kor.DEFAULT_PASSWORD
SECRETS = (WOO_SECRET, WEBHOOK_SECRET, SMTP_PASSWORD, KORONA_PASSWORD)


@dataclass
class Shop:
    kb: kor.KoronaSandbox
    sb: WooSandbox
    korona_server: RunningServer
    woo_server: RunningServer
    ca_file: str
    smtp: Controller
    mailbox: Mailbox


def _smtp_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@contextmanager
def secured_shop(folder: Path, products: int = 30) -> Iterator[Shop]:
    kb = kor.KoronaSandbox()
    kb.seed_demo(products=products, rng_seed=5, customers=0)
    sb = WooSandbox(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    sb.webhook_delay = 0.05
    certfile, keyfile, ca = make_self_signed(folder / "tls")
    korona_server = start_server(kor.create_app(kb))
    woo_server = start_server(create_app(sb), ssl_certfile=certfile, ssl_keyfile=keyfile)
    mailbox = Mailbox()
    smtp = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_smtp_login,
        auth_required=True,
        auth_require_tls=False,
    )
    smtp.start()
    try:
        yield Shop(kb, sb, korona_server, woo_server, ca, smtp, mailbox)
    finally:
        smtp.stop()
        korona_server.stop()
        woo_server.stop()


def config_text(folder: Path, shop: Shop, port: int, schedules: str = "") -> str:
    return f"""\
[engine]
state_db = "{folder / "state.db"}"
log_dir = "{folder / "logs"}"
timezone = "UTC"

[webhooks]
port = {port}
public_url = "http://127.0.0.1:{port}/webhooks"

[notify]
admin_email = ["admin@shop.test"]
smtp_host = "127.0.0.1"
smtp_port = {shop.smtp.port}
smtp_user = "{SMTP_USER}"
from_address = "tillsync@shop.test"
starttls = false

[schedules]
allow_fast = true
catalog = "off"
stock = "off"
orders_poll = "off"
customers = "off"
reconcile = "off"
webhook_health = "off"
{schedules}

[connections.{CONNECTION}.woo]
url = "{shop.woo_server.url}"
consumer_key = "{WOO_KEY}"
auth = "query"
ca_file = "{shop.ca_file}"

[connections.{CONNECTION}.backend]
type = "korona"
base_url = "{shop.korona_server.url}{kor.API_BASE}"
account_id = "{kor.DEFAULT_ACCOUNT_ID}"
user = "{kor.DEFAULT_USER}"
price_group = "{kor.PRICE_GROUP_WEBSHOP_ID}"
warehouse = "{kor.ORG_WAREHOUSE_ID}"
point_of_sale = "{kor.POS_WEBSHOP_ID}"
coupling_id = "tillsync-security-test"

[connections.{CONNECTION}.sync]
new_products_status = "publish"
"""


SECRETS_TEXT = f"""\
[notify]
smtp_password = "{SMTP_PASSWORD}"

[connections.{CONNECTION}.woo]
consumer_secret = "{WOO_SECRET}"
webhook_secret = "{WEBHOOK_SECRET}"

[connections.{CONNECTION}.backend]
password = "{KORONA_PASSWORD}"
"""

MAPPINGS = f"""\
[tax_class]
"{kor.SECTOR_STANDARD_ID}" = ""
"{kor.SECTOR_REDUCED_ID}" = "reduced-rate"
"{kor.SECTOR_FREE_ID}" = "zero-rate"

[payment]
"bacs" = "{kor.PAYMENT_WEBSHOP_ID}"
"""


@dataclass
class Installation:
    """A folder with config.toml + secrets.toml (0600); every command's output is kept."""

    folder: Path
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (command, output)
    port: int = field(default_factory=free_port)

    @property
    def config_path(self) -> Path:
        return self.folder / "config.toml"

    def write(self, shop: Shop, schedules: str = "") -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(config_text(self.folder, shop, self.port, schedules))
        secrets = self.folder / "secrets.toml"
        secrets.write_text(SECRETS_TEXT)
        secrets.chmod(0o600)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TILLSYNC_")}
        env.pop("JOURNAL_STREAM", None)
        return {**env, "PYTHONPATH": str(ROOT)}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tui.cli", *args, "--config", str(self.config_path)]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args), capture_output=True, text=True, timeout=90,
            env=self.env(), cwd=self.folder, input=stdin,
        )  # fmt: skip
        self.outputs.append((" ".join(args), done.stdout + done.stderr))
        return done

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=self.env(), cwd=self.folder,
        )  # fmt: skip
