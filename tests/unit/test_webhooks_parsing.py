"""Pure rules of the webhook receiver: signatures, ping, JSON, error objects, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.webhooks.body import BodyTooLarge, read_limited
from engine.webhooks.parsing import (
    PayloadError,
    build_delivery,
    decode_json_object,
    is_error_object,
    parse_gmt,
    ping_webhook_id,
)
from engine.webhooks.signature import signature_matches, webhook_signature

FORM = "application/x-www-form-urlencoded"
# Expected values computed with: printf '%s' BODY | openssl dgst -sha256 -hmac KEY -binary | base64
VECTOR_BODY = b'{"id":42,"status":"processing"}'
VECTOR_SIG = "C4EdmuAjuUNqd2eZlupvXh+L5M9Xum2nxwidFhtk4dE="
EMPTY_SIG_KEY = "XV0TlWPJW1lnub2ajJsjOp3ttFByeUzSMtwbdIMmB9A="


def test_signature_matches_openssl_vectors() -> None:
    assert webhook_signature(VECTOR_BODY, b"s3cret") == VECTOR_SIG
    assert webhook_signature(b"", b"key") == EMPTY_SIG_KEY


@pytest.mark.parametrize(
    ("body", "secret", "header", "ok"),
    [
        (VECTOR_BODY, b"s3cret", VECTOR_SIG, True),
        (VECTOR_BODY, b"s3cret", f"  {VECTOR_SIG}\t", True),
        (VECTOR_BODY, b"other", VECTOR_SIG, False),
        (VECTOR_BODY + b" ", b"s3cret", VECTOR_SIG, False),
        (b'{"id": 42, "status": "processing"}', b"s3cret", VECTOR_SIG, False),
        (VECTOR_BODY, b"s3cret", None, False),
        (VECTOR_BODY, b"s3cret", "", False),
        (VECTOR_BODY, b"s3cret", VECTOR_SIG.lower(), False),
        (VECTOR_BODY, b"s3cret", "ünïcode", False),
        (VECTOR_BODY, b"", webhook_signature(VECTOR_BODY, b""), False),
    ],
)
def test_signature_is_over_raw_bytes(
    body: bytes, secret: bytes, header: str | None, ok: bool
) -> None:
    assert signature_matches(body, secret, header) is ok


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        (FORM, b"webhook_id=12", 12),
        (f"{FORM}; charset=UTF-8", b"webhook_id=7", 7),
        ("application/json", b"webhook_id=12", None),
        (None, b"webhook_id=12", None),
        (FORM, b"webhook_id=12&id=5", None),
        (FORM, b"webhook_id=12\n", None),
        (FORM, b"webhook_id=", None),
        (FORM, b"webhook_id=abc", None),
        (FORM, b'{"webhook_id": 12}', None),
        (FORM, b"webhook_id=" + b"9" * 21, None),
    ],
)
def test_only_an_exact_ping_form_is_a_ping(
    content_type: str | None, body: bytes, expected: int | None
) -> None:
    assert ping_webhook_id(content_type, body) == expected


def test_decode_json_object_accepts_objects_only() -> None:
    assert decode_json_object("application/json; charset=utf-8", b'{"id": 1}') == {"id": 1}
    for content_type, body in [
        ("text/plain", b'{"id": 1}'),
        (None, b'{"id": 1}'),
        ("application/json", b'{"id": 1'),
        ("application/json", b"[1, 2]"),
        ("application/json", b"\xff\xfe"),
        ("application/json", b"[" * 100_000),
    ]:
        with pytest.raises(PayloadError):
            decode_json_object(content_type, body)


def test_error_object_is_recognised() -> None:
    gone = {
        "code": "woocommerce_rest_shop_order_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    assert is_error_object(gone)
    assert not is_error_object({"id": 5})
    assert not is_error_object({"id": 5, "code": "x", "message": "y", "data": {"status": 404}})
    assert not is_error_object({"code": "x", "message": "y", "data": {}})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-22T10:15:30", datetime(2026, 11, 22, 10, 15, 30, tzinfo=UTC)),
        ("2026-11-22T11:15:30+01:00", datetime(2026, 11, 22, 10, 15, 30, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("yesterday", None),
        (12345, None),
    ],
)
def test_parse_gmt(value: object, expected: datetime | None) -> None:
    assert parse_gmt(value) == expected


def test_build_delivery_reads_ids_dates_and_headers() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    payload = {"id": 9, "date_modified_gmt": "2026-11-22T10:15:30", "status": "processing",
               "currency": "EUR", "line_items": []}  # fmt: skip
    delivery = build_delivery(
        connection="shop",
        topic="order.updated",
        payload=payload,
        body=b"raw",
        headers={"x-wc-webhook-delivery-id": "abc", "x-wc-webhook-id": "3"},
        received_at=at,
    )
    assert (delivery.resource_id, delivery.webhook_id, delivery.delivery_id) == (9, 3, "abc")
    assert delivery.modified_gmt == datetime(2026, 11, 22, 10, 15, 30, tzinfo=UTC)
    assert not delivery.gone and delivery.event == "updated"
    assert (
        delivery.payload_sha256
        == "d7439bee24773bcbfa2d0a97947ee36227b10d1022b1a55847e928965bb6bfde"
    )  # sha256sum of "raw"
    assert "processing" not in repr(delivery)


@pytest.mark.parametrize("bad_id", [None, 0, -1, "9", True, 1.5])
def test_build_delivery_needs_a_positive_integer_id(bad_id: object) -> None:
    with pytest.raises(PayloadError):
        build_delivery(
            connection="shop",
            topic="order.updated",
            payload={"id": bad_id},
            body=b"",
            headers={},
            received_at=datetime.now(UTC),
        )


async def _chunks(parts: list[bytes], pulled: list[int]):
    for part in parts:
        pulled.append(len(part))
        yield part


async def test_read_limited_stops_at_the_limit() -> None:
    pulled: list[int] = []
    with pytest.raises(BodyTooLarge):
        await read_limited(_chunks([b"a" * 400] * 10, pulled), limit=1000)
    assert len(pulled) == 3  # never asked for more once the limit was crossed
    assert await read_limited(_chunks([b"a" * 500, b"b" * 500], []), limit=1000) == (
        b"a" * 500 + b"b" * 500
    )


async def test_read_limited_refuses_a_declared_length_before_reading() -> None:
    pulled: list[int] = []
    with pytest.raises(BodyTooLarge):
        await read_limited(_chunks([b"x"], pulled), limit=10, content_length="11")
    assert pulled == []
