"""Every route and listener of the livestream domain, for ``app.asgi``."""

from __future__ import annotations

from typing import Any

from livestream import dashboard_pages, stream_controllers, viewer_pages, viewer_socket
from livestream.audience import run_audience

ROUTES: list[Any] = [
    *stream_controllers.ROUTES,
    *viewer_socket.ROUTES,
    *viewer_pages.ROUTES,
    *dashboard_pages.ROUTES,
]
LISTENERS: list[Any] = [*viewer_socket.LISTENERS]


def background_tasks() -> list[Any]:
    """Coroutines ``app.asgi`` runs for the app's life (cancelled at shutdown)."""
    return [run_audience()]
