"""Sandboxes and measured work, each in a process of its own.

A benchmark that ran the sandboxes, the engine and the baseline in one
interpreter would bill the sandboxes' CPU and memory to whoever is being
measured.  So every piece runs as ``python -m bench.procs …``:

* ``serve woo|korona <json>``: one sandbox on a free loopback port; prints
  its URL and serves until its stdin closes (the parent exiting closes it,
  so a crashed benchmark leaves no server behind);
* ``call module:function <json>``: runs one measured function and prints
  its result with the process's peak RSS and CPU time.

Lines meant for the parent start with :data:`TAG`; anything else a library
prints goes to the log file and cannot confuse the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import httpx

__all__ = ["TAG", "ChildFailed", "MeasuredChild", "SandboxProcess", "emit", "run_child"]

TAG = "@@bench "
ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = Path(tempfile.gettempdir()) / "tillsync-bench-logs"


class ChildFailed(RuntimeError):
    """A child process ended without its result line (its log tail is in the message)."""


def emit(payload: dict[str, Any]) -> None:
    """Send one protocol line to the parent (from inside a child)."""
    sys.stdout.write(TAG + json.dumps(payload, default=str) + "\n")
    sys.stdout.flush()


class _Child:
    """A ``python -m bench.procs`` subprocess and the protocol lines it sends."""

    def __init__(self, args: list[str], name: str) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}-{os.getpid()}-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.procs", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def next_message(self) -> dict[str, Any]:
        """The next protocol line; raises :class:`ChildFailed` if the child dies first."""
        stdout: IO[str] = self.proc.stdout  # type: ignore[assignment]
        for line in stdout:
            if line.startswith(TAG):
                return json.loads(line[len(TAG) :])
            self._log.write(line)
        self.proc.wait()
        raise ChildFailed(f"child exited with {self.proc.returncode}; log:\n{self.log_tail()}")

    def log_tail(self, lines: int = 25) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def close_stdin(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()  # type: ignore[union-attr]

    def stop(self, timeout: float = 15.0) -> None:
        """Ask politely (stdin EOF), then terminate this child by its pid."""
        self.close_stdin()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class SandboxProcess:
    """A sandbox server in its own process; ``control()`` drives ``/__sandbox__/``."""

    def __init__(self, kind: str, options: dict[str, Any]) -> None:
        self.kind = kind
        self.options = options
        self._child = _Child(["serve", kind, json.dumps(options)], f"sandbox-{kind}")
        ready = self._child.next_message()
        self.url: str = ready["url"]
        self.pid: int = self._child.proc.pid
        self._http = httpx.Client(base_url=self.url, timeout=60)

    def control(self, path: str, body: Any = None) -> Any:
        """GET (no body) or POST (JSON body) a control endpoint; returns its JSON."""
        url = f"/__sandbox__/{path.lstrip('/')}"
        response = self._http.get(url) if body is None else self._http.post(url, json=body)
        response.raise_for_status()
        return response.json()

    def bench_info(self, path: str) -> Any:
        """Our own recorder's endpoints (``/__bench__/``), see :mod:`bench.shops`."""
        response = self._http.get(f"/__bench__/{path.lstrip('/')}")
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        self._http.close()
        self._child.stop()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class MeasuredChild:
    """A measured function running in a child; may report messages before its result."""

    def __init__(self, target: str, payload: dict[str, Any]) -> None:
        self.target = target
        name = target.rsplit(":", 1)[-1]
        self._child = _Child(["call", target, json.dumps(payload)], f"call-{name}")

    def next_message(self) -> dict[str, Any]:
        return self._child.next_message()

    def send(self, line: str) -> None:
        """A command line on the child's stdin (see :func:`commands`)."""
        self._child.proc.stdin.write(line + "\n")  # type: ignore[union-attr]
        self._child.proc.stdin.flush()  # type: ignore[union-attr]

    def result(self) -> dict[str, Any]:
        """Wait for the result message; the child is finished afterwards."""
        try:
            while True:
                message = self.next_message()
                if message.get("event") == "result":
                    return message
                if message.get("event") == "error":
                    tail = self._child.log_tail()
                    raise ChildFailed(f"{self.target}: {message['error']}\n{tail}")
        finally:
            self._child.stop()

    def kill(self) -> None:
        self._child.stop(timeout=5)


def run_child(target: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run ``module:function(payload)`` in a child; result plus peak RSS and CPU."""
    return MeasuredChild(target, payload).result()


def commands() -> Callable[[], str | None]:
    """Inside a child: a non-blocking reader of command lines sent by the parent."""
    lines: list[str | None] = []

    def pump() -> None:
        for line in sys.stdin:
            lines.append(line.strip())
        lines.append(None)  # EOF: the parent is gone or wants us to stop

    threading.Thread(target=pump, daemon=True, name="bench-commands").start()

    def take() -> str | None:
        return lines.pop(0) if lines else ""

    return take


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _call(target: str, payload: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    started = time.perf_counter()
    try:
        result = func(payload)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
    except Exception as exc:
        import traceback

        traceback.print_exc()
        emit({"event": "error", "error": f"{type(exc).__name__}: {exc}"})
        raise SystemExit(1) from None
    emit(
        {
            "event": "result",
            "result": result,
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "cpu_s": round(_cpu_s(), 3),
            "wall_s": round(time.perf_counter() - started, 3),
            # the machine's load when the work ended (1, 5, 15 min): others share the cores
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        }
    )


def _serve(kind: str, options: dict[str, Any]) -> None:
    from bench.shops import start_korona, start_woo

    start = {"woo": start_woo, "korona": start_korona}[kind]
    server = start(options)
    emit({"event": "ready", "url": server.url})
    sys.stdin.read()  # until the parent closes our stdin (or exits)
    server.stop()


def main(argv: list[str]) -> None:
    command, *rest = argv
    if command == "serve":
        _serve(rest[0], json.loads(rest[1]))
    elif command == "call":
        _call(rest[0], json.loads(rest[1]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
