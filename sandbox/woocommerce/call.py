"""The request/answer pair every REST handler of the sandbox works with."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.woocommerce.hostmodel import Operation
from sandbox.woocommerce.query import QueryArgs

if TYPE_CHECKING:
    from sandbox.woocommerce.state import WooSandbox

__all__ = ["ApiCall", "Reply"]


@dataclass(frozen=True)
class ApiCall:
    """An authenticated REST request, already parsed the way WordPress parses it."""

    sb: WooSandbox
    method: str
    path: dict[str, str]
    args: QueryArgs
    body: Any
    site: str
    url: str


@dataclass
class Reply:
    """A handler's answer plus what the host model needs to bill for it."""

    body: Any
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    operation: str = Operation.READ_ONE
    items: int = 1
    batch: tuple[int, int, int] = (0, 0, 0)
    after: list[Awaitable[None]] = field(default_factory=list)
