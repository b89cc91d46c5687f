"""The guest's party on a phone: ``/me/retreats/{event_id}``.

The guest and each companion with a link to their own ticket; companions are added, edited and
removed here. A companion's ticket page is served here too, because the companion's
registration belongs to a placeholder account (see ``events.retreats.companions``): the guest
sees it through the party, and anyone else gets a 404.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login
from app.db import fast
from app.errors import DomainError, NotFound
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import format_datetime, page, set_flash
from checkin import qr
from checkin.tokens import NotIssuable, ensure_token
from events.page_helpers import translated_errors
from events.retreats import companions
from events.retreats.invitation_schemas import AGE_GROUPS, RELATIONSHIPS, CompanionCreate, CompanionUpdate
from events.retreats.invitation_text import aware

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
RELATIONSHIP_LABELS = {
    "spouse": N_("Spouse"),
    "child": N_("Child"),
    "parent": N_("Parent"),
    "assistant": N_("Assistant"),
    "other": N_("Other"),
}
AGE_GROUP_LABELS = {
    "infant": N_("Infant (0–2)"),
    "child": N_("Child (3–17)"),
    "adult": N_("Adult"),
    "senior": N_("Senior (65+)"),
}
TICKET_SQL = """
SELECT r.id, r.status, r.code, r.attendee_name, r.seat, e.id AS event_id, e.title_en, e.title_zh,
       e.venue_en, e.venue_zh, e.city_en, e.city_zh, e.timezone, e.starts_at, t.name_en, t.name_zh
FROM luyan_registration r JOIN luyan_event e ON e.id = r.event JOIN luyan_ticket_type t ON t.id = r.ticket_type
WHERE r.id = $1
"""


def party_url(event_id: int) -> str:
    return f"/me/retreats/{event_id}"


def _options(labels: dict[str, str], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, _(labels[key])) for key in keys]


async def _party_page(
    request: Request,
    event_id: int,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    user = current_user(request)
    party = await companions.party(user, event_id)
    guest = await companions.party_of(user, event_id)
    return await page(
        request,
        "retreats/party/party.html",
        status_code,
        party=party,
        guest=guest,
        when=format_datetime(aware(guest["starts_at"]), guest["timezone"]),
        relationships=_options(RELATIONSHIP_LABELS, RELATIONSHIPS),
        age_groups=_options(AGE_GROUP_LABELS, AGE_GROUPS),
        relationship_labels={k: _(v) for k, v in RELATIONSHIP_LABELS.items()},
        age_group_labels={k: _(v) for k, v in AGE_GROUP_LABELS.items()},
        values=values or {"relationship": "spouse", "age_group": "adult"},
        errors=errors or {},
    )


@get("/me/retreats/{event_id:int}", **PAGE_OPTS)
async def party_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _party_page(request, event_id)


@post("/me/retreats/{event_id:int}/companions", **PAGE_OPTS)
async def add_submit(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    form, errors = convert_form(data, CompanionCreate)
    if form is None:
        return await _party_page(request, event_id, 422, data, translated_errors(errors))
    try:
        added = await companions.add_companion(current_user(request), event_id, form)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _party_page(request, event_id, exc.status, data, {"form": exc.detail()})
    set_flash(
        request, _("%(name)s is added to your party, with a ticket of their own.") % {"name": added.name}
    )
    return Redirect(party_url(event_id), status_code=303)


async def _edit_page(
    request: Request,
    event_id: int,
    companion_id: int,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:
    guest, companion = await companions.companion_of(current_user(request), event_id, companion_id)
    return await page(
        request,
        "retreats/party/companion_edit.html",
        status_code,
        guest=guest,
        companion=companion,
        values=values
        or {"name": companion.name, "relationship": companion.relationship, "age_group": companion.age_group},
        errors=errors or {},
        relationships=_options(RELATIONSHIP_LABELS, RELATIONSHIPS),
        age_groups=_options(AGE_GROUP_LABELS, AGE_GROUPS),
    )


@get("/me/retreats/{event_id:int}/companions/{companion_id:int}", **PAGE_OPTS)
async def edit_page(request: Request, event_id: FromPath[int], companion_id: FromPath[int]) -> Template:
    return await _edit_page(request, event_id, companion_id)


@post("/me/retreats/{event_id:int}/companions/{companion_id:int}", **PAGE_OPTS)
async def edit_submit(
    request: Request, event_id: FromPath[int], companion_id: FromPath[int]
) -> Template | Redirect:
    data = await read_form(request)
    form, errors = convert_form(data, CompanionUpdate)
    if form is None:
        return await _edit_page(request, event_id, companion_id, 422, data, translated_errors(errors))
    updated = await companions.update_companion(current_user(request), event_id, companion_id, form)
    set_flash(request, _("Saved: %(name)s.") % {"name": updated.name})
    return Redirect(party_url(event_id), status_code=303)


@post("/me/retreats/{event_id:int}/companions/{companion_id:int}/remove", **PAGE_OPTS)
async def remove_submit(request: Request, event_id: FromPath[int], companion_id: FromPath[int]) -> Redirect:
    _guest, companion = await companions.companion_of(current_user(request), event_id, companion_id)
    await companions.remove_companion(current_user(request), event_id, companion_id)
    set_flash(
        request,
        _("%(name)s is removed from your party; their ticket no longer works.") % {"name": companion.name},
    )
    return Redirect(party_url(event_id), status_code=303)


@get("/me/retreats/{event_id:int}/companions/{companion_id:int}/ticket", **PAGE_OPTS)
async def companion_ticket(
    request: Request, event_id: FromPath[int], companion_id: FromPath[int]
) -> Template:
    _guest, companion = await companions.companion_of(current_user(request), event_id, companion_id)
    row = await fast().fetchrow(TICKET_SQL, companion.registration_id)
    if row is None or row["status"] != "confirmed":
        raise NotFound()
    try:
        token = await ensure_token(companion.registration_id)
    except NotIssuable:
        raise NotFound() from None
    row = dict(row)
    return await page(
        request,
        "retreats/party/companion_ticket.html",
        row=row,
        companion=companion,
        when=format_datetime(aware(row["starts_at"]), row["timezone"]),
        qr_svg=(await asyncio.to_thread(qr.qr_svg, token)).decode(),
    )
