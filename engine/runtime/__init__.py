"""The Engine facade and how it is wired (see :mod:`engine.runtime.engine`)."""

from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.engine import JOBS, Engine

__all__ = ["JOBS", "ConnectionRuntime", "Engine", "build_connection"]
