"""The attendee's ticket: the phone page, the QR image (SVG/PNG) and an .ics calendar entry.

Only the registration's own attendee sees any of it; anyone else gets the same 404 as for a
missing registration. Only confirmed registrations carry a ticket; the token is issued on the
first visit when there is no live one. QR images are rendered once per token (``checkin.qr``)
and served with the token's hash as ETag and ``immutable``; ``private`` because the token is
personal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from app.auth import current_user, requires_login
from app.db import fast
from app.errors import NotFound
from app.i18n import _, current_locale, localized
from app.templating import page
from checkin import ics, qr
from checkin.tokens import NotIssuable, event_days, issue_token, live_token

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
IMAGE_CACHE = "private, max-age=31536000, immutable"

TICKET_SQL = """
SELECT r.id, r."user", r.status, r.code, r.attendee_name, r.attendee_organisation,
       e.id AS event_id, e.title_en, e.title_zh, e.venue_en, e.venue_zh, e.city_en, e.city_zh,
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
    """The live token of a confirmed registration, issued on first use; else 404."""
    if row["status"] != "confirmed":
        raise NotFound()
    token = await live_token(row["id"])
    if token is None:
        try:
            token = await issue_token(row["id"], reason="reissued")
        except NotIssuable:  # cancelled between our read and the issue
            raise NotFound() from None
    return token


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
        qr_svg=qr.qr_svg(token).decode(),
        days=[_day_label(day) for day in days],
        venue=_venue(row),
    )


def _image(request: Request, token: str, data: bytes | None, kind: str, media_type: str) -> Response:
    tag = f'"{qr.etag(token)}"'
    headers = {"ETag": tag, "Cache-Control": IMAGE_CACHE}
    sent = request.headers.get("if-none-match", "")
    if tag in {value.strip().removeprefix("W/") for value in sent.split(",")} or sent.strip() == "*":
        return Response(content=b"", status_code=304, headers=headers)
    if data is None:
        data = qr.qr_png(token) if kind == "png" else qr.qr_svg(token)
    return Response(content=data, media_type=media_type, headers=headers)


@get("/me/registrations/{registration_id:int}/ticket.png", **PAGE_OPTS)
async def ticket_png(request: Request, registration_id: FromPath[int]) -> Response:
    token = await _token(await _own_registration(request, registration_id))
    return _image(request, token, None, "png", "image/png")


@get("/me/registrations/{registration_id:int}/ticket.svg", **PAGE_OPTS)
async def ticket_svg(request: Request, registration_id: FromPath[int]) -> Response:
    token = await _token(await _own_registration(request, registration_id))
    return _image(request, token, None, "svg", "image/svg+xml")


@get("/me/registrations/{registration_id:int}/ticket.ics", **PAGE_OPTS)
async def ticket_ics(request: Request, registration_id: FromPath[int]) -> Response:
    row = await _own_registration(request, registration_id)
    if row["status"] != "confirmed":
        raise NotFound()
    ticket_type = localized(row["name_en"], row["name_zh"])
    description = "\n".join(
        (
            _("Registration code: %(code)s") % {"code": row["code"]},
            _("Ticket type: %(name)s") % {"name": ticket_type},
            _("Attendee: %(name)s") % {"name": row["attendee_name"]},
        )
    )
    url = str(request.base_url).rstrip("/") + f"/me/registrations/{row['id']}/ticket"
    text = ics.calendar(
        uid=f"registration-{row['id']}@luyan",
        summary=localized(row["title_en"], row["title_zh"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        location=_venue(row),
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


ROUTES = [ticket_page, ticket_png, ticket_svg, ticket_ics]
