"""The livestream API (tag ``livestream``).

* ``/api/v1/events/{event_id}/streams``: organisers manage the streams of their events (a
  stream of another organisation's event answers 404 like a missing one), read the live
  audience of every stream of an event, and a stream's report (peak, unique viewers, watch
  time, the minute-by-minute curve).
* ``/api/v1/livestreams/audience``: the organiser's streams live now, with their audience.
* ``/api/v1/streams/{stream_id}``: anyone may read a stream of a published event and its
  live figures (what the viewer page shows).
"""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from app.auth import current_user, public, requires_organiser
from events.access import organiser_event
from livestream import streams
from livestream.audience import audience_for
from livestream.stream_schemas import (
    AudienceNow,
    LiveStreamAudience,
    StreamCreate,
    StreamRead,
    StreamReport,
    StreamUpdate,
)

EventId = FromPath[int]
StreamId = FromPath[int]


class EventStreamController(Controller):
    path = "/api/v1/events/{event_id:int}/streams"
    tags = ["livestream"]
    guards = [requires_organiser]

    @get("/", summary="Streams of an event (its organisers)")
    async def list_streams(self, request: Request, event_id: EventId) -> list[StreamRead]:
        return await streams.list_streams(current_user(request), event_id)

    @post("/", status_code=HTTP_201_CREATED, summary="Add a livestream to an event or one of its sessions")
    async def create_stream(
        self, request: Request, event_id: EventId, data: JSONBody[StreamCreate]
    ) -> StreamRead:
        return await streams.create_stream(current_user(request), event_id, data)

    @get("/audience", summary="Live audience of every stream of an event")
    async def event_audience(self, request: Request, event_id: EventId) -> list[AudienceNow]:
        await organiser_event(current_user(request), event_id)
        rows = await streams.streams_of(event_id)
        return await audience_for(request.app).now_many(
            [(s.id, s.event_id, s.status, s.peak_viewers) for s in rows]
        )

    @get("/{stream_id:int}", summary="One stream of an event")
    async def get_stream(self, request: Request, event_id: EventId, stream_id: StreamId) -> StreamRead:
        return await streams.get_stream(current_user(request), event_id, stream_id)

    @patch("/{stream_id:int}", summary="Change a stream: player, schedule, status (go live, end) or replay")
    async def update_stream(
        self, request: Request, event_id: EventId, stream_id: StreamId, data: JSONBody[StreamUpdate]
    ) -> StreamRead:
        return await streams.update_stream(current_user(request), event_id, stream_id, data)

    @delete("/{stream_id:int}", status_code=HTTP_204_NO_CONTENT, summary="Delete a stream and its figures")
    async def delete_stream(self, request: Request, event_id: EventId, stream_id: StreamId) -> None:
        await streams.delete_stream(current_user(request), event_id, stream_id)

    @get(
        "/{stream_id:int}/report",
        summary="Audience report: peak, unique viewers, watch time, viewers per minute",
    )
    async def stream_report(self, request: Request, event_id: EventId, stream_id: StreamId) -> StreamReport:
        return await streams.stream_report(current_user(request), event_id, stream_id)


class PublicStreamController(Controller):
    path = "/api/v1/streams/{stream_id:int}"
    tags = ["livestream"]
    guards = [public]

    @get("/", summary="A stream of a published event (what its viewer page shows)")
    async def public_stream(self, request: Request, stream_id: StreamId) -> StreamRead:
        stream, _event = await streams.public_stream(stream_id, request.scope.get("user"))
        return stream

    @get("/audience", summary="Live audience of a stream: online now, peak, onsite")
    async def public_audience(self, request: Request, stream_id: StreamId) -> AudienceNow:
        stream, _event = await streams.public_stream(stream_id, request.scope.get("user"))
        return await audience_for(request.app).now(
            stream.id, stream.event_id, stream.status, stream.peak_viewers
        )


@get(
    "/api/v1/livestreams/audience",
    guards=[requires_organiser],
    tags=["livestream"],
    summary="Live audience of every stream the organiser's organisations run now or soon",
)
async def organiser_live_audience(request: Request) -> list[LiveStreamAudience]:
    rows = await streams.organiser_live_streams(current_user(request))
    figures = await audience_for(request.app).now_many(
        [(s.id, s.event_id, s.status, s.peak_viewers) for s, _ in rows]
    )
    at = dt.datetime.now(dt.UTC)
    return [
        LiveStreamAudience(
            stream_id=stream.id,
            event_id=stream.event_id,
            title_en=stream.title_en,
            title_zh=stream.title_zh,
            event_title_en=event["title_en"],
            event_title_zh=event["title_zh"],
            status=stream.status,
            online=now.online,
            peak=now.peak,
            onsite=now.onsite,
            at=at,
        )
        for (stream, event), now in zip(rows, figures, strict=True)
    ]


ROUTES = [EventStreamController, PublicStreamController, organiser_live_audience]
