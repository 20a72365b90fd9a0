"""One ``[connections.<name>]`` table: a WooCommerce store and its back office.

Examples on each field (``examples=[…]``, written as TOML values) are what
an error message shows as the right way to write that key.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    PlainValidator,
    SecretStr,
    StrictBool,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine.config.secrets import is_secret_key
from engine.config.values import (
    ConfigPath,
    JobName,
    QuietHoursText,
    ScheduleText,
    Secret,
    Section,
    Url,
)
from engine.sync.directions import PUSHABLE_PRODUCT_FIELDS, Direction, Directions, Side

__all__ = [
    "BackendSettings",
    "ConnectionConfig",
    "DirectionSettings",
    "GenericBackendSettings",
    "OrderMeta",
    "OrderRules",
    "ScheduleOverrides",
    "SyncPreferences",
    "WooSettings",
]

_STATUS = re.compile(r"[a-z0-9][a-z0-9_-]*")
_TIMEOUT = Field(30.0, gt=0, le=600, examples=["30"])


class WooSettings(Section):
    """How to reach the WooCommerce REST API v3 of one store."""

    url: Url = Field(examples=['"https://shop.example.com"'])
    consumer_key: str = Field(examples=['"ck_0123456789abcdef0123456789abcdef01234567"'])
    consumer_secret: Secret = Field(examples=['"cs_0123456789abcdef0123456789abcdef01234567"'])
    webhook_secret: Secret | None = Field(None, examples=['"a-long-random-string"'])
    auth: Literal["auto", "basic", "query", "oauth1"] = Field("auto", examples=['"auto"'])
    verify_tls: StrictBool = Field(True, examples=["true"])
    ca_file: ConfigPath | None = Field(None, examples=['"/etc/ssl/certs/shop-ca.pem"'])
    timeout: float = _TIMEOUT

    @field_validator("consumer_key")
    @classmethod
    def _key_prefix(cls, value: str) -> str:
        if not value.startswith("ck_"):
            raise ValueError('must start with "ck_" (WooCommerce → Settings → Advanced → REST API)')
        return value

    @field_validator("consumer_secret")
    @classmethod
    def _secret_prefix(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("cs_"):
            raise ValueError('must start with "cs_" — is it the consumer secret, not the key?')
        return value


class GenericBackendSettings(Section, extra="allow"):
    """A back office with no settings model of its own (or none installed yet).

    Any key is accepted here; keys that look like secrets (password, token,
    client_secret…) are wrapped in SecretStr so they can't leak by printing.
    Loading the config for use still refuses a type with no adapter.
    """

    type: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", examples=['"the back office\'s name"'])
    base_url: Url | None = Field(None, examples=['"https://pos.example.com"'])
    verify_tls: StrictBool = Field(True, examples=["true"])
    timeout: float = _TIMEOUT

    @model_validator(mode="before")
    @classmethod
    def _wrap_secrets(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: _as_secret(k, v) for k, v in data.items()}

    def adapter_settings(self, sync: SyncPreferences | None = None) -> dict[str, Any]:
        """Everything but ``type``; secrets stay SecretStr (``.get_secret_value()``)."""
        return self.model_dump(exclude={"type"})


def _as_secret(key: str, value: Any) -> Any:
    if isinstance(value, str) and is_secret_key(key):
        if not value.strip():
            raise ValueError(f"{key}: is empty")
        return SecretStr(value)
    return value


def _backend_section(data: Any) -> Any:
    """Validate the ``backend`` table with the model its back office's entry declares.

    WHY by entry: the back office owns its settings; the core only picks the
    model by ``type`` (imported late: the entries import this package).
    """
    if isinstance(data, BaseModel) or not isinstance(data, dict):
        return data if isinstance(data, BaseModel) else GenericBackendSettings.model_validate(data)
    from engine.backends import available_backends, backend_entry

    kind = data.get("type")
    if kind is None:
        raise PydanticCustomError("union_tag_not_found", "the back office's type is missing")
    model = None
    if isinstance(kind, str) and kind.strip().lower() in available_backends():
        model = backend_entry(kind).settings_model
    return (model or GenericBackendSettings).model_validate(data)


BackendSettings = Annotated[GenericBackendSettings, PlainValidator(_backend_section)]


_FieldGroup = Literal["name", "price", "category", "quantity", "weight", "images", "description"]
_FIELD_GROUPS = ("name", "price", "category", "quantity", "weight", "images", "description")


class SyncPreferences(Section):
    """How the catalog and stock land in WooCommerce."""

    new_products_status: Literal["draft", "publish"] = Field("draft", examples=['"draft"'])
    sync_categories: StrictBool = Field(True, examples=["true"])
    hide_out_of_stock: StrictBool = Field(True, examples=["true"])
    deactivated_to_draft: StrictBool = Field(True, examples=["true"])
    sync_images: StrictBool = Field(True, examples=["true"])
    sync_gtin: StrictBool = Field(True, examples=["true"])
    # the global attribute the brand (or manufacturer) goes to; "" writes none
    brand_attribute: str = Field("", examples=['"Brand"'])
    price_includes_tax: StrictBool = Field(True, examples=["true"])
    dry_run: StrictBool = Field(False, examples=["false"])
    # which description the back office's text fills, and the field groups written on
    # create and on update (engine.sync.field_choice): the others stay the shop's own
    description_mode: Literal["both", "full", "short", "none"] = Field("both", examples=['"short"'])
    create_fields: list[_FieldGroup] = Field(
        default_factory=lambda: list(_FIELD_GROUPS), examples=['["name", "price", "quantity"]']
    )
    update_fields: list[_FieldGroup] = Field(
        default_factory=lambda: list(_FIELD_GROUPS), examples=['["price", "quantity"]']
    )


_Way = Literal["pull", "push", "both"]


class DirectionSettings(Section):
    """Which way products, categories, stock, customers and coupons flow (engine.sync.directions).

    ``pull``: back office → WooCommerce; ``push``: WooCommerce → back office;
    ``both``.  ``truth`` names the side that owns a product field where both
    ways are on (``regular_price = "backoffice"``); an owned field only flows
    from its owner.  Whether the back office can go the chosen way is checked
    against its capabilities when the connection is built.
    """

    products: _Way = Field("pull", examples=['"pull"'])
    categories: _Way = Field("pull", examples=['"pull"'])
    stock: _Way = Field("pull", examples=['"pull"'])
    customers: _Way = Field("push", examples=['"push"'])
    coupons: _Way = Field("push", examples=['"both"'])
    truth: dict[str, Literal["backoffice", "woocommerce"]] = Field(
        {}, examples=['{ regular_price = "backoffice", name = "woocommerce" }']
    )

    @field_validator("truth")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(PUSHABLE_PRODUCT_FIELDS))
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)}: not a product field that syncs both ways "
                f"({', '.join(PUSHABLE_PRODUCT_FIELDS)})"
            )
        return value

    def directions(self) -> Directions:
        truth = {name: Side(side) for name, side in self.truth.items()}
        return Directions(
            products=Direction(self.products),
            categories=Direction(self.categories),
            stock=Direction(self.stock),
            customers=Direction(self.customers),
            coupons=Direction(self.coupons),
            truth=MappingProxyType(truth),
        )


class OrderMeta(Section):
    """Order meta keys where plugins keep what WooCommerce core has no field for.

    A business buyer's VAT id, company register number and tax id (an
    invoice must name them) and a currency plugin's exchange rate; the first
    key present on the order wins.  ``base_currency``: the currency the back
    office keeps its books in (unset: no exchange rate is read).
    """

    vat_id: tuple[str, ...] = Field(
        ("_billing_vat_id", "vat_number", "_vat_number", "_billing_vat"),
        examples=['["_billing_vat_id", "vat_number"]'],
    )
    registration_number: tuple[str, ...] = Field(
        ("_billing_company_id", "_billing_ico", "_billing_ic"), examples=['["_billing_ico"]']
    )
    tax_id: tuple[str, ...] = Field(
        ("_billing_tax_id", "_billing_dic"), examples=['["_billing_dic"]']
    )
    exchange_rate: tuple[str, ...] = Field(
        ("_base_currency_exchange_rate",), examples=['["_base_currency_exchange_rate"]']
    )
    base_currency: str = Field("", pattern=r"^([A-Za-z]{3})?$", examples=['"EUR"'])


class OrderRules(Section):
    """Which WooCommerce order statuses book a sale, and which void it.

    ``watch_seconds``: how often the light order poll asks for changed orders
    (WooCommerce's webhooks come a minute or more late); it stretches by
    itself for a slow shop. 0 turns it off.
    """

    trigger_status: str = Field("completed", examples=['"completed"'])
    void_on: tuple[str, ...] = Field(
        ("cancelled", "refunded"), examples=['["cancelled", "refunded"]']
    )
    # Orders created before this are history, never booked; unset: the moment the
    # connection first ran (recorded in the state database and its markers).
    since: AwareDatetime | None = Field(None, examples=["2026-12-01T00:00:00Z"])
    watch_seconds: float = Field(12.0, ge=0, le=3600, examples=["12"])
    # A sale the back office accepted but confirms later (202, "queued") is a dead
    # letter when no confirmation came within this many minutes.
    confirm_within_minutes: float = Field(60.0, gt=0, le=7 * 24 * 60, examples=["60"])
    meta: OrderMeta = OrderMeta()

    @field_validator("trigger_status")
    @classmethod
    def _status_slug(cls, value: str) -> str:
        slug = value.removeprefix("wc-")
        if not _STATUS.fullmatch(slug):
            raise ValueError(f'{value!r} is not an order status slug like "completed"')
        return slug

    @field_validator("void_on")
    @classmethod
    def _void_slugs(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(cls._status_slug(value) for value in values)

    @model_validator(mode="after")
    def _no_overlap(self) -> OrderRules:
        if self.trigger_status in self.void_on:
            raise ValueError(
                f"void_on: contains {self.trigger_status!r}, the trigger_status: an order "
                "would be booked and voided by the same status"
            )
        return self


class ScheduleOverrides(Section):
    """Per-connection changes to the ``[schedules]`` defaults; unset keys inherit."""

    catalog: ScheduleText | None = Field(None, examples=['"every 10 minutes"'])
    stock: ScheduleText | None = Field(None, examples=['"every 3 minutes"'])
    orders_poll: ScheduleText | None = Field(None, examples=['"every 5 minutes"'])
    customers: ScheduleText | None = Field(None, examples=['"every 30 minutes"'])
    reconcile: ScheduleText | None = Field(None, examples=['"daily at 03:00"'])
    webhook_health: ScheduleText | None = Field(None, examples=['"every 15 minutes"'])
    quiet_hours: QuietHoursText | None = Field(None, examples=['"01:00-05:00"'])
    allow_fast: StrictBool | None = Field(None, examples=["false"])
    heavy: tuple[JobName, ...] | None = Field(None, examples=['["reconcile"]'])


class ConnectionConfig(Section):
    """One store ↔ back office pair, with its own jobs and schedules."""

    enabled: StrictBool = Field(True, examples=["true"])
    woo: WooSettings
    backend: BackendSettings
    sync: SyncPreferences = SyncPreferences()
    orders: OrderRules = OrderRules()
    directions: DirectionSettings = DirectionSettings()
    schedules: ScheduleOverrides = ScheduleOverrides()

    def adapter_settings(self) -> dict[str, Any]:
        """What the back-office adapter is built with: its section, and the shop facts
        (``sync``) it must honour."""
        return self.backend.adapter_settings(self.sync)
