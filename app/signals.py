"""Domain events: services announce what happened after commit; other domains listen.

Services call ``emit("registration.confirmed", registration_id=…)``; listeners are Litestar
``@listener`` functions registered in ``app.asgi``. Without a running app (CLI, demo loader)
events are dropped, which is fine: listeners react to live activity only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.events import EventListener

_app: Litestar | None = None
_running: set[asyncio.Task[None]] = set()  # strong references until each listener is done
log = logging.getLogger("luyan.signals")

Payloads = list[dict[str, Any]]
_batch_forms: dict[EventListener, Callable[[Payloads], None]] = {}


def batch_form(
    registered: EventListener,
) -> Callable[[Callable[[Payloads], None]], Callable[[Payloads], None]]:
    """Give a listener a second form that takes a whole batch of payloads at once.

    ``emit_many`` then calls that form once per batch (soon after, on the event loop) instead of
    the listener once per payload: for in-memory bookkeeping (live counters) on the busiest
    events, where a coroutine per scan and listener cost more than the bookkeeping. The batch
    form must be a quick, plain function; it must do what the listener would do for each."""

    def register(fn: Callable[[Payloads], None]) -> Callable[[Payloads], None]:
        _batch_forms[registered] = fn
        return fn

    return register


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


def emit_many(name: str, payloads: Payloads) -> None:
    """``emit`` for many occurrences at once (a batch of scans): a listener's batch form (see
    ``batch_form``) is called once with all of them, any other listener in one task that runs
    them in order, instead of one task per listener and occurrence."""
    if _app is None or not payloads:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for registered in _app.event_emitter.listeners.get(name, ()):
        many = _batch_forms.get(registered)
        if many is not None:
            loop.call_soon(_call_many, name, many, payloads)
            continue
        task = loop.create_task(_run_many(name, registered.fn, payloads))
        _running.add(task)
        task.add_done_callback(_running.discard)


def _call_many(name: str, many: Callable[[Payloads], None], payloads: Payloads) -> None:
    try:
        many(payloads)
    except Exception:
        log.exception("listener %s of %s failed", getattr(many, "__name__", many), name)


async def _run_many(name: str, fn: Any, payloads: Payloads) -> None:
    for payload in payloads:
        await _run(name, fn, payload)


async def _run(name: str, fn: Any, payload: dict[str, Any]) -> None:
    try:
        await fn(**payload)
    except Exception:
        log.exception("listener %s of %s failed", getattr(fn, "__name__", fn), name)
