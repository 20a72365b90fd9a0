"""Sitoo POS (Sitoo REST API v2) adapter; see docs/backend-sitoo.md."""

from engine.backends.sitoo.backend import SitooBackend, create_sitoo_backend
from engine.backends.sitoo.settings import ProductFilter, SitooSettings

__all__ = ["ProductFilter", "SitooBackend", "SitooSettings", "create_sitoo_backend"]
