"""Routes and listeners of the roadshows domain's projects area, collected by ``roadshows.routes``:
projects and their team, pitch decks, databank publishing, and the entrepreneur's pages."""

from __future__ import annotations

from typing import Any

from roadshows.databank_controllers import ROUTES as DATABANK_API
from roadshows.project_controllers import ROUTES as PROJECT_API
from roadshows.project_pages import ROUTES as PROJECT_PAGES

ROUTES: list[Any] = [*PROJECT_API, *DATABANK_API, *PROJECT_PAGES]
LISTENERS: list[Any] = []
