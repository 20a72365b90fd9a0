"""Global options work where the README says, values are checked, and each error's
trailer fits that error (no "a setting or mapping is missing" under a missing file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import Sandboxes
from .installation import Installation

CONFIG_TRAILER = "A setting or mapping is missing or wrong"


@pytest.mark.parametrize(
    "argv",
    [
        ("--connection", "shop1", "orders", "list"),
        ("orders", "--connection", "shop1", "list"),
        ("orders", "list", "--connection", "shop1"),
    ],
)
def test_connection_is_a_global_option(install: Installation, argv):
    result = install.run(*argv)
    assert result.code == 0, result.output
    assert "No orders yet." in result.stdout


def test_an_unknown_connection_lists_the_known_ones(install: Installation):
    result = install.run("--connection", "nope", "doctor")
    assert result.code == 2, result.output
    assert "no enabled connection named 'nope'" in result.stderr
    assert "the enabled connections are: shop1" in result.stderr
    assert CONFIG_TRAILER not in result.output


def test_a_missing_mappings_file_is_said_as_such(install: Installation, tmp_path: Path):
    missing = tmp_path / "nope.toml"
    result = install.run("mappings", "import", str(missing))
    assert result.code == 1, result.output
    assert f"cannot read {missing}: No such file or directory" in result.stderr
    assert "check the file name" in result.stderr
    assert CONFIG_TRAILER not in result.output
    assert "configuration error" not in result.output


def test_an_unknown_order_gets_its_own_hint(install: Installation):
    result = install.run("orders", "show", "424242")
    assert result.code == 1, result.output
    assert "424242" in result.stderr
    assert CONFIG_TRAILER not in result.output


def test_logs_job_takes_only_job_names(install: Installation):
    result = install.run("logs", "--job", "nope")
    assert result.code == 2
    assert "invalid choice: 'nope'" in result.stderr
    assert install.run("logs", "--job", "orders_poll").code == 0


def test_make_demo_shows_the_install_progress():
    """``make demo`` on a fresh clone: pip's progress, not ~100 s of silence."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if re.search(r"pip install .*-e ", line)]
    assert installs, "the Makefile installs tillsync with pip install -e"
    for line in installs:
        assert "--quiet" not in line and not re.search(r"\s-q\b", line), line


def test_sku_names_a_product_the_back_office_has(install: Installation, sandboxes: Sandboxes):
    with sandboxes.korona.lock:
        real = next(iter(sandboxes.korona.catalog.table)).number
    result = install.run("sync", "catalog", "--dry-run", "--sku", "NOPE", "--sku", str(real))
    assert result.code == 1, result.output
    assert "--sku NOPE: the back office has no product 'NOPE'" in result.stderr
    assert f"--sku {real}:" not in result.stderr
