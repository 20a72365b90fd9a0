"""What the host in front of WordPress answers when it misbehaves.

These bodies are not WooCommerce JSON: a WAF or nginx answers 429 in HTML,
a firewall challenge is an HTML page even with status 200, a gateway timeout
is HTML.  Only the fatal-error 500 comes from WordPress itself and is JSON
(``internal_server_error``), as the recovery-mode handler sends for REST.
"""

from __future__ import annotations

import math

from starlette.responses import HTMLResponse, Response

from sandbox.woocommerce.wire import PhpJSONResponse

__all__ = ["critical_error", "firewall_page", "gateway_timeout", "too_many_requests"]


def too_many_requests(retry_after: float | None) -> Response:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after)))} if retry_after else {}
    body = (
        "<html><head><title>429 Too Many Requests</title></head><body>"
        "<center><h1>429 Too Many Requests</h1></center><hr><center>nginx</center>"
        "</body></html>"
    )
    return HTMLResponse(body, 429, headers=headers)


def critical_error(link: str) -> Response:
    body = {
        "code": "internal_server_error",
        "message": "<p>There has been a critical error on this website.</p>"
        '<p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">'
        "Learn more about troubleshooting WordPress.</a></p>",
        "data": {"status": 500},
        "additional_errors": [],
    }
    return PhpJSONResponse(body, 500, headers={"Link": link})


def firewall_page(status: int) -> Response:
    body = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<h1>Checking your browser before accessing the site.</h1>"
        "<p>This process is automatic. Your browser will redirect to your requested "
        "content shortly.</p></body></html>"
    )
    return HTMLResponse(body, status)


def gateway_timeout() -> Response:
    body = (
        "<html><head><title>504 Gateway Time-out</title></head>"
        "<body><h1>504 Gateway Time-out</h1></body></html>"
    )
    return HTMLResponse(body, 504)
