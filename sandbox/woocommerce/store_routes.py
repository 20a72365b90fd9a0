"""Store-level endpoints: tax classes and rates, payment gateways, settings,
system status and the ``/wp-json/`` index.

Tax classes are addressed by slug and need ``force=true`` to delete;
payment gateways can be read and edited but not created or deleted.
"""

from __future__ import annotations

from typing import Any

from sandbox.woocommerce.call import ApiCall, Reply
from sandbox.woocommerce.errors import WooError, missing_params
from sandbox.woocommerce.hostmodel import Operation
from sandbox.woocommerce.links import api_url, resource_links
from sandbox.woocommerce.schema import Field, validate_body
from sandbox.woocommerce.store_settings import WC_VERSION, WP_VERSION
from sandbox.woocommerce.text import sanitize_title

__all__ = [
    "create_tax_class",
    "delete_tax_class",
    "get_gateway",
    "get_setting_group",
    "list_gateways",
    "list_tax_classes",
    "list_tax_rates",
    "site_index",
    "system_status",
    "update_gateway",
]


def _tax_class(call: ApiCall, tax_class: dict[str, str]) -> dict[str, Any]:
    route = "taxes/classes"
    return {**tax_class, "_links": {"collection": [{"href": api_url(call.site, route)}]}}


def list_tax_classes(call: ApiCall) -> Reply:
    classes = call.sb.settings.tax_classes
    return Reply(
        [_tax_class(call, c) for c in classes], operation=Operation.READ_PAGE, items=len(classes)
    )


def create_tax_class(call: ApiCall) -> Reply:
    body = validate_body(call.body, {"name": Field("string")})
    if not body.get("name"):
        raise missing_params(["name"])
    slug = sanitize_title(body["name"])
    classes = call.sb.settings.tax_classes
    if any(c["slug"] == slug for c in classes):
        raise WooError("tax_class_exists", "Tax class already exists", 400)
    new = {"slug": slug, "name": body["name"]}
    classes.append(new)
    location = api_url(call.site, f"taxes/classes/{slug}")
    return Reply(_tax_class(call, new), 201, [("Location", location)], Operation.CREATE)


def delete_tax_class(call: ApiCall) -> Reply:
    if not call.args.boolean("force"):
        raise WooError(
            "woocommerce_rest_trash_not_supported", "Taxes do not support trashing.", 501
        )
    classes = call.sb.settings.tax_classes
    slug = call.path["slug"]
    found = next((c for c in classes if c["slug"] == slug and slug != "standard"), None)
    if found is None:
        raise WooError("woocommerce_rest_tax_class_invalid_slug", "Invalid slug.", 404)
    classes.remove(found)
    return Reply(_tax_class(call, found), operation=Operation.DELETE)


def list_tax_rates(call: ApiCall) -> Reply:
    rates = [
        {**r, "_links": resource_links(call.site, f"taxes/{r['id']}", "taxes")}
        for r in call.sb.settings.tax_rates
    ]
    headers = [("X-WP-Total", str(len(rates))), ("X-WP-TotalPages", "1")]
    return Reply(rates, headers=headers, operation=Operation.READ_PAGE, items=len(rates))


def _gateway(call: ApiCall, gateway_id: str, status: int = 404) -> dict[str, Any]:
    gateway = call.sb.settings.payment_gateways.get(gateway_id)
    if gateway is None:
        raise WooError(
            "woocommerce_rest_payment_gateway_invalid", "Invalid payment gateway ID.", status
        )
    return gateway


def _render_gateway(call: ApiCall, gateway: dict[str, Any]) -> dict[str, Any]:
    links = resource_links(call.site, f"payment_gateways/{gateway['id']}", "payment_gateways")
    return {**gateway, "_links": links}


def list_gateways(call: ApiCall) -> Reply:
    gateways = sorted(call.sb.settings.payment_gateways.values(), key=lambda g: g["order"])
    return Reply(
        [_render_gateway(call, g) for g in gateways],
        operation=Operation.READ_PAGE,
        items=len(gateways),
    )


def get_gateway(call: ApiCall) -> Reply:
    return Reply(_render_gateway(call, _gateway(call, call.path["id"])))


