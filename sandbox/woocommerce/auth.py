"""Who is calling: WooCommerce's REST authentication, scheme by scheme.

Over plain http only OAuth 1.0a signatures count (a Basic header is simply
ignored, so the request is anonymous and gets a 401 from the permission
check); over https only HTTP Basic or ``consumer_key``/``consumer_secret`` in
the query string.  Error codes and messages follow
``WC_REST_Authentication``; the secret never appears in any of them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass, field

from sandbox.woocommerce.errors import WooError
from sandbox.woocommerce.oauth import (
    OAUTH_PARAMS,
    base_string,
    parse_authorization_header,
    signature_matches,
)
from sandbox.woocommerce.phpquery import PhpParams

__all__ = ["ApiKey", "AuthRequest", "Authenticator", "permission_error"]

NONCE_WINDOW = 15 * 60
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class ApiKey:
    """A REST API key as created in WooCommerce > Settings > Advanced > REST API."""

    consumer_key: str
    consumer_secret: str = field(repr=False)
    permissions: str = "read_write"


@dataclass(frozen=True)
class AuthRequest:
    """The parts of an HTTP request that authentication looks at."""

    method: str
    scheme: str
    site_url: str
    raw_path: str
    query: PhpParams
    form: PhpParams
    authorization: str = field(default="", repr=False)


def _auth_error(message: str) -> WooError:
    return WooError("woocommerce_rest_authentication_error", message, 401)


class Authenticator:
    """Checks one API key; remembers OAuth nonces for the 15-minute window."""

    def __init__(self, key: ApiKey) -> None:
        self.key = key
        self._nonces: dict[str, int] = {}

    def authenticate(self, req: AuthRequest, now: int) -> bool:
        """True when authenticated, False when anonymous; raises on a bad credential."""
        ok = self._basic(req) if req.scheme == "https" else self._oauth(req, now)
        if ok and req.method in _WRITE_METHODS and self.key.permissions == "read":
            raise _auth_error("The API key provided does not have write permissions.")
        if ok and req.method == "GET" and self.key.permissions == "write":
            raise _auth_error("The API key provided does not have read permissions.")
        return ok

    def _basic(self, req: AuthRequest) -> bool:
        key, secret = req.query.get("consumer_key"), req.query.get("consumer_secret")
        if not (isinstance(key, str) and key and isinstance(secret, str) and secret):
            key, secret = _basic_credentials(req.authorization)
        if not key or not secret or key != self.key.consumer_key:
            return False
        if not hmac.compare_digest(secret.encode(), self.key.consumer_secret.encode()):
            raise _auth_error("Consumer secret is invalid.")
        return True

    def _oauth(self, req: AuthRequest, now: int) -> bool:
        params: PhpParams = {**req.query, **req.form}
        params.update(parse_authorization_header(req.authorization))
        missing = [name for name in OAUTH_PARAMS if not params.get(name)]
        if len(missing) == len(OAUTH_PARAMS):
            return False
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            raise WooError(
                "woocommerce_rest_authentication_missing_parameter",
                f"Missing OAuth {noun} {', '.join(missing)}",
                401,
            )
        if params["oauth_consumer_key"] != self.key.consumer_key:
            raise _auth_error("Consumer key is invalid.")
        self._check_signature(req, params)
        self._check_timestamp_and_nonce(
            str(params["oauth_timestamp"]), str(params["oauth_nonce"]), now
        )
        return True

    def _check_signature(self, req: AuthRequest, params: PhpParams) -> None:
        method = str(params["oauth_signature_method"])
        if method not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise _auth_error("Invalid signature - signature method is invalid.")
        base = base_string(req.method, req.site_url + req.raw_path, params)
        if not signature_matches(
            str(params["oauth_signature"]), base, self.key.consumer_secret, method
        ):
            raise _auth_error("Invalid signature - provided signature does not match.")

    def _check_timestamp_and_nonce(self, timestamp: str, nonce: str, now: int) -> None:
        try:
            ts = int(timestamp)
        except ValueError:
            ts = 0
        if ts < now - NONCE_WINDOW or ts > now + NONCE_WINDOW:
            raise _auth_error("Invalid timestamp.")
        if nonce in self._nonces:
            raise _auth_error("Invalid nonce - nonce has already been used.")
        self._nonces = {n: t for n, t in self._nonces.items() if t >= now - NONCE_WINDOW}
        self._nonces[nonce] = ts


def _basic_credentials(header: str) -> tuple[str, str]:
    if header[:6].lower() != "basic ":
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    user, _, password = decoded.partition(":")
    return user, password


_DENIED = {
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "DELETE": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
}


def permission_error(method: str, batch: bool) -> WooError:
    """What an anonymous request gets from the route's permission callback."""
    if batch:
        return WooError(
            "woocommerce_rest_cannot_batch",
            "Sorry, you are not allowed to batch manipulate this resource.",
            401,
        )
    code, message = _DENIED.get(method.upper(), _DENIED["GET"])
    return WooError(code, message, 401)
