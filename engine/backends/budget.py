"""What a full read of a back office costs against the requests its account may
still send (a back office with a request quota reports it; see ``Backend.request_budget``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RequestBudget"]


@dataclass(frozen=True)
class RequestBudget:
    """``needed``: the requests a full sync needs at least (an estimate from counts);
    ``remaining``: what the account's quota still allows, None when it reports none."""

    needed: int
    remaining: int | None = None

    @property
    def covered(self) -> bool:
        return self.remaining is None or self.needed <= self.remaining

    def describe(self) -> str:
        left = "no quota reported" if self.remaining is None else f"{self.remaining:,} left"
        return f"a full sync needs at least {self.needed:,} requests; {left}"
