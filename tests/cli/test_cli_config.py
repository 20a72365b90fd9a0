"""Configuration mistakes become file/key/fix messages with exit code 2, never tracebacks."""

from __future__ import annotations

import stat

from .installation import Installation


def test_bad_config_names_file_key_and_fix(install: Installation):
    text = install.config_path.read_text()
    text = text.replace('timezone = "UTC"', 'timezone = "Europe/Bratislav"')
    text = text.replace('user = "', 'user = ""\n# user = "', 1)
    install.config_path.write_text(text)
    result = install.run("run", "--headless")
    assert result.code == 2, result.output
    assert result.stdout == ""
    assert str(install.config_path) in result.stderr
    assert "engine.timezone: unknown time zone 'Europe/Bratislav'" in result.stderr
    assert 'example: timezone = "Europe/Bratislava"' in result.stderr
    assert "connections.shop1.backend.user:" in result.stderr
    assert not install.state_db.exists()  # nothing was opened


def test_missing_config_points_to_init(install: Installation):
    install.config_path.unlink()
    result = install.run("logs")
    assert result.code == 2
    assert f"no config file at {install.config_path}" in result.stderr
    assert "tillsync init" in result.stderr


def test_readable_secrets_file_is_refused_with_the_chmod(install: Installation):
    secrets = install.folder / "secrets.toml"
    secrets.chmod(0o644)
    result = install.run("orders", "list")
    assert result.code == 2
    assert f"chmod 600 {secrets}" in result.stderr


def test_init_writes_private_starter_files_and_never_overwrites(install: Installation, tmp_path):
    target = tmp_path / "fresh" / "config.toml"
    first = install.run("init", "--path", str(target), "--name", "eshop")
    assert first.code == 0, first.output
    assert f"Wrote {target}" in first.stdout
    assert "tillsync doctor" in first.stdout
    for path in (target, target.with_name("secrets.toml")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "[connections.eshop.woo]" in target.read_text()
    again = install.run("init", "--path", str(target))
    assert again.code == 2
    assert "never overwrites" in again.stderr


def test_help_lists_every_command_and_option(install: Installation):
    top = install.run("--help")
    assert top.code == 0
    for command in ("init", "run", "sync", "doctor", "orders", "links", "mappings", "logs"):
        assert f"    {command} " in top.stdout, command
    skip = install.run("orders", "skip", "--help")
    assert skip.code == 0
    assert "--reason" in skip.stdout and "--connection" in skip.stdout


def test_unknown_connection_is_a_clear_error(install: Installation):
    result = install.run("orders", "list", "--connection", "nope")
    assert result.code == 2
    assert "no enabled connection named 'nope'" in result.stderr
