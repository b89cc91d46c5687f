"""The databank search API (tag ``databank``): search listed projects, facet counts, and an
investor's saved searches.

Searching is open to anyone: anonymous callers find only projects whose team made the teaser
public, investors every listed project; results are teasers (the details are behind
``GET /api/v1/databank/projects/{id}``). Facet values repeat (``?sector=ai&sector=biotech``:
either sector); different facets combine (sector and stage).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, public, requires_investor
from app.errors import InvalidInput
from app.forms import humanize
from roadshows import databank_search, saved_searches
from roadshows.databank_search_schemas import (
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    Facets,
    FundingBucket,
    SavedSearchCreate,
    SavedSearchRead,
    SearchPage,
    SearchQuery,
    SectorKey,
    SortKey,
    StageKey,
)

TAGS = ["databank"]

Text = Annotated[
    str,
    QueryParameter(
        max_length=MAX_QUERY_LENGTH,
        description="Words to find in names and summaries, English or Chinese (substrings match: "
        "'固态电池', 'batt')",
    ),
]
Sectors = Annotated[list[SectorKey] | None, QueryParameter(description="Sector keys (any of them)")]
Stages = Annotated[list[StageKey] | None, QueryParameter(description="Stage keys (any of them)")]
Regions = Annotated[list[str] | None, QueryParameter(description="Regions as the teams wrote them")]
Funding = Annotated[
    list[FundingBucket] | None, QueryParameter(description="Funding sought, in yuan at indicative rates")
]
Events = Annotated[list[int] | None, QueryParameter(description="Ids of the events the projects pitched at")]
Awards = Annotated[list[str] | None, QueryParameter(description="Award names (English or Chinese)")]
Awarded = Annotated[bool, QueryParameter(description="Only projects that won an award where they pitched")]
Sort = Annotated[
    SortKey | None, QueryParameter(description="Default: relevance with text, otherwise newest listed")
]
Page = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE, description="Results per page")]


def search_query(**values: Any) -> SearchQuery:
    """The validated query (422 with the field on a bad value, e.g. an over-long region)."""
    cleaned = {key: value for key, value in values.items() if value is not None}
    try:
        return msgspec.convert(cleaned, SearchQuery)
    except msgspec.ValidationError as exc:
        field, message = humanize(str(exc))
        raise InvalidInput({field or "query": message}) from None


class DatabankSearchController(Controller):
    path = "/api/v1/databank"
    tags = TAGS

    @get(
        "/projects",
        guards=[public],
        summary="Search the project databank",
        description="Teasers of listed projects matching the text and facets, a page at a time, "
        "with the total. Anonymous callers find only public teasers.",
    )
    async def search_projects(
        self,
        request: Request,
        q: Text = "",
        sector: Sectors = None,
        stage: Stages = None,
        region: Regions = None,
        funding: Funding = None,
        event: Events = None,
        award: Awards = None,
        awarded: Awarded = False,
        sort: Sort = None,
        page: Page = 1,
        per_page: PerPage = 20,
    ) -> SearchPage:
        query = search_query(
            q=q,
            sector=sector,
            stage=stage,
            region=region,
            funding=funding,
            event=event,
            award=award,
            awarded=awarded,
            sort=sort,
        )
        viewer = await databank_search.viewer_for(request.scope.get("user"))
        return await databank_search.search(query, viewer, page=page, per_page=per_page)

    @get(
        "/facets",
        guards=[public],
        summary="Facet counts of a databank search",
        description="For each facet, its values with how many results each would give; a facet's "
        "own selection is left out of its counts, the others apply.",
    )
    async def search_facets(
        self,
        request: Request,
        q: Text = "",
        sector: Sectors = None,
        stage: Stages = None,
        region: Regions = None,
        funding: Funding = None,
        event: Events = None,
        award: Awards = None,
        awarded: Awarded = False,
    ) -> Facets:
        query = search_query(
            q=q,
            sector=sector,
            stage=stage,
            region=region,
            funding=funding,
            event=event,
            award=award,
            awarded=awarded,
        )
        viewer = await databank_search.viewer_for(request.scope.get("user"))
        return await databank_search.facets(query, viewer)


class SavedSearchController(Controller):
    path = "/api/v1/databank/saved-searches"
    tags = TAGS

    @get("/", guards=[requires_investor], summary="My saved databank searches")
    async def list_saved(self, request: Request) -> list[SavedSearchRead]:
        return await saved_searches.list_saved(current_user(request))

    @post(
        "/",
        guards=[requires_investor],
        status_code=HTTP_201_CREATED,
        summary="Save a databank search (new matches are mailed daily, weekly or never)",
        description="Errors: 409 `too_many_saved_searches`; 422 on `name`, `frequency`, `query.*`.",
    )
    async def create_saved(self, request: Request, data: JSONBody[SavedSearchCreate]) -> SavedSearchRead:
        return await saved_searches.create_saved(current_user(request), data)

    @get("/{search_id:int}", guards=[requires_investor], summary="One of my saved databank searches")
    async def get_saved(self, request: Request, search_id: FromPath[int]) -> SavedSearchRead:
        return await saved_searches.get_saved(current_user(request), search_id)

    @delete(
        "/{search_id:int}",
        guards=[requires_investor],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete one of my saved databank searches",
    )
    async def delete_saved(self, request: Request, search_id: FromPath[int]) -> None:
        await saved_searches.delete_saved(current_user(request), search_id)


ROUTES = [DatabankSearchController, SavedSearchController]
