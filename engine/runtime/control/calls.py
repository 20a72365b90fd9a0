"""What the control socket serves: the facade's calls, named and bound.

WHY no list of routes: the console reaches the engine two ways, and both
are already the facade — ``engine.<method>(…)`` (an action such as
``orders_retry``) and a read model ``views.<function>(engine, …)`` from
``engine.runtime``.  A call on the socket names one of them (``engine.
orders_retry`` or ``engine.runtime.views:dashboard``) with its arguments
by parameter name, so a method or a view added to the facade is served
without touching this package.  What may be named is narrow: a public
Engine method other than its life cycle, or a function of an
``engine.runtime`` module whose first parameter is the engine.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import ConfigError
from engine.runtime.control.codec import decode_value, encode_value, hints_of
from engine.runtime.engine import Engine

__all__ = ["READ_METHODS", "FacadeCall", "call_from_coroutine", "call_method", "resolve"]

_METHOD = "Engine."
# the service owns its life cycle; connection() hands out live clients, not a record
_LIFE_CYCLE = frozenset({"open", "start", "stop", "close", "connection"})
# Engine methods that change nothing (read models are all functions of engine.runtime):
# while the service restarts, a console skips these quietly and says so for the others.
READ_METHODS = frozenset(
    {"doctor", "export_mappings", "last_run", "order_counts", "orders_list", "orders_show",
     "query_events", "writebacks", "can_void"}
)  # fmt: skip


def _method(name: str) -> Callable[..., Any]:
    found = getattr(Engine, name, None)
    if name.startswith("_") or name in _LIFE_CYCLE or not inspect.isfunction(found):
        raise ConfigError(f"the service does not serve {name!r}")
    return found


def _function(target: str) -> Callable[..., Any]:
    module, _, qualname = target.partition(":")
    if not module.startswith("engine.runtime.") or module.startswith("engine.runtime.control"):
        raise ConfigError(f"the service does not serve {target!r}")
    try:
        found = getattr(importlib.import_module(module), qualname)
    except (ImportError, AttributeError):
        raise ConfigError(f"the service does not know {target!r}") from None
    params = list(inspect.signature(found).parameters) if inspect.isfunction(found) else []
    if qualname.startswith("_") or params[:1] != ["engine"]:
        raise ConfigError(f"the service does not serve {target!r}")
    return found


def resolve(target: str) -> Callable[..., Any]:
    """The function a target names (an Engine method is unbound: ``self`` comes first)."""
    if target.startswith(_METHOD):
        return _method(target.removeprefix(_METHOD))
    return _function(target)


@dataclass(frozen=True)
class FacadeCall:
    """One call as it crosses the socket: the target and its arguments but the engine."""

    target: str
    arguments: Mapping[str, Any]

    @property
    def reads(self) -> bool:
        """Whether it only reads (a read model, or one of :data:`READ_METHODS`)."""
        return not self.target.startswith(_METHOD) or self.target[len(_METHOD) :] in READ_METHODS

    def to_json(self) -> dict[str, Any]:
        hints = hints_of(resolve(self.target))
        encoded = {k: encode_value(v, hints.get(k, Any)) for k, v in self.arguments.items()}
        return {"target": self.target, "arguments": encoded}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FacadeCall:
        target = str(data.get("target", ""))
        function = resolve(target)
        hints, params = hints_of(function), inspect.signature(function).parameters
        keywords = any(p.kind is p.VAR_KEYWORD for p in params.values())
        arguments = {}
        for name, value in dict(data.get("arguments") or {}).items():
            if (name not in params and not keywords) or name in ("self", "engine"):
                raise ConfigError(f"{target} takes no argument {name!r}")
            arguments[name] = decode_value(value, hints.get(name, Any))
        return cls(target, arguments)

    async def run(self, engine: Engine) -> Any:
        """Call it on the service's engine; a plain (non-async) function's answer too."""
        answer = resolve(self.target)(engine, **self.arguments)
        return await answer if inspect.isawaitable(answer) else answer

    def encode_answer(self, answer: Any) -> Any:
        return encode_value(answer, hints_of(resolve(self.target)).get("return", Any))

    def decode_answer(self, data: Any) -> Any:
        return decode_value(data, hints_of(resolve(self.target)).get("return", Any))


def _flat(function: Callable[..., Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments by name, ``**options`` spread, without the engine (or ``self``) itself."""
    params = inspect.signature(function).parameters
    flat: dict[str, Any] = {}
    for name, value in list(arguments.items())[1:]:
        if params[name].kind is inspect.Parameter.VAR_KEYWORD:
            flat.update(value)
        elif params[name].kind is inspect.Parameter.VAR_POSITIONAL:
            raise ConfigError(f"{function.__qualname__}: *{name} cannot cross the socket")
        else:
            flat[name] = value
    return flat


def call_method(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> FacadeCall:
    """``engine.<name>(*args, **kwargs)`` as a call for the socket."""
    function = _method(name)
    bound = inspect.signature(function).bind(None, *args, **kwargs)
    return FacadeCall(_METHOD + name, _flat(function, bound.arguments))


def call_from_coroutine(work: Coroutine[Any, Any, Any], engine: object) -> FacadeCall | None:
    """A not yet started ``views.f(engine, …)`` coroutine as a call, or None if it isn't one.

    The console builds its reads as coroutines of facade functions; when it
    is attached, the coroutine is never run here: its function's name and
    its arguments (still the only locals of an unstarted coroutine) go to
    the service, which calls the same function on its own engine.
    """
    if inspect.getcoroutinestate(work) != inspect.CORO_CREATED:
        return None
    module = work.cr_frame.f_globals.get("__name__", "")
    target = f"{module}:{work.cr_code.co_qualname}"
    try:
        function = _function(target)
    except ConfigError:
        return None
    arguments = inspect.getcoroutinelocals(work)
    if function.__code__ is not work.cr_code or arguments.get("engine") is not engine:
        return None
    ordered = {name: arguments[name] for name in inspect.signature(function).parameters}
    return FacadeCall(target, _flat(function, ordered))
