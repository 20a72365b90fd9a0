"""``tillsync doctor`` for a KROS company: token, plan, numbering sequences, webhook.

Every step reports a sentence an admin can act on; later steps are skipped
when the token itself fails.  The webhook check posts an unsigned, empty
notification to our own URL: a 401 (our receiver refusing it) proves KROS
can reach it; no answer means KROS cannot either.
"""

from __future__ import annotations

import httpx

from engine.backends.base import CheckItem, CheckResult
from engine.backends.kros.api import KrosApi, NoApiPackage
from engine.backends.kros.settings import DOCUMENT_KINDS
from engine.errors import AuthError, RemoteError

__all__ = ["check_connection", "sequence_choices"]

# the document type a sequence serves, for each setting of `document` [I: names]
_SERVES = {"invoices": "IssuedInvoice", "proforma-invoices": "ProformaInvoice",
           "received-orders": "ReceivedOrder"}  # fmt: skip


async def _token(api: KrosApi) -> CheckItem:
    try:
        await api.request("GET", "auth/check", expect_json=False)
    except NoApiPackage:
        message = "KROS answered 402: the company's plan lacks the API package."
        return CheckItem("token", False, message)
    except AuthError:
        return CheckItem("token", False, "KROS refused the API token (401): generate a new one.")
    except RemoteError as error:
        return CheckItem("token", False, f"Cannot reach KROS: {error.message}")
    return CheckItem("token", True, "KROS accepted the API token.")


async def sequence_choices(api: KrosApi, document: str) -> list[tuple[str, str]]:
    """(code, name) of the sequences that number this kind of document."""
    rows = await api.all_rows("numberingSequences")
    serves = _SERVES[DOCUMENT_KINDS[document]]
    return [
        (str(r.get("numberingSequence") or r.get("code")), str(r.get("name") or ""))
        for r in rows
        if r.get("documentType") in (None, serves)
    ]


async def _sequence(api: KrosApi) -> CheckItem:
    settings = api.settings
    choices = await sequence_choices(api, settings.document)
    listed = ", ".join(f"{code} {name}".strip() for code, name in choices) or "none"
    chosen = settings.numbering_sequence
    if not chosen:
        return CheckItem("numbering sequence", False, f"None chosen; valid: {listed}.")
    if chosen not in {code for code, _ in choices}:
        message = f"{chosen} does not number a {settings.document}; valid: {listed}."
        return CheckItem("numbering sequence", False, message)
    return CheckItem("numbering sequence", True, f"{settings.document}s are numbered in {chosen}.")


async def _webhook(api: KrosApi) -> CheckItem:
    settings = api.settings
    if not settings.webhook_secret:
        message = "No authorization key: set webhook_secret to the key given in KROS."
        return CheckItem("webhook", False, message)
    if not settings.webhook_url:
        return CheckItem("webhook", False, "No webhook_url: KROS cannot confirm documents.")
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(settings.webhook_url, content=b"{}")
    except httpx.HTTPError as error:
        message = f"{settings.webhook_url} is not reachable ({type(error).__name__})."
        return CheckItem("webhook", False, message)
    if answer.status_code != 401:
        message = f"{settings.webhook_url} answered {answer.status_code}, not tillsync's 401."
        return CheckItem("webhook", False, message)
    return CheckItem("webhook", True, f"{settings.webhook_url} is reachable and checks signatures.")


async def check_connection(api: KrosApi) -> CheckResult:
    first = await _token(api)
    if not first.ok:
        return CheckResult((first,))
    items = [first]
    try:
        items.append(await _sequence(api))
    except RemoteError as error:
        items.append(CheckItem("numbering sequence", False, f"KROS failed: {error.message}"))
    items.append(await _webhook(api))
    return CheckResult(tuple(items))
