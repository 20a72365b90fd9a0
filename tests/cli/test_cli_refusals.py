"""A start that cannot work is refused at once: a message, a non-zero exit, nothing touched.

No command may hang, print a traceback, or destroy what a running tillsync
uses; each test runs the real entry point in a subprocess with a timeout,
so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from engine.instance_lock import InstanceLock
from sandbox import korona as kor

from .installation import Installation, offline_install

QUICK = 30  # seconds: every refusal here takes about one interpreter start
KORONA_PASSWORD_LINE = "password:   " + kor.DEFAULT_PASSWORD


@pytest.mark.parametrize(
    "command",
    [("doctor",), ("sync", "catalog"), ("orders", "list"), ("logs",), ("run", "--headless")],
)
def test_a_back_office_without_an_adapter_is_refused_at_its_key(tmp_path: Path, command):
    inst = offline_install(tmp_path / "tillsync")
    text = inst.config_path.read_text().replace('type = "korona"', 'type = "lightspeed"')
    inst.config_path.write_text(text)
    result = inst.run(*command, timeout=QUICK)
    assert result.code != 0, result.output
    assert "connections.shop1.backend.type" in result.output
    assert "no adapter for 'lightspeed'" in result.output
    assert "choose one of korona" in result.output
    assert "unexpected error" not in result.output


def test_a_second_demo_leaves_the_running_ones_files_alone(tmp_path: Path):
    inst = Installation(tmp_path / "here", ())  # the demo prints its sandbox credentials
    inst.folder.mkdir()
    folder = tmp_path / "demo"
    first = inst.spawn("demo", "--dir", str(folder), "--no-ui")
    try:
        first.wait_for("Press Ctrl-C", timeout=60)
        (folder / "state.db").write_bytes(b"the running demo's data")
        before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        second = inst.run("demo", "--dir", str(folder), "--no-ui", timeout=QUICK)
        assert second.code == 1, second.output
        assert f"another tillsync demo (PID {first.pid}) is running in {folder}" in second.stderr
        after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        assert after == before
    finally:
        first.send_signal(signal.SIGTERM)
        first.process.wait(timeout=QUICK)


def test_a_demo_refuses_a_folder_whose_database_an_engine_holds(tmp_path: Path):
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "config.toml").write_text("# the running console's config\n")
    with InstanceLock.acquire(folder / "state.db"):
        result = inst.run("demo", "--dir", str(folder), "--no-ui", timeout=QUICK)
    assert result.code == 1, result.output
    assert "another tillsync (PID" in result.stderr
    assert (folder / "config.toml").read_text() == "# the running console's config\n"


def test_the_console_refuses_a_held_database_before_taking_the_terminal(tmp_path: Path):
    inst = offline_install(tmp_path / "tillsync")
    with InstanceLock.acquire(inst.state_db):
        result = inst.run(timeout=QUICK)  # `tillsync` alone opens the console
    assert result.code == 1, result.output
    assert f"another tillsync (PID {InstanceLock.holder(inst.state_db) or ''}" in result.stderr
    assert f"is running on {inst.state_db}" in result.stderr


def test_a_demo_folder_that_cannot_be_made_is_named(tmp_path: Path):
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    result = inst.run("demo", "--dir", "/proc/nope", "--no-ui", timeout=QUICK)
    assert result.code == 1
    assert "cannot create the demo folder /proc/nope: No such file or directory" in result.stderr
    assert "unexpected error" not in result.stderr


def test_any_file_error_names_the_file(tmp_path: Path):
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    result = inst.run("init", "--path", "/proc/nope/config.toml", timeout=QUICK)
    assert result.code == 1, result.output
    assert "/proc/nope" in result.stderr
    assert "unexpected error" not in result.stderr


@pytest.mark.parametrize("system", ["woo", "korona"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, system: str):
    inst = Installation(tmp_path / "here", ())
    inst.folder.mkdir()
    result = inst.run("sandbox", system, "--port", "99999", timeout=QUICK)
    assert result.code == 2
    assert "99999 is not a port: use 1-65535" in result.stderr


@pytest.mark.parametrize(
    ("system", "credentials"),
    [
        ("woo", ("consumer key:      ck_sandbox", "consumer secret:   cs_sandbox")),
        ("korona", (kor.DEFAULT_ACCOUNT_ID, kor.DEFAULT_USER, KORONA_PASSWORD_LINE)),
    ],
)
def test_sandbox_banners_show_their_credentials(tmp_path: Path, system: str, credentials):
    from .conftest import free_port

    inst = Installation(tmp_path / "here", ())  # sandbox credentials are not secrets
    inst.folder.mkdir()
    service = inst.spawn("sandbox", system, "--port", str(free_port()), "--products", "5")
    try:
        for text in credentials:
            service.wait_for(text, timeout=60)
    finally:
        service.stop(timeout=QUICK)
