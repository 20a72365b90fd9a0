"""Fixtures shared by the KORONA sandbox tests.

One server per test module (``slot``) serves a fresh seeded sandbox per test
(``kb``); a module picks its shop size with ``KORONA_SEED = (products, rng_seed)``.
Every exchange through ``api`` is checked against KORONA's OpenAPI document;
``lax_api`` checks only the answers, for tests that send a wrong request on
purpose (a number where the spec wants a uuid) to see the sandbox refuse it.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox.korona import DEFAULT_PASSWORD, DEFAULT_USER, KoronaSandbox, create_app
from sandbox.server import serve_in_thread
from tests.contract.korona import AppSlot, KoronaContract, korona_client

AUTH = (DEFAULT_USER, DEFAULT_PASSWORD)


@pytest.fixture(scope="module")
def slot() -> Iterator[tuple[str, AppSlot]]:
    app_slot = AppSlot()
    with serve_in_thread(app_slot) as running:
        yield running.url, app_slot


@pytest.fixture
def kb(request: pytest.FixtureRequest, slot: tuple[str, AppSlot]) -> KoronaSandbox:
    products, rng_seed = getattr(request.module, "KORONA_SEED", (60, 1))
    sandbox = KoronaSandbox()
    sandbox.seed_demo(products=products, rng_seed=rng_seed)
    slot[1].app = create_app(sandbox)
    return sandbox


@pytest.fixture
def contract() -> Iterator[KoronaContract]:
    recorder = KoronaContract()
    yield recorder
    recorder.assert_all_valid()


@pytest.fixture
def api(slot: tuple[str, AppSlot], kb: KoronaSandbox, contract: KoronaContract):
    with korona_client(slot[0], kb.account_id, AUTH, contract) as client:
        yield client


@pytest.fixture
def control(slot: tuple[str, AppSlot]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{slot[0]}/__sandbox__", timeout=5) as client:
        yield client


@pytest.fixture
def lax_api(slot: tuple[str, AppSlot], kb: KoronaSandbox) -> Iterator[httpx.Client]:
    answers = KoronaContract(check_requests=False)
    with korona_client(slot[0], kb.account_id, AUTH, answers) as client:
        yield client
    answers.assert_all_valid()
