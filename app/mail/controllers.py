"""Sent mail, for organisers: the API (tag ``mail``) and the dashboard pages.

Both read through ``app.mail.history``, which limits everyone to their organisations' mail.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template

from app.auth import current_user, requires_organiser
from app.i18n import N_
from app.mail.history import (
    MAIL_STATUSES,
    MAX_PER_PAGE,
    MailPage,
    MailRead,
    MailStatus,
    get_mail,
    list_mail,
    visible_organisations,
)
from app.templating import page

Page = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE, description="Messages per page")]
PAGE_SIZE = 50

# Status names as the pages show them (translated in the template).
STATUS_LABELS = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
}


class MailController(Controller):
    path = "/api/v1/mail"
    tags = ["mail"]
    guards = [requires_organiser]

    @get("/", summary="Mail sent for my organisations (filter by event and status)")
    async def list_messages(
        self,
        request: Request,
        event_id: FromQuery[int | None] = None,
        status: FromQuery[MailStatus | None] = None,
        page: Page = 1,
        per_page: PerPage = PAGE_SIZE,
    ) -> MailPage:
        return await list_mail(
            current_user(request), event_id=event_id, status=status, page=page, per_page=per_page
        )

    @get("/{message_id:int}", summary="One message with its text and HTML bodies")
    async def get_message(self, request: Request, message_id: FromPath[int]) -> MailRead:
        return await get_mail(current_user(request), message_id)


async def _event_titles(user_org_ids: list[int] | None) -> list[dict[str, Any]]:
    """Events to filter by: those of the person's organisations (all for admins)."""
    from events.tables import Event

    query = Event.select(Event.id, Event.title_en, Event.title_zh).order_by(Event.starts_at)
    if user_org_ids is not None:
        if not user_org_ids:
            return []
        query = query.where(Event.organisation.is_in(user_org_ids))
    return await query


class MailPages(Controller):
    path = "/dashboard/mail"
    guards = [requires_organiser]
    include_in_schema = False

    @get("/")
    async def outbox(
        self,
        request: Request,
        event_id: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=100_000)] = 1,
    ) -> Template:
        user = current_user(request)
        # Forms send "" for "any": treat unknown values as no filter rather than an error page.
        event = int(event_id) if event_id and event_id.isdigit() else None
        state = status if status in MAIL_STATUSES else None
        result = await list_mail(user, event_id=event, status=state, page=page_number, per_page=PAGE_SIZE)
        events = await _event_titles(await visible_organisations(user))
        return await page(
            request,
            "outbox/list.html",
            result=result,
            events=events,
            event_titles={e["id"]: e for e in events},
            selected_event=event,
            selected_status=state,
            statuses=MAIL_STATUSES,
            status_labels=STATUS_LABELS,
            pages=max(1, -(-result.total // PAGE_SIZE)),
        )

    @get("/{message_id:int}")
    async def message(self, request: Request, message_id: FromPath[int]) -> Template:
        user = current_user(request)
        mail = await get_mail(user, message_id)
        events = await _event_titles(await visible_organisations(user))
        event = next((e for e in events if e["id"] == mail.event_id), None)
        return await page(request, "outbox/detail.html", mail=mail, event=event, status_labels=STATUS_LABELS)


ROUTES = [MailController, MailPages]
