"""Routes and listeners of the roadshows domain's subscriptions area, collected by ``roadshows.routes``."""

from __future__ import annotations

from typing import Any

from roadshows import subscription_controllers, subscription_pages

ROUTES: list[Any] = [*subscription_controllers.ROUTES, *subscription_pages.ROUTES]
LISTENERS: list[Any] = []
