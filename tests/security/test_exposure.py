"""What a running service exposes: its webhook port only on loopback unless told
otherwise, config files with secrets only if private, its own files private."""

from __future__ import annotations

import signal
import stat
import time
from pathlib import Path

import psutil
import pytest

from tests.security.installation import Installation, secured_shop

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]


def _listening(pid: int, port: int, within: float = 20.0) -> set[str]:
    """Addresses the process listens on at ``port`` (waits until it does)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = {
            c.laddr.ip
            for c in psutil.Process(pid).net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        }
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port}")


def _serve_briefly(inst: Installation) -> set[str]:
    service = inst.spawn("run", "--headless")
    try:
        return _listening(service.pid, inst.port)
    finally:
        service.send_signal(signal.SIGTERM)
        out, _ = service.communicate(timeout=30)
        inst.outputs.append(("run --headless", out))
        assert service.returncode == 0, out


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_receiver_binds_loopback_by_default_and_its_files_are_private(tmp_path: Path) -> None:
    with secured_shop(tmp_path) as shop:
        inst = Installation(tmp_path / "tillsync")
        inst.write(shop)
        assert _serve_briefly(inst) == {"127.0.0.1"}
    folder = inst.folder
    made = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".toml"]
    assert {p.name for p in made} >= {"state.db", "tillsync.log"}
    assert {p.name: _mode(p) for p in made} == {p.name: 0o600 for p in made}
    assert _mode(folder / "logs") == 0o700


def test_receiver_binds_all_interfaces_only_when_configured(tmp_path: Path) -> None:
    with secured_shop(tmp_path) as shop:
        inst = Installation(tmp_path / "tillsync")
        inst.write(shop)
        text = inst.config_path.read_text().replace(
            "[webhooks]\n", '[webhooks]\nhost = "0.0.0.0"\n'
        )
        inst.config_path.write_text(text)
        assert _serve_briefly(inst) == {"0.0.0.0"}


def _secrets_inline(inst: Installation) -> None:
    """Every secret written into config.toml itself (allowed, if the file is private)."""
    lines = (inst.folder / "secrets.toml").read_text().splitlines()
    secret = dict(line.split(" = ", 1) for line in lines if " = " in line)
    text = inst.config_path.read_text()
    for table, keys in {
        "[notify]": ["smtp_password"],
        "[connections.shop1.woo]": ["consumer_secret", "webhook_secret"],
        "[connections.shop1.backend]": ["password"],
    }.items():
        added = "".join(f"\n{key} = {secret[key]}" for key in keys)
        text = text.replace(table, table + added)
    inst.config_path.write_text(text)
    (inst.folder / "secrets.toml").unlink()


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
@pytest.mark.parametrize("holder", ["secrets.toml", "config.toml"])
def test_files_holding_secrets_that_others_can_read_are_refused(
    tmp_path: Path, holder: str, mode: int
) -> None:
    with secured_shop(tmp_path) as shop:
        inst = Installation(tmp_path / "tillsync")
        inst.write(shop)
        if holder == "config.toml":
            _secrets_inline(inst)
        path = inst.folder / holder
        path.chmod(mode)
        done = inst.run("mappings", "export")
    if mode == 0o600:  # the control: private files are read
        assert done.returncode == 0, done.stdout + done.stderr
        return
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"chmod 600 {path}" in done.stderr
    assert not (inst.folder / "state.db").exists()  # refused before anything was opened
