"""Routes and listeners of the roadshows domain's investors area, collected by ``roadshows.routes``:
a databank project's detail view, the investors' tools (watchlist, notes, introductions) and
the team's databank activity."""

from __future__ import annotations

from typing import Any

from roadshows import databank_view_controllers, investor_pages, team_databank_pages

ROUTES: list[Any] = [
    *databank_view_controllers.ROUTES,
    *investor_pages.ROUTES,
    *team_databank_pages.ROUTES,
]
LISTENERS: list[Any] = []
