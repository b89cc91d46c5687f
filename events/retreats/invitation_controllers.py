"""The retreat invitations API (tag ``retreats``): organisers' invitations and guests' companions.

Organiser routes need an organiser of the event (another organisation's event is a 404);
companion routes need the signed-in guest whose invitation to the event was accepted.
The personal link itself is answered by pages (``invitation_pages``), not by this API.
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_login, requires_organiser
from events.retreats import companions, invitation_import, invitations
from events.retreats.invitation_schemas import (
    CompanionCreate,
    CompanionRead,
    CompanionUpdate,
    ImportReport,
    InvitationCreate,
    InvitationCreated,
    InvitationImport,
    InvitationList,
    InvitationRead,
    InvitationStatus,
    PartyRead,
)

EventId = FromPath[int]


class RetreatInvitationController(Controller):
    path = "/api/v1/events/{event_id:int}/retreat-invitations"
    tags = ["retreats"]
    guards = [requires_organiser]

    @get("/", summary="Invitations of a retreat with counts by status (filter by status or text)")
    async def list_invitations(
        self,
        request: Request,
        event_id: EventId,
        status: FromQuery[InvitationStatus | None] = None,
        q: FromQuery[str | None] = None,
    ) -> InvitationList:
        return await invitations.list_invitations(current_user(request), event_id, status, q)

    @post("/", status_code=HTTP_201_CREATED, summary="Invite one guest and mail the personal link")
    async def create_invitation(
        self, request: Request, event_id: EventId, data: JSONBody[InvitationCreate]
    ) -> InvitationCreated:
        return await invitations.create_invitation(current_user(request), event_id, data)

    @post("/import", status_code=HTTP_200_OK, summary="Invite the guests of a CSV file (all rows or none)")
    async def import_invitations(
        self, request: Request, event_id: EventId, data: JSONBody[InvitationImport]
    ) -> ImportReport:
        return await invitation_import.import_for_organiser(
            current_user(request), event_id, data.csv, data.duplicates
        )

    @post(
        "/{invitation_id:int}/resend",
        status_code=HTTP_200_OK,
        summary="Mail a fresh personal link (the previous one stops working)",
    )
    async def resend(
        self, request: Request, event_id: EventId, invitation_id: FromPath[int]
    ) -> InvitationCreated:
        return await invitations.resend(current_user(request), event_id, invitation_id)

    @post(
        "/{invitation_id:int}/revoke",
        status_code=HTTP_200_OK,
        summary="Revoke an unanswered or declined invitation",
    )
    async def revoke(
        self, request: Request, event_id: EventId, invitation_id: FromPath[int]
    ) -> InvitationRead:
        return await invitations.revoke(current_user(request), event_id, invitation_id)


class RetreatPartyController(Controller):
    path = "/api/v1/me/retreats/{event_id:int}"
    tags = ["retreats"]
    guards = [requires_login]

    @get("/", summary="The signed-in guest's party: their registration and companions")
    async def party(self, request: Request, event_id: EventId) -> PartyRead:
        return await companions.party(current_user(request), event_id)

    @post(
        "/companions",
        status_code=HTTP_201_CREATED,
        summary="Add a companion (a confirmed registration with its own ticket)",
    )
    async def add_companion(
        self, request: Request, event_id: EventId, data: JSONBody[CompanionCreate]
    ) -> CompanionRead:
        return await companions.add_companion(current_user(request), event_id, data)

    @patch("/companions/{companion_id:int}", summary="Change a companion's name, relationship or age group")
    async def update_companion(
        self,
        request: Request,
        event_id: EventId,
        companion_id: FromPath[int],
        data: JSONBody[CompanionUpdate],
    ) -> CompanionRead:
        return await companions.update_companion(current_user(request), event_id, companion_id, data)

    @delete(
        "/companions/{companion_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a companion (cancels their registration and revokes their ticket)",
    )
    async def remove_companion(
        self, request: Request, event_id: EventId, companion_id: FromPath[int]
    ) -> None:
        await companions.remove_companion(current_user(request), event_id, companion_id)


ROUTES = [RetreatInvitationController, RetreatPartyController]
