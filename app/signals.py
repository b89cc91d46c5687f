"""Domain events: services announce what happened after commit; other domains listen.

Services call ``emit("registration.confirmed", registration_id=…)``; listeners are Litestar
``@listener`` functions registered in ``app.asgi``. Without a running app (CLI, demo loader)
events are dropped, which is fine: listeners react to live activity only.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

_app: Litestar | None = None


def bind(app: Litestar | None) -> None:
    global _app
    _app = app


def emit(event_id: str, **payload: Any) -> None:
    if _app is not None:
        try:
            _app.emit(event_id, **payload)
        except RuntimeError:  # emitter not started (app shutting down)
            pass
