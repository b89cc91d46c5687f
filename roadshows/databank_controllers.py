"""Publishing to the project databank (tag ``pitches``): by the team, or by an organiser after
a pitch. Searching the databank and investors' access are not part of these routes."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from app.auth import current_user, requires_login, requires_organiser
from roadshows import databank
from roadshows.project_schemas import DatabankPublish, ListingRead, SubmissionPublish


class ProjectDatabankController(Controller):
    path = "/api/v1/projects/{project_id:int}/databank"
    tags = ["pitches"]

    @get("/", guards=[requires_login], summary="My team's project listing in the databank")
    async def get_listing(self, request: Request, project_id: FromPath[int]) -> ListingRead:
        return await databank.get_listing(current_user(request), project_id)

    @put(
        "/",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        summary="Publish the project to the databank, or change its visibility",
    )
    async def publish(
        self, request: Request, project_id: FromPath[int], data: JSONBody[DatabankPublish]
    ) -> ListingRead:
        return await databank.publish_by_team(current_user(request), project_id, data)

    @delete(
        "/",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        summary="Withdraw the project from the databank",
    )
    async def withdraw(self, request: Request, project_id: FromPath[int]) -> ListingRead:
        return await databank.withdraw(current_user(request), project_id)


class SubmissionDatabankController(Controller):
    path = "/api/v1/submissions/{submission_id:int}/databank"
    tags = ["pitches"]

    @post(
        "/",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Publish a pitched or awarded submission's project to the databank",
    )
    async def publish_submission(
        self, request: Request, submission_id: FromPath[int], data: JSONBody[SubmissionPublish]
    ) -> ListingRead:
        return await databank.publish_submission(current_user(request), submission_id, data)


ROUTES = [ProjectDatabankController, SubmissionDatabankController]
