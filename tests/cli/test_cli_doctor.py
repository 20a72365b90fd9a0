"""``tillsync doctor`` against the sandboxes: every check, its verdict and its hint."""

from __future__ import annotations

import stat
import tomllib

from sandbox import korona as kor

from .conftest import Sandboxes, register_webhooks
from .installation import PUBLIC_URL, Installation, config_text, secrets_text

URL = f"{PUBLIC_URL}/shop1"


def test_doctor_passes_when_everything_is_right(install: Installation, sandboxes: Sandboxes):
    register_webhooks(sandboxes, URL)
    result = install.run("doctor")
    assert result.code == 0, result.output
    assert "✗" not in result.stdout
    for name in ("config", "woocommerce", "clock", "webhooks", "korona: credentials",
                 "korona: point of sale", "korona: warehouse", "database"):  # fmt: skip
        assert f"{name}:" in result.stdout, name
    assert "All checks passed." in result.stdout


def test_doctor_fails_clearly_on_a_wrong_korona_password(install: Installation, sandboxes):
    wrong = "not-the-password-7731"
    install.secrets += (wrong,)
    install.write(
        config_text(sandboxes.woo_server, sandboxes.korona_server, install.folder),
        secrets_text(korona_password=wrong),
    )
    register_webhooks(sandboxes, URL)
    result = install.run("doctor")
    assert result.code == 1, result.output
    assert (
        "✗ [shop1] korona: credentials: KORONA refused the API user or password." in result.stdout
    )
    assert "→ check [connections.shop1.backend]" in result.stdout
    assert "✓ [shop1] woocommerce:" in result.stdout  # one failure hides no other check
    assert "1 check failed." in result.stdout


def test_doctor_names_missing_and_disabled_webhooks(install: Installation, sandboxes: Sandboxes):
    missing = install.run("doctor")
    assert missing.code == 1
    assert "no webhook delivers order.created, order.deleted" in missing.stdout
    assert "tillsync webhooks install" in missing.stdout
    ids = register_webhooks(sandboxes, URL, status="disabled")
    disabled = install.run("doctor")
    assert disabled.code == 1
    assert f"#{ids[0]} order.created is disabled" in disabled.stdout
    assert "WooCommerce disables a webhook after repeated failed deliveries" in disabled.stdout


def test_doctor_reports_a_refused_woocommerce_key_and_an_unknown_pos(
    install: Installation, sandboxes: Sandboxes
):
    wrong = "cs_wrong_0000000000000000000000000000000"
    install.secrets += (wrong,)
    config = config_text(sandboxes.woo_server, sandboxes.korona_server, install.folder)
    config = config.replace(f'point_of_sale = "{kor.POS_WEBSHOP_ID}"', 'point_of_sale = "9999"')
    install.write(config, secrets_text().replace(
        'consumer_secret = "', f'consumer_secret = "{wrong}" # "', 1
    ))  # fmt: skip
    result = install.run("doctor")
    assert result.code == 1
    assert "refused the consumer key/secret" in result.stdout
    assert "Settings → Advanced → REST API" in result.stdout
    assert "✗ [shop1] korona: point of sale:" in result.stdout


def test_webhooks_install_generates_and_stores_a_secret_then_doctor_is_green(
    install: Installation, sandboxes: Sandboxes
):
    secrets_path = install.folder / "secrets.toml"
    secrets_path.write_text(
        secrets_text().replace("webhook_secret", "# webhook_secret"), encoding="utf-8"
    )
    result = install.run("webhooks", "install")
    assert result.code == 1, result.output  # nothing listens at public_url: the ping failed
    assert "did not answer WooCommerce's creation ping with 200" in result.stderr
    assert "order.created: no answer" in result.stderr
    assert f"deliver to {URL}" in result.stdout
    assert "created: order.created, order.deleted, order.restored, order.updated" in result.stdout
    assert f"A new webhook secret was stored in {secrets_path}" in result.stdout

    stored = tomllib.loads(secrets_path.read_text())["connections"]["shop1"]["woo"]
    secret = stored["webhook_secret"]
    assert len(secret) >= 40 and secret not in result.output
    assert stat.S_IMODE(secrets_path.stat().st_mode) == 0o600
    assert "# webhook_secret" in secrets_path.read_text()  # the admin's comments survive
    with sandboxes.woo.lock:
        hooks = list(sandboxes.woo.webhooks.values())
    assert {h["delivery_url"] for h in hooks} == {URL}
    assert {h["secret"] for h in hooks} == {secret}

    install.secrets += (secret,)
    doctor = install.run("doctor")
    assert doctor.code == 0, doctor.output
    assert "4 active order webhooks deliver to" in doctor.stdout


def test_doctor_explains_an_invalid_signature_from_the_wrong_site_address(
    install: Installation, sandboxes: Sandboxes
):
    """Over http WooCommerce signs against its home address: localhost is not 127.0.0.1."""
    home = sandboxes.woo_server.url  # the site's home: http://127.0.0.1:<port>
    elsewhere = home.replace("127.0.0.1", "localhost")
    config = config_text(sandboxes.woo_server, sandboxes.korona_server, install.folder)
    install.write(config.replace(f'url = "{home}"', f'url = "{elsewhere}"'), secrets_text())
    result = install.run("doctor")
    assert result.code == 1
    assert "Invalid signature" in result.stdout
    assert f"against its home address {home}, not against {elsewhere}" in result.stdout
    assert f'set url = "{home}" in [connections.shop1.woo]' in result.stdout
