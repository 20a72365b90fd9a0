"""Every call the control socket serves can carry its arguments and its answer typed.

A hint pydantic cannot build a schema for would cross as plain JSON, and the
console would get a dict where a screen reads ``.entry``: this walks every
target the socket serves (Engine methods, engine.runtime read models) and
builds each one's adapters, so a facade addition with such a type fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import TypeAdapter

import engine.runtime
from engine.runtime.control.calls import resolve
from engine.runtime.control.codec import hints_of
from engine.runtime.engine import Engine


def _targets() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name, _ in inspect.getmembers(Engine, inspect.isfunction):
        if not name.startswith("_"):
            try:
                yield f"Engine.{name}", resolve(f"Engine.{name}")
            except Exception:  # not served (the life cycle)
                continue
    for info in pkgutil.iter_modules(engine.runtime.__path__):
        module = importlib.import_module(f"engine.runtime.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                try:
                    yield f"{module.__name__}:{name}", resolve(f"{module.__name__}:{name}")
                except Exception:  # not a read model (its first parameter isn't the engine)
                    continue


TARGETS = dict(_targets())


def test_the_console_s_reads_and_actions_are_served():
    for target in (
        "Engine.orders_retry",
        "Engine.orders_skip",
        "Engine.orders_void",
        "Engine.save_mappings",
        "Engine.release_held",
        "Engine.run_job",
        "Engine.run_now",
        "Engine.reload",
        "engine.runtime.views:dashboard",
        "engine.runtime.views_orders:order_detail",
        "engine.runtime.views_mappings:mapping_sections",
        "engine.runtime.views_catalog:catalog_preview",
    ):
        assert target in TARGETS


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_argument_and_answer_has_a_schema(target: str):
    for name, hint in hints_of(TARGETS[target]).items():
        if name in ("self", "engine") or hint is Any:
            continue
        TypeAdapter(hint)  # raises when pydantic cannot carry it
