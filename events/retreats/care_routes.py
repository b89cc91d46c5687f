"""Routes and listeners of the retreats' care area, collected by ``events.retreats.routes``."""

from __future__ import annotations

from typing import Any

from events.retreats import care_controllers, care_pages

ROUTES: list[Any] = [*care_controllers.ROUTES, *care_pages.ROUTES]
LISTENERS: list[Any] = []
