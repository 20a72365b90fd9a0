"""Fault knobs of the Ultimate POS sandbox.

``down``: every request (token endpoint included) answers 503, as a host in
maintenance mode does.  ``token_ttl``: the ``expires_in`` of new access
tokens, in seconds (Passport's default is a year [I]; tests shorten it).
``token_html``: the token endpoint answers an HTML login page with 200, the
way a wrong base path that lands on the POS's web routes looks.
``sell_fault``: what the next ``POST sell`` does after it stored its sells
(``commit_then_drop``: the connection breaks before the answer;
``commit_then_hang``: the answer is held back for ``hang_seconds``), for
``sell_fault_times`` requests.  ``outages``: the next N API requests answer
503 before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

__all__ = ["Knobs", "SellFault"]


class SellFault(StrEnum):
    COMMIT_THEN_DROP = "commit_then_drop"
    COMMIT_THEN_HANG = "commit_then_hang"


@dataclass
class Knobs:
    """Behaviour switches; change them while the sandbox runs via :meth:`update`."""

    down: bool = False
    outages: int = 0
    token_ttl: int = 31_536_000
    token_html: bool = False
    sell_fault: SellFault | None = None
    sell_fault_times: int = 1
    hang_seconds: float = 30.0

    def update(self, **changes: Any) -> None:
        """Change knobs by name; unknown names raise ``ValueError``."""
        names = {f.name for f in fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown knobs: {sorted(unknown)}")
        for name, value in changes.items():
            setattr(self, name, value)

    def take_outage(self) -> bool:
        """One request's worth of outage, if any is left."""
        if self.down:
            return True
        if self.outages > 0:
            self.outages -= 1
            return True
        return False

    def take_sell_fault(self) -> SellFault | None:
        if self.sell_fault is None or self.sell_fault_times <= 0:
            return None
        self.sell_fault_times -= 1
        fault = self.sell_fault
        if self.sell_fault_times == 0:
            self.sell_fault = None
        return fault
