"""KROS Fakturácia + Sklad (KROS OpenAPI, api-economy.kros.sk) adapter."""

from engine.backends.kros.backend import KrosBackend, create_kros_backend
from engine.backends.kros.settings import KrosSettings

__all__ = ["KrosBackend", "KrosSettings", "create_kros_backend"]
