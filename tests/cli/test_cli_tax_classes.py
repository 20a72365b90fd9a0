"""Tax-class mappings are checked against the shop's ``GET /taxes/classes`` (issue 13):
an unknown class is refused on import and named by doctor; names become slugs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from engine.store import StateStore
from engine.store.mappings import MappingKind
from sandbox import korona as kor

from .conftest import Sandboxes, register_webhooks
from .installation import CONNECTION, PUBLIC_URL, Installation


def _tax_file(standard: str, reduced: str, free: str) -> str:
    return (
        "[tax_class]\n"
        f'"{kor.SECTOR_STANDARD_ID}" = "{standard}"\n'
        f'"{kor.SECTOR_REDUCED_ID}" = "{reduced}"\n'
        f'"{kor.SECTOR_FREE_ID}" = "{free}"\n'
    )


def test_import_refuses_an_unknown_class_and_stores_slugs(
    install: Installation, sandboxes: Sandboxes, tmp_path: Path
):
    source = tmp_path / "tax.toml"
    source.write_text(_tax_file("standard", "Reduced rate", "zero_rate"))
    refused = install.run("mappings", "import", str(source))
    assert refused.code != 0
    assert "zero_rate" in refused.stderr and "zero-rate" in refused.stderr  # what exists
    assert install.query("SELECT count(*) FROM mappings") == [(0,)]  # never written

    source.write_text(_tax_file("standard", "Reduced rate", "zero-rate"))
    imported = install.run("mappings", "import", str(source))
    assert imported.code == 0, imported.output
    stored = dict(install.query("SELECT source, target FROM mappings WHERE kind = 'tax_class'"))
    assert stored == {
        kor.SECTOR_STANDARD_ID: "",
        kor.SECTOR_REDUCED_ID: "reduced-rate",
        kor.SECTOR_FREE_ID: "zero-rate",
    }


async def _save_bad_mapping(db: Path) -> None:
    async with StateStore.open(db) as store:
        await store.mappings.set(
            MappingKind.TAX_CLASS, kor.SECTOR_FREE_ID, "zero_rate", connection=CONNECTION
        )


def test_doctor_names_a_saved_unknown_class(install: Installation, sandboxes: Sandboxes):
    register_webhooks(sandboxes, f"{PUBLIC_URL}/{CONNECTION}")
    asyncio.run(_save_bad_mapping(install.state_db))
    result = install.run("doctor")
    assert result.code == 1, result.output
    assert "tax classes: unknown in WooCommerce" in result.stdout
    assert "zero_rate" in result.stdout and "zero-rate" in result.stdout
