"""doctor catches what cannot work, and the jobs refuse it before writing anything.

A config can be valid TOML with every key spelled right and still be
useless: the starter file's placeholders, or no warehouse / point of sale /
price group chosen.  doctor fails those (never "All checks passed."), names
the key and lists the values to choose from; a job refuses to start.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

from sandbox import korona as kor

from .conftest import Sandboxes
from .installation import Installation, offline_install

CHOICES = ("price_group", "warehouse", "point_of_sale")


def without_choices(install: Installation, *keys: str) -> None:
    text = install.config_path.read_text()
    for key in keys:
        text = re.sub(rf"^{key} = .*\n", "", text, flags=re.MULTILINE)
    install.config_path.write_text(text)


def sandbox_number(sandboxes: Sandboxes, collection: str, uuid: str) -> str:
    """The number KORONA Studio shows for an object (what an admin copies)."""
    with sandboxes.korona.lock:
        record = sandboxes.korona.master.get(collection, uuid)
    assert record is not None and record.number
    return record.number


def test_doctor_fails_the_starter_files_placeholders(tmp_path: Path):
    inst = Installation(tmp_path / "fresh", ())
    inst.folder.mkdir()
    assert inst.run("init", "--path", str(inst.config_path)).code == 0
    result = inst.run("doctor", timeout=30)
    assert result.code == 1, result.output
    assert "All checks passed" not in result.output
    for key in (
        "connections.shop1.woo.url",
        "connections.shop1.woo.consumer_key",
        "connections.shop1.woo.consumer_secret",
        "connections.shop1.backend.account_id",
        "connections.shop1.backend.password",
    ):
        assert f"    {key}: " in result.stdout, key
    assert "'ck_change_me' is the starter file's placeholder" in result.stdout
    assert "cs_change_me" not in result.output  # a secret is named, never shown


def test_doctor_names_and_lists_each_missing_choice(install: Installation, sandboxes: Sandboxes):
    without_choices(install, *CHOICES)
    result = install.run("doctor")
    assert result.code == 1, result.output
    assert "All checks passed" not in result.output
    for key in ("warehouse", "point_of_sale"):
        assert f"connections.shop1.backend.{key} is not set" in result.stdout, key
    assert "set price_group to one of: " in result.stdout.lower()  # the adapter's own check
    warehouse = sandbox_number(sandboxes, "organizationalUnits", kor.ORG_WAREHOUSE_ID)
    office = sandbox_number(sandboxes, "organizationalUnits", kor.ORG_OFFICE_ID)
    webshop = sandbox_number(sandboxes, "pointsOfSale", kor.POS_WEBSHOP_ID)
    till = sandbox_number(sandboxes, "pointsOfSale", kor.POS_TILL_ID)
    hints = {line for line in result.stdout.splitlines() if "→ set " in line}
    warehouse_hint = next(h for h in hints if "set warehouse to one of:" in h)
    pos_hint = next(h for h in hints if "set point_of_sale to one of:" in h)
    assert re.search(rf"\b{warehouse} \w", warehouse_hint), warehouse_hint
    assert not re.search(rf"\b{office} \w", warehouse_hint)  # holds no stock: not offered
    assert re.search(rf"\b{webshop} \w", pos_hint), pos_hint
    assert not re.search(rf"\b{till} \w", pos_hint)  # not an External POS: not offered


def test_a_job_refuses_to_start_before_writing_anything(
    install: Installation, sandboxes: Sandboxes
):
    without_choices(install, "warehouse")
    with sandboxes.woo.lock:
        before = (len(sandboxes.woo.products), len(sandboxes.woo.categories))
    result = install.run("sync", "catalog")
    assert result.code == 2, result.output
    assert "the catalog job cannot start on shop1: warehouse is not set" in result.stderr
    assert "tillsync doctor" in result.stderr
    with sandboxes.woo.lock:
        assert (len(sandboxes.woo.products), len(sandboxes.woo.categories)) == before


def test_a_cron_step_beyond_its_field_is_refused(tmp_path: Path):
    inst = offline_install(tmp_path / "tillsync")
    text = inst.config_path.read_text().replace('catalog = "off"', 'catalog = "*/61 * * * *"')
    inst.config_path.write_text(text)
    result = inst.run("doctor", timeout=30)
    assert result.code == 2, result.output
    assert "schedules.catalog: cron schedule '*/61 * * * *' is not valid" in result.stderr


def test_a_boolean_written_as_text_is_refused(tmp_path: Path):
    inst = offline_install(tmp_path / "tillsync")
    text = inst.config_path.read_text()
    text = text.replace('timezone = "UTC"', 'timezone = "UTC"\ndebug = "yes"')
    inst.config_path.write_text(text)
    result = inst.run("doctor", timeout=30)
    assert result.code == 2, result.output
    assert "engine.debug: must be a valid boolean (got 'yes')" in result.stderr
    assert "example: debug = false" in result.stderr


def test_the_service_says_why_it_books_no_orders_without_a_point_of_sale(
    install: Installation, sandboxes: Sandboxes
):
    without_choices(install, "point_of_sale")
    service = install.spawn("run", "--headless")
    told = service.wait_for("orders are queued but not booked", timeout=60)
    assert "point_of_sale is not set (booking web orders needs it)" in service.lines[told]
    service.wait_for("tillsync running as PID", timeout=60)
    service.send_signal(signal.SIGTERM)
    assert service.finish().code == 0
