"""Routes and listeners of the roadshows domain's calls area, collected by ``roadshows.routes``."""

from __future__ import annotations

from typing import Any

from roadshows.call_controllers import ROUTES as CALL_API
from roadshows.call_pages import ROUTES as CALL_PAGES
from roadshows.submission_controllers import ROUTES as SUBMISSION_API
from roadshows.submission_pages import ROUTES as SUBMISSION_PAGES

ROUTES: list[Any] = [*CALL_API, *SUBMISSION_API, *CALL_PAGES, *SUBMISSION_PAGES]
LISTENERS: list[Any] = []
