"""The organiser's livestream pages.

* ``/dashboard/livestreams``: every stream now live or about to start, across the organiser's
  organisations, with live counts and a chart of viewers over time (``dashboard.js`` polls
  ``/api/v1/livestreams/audience`` every few seconds).
* ``/dashboard/events/{id}/livestream``: the event's streams; add one, go live, end, delete.
* ``/dashboard/events/{id}/livestream/{stream_id}``: one stream: change it, and its audience
  report (peak, unique viewers, average watch time, viewers minute by minute).

Forms post back and redirect (PRG) with a flash; invalid input re-renders with errors (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_organiser
from app.errors import InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _, localized
from app.templating import page, set_flash
from events import agenda
from events.access import organiser_event
from events.page_helpers import local_datetimes, translated_errors
from events.timezones import input_value
from livestream import streams
from livestream.audience import audience_for
from livestream.stream_schemas import STATUSES, AudienceNow, StreamCreate, StreamRead, StreamUpdate
from livestream.viewer_pages import status_label

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
KIND_LABELS = {"hls": N_("HLS playlist (.m3u8)"), "embed": N_("Embed page of the provider")}
POLL_EVERY_S = 3
TIME_FIELDS = ("starts_at", "ends_at")


def event_url(event_id: int) -> str:
    return f"/dashboard/events/{event_id}/livestream"


def stream_values(stream: StreamRead, tz: str) -> dict[str, Any]:
    values = msgspec.structs.asdict(stream)
    values.update({f: input_value(getattr(stream, f), tz) for f in TIME_FIELDS})
    values["agenda_session_id"] = stream.agenda_session_id or ""
    return values


def _new_values(event: dict[str, Any]) -> dict[str, Any]:
    starts = max(event["starts_at"], dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
    return {
        "player_kind": "hls",
        "starts_at": input_value(starts, event["timezone"]),
        "ends_at": input_value(starts + dt.timedelta(hours=2), event["timezone"]),
    }


def _form_choices(sessions: list[Any]) -> dict[str, Any]:
    return {
        "kinds": [(k, _(label)) for k, label in KIND_LABELS.items()],
        "statuses": [(s, status_label(s)) for s in STATUSES],
        "sessions": [("", _("The whole event"))]
        + [(s.id, localized(s.title_en, s.title_zh)) for s in sessions],
    }


async def _render_event(
    request: Request, event_id: int, status_code: int = 200, errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:  # fmt: skip
    user = current_user(request)
    event = await organiser_event(user, event_id)
    rows = await streams.streams_of(event_id)
    readings = await audience_for(request.app).now_many(
        [(s.id, s.event_id, s.status, s.peak_viewers) for s in rows]
    )
    figures = {f.stream_id: f for f in readings}
    sessions = await agenda.sessions_of(event_id)
    return await page(
        request,
        "livestream/dashboard_event.html",
        status_code=status_code,
        event=event,
        streams=rows,
        figures=figures,
        status_label=status_label,
        errors=errors or {},
        values=values or _new_values(event),
        **_form_choices(sessions),
    )


async def _read_stream_form(
    request: Request, tz: str
) -> tuple[dict[str, Any], StreamCreate | None, dict[str, str]]:
    raw = await read_form(request)
    data = dict(raw)
    local_datetimes(data, tz, *TIME_FIELDS)
    form, errors = convert_form(data, StreamCreate)
    return raw, form, translated_errors(errors)


@get("/dashboard/events/{event_id:int}/livestream", **PAGE_OPTS)
async def event_streams_page(request: Request, event_id: FromPath[int]) -> Template:
    return await _render_event(request, event_id)


@post("/dashboard/events/{event_id:int}/livestream", **PAGE_OPTS)
async def add_stream(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    raw, form, errors = await _read_stream_form(request, event["timezone"])
    if form is None:
        return await _render_event(request, event_id, 422, errors, raw)
    try:
        await streams.create_stream(user, event_id, form)
    except InvalidInput as exc:
        return await _render_event(request, event_id, 422, translated_errors(exc.errors), raw)
    set_flash(request, _("Livestream added."))
    return Redirect(event_url(event_id), status_code=303)


@post("/dashboard/events/{event_id:int}/livestream/{stream_id:int}/status", **PAGE_OPTS)
async def change_status(request: Request, event_id: FromPath[int], stream_id: FromPath[int]) -> Redirect:
    status = (await read_form(request)).get("status")
    if status not in STATUSES:
        raise InvalidInput({"status": N_("Choose upcoming, live or ended.")})
    await streams.set_status(current_user(request), event_id, stream_id, status)
    set_flash(request, _("The stream is now: {status}.").format(status=status_label(status)))
    return Redirect(event_url(event_id), status_code=303)


@post("/dashboard/events/{event_id:int}/livestream/{stream_id:int}/delete", **PAGE_OPTS)
async def remove_stream(request: Request, event_id: FromPath[int], stream_id: FromPath[int]) -> Redirect:
    await streams.delete_stream(current_user(request), event_id, stream_id)
    set_flash(request, _("Livestream deleted."))
    return Redirect(event_url(event_id), status_code=303)


async def _render_stream(
    request: Request, event_id: int, stream_id: int, status_code: int = 200,
    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
) -> Template:  # fmt: skip
    user = current_user(request)
    event = await organiser_event(user, event_id)
    stream = await streams.get_stream(user, event_id, stream_id)
    report = await streams.stream_report(user, event_id, stream_id)
    figures = await audience_for(request.app).now(
        stream.id, stream.event_id, stream.status, stream.peak_viewers
    )
    chart = {
        "timezone": event["timezone"],
        "label": _("Viewers"),
        "points": [[int(m.minute.timestamp()) * 1000, m.viewers] for m in report.minutes],
    }
    return await page(
        request,
        "livestream/dashboard_stream.html",
        status_code=status_code,
        event=event,
        stream=stream,
        report=report,
        figures=figures,
        chart=chart,
        status_label=status_label,
        errors=errors or {},
        values=values or stream_values(stream, event["timezone"]),
        **_form_choices(await agenda.sessions_of(event_id)),
    )


@get("/dashboard/events/{event_id:int}/livestream/{stream_id:int}", **PAGE_OPTS)
async def stream_page(request: Request, event_id: FromPath[int], stream_id: FromPath[int]) -> Template:
    return await _render_stream(request, event_id, stream_id)


@post("/dashboard/events/{event_id:int}/livestream/{stream_id:int}", **PAGE_OPTS)
async def edit_stream(
    request: Request, event_id: FromPath[int], stream_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    await streams.get_stream(user, event_id, stream_id)  # 404 before reading the form
    raw, form, errors = await _read_stream_form(request, event["timezone"])
    if form is None:
        return await _render_stream(request, event_id, stream_id, 422, errors, raw)
    try:  # the form shows every field, so it replaces them all
        await streams.update_stream(user, event_id, stream_id, StreamUpdate(**msgspec.structs.asdict(form)))
    except InvalidInput as exc:
        return await _render_stream(request, event_id, stream_id, 422, translated_errors(exc.errors), raw)
    set_flash(request, _("Livestream saved."))
    return Redirect(f"{event_url(event_id)}/{stream_id}", status_code=303)


# -- every live stream -------------------------------------------------------------------------
async def live_audience(request: Request) -> list[tuple[StreamRead, dict[str, Any], AudienceNow]]:
    rows = await streams.organiser_live_streams(current_user(request))
    figures = await audience_for(request.app).now_many(
        [(s.id, s.event_id, s.status, s.peak_viewers) for s, _ in rows]
    )
    return [(s, e, f) for (s, e), f in zip(rows, figures, strict=True)]


@get("/dashboard/livestreams", **PAGE_OPTS)
async def live_dashboard(request: Request) -> Template:
    rows = await live_audience(request)
    config = {"source": "/api/v1/livestreams/audience", "every_s": POLL_EVERY_S, "label": _("Viewers")}
    return await page(
        request, "livestream/dashboard_live.html", rows=rows, status_label=status_label, config=config
    )


ROUTES = [
    event_streams_page,
    add_stream,
    change_status,
    remove_stream,
    stream_page,
    edit_stream,
    live_dashboard,
]
