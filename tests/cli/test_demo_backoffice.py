"""``tillsync demo`` takes its back office from the entry's demo (issue 15)."""

from __future__ import annotations

from pathlib import Path

from engine.config import load_config
from engine.runtime.views_setup import backend_choices, demo_entry, sandbox_entries
from tui.cli import build_parser
from tui.commands.demo import start_sandboxes, write_demo_config


def test_the_demo_config_points_at_the_entrys_sandbox(tmp_path: Path) -> None:
    demo = start_sandboxes(products=6)
    try:
        config = load_config(write_demo_config(tmp_path, demo))
        backend = config.connections["demo"].backend
        assert backend.type == demo_entry().name
        for key, value in demo.backoffice.backend_config("demo").items():
            assert str(getattr(backend, key)) == value, key
        secrets = (tmp_path / "secrets.toml").read_text()
        for value in demo.backoffice.backend_secrets().values():
            assert value in secrets and value not in (tmp_path / "config.toml").read_text()
    finally:
        demo.stop()


def test_the_sandbox_command_offers_each_entrys_simulator() -> None:
    """``tillsync sandbox <name>`` exists for every back office whose entry names a sandbox."""
    for entry in sandbox_entries():
        args = build_parser().parse_args(["sandbox", entry.name, "--port", "9000"])
        assert (args.command, args.system, args.port) == ("sandbox", entry.name, 9000)
    assert sandbox_entries(), "the built-in back office ships a simulator"


def test_init_offers_each_installed_back_office() -> None:
    for name, _title in backend_choices():
        assert build_parser().parse_args(["init", "--backend", name]).backend == name
