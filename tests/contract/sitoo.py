"""Validate HTTP exchanges against the Sitoo OpenAPI reconstruction.

Every request our code (or a test) sends to the Sitoo sandbox, and every
answer it gives, is checked with openapi-core against the vendored copy
``sitoo-openapi.json`` (``scripts/vendor_sitoo_spec.py``), so neither side
drifts from the field names the reconstruction documents::

    contract = SitooContract()
    client = httpx.AsyncClient(event_hooks={"response": [contract.event_hook]})
    ...
    contract.assert_all_valid()

The reconstruction is trusted for field names, not behaviour: it declares
no error bodies and no headers, so those are checked by the sandbox tests.
Exchanges are matched on the path from ``/v2/accounts/`` on.  5xx answers
are not validated (any server can produce them).  The recording and
validating itself is :mod:`tests.contract.recorder`'s.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from openapi_core import OpenAPI

from tests.contract.recorder import ContractRecorder, ContractTransport, load_spec, parse_openapi

__all__ = ["ContractTransport", "SitooContract", "sitoo_openapi", "spec_path"]


def spec_path() -> Path:
    return Path(__file__).with_name("sitoo-openapi.json")


@lru_cache(maxsize=1)
def sitoo_openapi() -> OpenAPI:
    return parse_openapi(load_spec(spec_path()))


class SitooContract(ContractRecorder):
    """Records exchanges and checks each against the reconstruction."""

    vendor = "Sitoo"
    host_url = "https://api.mysitoo.com"
    api_prefix = "/v2/accounts/"

    def openapi(self) -> OpenAPI:
        return sitoo_openapi()
