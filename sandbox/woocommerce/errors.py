"""WooCommerce / WordPress REST error objects.

Real WooCommerce answers every failure with ``{code, message, data: {status}}``
and WordPress core adds ``params``/``details`` for argument validation.  The
sandbox raises :class:`WooError` anywhere in a handler and the endpoint layer
turns it into exactly that body, so clients are tested against the real shape.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ParamProblem",
    "WooError",
    "invalid_id",
    "invalid_params",
    "missing_params",
]


class WooError(Exception):
    """An error WooCommerce would answer with ``status`` and a JSON error body."""

    def __init__(self, code: str, message: str, status: int, **extra: Any) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body WordPress serialises for this error."""
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.extra},
        }


ParamProblem = tuple[str, str]
"""(detail code, human message) for one invalid parameter, e.g. rest_invalid_type."""


def invalid_params(problems: dict[str, ParamProblem]) -> WooError:
    """WordPress' 400 ``rest_invalid_param`` with per-parameter params and details."""
    params = {name: message for name, (_, message) in problems.items()}
    details = {
        name: {"code": code, "message": message, "data": {"param": name}}
        for name, (code, message) in problems.items()
    }
    return WooError(
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(problems)}",
        400,
        params=params,
        details=details,
    )


def missing_params(names: list[str]) -> WooError:
    """WordPress' 400 for required arguments that were not sent."""
    return WooError(
        "rest_missing_callback_param",
        f"Missing parameter(s): {', '.join(names)}",
        400,
        params=names,
    )


def invalid_id(kind: str, status: int) -> WooError:
    """``woocommerce_rest_<kind>_invalid_id``: 404 on read/delete, 400 on update."""
    return WooError(f"woocommerce_rest_{kind}_invalid_id", "Invalid ID.", status)
