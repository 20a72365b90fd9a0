"""The engine must stay importable without any UI library (STYLE.md §1)."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import engine

FORBIDDEN = ("textual", "rich", "tui", "sandbox")


def _engine_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.walk_packages(engine.__path__, prefix="engine."))


def test_engine_modules_are_found() -> None:
    assert "engine.model" in _engine_modules()


def test_engine_imports_no_ui_or_sandbox_in_a_fresh_interpreter() -> None:
    """Import every engine module with the UI libraries made unimportable.

    httpx itself imports ``rich`` when it is installed (for its optional CLI)
    and copes when it is not, so checking ``sys.modules`` alone would blame
    the engine for httpx.  Blocking the packages instead proves the engine
    runs on a machine that has none of them.
    """
    modules = _engine_modules()
    code = (
        "import importlib, importlib.abc, sys\n"
        f"BLOCKED = {FORBIDDEN!r}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(f'blocked: {name}')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in BLOCKED]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"an engine module needs a UI/sandbox package:\n{result.stderr}"
    assert result.stdout.strip() == "", f"engine pulled in UI/sandbox modules: {result.stdout}"


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