def update_gateway(call: ApiCall) -> Reply:
    gateway = _gateway(call, call.path["id"], 400)
    body = validate_body(
        call.body,
        {
            "title": Field("string"),
            "description": Field("string"),
            "order": Field("integer"),
            "enabled": Field("boolean"),
        },
    )
    gateway.update(body)
    if "title" in body:
        gateway["settings"]["title"]["value"] = body["title"]
    return Reply(_render_gateway(call, gateway), operation=Operation.UPDATE)


_SETTING_GROUPS: dict[str, list[tuple[str, str, Any]]] = {
    "general": [
        ("woocommerce_currency", "Currency", lambda s: s.currency),
        ("woocommerce_default_country", "Country / State", lambda s: s.base_country),
        ("woocommerce_price_num_decimals", "Number of decimals", lambda s: "2"),
        ("woocommerce_price_decimal_sep", "Decimal separator", lambda s: "."),
        ("woocommerce_price_thousand_sep", "Thousand separator", lambda s: ","),
    ],
    "tax": [
        (
            "woocommerce_prices_include_tax",
            "Prices entered with tax",
            lambda s: "yes" if s.prices_include_tax else "no",
        ),
        ("woocommerce_calc_taxes", "Enable tax rates and calculations", lambda s: "yes"),
        ("woocommerce_tax_round_at_subtotal", "Rounding", lambda s: "no"),
    ],
}


def get_setting_group(call: ApiCall) -> Reply:
    group = call.path["group"]
    if group not in _SETTING_GROUPS:
        raise WooError("rest_setting_setting_group_invalid", "Invalid setting group.", 404)
    settings = call.sb.settings
    items = [
        {
            "id": sid,
            "label": label,
            "description": "",
            "type": "text",
            "default": "",
            "value": value(settings),
            "group_id": group,
        }
        for sid, label, value in _SETTING_GROUPS[group]
    ]
    wanted = call.path.get("id")
    if wanted is not None:
        found = next((i for i in items if i["id"] == wanted), None)
        if found is None:
            raise WooError("rest_setting_setting_invalid", "Invalid setting.", 404)
        return Reply(found)
    return Reply(items, operation=Operation.READ_PAGE, items=len(items))


def _environment(site: str) -> dict[str, Any]:
    return {
        "home_url": site,
        "site_url": site,
        "version": WC_VERSION,
        "wp_version": WP_VERSION,
        "wp_multisite": False,
        "wp_memory_limit": 268435456,
        "wp_debug_mode": False,
        "wp_cron": True,
        "language": "en_US",
        "server_info": "nginx/1.24.0",
        "php_version": "8.2.28",
        "php_max_execution_time": 30,
        "max_upload_size": 67108864,
        "default_timezone": "UTC",
    }


def _store_settings(call: ApiCall) -> dict[str, Any]:
    settings = call.sb.settings
    return {
        "api_enabled": True,
        "force_ssl": False,
        "currency": settings.currency,
        "currency_symbol": settings.currency_symbol,
        "currency_position": "right_space",
        "thousand_separator": ",",
        "decimal_separator": ".",
        "number_of_decimals": 2,
        "woocommerce_com_connected": "no",
    }


def system_status(call: ApiCall) -> Reply:
    """GET /system_status: what a client checks for versions and store settings."""
    sb = call.sb
    counts = {"product": len(sb.products), "shop_order": len(sb.orders)}
    plugin = {"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": WC_VERSION}
    return Reply(
        {
            "environment": _environment(call.site),
            "database": {"wc_database_version": WC_VERSION, "database_prefix": "wp_"},
            "active_plugins": [plugin],
            "inactive_plugins": [],
            "theme": {"name": "Storefront", "version": "4.6.1"},
            "settings": _store_settings(call),
            "security": {"secure_connection": call.site.startswith("https"), "hide_errors": True},
            "pages": [],
            "post_type_counts": [{"type": k, "count": v} for k, v in counts.items()],
        }
    )


def site_index(call: ApiCall) -> Reply:
    return Reply(
        {
            "name": call.sb.settings.site_name,
            "description": "",
            "url": call.site,
            "home": call.site,
            "gmt_offset": call.sb.clock.utc_offset_seconds / 3600,
            "timezone_string": "",
            "namespaces": ["oembed/1.0", "wc/v1", "wc/v2", "wc/v3", "wc/store/v1", "wp/v2"],
            "authentication": [],
            "routes": {},
        }
    )
