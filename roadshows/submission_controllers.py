"""The submissions API (tag ``pitches``): submit a project to a call, follow and withdraw it, and
the organisers' review (list, filter, move).

A submission is visible to its team and to the organisers of its call's event only; anyone else
gets 404. Moves follow ``roadshows.workflow``: an illegal one answers 409 ``illegal_move`` with
``allowed``, the moves the caller may make instead.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from app.auth import current_user, requires_entrepreneur, requires_login, requires_organiser
from roadshows import submissions
from roadshows.submission_schemas import (
    MoveCreate,
    MoveRead,
    MySubmission,
    SubmissionCreate,
    SubmissionPage,
    SubmissionRead,
    WithdrawCreate,
)
from roadshows.workflow import SubmissionStatus

TAGS = ["pitches"]
Page = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=200, description="Items per page")]
Text = Annotated[str | None, QueryParameter(max_length=200, description="Part of the project's name")]
Category = Annotated[str | None, QueryParameter(max_length=40, description="A category key of the call")]


class CallSubmissionController(Controller):
    path = "/api/v1/calls/{call_id:int}/submissions"
    tags = TAGS

    @post(
        "/",
        guards=[requires_entrepreneur],
        status_code=HTTP_201_CREATED,
        summary="Submit one of my team's projects to a call",
        description="Errors: 409 `call_closed` (closed or past the deadline), `already_submitted`; "
        "422 on `category` and `answers.<question key>`; 404 when the project is not my team's.",
    )
    async def submit(
        self, request: Request, call_id: FromPath[int], data: JSONBody[SubmissionCreate]
    ) -> SubmissionRead:
        return await submissions.submit(current_user(request), call_id, data)

    @get("/", guards=[requires_organiser], summary="Submissions to my call (filters and pages)")
    async def list_submissions(
        self,
        request: Request,
        call_id: FromPath[int],
        status: FromQuery[SubmissionStatus | None] = None,
        category: Category = None,
        q: Text = None,
        page: Page = 1,
        per_page: PerPage = 50,
    ) -> SubmissionPage:
        return await submissions.call_submissions(
            current_user(request),
            call_id,
            status=status,
            category=category,
            q=q,
            page=page,
            per_page=per_page,
        )


class SubmissionController(Controller):
    path = "/api/v1/submissions"
    tags = TAGS
    guards = [requires_login]

    @get("/{submission_id:int}", summary="One submission (its team and the call's organisers)")
    async def get_submission(self, request: Request, submission_id: FromPath[int]) -> SubmissionRead:
        return await submissions.get_submission(current_user(request), submission_id)

    @post(
        "/{submission_id:int}/moves",
        status_code=HTTP_200_OK,
        summary="Move a submission to another status",
        description="Organisers move forward or reject; the team can only withdraw. 409 "
        "`illegal_move` carries `allowed` (the caller's possible moves) and `submission_status`. With "
        "`from_status`, the move is refused if the submission moved since it was read.",
    )
    async def move(
        self, request: Request, submission_id: FromPath[int], data: JSONBody[MoveCreate]
    ) -> SubmissionRead:
        return await submissions.move(current_user(request), submission_id, data)

    @get("/{submission_id:int}/moves", summary="The history of a submission's status")
    async def moves(self, request: Request, submission_id: FromPath[int]) -> list[MoveRead]:
        return await submissions.submission_moves(current_user(request), submission_id)

    @post(
        "/{submission_id:int}/withdraw",
        status_code=HTTP_200_OK,
        summary="Withdraw my team's submission (final)",
    )
    async def withdraw(
        self, request: Request, submission_id: FromPath[int], data: JSONBody[WithdrawCreate | None] = None
    ) -> SubmissionRead:
        note = data.note if data is not None else ""
        return await submissions.withdraw(current_user(request), submission_id, note)


@get("/api/v1/me/submissions", guards=[requires_login], tags=TAGS, summary="My teams' submissions")
async def my_submissions(request: Request) -> list[MySubmission]:
    return await submissions.my_submissions(current_user(request))


ROUTES = [CallSubmissionController, SubmissionController, my_submissions]
