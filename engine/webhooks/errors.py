"""The one error a signed but unusable body raises (the receiver answers 400)."""

from __future__ import annotations

__all__ = ["PayloadError"]


class PayloadError(ValueError):
    """A signed body we cannot use; the message is safe to log (no body text)."""
