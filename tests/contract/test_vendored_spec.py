"""The vendored KORONA spec: facts kept, prose dropped, uuid paths declared.

The vendoring script is exercised on a small document shaped like KORONA's
(the real one lives outside the repository and is never read by tests).
"""

from __future__ import annotations

import json
from pathlib import Path

from scripts.vendor_korona_spec import render, vendored
from tests.contract.korona import spec_path

UUID_WORDING = "id of the related object (important: id should match the uuid-format)"


def _source(tmp_path: Path) -> Path:
    spec = {
        "openapi": "3.0.1",
        "info": {"title": "KORONA.cloud API v3", "version": "3.2", "contact": {"url": "x"}},
        "tags": [{"name": "receipts", "description": "all about receipts"}],
        "paths": {
            "/accounts/{koronaAccountId}/receipts/{receiptId}": {
                "get": {
                    "description": "returns the single receipt",
                    "parameters": [
                        {"name": "koronaAccountId", "in": "path", "schema": {"type": "string"}},
                        {
                            "name": "receiptId",
                            "in": "path",
                            "description": UUID_WORDING,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"200": {"description": "Request successful"}},
                }
            },
            "/accounts/{koronaAccountId}/pointsOfSale/{pointOfSaleId}": {
                "get": {
                    "parameters": [
                        {
                            "name": "pointOfSaleId",
                            "in": "path",
                            "description": "the number of the point of sale",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
        "components": {
            "schemas": {
                "ReceiptItem": {
                    "description": "one line",
                    "properties": {
                        "description": {"type": "string", "description": "free text"},
                        "type": {"enum": ["PRODUCT", "VOUCHER"], "example": "PRODUCT"},
                        "id": {"type": "string", "format": "uuid"},
                    },
                }
            }
        },
    }
    path = tmp_path / "korona-openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_prose_goes_and_facts_stay(tmp_path: Path) -> None:
    slim = vendored(_source(tmp_path))
    item = slim["components"]["schemas"]["ReceiptItem"]
    assert item == {
        "properties": {
            "description": {"type": "string"},  # a property called description stays
            "type": {"enum": ["PRODUCT", "VOUCHER"]},
            "id": {"type": "string", "format": "uuid"},
        }
    }
    assert "tags" not in slim and slim["info"] == {"title": "KORONA.cloud API v3", "version": "3.2"}
    assert slim["x-vendored"]["by"] == "scripts/vendor_korona_spec.py"


def test_uuid_wording_becomes_a_format_and_a_number_param_does_not(tmp_path: Path) -> None:
    paths = vendored(_source(tmp_path))["paths"]
    receipt = paths["/accounts/{koronaAccountId}/receipts/{receiptId}"]["get"]["parameters"]
    pos = paths["/accounts/{koronaAccountId}/pointsOfSale/{pointOfSaleId}"]["get"]["parameters"]
    assert [p["schema"].get("format") for p in receipt] == [None, "uuid"]
    assert pos[0]["schema"] == {"type": "string"}
    assert receipt[1].get("description") is None


def test_the_vendored_copy_is_in_the_repository_and_has_no_prose() -> None:
    text = spec_path().read_text(encoding="utf-8")
    spec = json.loads(text)
    receipt = spec["paths"]["/accounts/{koronaAccountId}/receipts/{receiptId}"]["get"]
    assert receipt["parameters"][1]["schema"] == {"type": "string", "format": "uuid"}
    assert "uuid-format" not in text and "Request successful" not in text
    assert text == render(spec)  # the file is exactly what the script writes
