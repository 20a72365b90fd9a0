"""What a back office declares about itself: the one record the core reads.

WHY one record: adding a back office must touch only its own folder.  The
config loader, the setup wizard, the mappings views, the demo and the
console learn everything back-office specific from a :class:`BackendEntry`
(its settings model, config template, wizard fields, mapping vocabulary,
capabilities, demo and sandbox), so no core module names a vendor.

The demo and the sandbox are named by a dotted path (``"pkg.module:attr"``)
and resolved only by the command that starts them: the engine never imports
a simulator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TypedDict

from pydantic import BaseModel

from engine.backends.base import Backend, Capability
from engine.backends.config_mapping import ConfigMapping

__all__ = [
    "BackendEntry",
    "BackendSettingsModel",
    "ConfigMapping",
    "MappingVocabulary",
    "Pick",
    "SetupField",
    "Templates",
    "templates_beside",
]


class Pick(StrEnum):
    """A list the back office reports, from which a setting's value is picked."""

    POINT_OF_SALE = "point_of_sale"
    WAREHOUSE = "warehouse"
    PRICE_GROUP = "price_group"
    PAYMENT_METHOD = "payment_method"
    # any other list: the values the adapter reports for the key (Backend.setting_options)
    REPORTED = "reported"


@dataclass(frozen=True)
class SetupField:
    """One key of the ``backend`` section as the setup wizard and mappings view show it.

    ``pick`` set: the value is chosen from what the back office reports (a
    typed id is the classic cause of a held order), at the wizard's "place"
    step and checked in the mappings view; unset: typed at the first step.
    ``place_label`` is how the mappings view names a picked value's role.
    ``doctor_check`` names the doctor check that fails until the value is
    picked, so the wizard doesn't block its test step on a later question.
    """

    key: str
    label: str
    hint: str = ""
    secret: bool = False
    pick: Pick | None = None
    required: bool = True
    place_label: str = ""
    doctor_check: str = ""
    couple: bool = False  # the back office must be told of the choice (select_location)
    preset: str = ""  # written without asking ("{connection}" is the connection's name)


@dataclass(frozen=True)
class MappingVocabulary:
    """What each mapping maps to on this back office, in the admin's words."""

    tax: str = "Back-office tax code → WooCommerce tax class"
    payment: str = "WooCommerce payment gateway → back-office payment method"


class BackendSettingsModel(Protocol):
    """The pydantic model of the ``backend`` section (``type`` is its discriminator)."""

    type: str

    def adapter_settings(self, sync: Any = None) -> dict[str, Any]:
        """The mapping the adapter is built from (``sync``: the shop's preferences)."""
        ...


@dataclass(frozen=True)
class BackendEntry:
    """Everything the core needs to offer one back office; registered by entry point."""

    name: str
    title: str
    factory: Callable[[Any], Backend]
    settings_model: type[BaseModel] | None  # None: the section is passed through as given
    capabilities: frozenset[Capability] = frozenset()
    config_template: str = ""  # the [connections.{connection}.backend] section, commented
    secrets_template: str = ""  # its secrets.toml section
    setup_fields: tuple[SetupField, ...] = ()
    vocabulary: MappingVocabulary = field(default_factory=MappingVocabulary)
    demo: str = ""  # "module:attr" of a callable returning the demo back office
    sandbox: str = ""  # "module:attr" of the sandbox's serve_forever(host, port, seed_products)
    # where it stands in lists, lowest first (ties by name); the first one is the default
    # of `tillsync init`, the wizard and the demo: a back office built on inferred facts
    # ranks later so it is never chosen without being asked for
    rank: int = 100
    # the shortest period between runs of a job on its connections (None: the engine's own
    # one-minute guard); a schedule set faster on the connection is refused, a faster
    # default is raised to it; "daily at HH:MM" always passes
    schedule_floor: timedelta | None = None
    # a short word the console's title bar shows beside a connection of this back office,
    # from its settings section (e.g. which account, test or live, it talks to); None: none
    badge: Callable[[Any], str | None] | None = None
    # mappings kept in the back office's own settings section (a table of source -> target),
    # shown and edited in the Mappings screen and saved to config.toml
    config_mappings: tuple[ConfigMapping, ...] = ()

    def supports(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def typed_fields(self) -> tuple[SetupField, ...]:
        """The fields the wizard asks at its first step (typed, not picked)."""
        return tuple(f for f in self.setup_fields if f.pick is None and not f.preset)

    @property
    def picked_fields(self) -> tuple[SetupField, ...]:
        """The fields picked from the back office's lists (wizard "place" step)."""
        return tuple(f for f in self.setup_fields if f.pick is not None and not f.preset)


class Templates(TypedDict):
    """A back office's two commented templates, as :class:`BackendEntry` takes them."""

    config_template: str
    secrets_template: str


def templates_beside(module_file: str) -> Templates:
    """The ``config_template.toml`` and ``secrets_template.toml`` kept beside ``module_file``.

    Every back office keeps its templates in its own folder, so an entry says
    ``BackendEntry(..., **templates_beside(__file__))``.
    """
    here = Path(module_file).parent
    return Templates(
        config_template=(here / "config_template.toml").read_text(encoding="utf-8"),
        secrets_template=(here / "secrets_template.toml").read_text(encoding="utf-8"),
    )
