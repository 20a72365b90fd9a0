"""Webhook signature: base64 HMAC-SHA256 over the raw body bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac

from engine.woo.signature import sign, verify

BODY = b'{"id":42,"status":"processing","total":"19.90"}'
SECRET = "whsec_abc123"


def test_sign_matches_an_independent_hmac() -> None:
    expected = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()
    assert sign(BODY, SECRET) == expected


def test_good_signature_verifies() -> None:
    assert verify(BODY, SECRET, sign(BODY, SECRET))


def test_signature_tolerates_surrounding_whitespace_in_header() -> None:
    assert verify(BODY, SECRET, f" {sign(BODY, SECRET)}\n")


def test_tampered_body_fails() -> None:
    header = sign(BODY, SECRET)
    assert not verify(BODY.replace(b"19.90", b"0.01"), SECRET, header)


def test_reserialised_json_fails_so_raw_bytes_must_be_used() -> None:
    header = sign(BODY, SECRET)
    assert not verify(b'{"id": 42, "status": "processing", "total": "19.90"}', SECRET, header)


def test_wrong_secret_fails() -> None:
    assert not verify(BODY, "other", sign(BODY, SECRET))


def test_missing_empty_or_garbage_header_fails() -> None:
    assert not verify(BODY, SECRET, None)
    assert not verify(BODY, SECRET, "")
    assert not verify(BODY, SECRET, "not-base64-ü")
    assert not verify(BODY, "", sign(BODY, ""))
