"""Authentication exactly as a WooCommerce 10 store does it (reference §1, §13)."""

from __future__ import annotations

import ssl
import time

import httpx
import pytest
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_TYPE_AUTH_HEADER, Client

from sandbox.tls import make_self_signed

from . import API, KEY, SECRET, oauth_url, running_store


@pytest.fixture(scope="module")
def store():
    with running_store(products=12) as running:
        yield running


def test_oauth_query_string_signature_is_accepted(store) -> None:
    _, _, client = store
    response = client.get("products", per_page=5)
    assert response.status_code == 200, response.text
    assert len(response.json()) == 5


def test_oauth_authorization_header_with_hmac_sha1_is_accepted(store) -> None:
    _, server, _ = store
    signer = Client(
        KEY,
        client_secret=SECRET,
        signature_method=SIGNATURE_HMAC_SHA1,
        signature_type=SIGNATURE_TYPE_AUTH_HEADER,
    )
    url, headers, _ = signer.sign(f"{server.url}{API}/products?per_page=2", "GET")
    response = httpx.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert "oauth_signature" not in response.request.url.query.decode()


def test_wrong_secret_is_an_authentication_error(store) -> None:
    _, server, _ = store
    response = httpx.get(oauth_url(f"{server.url}{API}/products", secret="cs_wrong"))
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_authentication_error"
    assert SECRET not in response.text


def test_replayed_nonce_is_rejected(store) -> None:
    _, server, _ = store
    signed = oauth_url(f"{server.url}{API}/products")
    assert httpx.get(signed).status_code == 200
    replay = httpx.get(signed)
    assert replay.status_code == 401
    assert replay.json()["message"] == "Invalid nonce - nonce has already been used."


def test_stale_timestamp_is_rejected(store) -> None:
    from woocommerce.oauth import OAuth

    _, server, _ = store
    stale = int(time.time()) - 16 * 60
    signed = OAuth(
        f"{server.url}{API}/products", KEY, SECRET, oauth_timestamp=stale
    ).get_oauth_url()
    response = httpx.get(signed)
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_authentication_error",
        "message": "Invalid timestamp.",
        "data": {"status": 401},
    }


def test_signature_over_another_host_name_fails(store) -> None:
    _, server, _ = store
    other = server.url.replace("127.0.0.1", "localhost")
    response = httpx.get(oauth_url(f"{other}{API}/products"))
    assert response.status_code == 401
    assert "signature does not match" in response.json()["message"]


@pytest.mark.parametrize("auth", [None, (KEY, SECRET)], ids=["no-auth", "basic-over-http"])
def test_anonymous_and_basic_over_http_cannot_view(store, auth) -> None:
    _, server, _ = store
    response = httpx.get(f"{server.url}{API}/products", auth=auth)
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_cannot_view"
    assert response.headers["link"] == f'<{server.url}/wp-json/>; rel="https://api.w.org/"'


def test_anonymous_write_gets_the_create_permission_error(store) -> None:
    _, server, _ = store
    response = httpx.post(f"{server.url}{API}/products", json={"name": "x"})
    assert (response.status_code, response.json()["code"]) == (
        401,
        "woocommerce_rest_cannot_create",
    )


@pytest.fixture(scope="module")
def tls_store(tmp_path_factory):
    certfile, keyfile, ca = make_self_signed(tmp_path_factory.mktemp("tls"))
    with running_store(products=3, ssl_certfile=certfile, ssl_keyfile=keyfile) as running:
        yield running, ssl.create_default_context(cafile=ca)


def test_https_accepts_basic_auth_and_query_string_keys(tls_store) -> None:
    (_, server, _), context = tls_store
    assert server.url.startswith("https://")
    with httpx.Client(verify=context) as http:
        basic = http.get(f"{server.url}{API}/products", auth=(KEY, SECRET))
        query = http.get(
            f"{server.url}{API}/products", params={"consumer_key": KEY, "consumer_secret": SECRET}
        )
        wrong = http.get(f"{server.url}{API}/products", auth=(KEY, "cs_nope"))
        oauth = http.get(oauth_url(f"{server.url}{API}/products"))
    assert basic.status_code == 200 and len(basic.json()) == 3
    assert query.status_code == 200
    assert (wrong.status_code, wrong.json()["code"]) == (
        401,
        "woocommerce_rest_authentication_error",
    )
    assert (oauth.status_code, oauth.json()["code"]) == (401, "woocommerce_rest_cannot_view")
