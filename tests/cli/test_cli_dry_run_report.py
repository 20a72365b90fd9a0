"""The catalog dry run reads as a plan: products set aside for one unmapped tax code are
one line naming it, not hundreds of lines with ids, and its counts agree with its table."""

from __future__ import annotations

import re

from .conftest import Sandboxes
from .installation import TAX_MAPPINGS, Installation


def sector_names(sandboxes: Sandboxes) -> set[str]:
    with sandboxes.korona.lock:
        return {str(s.body["name"]) for s in sandboxes.korona.master.tables["sectors"]}


def test_unmapped_tax_codes_are_one_line_each_with_their_name(
    install: Installation, sandboxes: Sandboxes
):
    dry = install.run("sync", "catalog", "--dry-run")
    assert dry.code == 0, dry.output
    assert "skipped product" not in dry.stderr  # no line per product on the terminal
    assert not [line for line in dry.stdout.splitlines() if line.startswith("skip   product ")]
    grouped = re.findall(
        r"^skip   (\d+) products: tax code '([^']+)' \([0-9a-f-]{36}\) has no WooCommerce "
        r"tax class$",
        dry.stdout,
        flags=re.MULTILINE,
    )
    assert grouped, dry.stdout
    names = [name for _, name in grouped]
    assert len(names) == len(set(names))  # one line per tax code
    assert set(names) <= sector_names(sandboxes)
    skipped = sum(int(count) for count, _ in grouped)
    assert f"products: 0 to create, 0 to update, 0 unchanged, {skipped} skipped" in dry.stdout


def test_the_plans_unchanged_count_is_the_tables(install: Installation):
    assert install.run("mappings", "import", "-", stdin=TAX_MAPPINGS).code == 0
    assert install.run("sync", "catalog").code == 0
    again = install.run("sync", "catalog", "--dry-run", "--full")
    assert again.code == 0, again.output
    planned = re.search(r"^products: .* (\d+) unchanged, (\d+) skipped$", again.stdout, re.M)
    assert planned, again.stdout
    row = next(line for line in again.stdout.splitlines() if line.startswith("│ catalog"))
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    skipped, unchanged = cells[4], cells[5]  # job, read, written, failed, skipped, unchanged
    assert int(planned[1]) > 0
    assert (planned[1], planned[2]) == (unchanged, skipped)
