"""KROS's webhook: check ``X-Kros-Signature-256``, then read the import result.

Signature [contract §7, 3P ×3 agreeing]: Base64(HMAC-SHA256(key = the
authorization key as UTF-16LE bytes, message = the raw body as UTF-16LE
bytes)), compared in constant time over the body as received.  [OPEN] A key
delivered Base64 by KROS's consent flow is used as the text it is.

Payload [3P MAJ, KON]: ``{requestId, status: 200|207, results: {entities:
[{data: {id|documentId, documentNumber, externalId, …}, problems: [...]}],
relatedEntities: [...]}}``.  A 207 ("processed with problems") refuses the
sale with KROS's problem list; a 200 naming a document confirms it; anything
else (payment status updates, …) is only logged.  Problem items' shape is
unknown [I]: each is shown as its ``message``/``errorMessage``/text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from engine.backends.base import BackofficeEvent, SaleRef, SaleState
from engine.errors import AuthError, ValidationError

__all__ = ["SIGNATURE_HEADER", "parse_notification", "signature", "verify_signature"]

SIGNATURE_HEADER = "x-kros-signature-256"


def signature(body: bytes, secret: str) -> str:
    message = body.decode("utf-8").encode("utf-16-le")
    digest = hmac.new(secret.encode("utf-16-le"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def verify_signature(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    if not secret:
        raise AuthError("no KROS webhook authorization key is configured", status=401)
    given = _header(headers, SIGNATURE_HEADER)
    try:
        expected = signature(body, secret)
    except UnicodeDecodeError:
        raise AuthError("KROS notification body is not UTF-8", status=401) from None
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AuthError("KROS notification signature does not match", status=401)


def _problem_text(problem: Any) -> str:
    if isinstance(problem, Mapping):
        text = problem.get("message") or problem.get("errorMessage") or problem.get("code")
        return str(text or json.dumps(problem, ensure_ascii=False))
    return str(problem)


def _entities(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    results = data.get("results")
    entities = results.get("entities") if isinstance(results, Mapping) else None
    return [e for e in entities or () if isinstance(e, Mapping)]


def _sale(entity: Mapping[str, Any]) -> SaleRef | None:
    doc = entity.get("data")
    if not isinstance(doc, Mapping) or not doc.get("documentNumber"):
        return None
    doc_id = doc.get("id") or doc.get("documentId") or doc["documentNumber"]
    key = str(doc.get("externalId") or "")
    note = f"PDF {doc['pdfReportLink']}" if doc.get("pdfReportLink") else ""
    return SaleRef(str(doc_id), str(doc["documentNumber"]), key, SaleState.BOOKED, note=note)


def parse_notification(headers: Mapping[str, str], body: bytes, secret: str) -> BackofficeEvent:
    verify_signature(headers, body, secret)
    try:
        data = json.loads(body)
        request_id = str(data.get("requestId") or "")
    except (ValueError, AttributeError):
        raise ValidationError("not a KROS notification") from None
    entities = _entities(data)
    problems = [_problem_text(p) for e in entities for p in e.get("problems") or ()]
    if data.get("status") == 207 or problems:
        reason = "; ".join(problems) or "processed with problems (207)"
        return BackofficeEvent("document.problems", request_id, refused=f"207: {reason}")
    sale = next((s for s in map(_sale, entities) if s is not None), None)
    topic = "document.created" if sale is not None else "notification"
    return BackofficeEvent(topic, request_id, sale, delivery_id=request_id)
