"""The attendee's ticket: the phone page, the QR image (SVG/PNG) and an .ics calendar entry.

Only the registration's own attendee sees any of it; anyone else gets the same 404 as for a
missing registration. Only confirmed registrations carry a ticket; the token is normally issued
on confirmation (``checkin.listeners``), and ``ensure_token`` issues it here if that has not
happened yet. QR images are rendered once per token (``checkin.qr``) and served with the
token's hash as ETag and ``immutable``; ``private`` because the token is personal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login
from app.db import fast
from app.errors import NotFound
from app.i18n import _, current_locale, localized
from app.templating import page
from checkin import ics, qr
from checkin.tables import CheckinList
from checkin.tokens import NotIssuable, ensure_token, event_days
from events.tables import AgendaSession

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
IMAGE_CACHE = "private, max-age=31536000, immutable"

TICKET_SQL = """
SELECT r.id, r."user", r.status, r.code, r.attendee_name, r.attendee_organisation, r.seat,
       r.ticket_type AS ticket_type_id, e.id AS event_id, e.title_en, e.title_zh, e.venue_en, e.venue_zh, e.city_en, e.city_zh,
       e.timezone, e.starts_at, e.ends_at, t.name_en, t.name_zh
FROM luyan_registration r
JOIN luyan_event e ON e.id = r.event
JOIN luyan_ticket_type t ON t.id = r.ticket_type
WHERE r.id = $1
"""


def _aware(value: Any) -> dt.datetime:
    """SQLite hands back text or naive datetimes; timestamps are stored in UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def _own_registration(request: Request, registration_id: int) -> dict[str, Any]:
    row = await fast().fetchrow(TICKET_SQL, registration_id)
    if row is None or row["user"] != current_user(request).id:
        raise NotFound()  # someone else's registration looks exactly like a missing one
    row = dict(row)
    row["starts_at"], row["ends_at"] = _aware(row["starts_at"]), _aware(row["ends_at"])
    return row


async def _token(row: dict[str, Any]) -> str:
    """The live token of a confirmed registration (issued now if it has none yet); else 404."""
    if row["status"] != "confirmed":
        raise NotFound()
    try:
        return await ensure_token(row["id"])
    except NotIssuable:  # cancelled between our read and the issue
        raise NotFound() from None


async def ticket_rooms(event_id: int, ticket_type_id: int) -> list[str]:
    """Rooms of the agenda sessions this ticket gets into, in agenda order, without repeats.

    A session tied to check-in lists admits the ticket types those lists admit; a session no
    list is tied to is open to every ticket.
    """
    sessions = (
        await AgendaSession.select(AgendaSession.id, AgendaSession.room)
        .where((AgendaSession.event == event_id) & (AgendaSession.room != ""))
        .order_by(AgendaSession.starts_at)
        .order_by(AgendaSession.id)
    )
    if not sessions:
        return []
    lists = (
        await CheckinList.select(CheckinList.agenda_session, CheckinList.ticket_type_ids)
        .where((CheckinList.event == event_id) & CheckinList.agenda_session.is_not_null())
        .output(load_json=True)
    )
    gated: dict[int, bool] = {}  # session id -> does one of its lists admit this ticket type?
    for item in lists:
        admits = not item["ticket_type_ids"] or ticket_type_id in item["ticket_type_ids"]
        gated[item["agenda_session"]] = gated.get(item["agenda_session"], False) or admits
    rooms = [s["room"].strip() for s in sessions if gated.get(s["id"], True) and s["room"].strip()]
    return list(dict.fromkeys(rooms))


def _day_label(day: dt.date) -> str:
    if current_locale.get() == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%b %Y}"


def _venue(row: dict[str, Any]) -> str:
    venue = localized(row["venue_en"], row["venue_zh"])
    city = localized(row["city_en"], row["city_zh"])
    return ", ".join(part for part in (venue, city) if part)


