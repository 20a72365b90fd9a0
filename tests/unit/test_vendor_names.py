"""The core knows no vendor name (issue 15): ``make lint`` runs this check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts.check_vendor_names import find_vendor_names

ROOT = Path(__file__).resolve().parents[2]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_vendor_named_in_the_core_or_the_console_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "engine/sync/job.py": "# reads the Sitoo price list\n",
            "tui/screens/x.py": 'TITLE = "KORONA setup"\n',
            "engine/config/starter.toml.in": 'type = "nexopos"\n',
            "engine/backends/korona/backend.py": '"""KORONA adapter."""\n',
            "engine/backends/base.py": "# the protocol\n",
        },
    )
    assert find_vendor_names(root) == [
        "engine/config/starter.toml.in:1: nexopos",
        "engine/sync/job.py:1: Sitoo",
        "tui/screens/x.py:1: KORONA",
    ]


def test_a_back_office_may_name_itself_in_its_own_folder(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"engine/backends/kros/api.py": "KROS = 1\n", "tui/app.py": "x\n"})
    assert find_vendor_names(root) == []


def test_the_repository_names_no_vendor_outside_its_folder() -> None:
    """The same command ``make lint`` runs; its output lists each hit."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.check_vendor_names"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
