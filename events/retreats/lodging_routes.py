"""Routes and listeners of the retreats' lodging area, collected by ``events.retreats.routes``."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
LISTENERS: list[Any] = []
