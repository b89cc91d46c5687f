"""Routes and listeners of the roadshows domain's judging area, collected by ``roadshows.routes``."""

from __future__ import annotations

from typing import Any

from roadshows.judge_pages import ROUTES as JUDGE_PAGES
from roadshows.judging_controllers import ROUTES as API_ROUTES
from roadshows.round_pages import ROUTES as ROUND_PAGES

ROUTES: list[Any] = [*API_ROUTES, *JUDGE_PAGES, *ROUND_PAGES]
LISTENERS: list[Any] = []
