"""Routes and listeners of the roadshows domain's show area, collected by ``roadshows.routes``:
pitch slots, the run of show (API, stage manager page, public screen, live socket) and the live
leaderboard."""

from __future__ import annotations

from typing import Any

from roadshows import leaderboard, show, show_pages, slot_controllers

ROUTES: list[Any] = [*slot_controllers.ROUTES, show.show_socket, *leaderboard.ROUTES, *show_pages.ROUTES]
LISTENERS: list[Any] = [*leaderboard.LISTENERS]
