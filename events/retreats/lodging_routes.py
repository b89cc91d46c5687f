"""Routes and listeners of the retreats' lodging area, collected by ``events.retreats.routes``."""

from __future__ import annotations

from typing import Any

from events.retreats.lodging_controllers import ROUTES as API_ROUTES
from events.retreats.lodging_pages import ROUTES as PAGE_ROUTES

ROUTES: list[Any] = [*API_ROUTES, *PAGE_ROUTES]
LISTENERS: list[Any] = []
