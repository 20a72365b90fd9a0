"""Asynchronous document import, as KROS does it.

A POST is validated at once (400) and answered ``202 {"requestId"}``
[contract §4]; the document is made a moment later and the result is sent
to the company's webhook URL [§7]: ``status`` 200 with the document in
``results.entities[].data``, or 207 with ``problems`` and nothing created.
``Knobs.webhook = "never"`` creates the document without notifying, so a
client must find it by polling (``OrderNumber`` filter, ``externalId``).

Inferred [I]: the number format (year + counter), ``pdfReportLink``'s path,
the ``problems`` item shape (``{code, message}``; the real schema was not
readable), and ``sendByEmail`` (the flag a document carries to have KROS
e-mail it to ``partner.email``; the e-mail is recorded, not sent).
"""

from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal
from typing import Any

import httpx

from sandbox.kros.company import KrosSandbox, money
from sandbox.kros.signature import HEADER, sign

__all__ = ["accept_document", "create_document", "deliver"]


def _prices(data: dict[str, Any]) -> dict[str, Any]:
    total = sum(Decimal(str(i.get("totalPriceInclVat") or 0)) for i in data["items"])
    return {
        "currency": data.get("currency") or "EUR",
        "exchangeRate": data.get("exchangeRate") or 1,
        "documentPrices": {"totalPriceInclVat": money(total)},
    }


def create_document(kb: KrosSandbox, kind: str, data: dict[str, Any], base_url: str) -> dict:
    """Store the document with its number; what the webhook then names."""
    doc_id = kb.new_id()
    number = str(data.get("documentNumber") or "") or kb.next_number(data["numberingSequence"])
    document = {
        **data,
        "id": doc_id,
        "documentNumber": number,
        "variableSymbol": data.get("variableSymbol") or number[-10:],
        "paymentStatus": 0,
        "prices": _prices(data),
        "lastModifiedTimestamp": kb.now_text(),
        "pdfReportLink": f"{base_url}/api/{kind}/{doc_id}/pdf",
    }
    if kind == "invoices":
        document["invoiceType"] = data.get("invoiceType", 0)
    with kb.lock:
        kb.documents[kind].append(document)
        partner = data.get("partner") or {}
        if data.get("sendByEmail") and partner.get("email"):
            kb.emails.append({"to": partner["email"], "documentNumber": number, "kind": kind})
    return document


def _entity(document: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "documentNumber", "variableSymbol", "externalId", "pdfReportLink")
    return {"data": {k: document.get(k) for k in keys}, "problems": []}


def _problems(data: dict[str, Any]) -> dict[str, Any]:
    problem = {"code": "ItemNotInStock", "message": "Položka nie je na sklade."}
    return {"data": {"externalId": data.get("externalId")}, "problems": [problem]}


def process(kb: KrosSandbox, kind: str, request_id: str, data: dict, base_url: str) -> None:
    """The deferred half of a POST: make (or refuse) the document, then notify."""
    if kb.knobs.webhook == "problems":
        status, results = 207, {"entities": [_problems(data)], "relatedEntities": []}
    else:
        document = create_document(kb, kind, data, base_url)
        status, results = 200, {"entities": [_entity(document)], "relatedEntities": []}
    payload = {
        "requestId": request_id,
        "status": status,
        "apiUrl": f"{base_url}/api/{kind}/{{id}}",
        "results": results,
    }
    with kb.lock:
        kb.requests[request_id] = payload
    if kb.knobs.webhook != "never" and kb.webhook_url:
        deliver(kb, json.dumps(payload, ensure_ascii=False))


def deliver(kb: KrosSandbox, body: str, secret: str | None = None) -> int:
    """POST one notification, signed; the answer is recorded (KROS would retry a non-200)."""
    headers = {HEADER: sign(body, kb.webhook_secret if secret is None else secret),
               "Content-Type": "application/json; charset=utf-8"}  # fmt: skip
    try:
        status = httpx.post(kb.webhook_url, content=body.encode(), headers=headers).status_code
    except httpx.HTTPError:
        status = 0
    with kb.lock:
        kb.deliveries.append({"body": body, "status": status})
    return status


def accept_document(kb: KrosSandbox, kind: str, data: dict[str, Any], base_url: str) -> str:
    """Answer-side of a valid POST: a request id now, the document after ``webhook_delay``."""
    request_id = str(uuid.uuid4())
    timer = threading.Timer(kb.knobs.webhook_delay, process, (kb, kind, request_id, data, base_url))
    timer.daemon = True
    timer.start()
    return request_id
