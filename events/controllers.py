"""The events API (tag ``events``): public listing and event pages, and the organiser's tools.

Public reads answer published and closed events to anyone and drafts to their organisers.
Every organiser route is guarded by ``requires_organiser`` and then checks the event belongs to
one of the caller's organisations (404 otherwise, exactly as for a missing event).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from app.auth import current_user, public, requires_organiser
from events import agenda, invitations, questions, services, staff, tickets
from events.schemas import (
    AgendaSessionCreate,
    AgendaSessionRead,
    AgendaSessionUpdate,
    DashboardPage,
    EventCreate,
    EventKind,
    EventPage,
    EventRead,
    EventUpdate,
    InvitationCodeCreate,
    InvitationCodeRead,
    InvitationCodeUpdate,
    QuestionCreate,
    QuestionRead,
    QuestionUpdate,
    StaffAdd,
    StaffRead,
    TicketTypeCreate,
    TicketTypeRead,
    TicketTypeUpdate,
)

EventId = FromPath[int]
Page = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=services.MAX_PER_PAGE, description="Items per page")]


class EventController(Controller):
    """One controller per path prefix (Litestar registers one OPTIONS handler per path);
    each route names its own guard."""

    path = "/api/v1/events"
    tags = ["events"]

    @get("/", guards=[public], summary="List published events (filter by kind, city, dates and title)")
    async def list_events(
        self,
        kind: FromQuery[EventKind | None] = None,
        city: FromQuery[str | None] = None,
        date_from: Annotated[
            dt.date | None, QueryParameter(name="from", description="Events still running on this day")
        ] = None,
        date_to: Annotated[
            dt.date | None, QueryParameter(name="to", description="Events starting by this day")
        ] = None,
        q: FromQuery[str | None] = None,
        page: Page = 1,
        per_page: PerPage = 20,
    ) -> EventPage:
        return await services.list_public_events(
            kind=kind, city=city, date_from=date_from, date_to=date_to, q=q, page=page, per_page=per_page
        )

    @get("/{event_id:int}", guards=[public], summary="One event (drafts only for its organisers)")
    async def get_event(self, request: Request, event_id: EventId) -> EventRead:
        return await services.get_public_event(event_id, request.scope.get("user"))

    @get("/{event_id:int}/sessions", guards=[public], summary="The agenda of an event")
    async def list_sessions(self, request: Request, event_id: EventId) -> list[AgendaSessionRead]:
        return await agenda.public_sessions(event_id, request.scope.get("user"))

    @get(
        "/{event_id:int}/ticket-types",
        guards=[public],
        summary="Ticket types of an event with remaining seats",
    )
    async def list_ticket_types(self, request: Request, event_id: EventId) -> list[TicketTypeRead]:
        return await tickets.public_ticket_types(event_id, request.scope.get("user"))

    @get(
        "/{event_id:int}/questions", guards=[public], summary="Questions asked when registering for an event"
    )
    async def list_questions(self, request: Request, event_id: EventId) -> list[QuestionRead]:
        return await questions.public_questions(event_id, request.scope.get("user"))

    # -- organiser: the event itself -----------------------------------------------------
    @post(
        "/", guards=[requires_organiser], summary="Create an event (as a draft) for one of my organisations"
    )
    async def create_event(self, request: Request, data: JSONBody[EventCreate]) -> EventRead:
        return await services.create_event(current_user(request), data)

    @patch("/{event_id:int}", guards=[requires_organiser], summary="Change an event's details")
    async def update_event(
        self, request: Request, event_id: EventId, data: JSONBody[EventUpdate]
    ) -> EventRead:
        return await services.update_event(current_user(request), event_id, data)

    @post(
        "/{event_id:int}/publish",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Publish a draft event",
    )
    async def publish(self, request: Request, event_id: EventId) -> EventRead:
        return await services.transition(current_user(request), event_id, "published")

    @post(
        "/{event_id:int}/close",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Close a published event",
    )
    async def close(self, request: Request, event_id: EventId) -> EventRead:
        return await services.transition(current_user(request), event_id, "closed")

    @post(
        "/{event_id:int}/cancel",
        guards=[requires_organiser],
        status_code=HTTP_200_OK,
        summary="Cancel a draft or published event",
    )
    async def cancel(self, request: Request, event_id: EventId) -> EventRead:
        return await services.transition(current_user(request), event_id, "cancelled")

    # -- agenda --------------------------------------------------------------------------
    @post("/{event_id:int}/sessions", guards=[requires_organiser], summary="Add an agenda session")
    async def create_session(
        self, request: Request, event_id: EventId, data: JSONBody[AgendaSessionCreate]
    ) -> AgendaSessionRead:
        return await agenda.create_session(current_user(request), event_id, data)

    @patch(
        "/{event_id:int}/sessions/{session_id:int}",
        guards=[requires_organiser],
        summary="Change an agenda session",
    )
    async def update_session(
        self,
        request: Request,
        event_id: EventId,
        session_id: FromPath[int],
        data: JSONBody[AgendaSessionUpdate],
    ) -> AgendaSessionRead:
        return await agenda.update_session(current_user(request), event_id, session_id, data)

    @delete(
        "/{event_id:int}/sessions/{session_id:int}",
        guards=[requires_organiser],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove an agenda session",
    )
    async def delete_session(self, request: Request, event_id: EventId, session_id: FromPath[int]) -> None:
        await agenda.delete_session(current_user(request), event_id, session_id)

    # -- ticket types --------------------------------------------------------------------
    @post("/{event_id:int}/ticket-types", guards=[requires_organiser], summary="Add a ticket type")
    async def create_ticket_type(
        self, request: Request, event_id: EventId, data: JSONBody[TicketTypeCreate]
    ) -> TicketTypeRead:
        return await tickets.create_ticket_type(current_user(request), event_id, data)

    @patch(
        "/{event_id:int}/ticket-types/{ticket_type_id:int}",
        guards=[requires_organiser],
        summary="Change a ticket type (capacity never below seats taken)",
    )
    async def update_ticket_type(
        self,
        request: Request,
        event_id: EventId,
        ticket_type_id: FromPath[int],
        data: JSONBody[TicketTypeUpdate],
    ) -> TicketTypeRead:
        return await tickets.update_ticket_type(current_user(request), event_id, ticket_type_id, data)

    @delete(
        "/{event_id:int}/ticket-types/{ticket_type_id:int}",
        guards=[requires_organiser],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a ticket type nobody registered for",
    )
    async def delete_ticket_type(
        self, request: Request, event_id: EventId, ticket_type_id: FromPath[int]
    ) -> None:
        await tickets.delete_ticket_type(current_user(request), event_id, ticket_type_id)

    # -- questions -----------------------------------------------------------------------
    @post("/{event_id:int}/questions", guards=[requires_organiser], summary="Add a registration question")
    async def create_question(
        self, request: Request, event_id: EventId, data: JSONBody[QuestionCreate]
    ) -> QuestionRead:
        return await questions.create_question(current_user(request), event_id, data)

    @patch(
        "/{event_id:int}/questions/{question_id:int}",
        guards=[requires_organiser],
        summary="Change a registration question",
    )
    async def update_question(
        self, request: Request, event_id: EventId, question_id: FromPath[int], data: JSONBody[QuestionUpdate]
    ) -> QuestionRead:
        return await questions.update_question(current_user(request), event_id, question_id, data)

    @delete(
        "/{event_id:int}/questions/{question_id:int}",
        guards=[requires_organiser],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a registration question",
    )
    async def delete_question(self, request: Request, event_id: EventId, question_id: FromPath[int]) -> None:
        await questions.delete_question(current_user(request), event_id, question_id)

    # -- invitation codes ----------------------------------------------------------------
    @get(
        "/{event_id:int}/invitation-codes",
        guards=[requires_organiser],
        summary="Invitation codes of an event",
    )
    async def list_codes(self, request: Request, event_id: EventId) -> list[InvitationCodeRead]:
        return await invitations.list_codes(current_user(request), event_id)

    @post(
        "/{event_id:int}/invitation-codes",
        guards=[requires_organiser],
        summary="Generate invitation codes (or add a chosen one)",
    )
    async def create_codes(
        self, request: Request, event_id: EventId, data: JSONBody[InvitationCodeCreate]
    ) -> list[InvitationCodeRead]:
        return await invitations.create_codes(current_user(request), event_id, data)

    @patch(
        "/{event_id:int}/invitation-codes/{code_id:int}",
        guards=[requires_organiser],
        summary="Change an invitation code's limit or note",
    )
    async def update_code(
        self,
        request: Request,
        event_id: EventId,
        code_id: FromPath[int],
        data: JSONBody[InvitationCodeUpdate],
    ) -> InvitationCodeRead:
        return await invitations.update_code(current_user(request), event_id, code_id, data)

    @delete(
        "/{event_id:int}/invitation-codes/{code_id:int}",
        guards=[requires_organiser],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete an unused invitation code",
    )
    async def delete_code(self, request: Request, event_id: EventId, code_id: FromPath[int]) -> None:
        await invitations.delete_code(current_user(request), event_id, code_id)

    # -- check-in staff ------------------------------------------------------------------
    @get("/{event_id:int}/staff", guards=[requires_organiser], summary="Check-in staff of an event")
    async def list_staff(self, request: Request, event_id: EventId) -> list[StaffRead]:
        return await staff.list_staff(current_user(request), event_id)

    @post("/{event_id:int}/staff", guards=[requires_organiser], summary="Add check-in staff by email")
    async def add_staff(self, request: Request, event_id: EventId, data: JSONBody[StaffAdd]) -> StaffRead:
        return await staff.add_staff(current_user(request), event_id, data)

    @delete(
        "/{event_id:int}/staff/{staff_id:int}",
        guards=[requires_organiser],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove check-in staff",
    )
    async def remove_staff(self, request: Request, event_id: EventId, staff_id: FromPath[int]) -> None:
        await staff.remove_staff(current_user(request), event_id, staff_id)


class DashboardController(Controller):
    path = "/api/v1/dashboard"
    tags = ["events"]
    guards = [requires_organiser]

    @get("/events", summary="Events of my organisations, drafts included, with registration counts")
    async def my_events(self, request: Request, page: Page = 1, per_page: PerPage = 50) -> DashboardPage:
        return await services.dashboard_events(current_user(request), page=page, per_page=per_page)


ROUTES = [EventController, DashboardController]
