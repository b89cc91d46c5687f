"""Every route and listener of the livestream domain, for ``app.asgi``."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
LISTENERS: list[Any] = []
