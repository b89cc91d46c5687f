"""Routes and listeners of the roadshows domain's results area, collected by ``roadshows.routes``."""

from __future__ import annotations

from typing import Any

from roadshows import results_controllers, results_pages

ROUTES: list[Any] = [*results_controllers.ROUTES, *results_pages.ROUTES]
LISTENERS: list[Any] = []
