"""Routes and listeners of the roadshows domain's databank search area, collected by ``roadshows.routes``:
the search API, saved searches, the search pages, and forgetting cached facet counts when a
listing changes."""

from __future__ import annotations

from typing import Any

from litestar.events import listener

from roadshows.databank_search import forget_facets
from roadshows.databank_search_controllers import ROUTES as SEARCH_API
from roadshows.databank_search_pages import ROUTES as SEARCH_PAGES


@listener("databank.published", "databank.withdrawn")
async def listing_changed(project_id: int, **_: Any) -> None:
    forget_facets()


ROUTES: list[Any] = [*SEARCH_API, *SEARCH_PAGES]
LISTENERS: list[Any] = [listing_changed]
