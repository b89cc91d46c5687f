"""Routes and listeners of the retreats' itinerary area, collected by ``events.retreats.routes``."""

from __future__ import annotations

from typing import Any

from events.retreats import itinerary_controllers, itinerary_pages

ROUTES: list[Any] = [*itinerary_controllers.ROUTES, *itinerary_pages.ROUTES]
LISTENERS: list[Any] = []
