"""What adapters share instead of repeating: templates beside the entry, API passthroughs."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.backends import available_backends, backend_entry
from engine.backends.api_base import ApiBackend
from engine.backends.entry import templates_beside
from engine.transport import RequestStats


class _Client:
    def __init__(self) -> None:
        self.stats = RequestStats()
        self.last_capture = None


class _Api:
    def __init__(self) -> None:
        self.client = _Client()
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


class _Adapter(ApiBackend):
    def __init__(self) -> None:
        self._api = _Api()


async def test_stats_capture_and_close_go_to_the_api_objects_transport() -> None:
    adapter = _Adapter()
    assert adapter.stats is adapter._api.client.stats
    assert adapter.last_capture is None
    adapter._api.client.last_capture = marker = object()
    assert adapter.last_capture is marker
    await adapter.aclose()
    assert adapter._api.closed == 1


def test_templates_are_read_from_beside_the_module(tmp_path: Path) -> None:
    (tmp_path / "config_template.toml").write_text("[c]\n", encoding="utf-8")
    (tmp_path / "secrets_template.toml").write_text("[s]\n", encoding="utf-8")
    assert templates_beside(str(tmp_path / "entry.py")) == {
        "config_template": "[c]\n",
        "secrets_template": "[s]\n",
    }


def test_every_entry_carries_the_templates_of_its_own_folder() -> None:
    for name in available_backends():
        entry = backend_entry(name)
        if not entry.config_template:  # passed through as given: no templates
            continue
        module = sys.modules[entry.factory.__module__]
        folder = Path(module.__file__ or "").parent
        assert entry.config_template == (folder / "config_template.toml").read_text("utf-8")
        assert entry.secrets_template == (folder / "secrets_template.toml").read_text("utf-8")
