"""Domain events: services announce what happened after commit; other domains listen.

Services call ``emit("registration.confirmed", registration_id=…)``; listeners are Litestar
``@listener`` functions registered in ``app.asgi``. Without a running app (CLI, demo loader)
events are dropped, which is fine: listeners react to live activity only.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Litestar

_app: Litestar | None = None
_running: set[asyncio.Task[None]] = set()  # strong references until each listener is done
log = logging.getLogger("luyan.signals")


def bind(app: Litestar | None) -> None:
    global _app
    _app = app


def current_app() -> Litestar | None:
    """The running app (``None`` in CLI commands): for listeners that need its plugins."""
    return _app


def emit(name: str, /, **payload: Any) -> None:
    """Run every listener of ``name`` with ``payload`` as keyword arguments, in the background.

    Litestar's own ``app.emit(event_id, **kwargs)`` names its first parameter ``event_id``, so a
    payload carrying ``event_id=`` (most do) would collide with it; the listeners registered
    with the app are therefore called here directly. A failing listener is logged, never
    raised into the service that emitted.
    """
    if _app is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop (a CLI command after its loop ended)
        return
    for registered in _app.event_emitter.listeners.get(name, ()):
        task = loop.create_task(_run(name, registered.fn, payload))
        _running.add(task)
        task.add_done_callback(_running.discard)


def emit_many(name: str, payloads: list[dict[str, Any]]) -> None:
    """``emit`` for many occurrences at once (a batch of scans): one task per listener runs
    them in order, instead of one task per listener and occurrence."""
    if _app is None or not payloads:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for registered in _app.event_emitter.listeners.get(name, ()):
        task = loop.create_task(_run_many(name, registered.fn, payloads))
        _running.add(task)
        task.add_done_callback(_running.discard)


async def _run_many(name: str, fn: Any, payloads: list[dict[str, Any]]) -> None:
    for payload in payloads:
        await _run(name, fn, payload)


async def _run(name: str, fn: Any, payload: dict[str, Any]) -> None:
    try:
        await fn(**payload)
    except Exception:
        log.exception("listener %s of %s failed", getattr(fn, "__name__", fn), name)
