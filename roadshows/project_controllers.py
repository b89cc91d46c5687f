"""The projects API (tag ``pitches``): projects, their team accounts and their pitch deck.

Creating a project needs an entrepreneur account; everything else needs a sign-in and then
a place on the project's team (checked in the services: 404 otherwise, as for a missing one).
"""

from __future__ import annotations

import os
from urllib.parse import quote

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_entrepreneur, requires_login
from roadshows import decks, projects
from roadshows.project_schemas import (
    DeckRead,
    MemberAdd,
    MemberRead,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
)

ProjectId = FromPath[int]


class ProjectController(Controller):
    path = "/api/v1/projects"
    tags = ["pitches"]

    @post("/", guards=[requires_entrepreneur], summary="Create a project (I become its owner)")
    async def create_project(self, request: Request, data: JSONBody[ProjectCreate]) -> ProjectRead:
        return await projects.create_project(current_user(request), data)

    @get("/", guards=[requires_login], summary="The projects whose team I am on")
    async def list_projects(self, request: Request) -> list[ProjectRead]:
        return await projects.my_projects(current_user(request))

    @get("/{project_id:int}", guards=[requires_login], summary="One of my team's projects")
    async def get_project(self, request: Request, project_id: ProjectId) -> ProjectRead:
        return await projects.get_project(current_user(request), project_id)

    @patch("/{project_id:int}", guards=[requires_login], summary="Change a project's details")
    async def update_project(
        self, request: Request, project_id: ProjectId, data: JSONBody[ProjectUpdate]
    ) -> ProjectRead:
        return await projects.update_project(current_user(request), project_id, data)

    @delete(
        "/{project_id:int}",
        guards=[requires_login],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a project never submitted to a call (owner only)",
    )
    async def delete_project(self, request: Request, project_id: ProjectId) -> None:
        await projects.delete_project(current_user(request), project_id)


class ProjectMemberController(Controller):
    path = "/api/v1/projects/{project_id:int}/members"
    tags = ["pitches"]

    @get("/", guards=[requires_login], summary="The accounts on a project's team")
    async def list_members(self, request: Request, project_id: ProjectId) -> list[MemberRead]:
        return await projects.list_members(current_user(request), project_id)

    @post("/", guards=[requires_login], summary="Add a co-editor by the email of their account (owner only)")
    async def add_member(
        self, request: Request, project_id: ProjectId, data: JSONBody[MemberAdd]
    ) -> MemberRead:
        return await projects.add_member(current_user(request), project_id, data.email)

    @delete(
        "/{user_id:int}",
        guards=[requires_login],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a co-editor (owner), or leave the team (co-editor)",
    )
    async def remove_member(self, request: Request, project_id: ProjectId, user_id: FromPath[int]) -> None:
        await projects.remove_member(current_user(request), project_id, user_id)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 5987 form."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback or 'deck.pdf'}\"; filename*=UTF-8''{quote(filename, safe='')}"


class DeckController(Controller):
    path = "/api/v1/projects/{project_id:int}/deck"
    tags = ["pitches"]

    @put(
        "/",
        guards=[requires_login],
        status_code=HTTP_200_OK,
        # The deck's own limit (and its 413 ``deck_too_large``) is enforced while the body
        # streams in (roadshows.decks); this outer bound also holds when a middleware reads
        # the form first (a cookie session without the CSRF header).
        request_max_body_size=decks.max_deck_bytes() + decks.MULTIPART_ALLOWANCE,
        summary="Upload or replace the pitch deck (multipart field `file`, a PDF)",
    )
    async def upload_deck(self, request: Request, project_id: ProjectId) -> DeckRead:
        user = current_user(request)
        await projects.get_project(user, project_id)  # 404 before reading a body for nothing
        staged = await decks.receive_upload(request)
        return await decks.save_deck(user, project_id, staged)

    @get("/", guards=[requires_login], summary="Download the pitch deck (PDF)")
    async def download_deck(self, request: Request, project_id: ProjectId) -> Stream:
        handle, row = await decks.open_deck(current_user(request), project_id)
        return Stream(
            decks.read_chunks(handle),
            media_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition(row["deck_name"] or "deck.pdf"),
                "Content-Length": str(os.fstat(handle.fileno()).st_size),
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )

    @delete("/", guards=[requires_login], status_code=HTTP_204_NO_CONTENT, summary="Remove the pitch deck")
    async def delete_deck(self, request: Request, project_id: ProjectId) -> None:
        await decks.delete_deck(current_user(request), project_id)


ROUTES = [ProjectController, ProjectMemberController, DeckController]
