"""The databank API (tag ``databank``) for one project and the investors' tools: the detail view
behind the paywall, follows and the watchlist, private notes, introduction requests; and the
team's side: who viewed the project, and the requests to answer.

Guards decide who may call a route; ``roadshows.databank_views`` decides what each viewer sees
(a hidden project is 404 exactly like a missing one).
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import current_user, public, requires_investor, requires_login
from roadshows import databank_views, introductions, investor_tools, view_log
from roadshows.databank_view_schemas import (
    DatabankProjectRead,
    FollowRead,
    IntroductionCreate,
    InvestorIntroductionRead,
    NoteRead,
    NoteWrite,
    TeamIntroductionRead,
    ViewLogRead,
    WatchlistItem,
)

TAGS = ["databank"]


class DatabankProjectController(Controller):
    path = "/api/v1/databank/projects/{project_id:int}"
    tags = TAGS

    @get("/", guards=[public], summary="A databank project: the teaser, or the full details with access")
    async def detail(self, request: Request, project_id: FromPath[int]) -> DatabankProjectRead:
        return await databank_views.project_detail(request.scope.get("user"), project_id)

    @put("/follow", guards=[requires_investor], status_code=HTTP_200_OK, summary="Follow the project")
    async def follow(self, request: Request, project_id: FromPath[int]) -> FollowRead:
        return await investor_tools.follow(current_user(request), project_id)

    @delete(
        "/follow", guards=[requires_investor], status_code=HTTP_200_OK, summary="Stop following the project"
    )
    async def unfollow(self, request: Request, project_id: FromPath[int]) -> FollowRead:
        return await investor_tools.unfollow(current_user(request), project_id)

    @get("/note", guards=[requires_investor], summary="My private note on the project")
    async def get_note(self, request: Request, project_id: FromPath[int]) -> NoteRead:
        return await investor_tools.get_note(current_user(request), project_id)

    @put("/note", guards=[requires_investor], status_code=HTTP_200_OK, summary="Write my private note")
    async def save_note(
        self, request: Request, project_id: FromPath[int], data: JSONBody[NoteWrite]
    ) -> NoteRead:
        return await investor_tools.save_note(current_user(request), project_id, data.body)

    @delete("/note", guards=[requires_investor], status_code=HTTP_200_OK, summary="Delete my private note")
    async def delete_note(self, request: Request, project_id: FromPath[int]) -> NoteRead:
        return await investor_tools.delete_note(current_user(request), project_id)

    @post(
        "/introductions",
        guards=[requires_investor],
        status_code=HTTP_201_CREATED,
        summary="Ask the team for an introduction (on behalf of my institution)",
    )
    async def request_introduction(
        self, request: Request, project_id: FromPath[int], data: JSONBody[IntroductionCreate]
    ) -> InvestorIntroductionRead:
        return await introductions.request_introduction(
            current_user(request), project_id, data.message, data.institution_id
        )


class WatchlistController(Controller):
    path = "/api/v1/databank/watchlist"
    tags = TAGS

    @get("/", guards=[requires_investor], summary="The projects I follow")
    async def watchlist(self, request: Request) -> list[WatchlistItem]:
        return await investor_tools.watchlist(current_user(request))


class InvestorIntroductionController(Controller):
    path = "/api/v1/databank/introductions"
    tags = TAGS

    @get("/", guards=[requires_investor], summary="My institutions' introduction requests")
    async def list_mine(self, request: Request) -> list[InvestorIntroductionRead]:
        return await introductions.my_introductions(current_user(request))

    @post(
        "/{request_id:int}/withdraw",
        guards=[requires_investor],
        status_code=HTTP_200_OK,
        summary="Withdraw a pending introduction request",
    )
    async def withdraw(self, request: Request, request_id: FromPath[int]) -> InvestorIntroductionRead:
        return await introductions.withdraw_introduction(current_user(request), request_id)


class ProjectViewLogController(Controller):
    path = "/api/v1/projects/{project_id:int}/databank/views"
    tags = TAGS

    @get("/", guards=[requires_login], summary="Which institutions viewed my team's project, and when")
    async def views(
        self, request: Request, project_id: FromPath[int], days: FromQuery[int] = view_log.CHART_DAYS
    ) -> ViewLogRead:
        return await view_log.view_log(current_user(request), project_id, max(1, min(days, 365)))


class TeamIntroductionController(Controller):
    path = "/api/v1/projects/{project_id:int}/databank/introductions"
    tags = TAGS

    @get("/", guards=[requires_login], summary="Introduction requests to my team's project")
    async def list_requests(self, request: Request, project_id: FromPath[int]) -> list[TeamIntroductionRead]:
        return await introductions.team_introductions(current_user(request), project_id)

    @post(
        "/{request_id:int}/accept",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        summary="Accept an introduction request (contacts are exchanged)",
    )
    async def accept(
        self, request: Request, project_id: FromPath[int], request_id: FromPath[int]
    ) -> TeamIntroductionRead:
        return await introductions.decide(current_user(request), project_id, request_id, accept=True)

    @post(
        "/{request_id:int}/decline",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        summary="Decline an introduction request",
    )
    async def decline(
        self, request: Request, project_id: FromPath[int], request_id: FromPath[int]
    ) -> TeamIntroductionRead:
        return await introductions.decide(current_user(request), project_id, request_id, accept=False)


ROUTES = [
    DatabankProjectController,
    WatchlistController,
    InvestorIntroductionController,
    ProjectViewLogController,
    TeamIntroductionController,
]
