"""Public HTML pages: the event listing and the event page (registration is next door)."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from app.auth import public
from app.templating import page
from events import agenda, page_extras, services, tickets
from events.page_helpers import TEMPLATE_HELPERS, agenda_days, parse_date
from events.schemas import KINDS

PER_PAGE = 12
PAGE_OPTS = {"include_in_schema": False, "guards": [public]}


@get("/events", **PAGE_OPTS)
async def event_list(
    request: Request,
    kind: FromQuery[str | None] = None,
    city: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    # Filters come from a GET form: odd values are ignored rather than answered with an error.
    # ``from``, ``to`` and ``page`` are read raw (a keyword, and the name of ``page()``).
    params = request.query_params
    filters = {
        "kind": kind if kind in KINDS else "",
        "city": (city or "").strip()[:100],
        "from": params.get("from") if parse_date(params.get("from")) else "",
        "to": params.get("to") if parse_date(params.get("to")) else "",
        "q": (q or "").strip()[:200],
    }
    number = params.get("page", "1")
    current = int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1
    result = await services.list_public_events(
        kind=filters["kind"] or None,
        city=filters["city"] or None,
        date_from=parse_date(filters["from"]),
        date_to=parse_date(filters["to"]),
        q=filters["q"] or None,
        page=current,
        per_page=PER_PAGE,
    )
    active = {k: v for k, v in filters.items() if v}
    pages = max((result.total + PER_PAGE - 1) // PER_PAGE, 1)

    def page_link(n: int) -> str:
        return "/events?" + urlencode({**active, "page": n})

    return await page(
        request,
        "events/list.html",
        result=result,
        filters=filters,
        filtered=bool(active),
        kinds=KINDS,
        pages=pages,
        prev_link=page_link(current - 1) if current > 1 else None,
        next_link=page_link(current + 1) if current < pages else None,
        **TEMPLATE_HELPERS,
    )


@get("/events/{event_id:int}", **PAGE_OPTS)
async def event_detail(request: Request, event_id: FromPath[int]) -> Template:
    viewer = request.scope.get("user")
    event = await services.get_public_event(event_id, viewer)
    sessions = await agenda.public_sessions(event_id, viewer)
    ticket_types = await tickets.public_ticket_types(event_id, viewer)
    can_register = event.status == "published" and any(
        t.sales_state == "open" and (t.available > 0 or event.waitlist_enabled) for t in ticket_types
    )
    manages = False
    if viewer is not None:
        manages = viewer.is_admin or event.organisation_id in (await viewer.memberships()).organisations
    return await page(
        request,
        "events/detail.html",
        event=event,
        days=agenda_days(sessions, event.timezone),
        ticket_types=ticket_types,
        can_register=can_register,
        manages=manages,
        extras=await page_extras.extras_for(event, viewer),
        **TEMPLATE_HELPERS,
    )


def _routes() -> list:
    from events.dashboard_pages import ROUTES as DASHBOARD

    return [event_list, event_detail, *DASHBOARD]


ROUTES = _routes()
