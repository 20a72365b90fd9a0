"""KORONA POS (KORONA Cloud API v3) adapter."""

from engine.backends.korona.backend import KoronaBackend, create_korona_backend
from engine.backends.korona.errors import DailyLimitExceeded, KoronaConfigError, parse_korona_error
from engine.backends.korona.settings import KoronaSettings

__all__ = [
    "DailyLimitExceeded",
    "KoronaBackend",
    "KoronaConfigError",
    "KoronaSettings",
    "create_korona_backend",
    "parse_korona_error",
]