@get("/me/registrations/{registration_id:int}/ticket", **PAGE_OPTS)
async def ticket_page(request: Request, registration_id: FromPath[int]) -> Template:
    row = await _own_registration(request, registration_id)
    if row["status"] in ("pending", "waitlisted", "offered"):
        # Not an error the attendee made: say when the ticket will be there.
        return await page(request, "checkin/not_yet.html", 404, row=row)
    token = await _token(row)
    days = event_days(row["starts_at"], row["ends_at"], row["timezone"])
    return await page(
        request,
        "checkin/ticket.html",
        row=row,
        qr_svg=(await asyncio.to_thread(qr.qr_svg, token)).decode(),  # rendering is slow
        days=[_day_label(day) for day in days],
        venue=_venue(row),
        rooms=await ticket_rooms(row["event_id"], row["ticket_type_id"]),
    )


@get("/me/tickets/{code:str}", **PAGE_OPTS)
async def ticket_by_code(request: Request, code: FromPath[str]) -> Redirect:
    """The link in the confirmation mail, which is written before the registration has an id."""
    row = await fast().fetchrow(
        'SELECT id, "user" FROM luyan_registration WHERE code = $1', code.strip().upper()[:12]
    )
    if row is None or row["user"] != current_user(request).id:
        raise NotFound()
    return Redirect(f"/me/registrations/{row['id']}/ticket", status_code=303)


async def _image(request: Request, token: str, render: Callable[[str], bytes], media_type: str) -> Response:
    tag = f'"{qr.etag(token)}"'
    headers = {"ETag": tag, "Cache-Control": IMAGE_CACHE}
    sent = request.headers.get("if-none-match", "")
    if tag in {value.strip().removeprefix("W/") for value in sent.split(",")} or sent.strip() == "*":
        return Response(content=b"", status_code=304, headers=headers)
    data = await asyncio.to_thread(render, token)  # a first render takes ~10 ms: not on the loop
    return Response(content=data, media_type=media_type, headers=headers)


@get("/me/registrations/{registration_id:int}/ticket.png", **PAGE_OPTS)
async def ticket_png(request: Request, registration_id: FromPath[int]) -> Response:
    token = await _token(await _own_registration(request, registration_id))
    return await _image(request, token, qr.qr_png, "image/png")


@get("/me/registrations/{registration_id:int}/ticket.svg", **PAGE_OPTS)
async def ticket_svg(request: Request, registration_id: FromPath[int]) -> Response:
    token = await _token(await _own_registration(request, registration_id))
    return await _image(request, token, qr.qr_svg, "image/svg+xml")


@get("/me/registrations/{registration_id:int}/ticket.ics", **PAGE_OPTS)
async def ticket_ics(request: Request, registration_id: FromPath[int]) -> Response:
    row = await _own_registration(request, registration_id)
    if row["status"] != "confirmed":
        raise NotFound()
    ticket_type = localized(row["name_en"], row["name_zh"])
    rooms = await ticket_rooms(row["event_id"], row["ticket_type_id"])
    lines = [
        _("Registration code: %(code)s") % {"code": row["code"]},
        _("Ticket type: %(name)s") % {"name": ticket_type},
        _("Attendee: %(name)s") % {"name": row["attendee_name"]},
    ]
    if row["seat"]:
        lines.append(_("Seat: %(seat)s") % {"seat": row["seat"]})
    if rooms:
        lines.append(_("Rooms: %(rooms)s") % {"rooms": ", ".join(rooms)})
    description = "\n".join(lines)
    # The seat goes after the address, so calendar apps still find the place on a map.
    location = " · ".join(part for part in (_venue(row), row["seat"]) if part)
    url = str(request.base_url).rstrip("/") + f"/me/registrations/{row['id']}/ticket"
    text = ics.calendar(
        uid=f"registration-{row['id']}@luyan",
        summary=localized(row["title_en"], row["title_zh"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        location=location,
        description=description,
        url=url,
    )
    return Response(
        content=text.encode(),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="ticket-{row["code"]}.ics"',
            "Cache-Control": "private, no-cache",
        },
    )


ROUTES = [ticket_page, ticket_by_code, ticket_png, ticket_svg, ticket_ics]
