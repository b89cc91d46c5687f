"""The phone scanner: ``/scanner`` (the app), ``/scanner/pair`` (trade a pairing code for a
device token) and ``/scanner/sw.js`` (its service worker, so the scanner reloads offline).

The pages are public and hold no check-in data: the JavaScript authenticates every API call
with the device token kept in the phone's storage, or with the signed-in organiser's or check-in
staff member's session. For a signed-in person the page lists the events they may scan at.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.response import Template

from app.auth import CurrentUser, public
from app.i18n import localized
from app.templating import page
from events.access import organiser_organisation_ids
from events.tables import Event

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "frontend" / "static" / "js" / "scanner" / "sw.js"
RECENT = dt.timedelta(days=2)  # events that ended longer ago are no longer offered
MAX_EVENTS = 50


async def scanner_events(user: CurrentUser) -> list[dict[str, Any]]:
    """Events ``user`` may check people in at (staff or organiser), current and upcoming first."""
    staff_ids = sorted((await user.memberships()).staff_events)
    org_ids = await organiser_organisation_ids(user)
    if not staff_ids and not org_ids:
        return []
    mine = Event.id.is_in(staff_ids) if staff_ids else None
    if org_ids:
        by_org = Event.organisation.is_in(org_ids)
        mine = by_org if mine is None else (mine | by_org)
    rows = (
        await Event.select(Event.id, Event.title_en, Event.title_zh, Event.starts_at)
        .where(
            mine  # type: ignore[arg-type]
            & (Event.status != "cancelled")
            & (Event.ends_at >= dt.datetime.now(dt.UTC) - RECENT)
        )
        .order_by(Event.starts_at)
        .limit(MAX_EVENTS)
    )
    return [{"id": r["id"], "title": localized(r["title_en"], r["title_zh"])} for r in rows]


@get("/scanner", **PAGE_OPTS)
async def scanner_page(request: Request) -> Template:
    user: CurrentUser | None = request.scope.get("user")
    config: dict[str, Any] = {"user": None, "events": []}
    if user is not None:
        config = {"user": {"name": user.display_name}, "events": await scanner_events(user)}
    return await page(request, "checkin/scanner.html", config=config)


@get("/scanner/pair", **PAGE_OPTS)
async def scanner_pair_page(request: Request) -> Template:
    return await page(request, "checkin/scanner_pair.html")


@functools.cache
def _service_worker() -> bytes:
    return SERVICE_WORKER.read_bytes()


@get("/scanner/sw.js", **PAGE_OPTS)
async def scanner_service_worker() -> Response[bytes]:
    # Served under /scanner (not /static) so that it may control the scanner's pages.
    return Response(
        _service_worker(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/scanner", "Cache-Control": "no-cache"},
    )


ROUTES = [scanner_page, scanner_pair_page, scanner_service_worker]
