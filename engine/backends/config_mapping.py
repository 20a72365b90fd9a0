"""A mapping a back office keeps in its own settings section, declared in its entry.

WHY declared: some back offices map WooCommerce values to their own words
with a settings key of their ``backend`` section (a table of source →
target, e.g. which WooCommerce order status makes a final sale and which a
draft).  Declared in :class:`~engine.backends.entry.BackendEntry`
(``config_mappings``), the Mappings screen shows it as one more section,
offers only the targets the back office takes, and saves it to config.toml
like the order statuses and locations (the engine is reopened) — no core
module names the back office or the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ConfigMapping"]


@dataclass(frozen=True)
class ConfigMapping:
    """One ``key = { source = "target", … }`` table of the back office's settings.

    ``sources`` are what is mapped (the rows, in order), ``targets`` the
    (value, label) pairs the back office takes, ``defaults`` what the adapter
    uses for a source the table leaves out (shown as the current value).
    ``kind`` is what the sources are, as a mapping kind of the store
    (``order_status``: WooCommerce order statuses).
    """

    key: str
    title: str
    help: str
    sources: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]
    defaults: Mapping[str, str] = field(default_factory=dict)
    kind: str = "order_status"

    def current(self, configured: Mapping[str, str] | None) -> dict[str, str]:
        """What each source maps to now: the configured table over the defaults."""
        return {**self.defaults, **dict(configured or {})}
