"""What a back office with SKU rules offers to make the shop's SKUs acceptable.

A back office that refuses some SKUs (a character pattern, no empty SKU)
returns a :class:`SkuTool` from ``Backend.sku_tool``; one that takes any SKU
returns None and the "fix SKU" command says so.  The tool always previews
first: only the plan of its own preview can be applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["SkuTool"]


class SkuTool(Protocol):
    """``plan = await tool.preview()`` (nothing written), then ``await tool.apply(plan)``."""

    async def preview(self) -> Any:
        """The plan: an object with ``diff() -> list[str]`` and ``fixes``."""
        ...

    async def apply(self, plan: Any) -> Sequence[Any]:
        """Write the previewed plan; the fixes the shop accepted."""
        ...
