"""Livestreams on an event's public page: watch live, watch soon, or the replay (registered with
``events.page_extras`` by ``app.asgi``)."""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from events.schemas import EventRead
from livestream.streams import streams_of


async def stream_section(event: EventRead, viewer: CurrentUser | None) -> dict[str, Any] | None:
    if event.status not in ("published", "closed"):
        return None
    streams = [s for s in await streams_of(event.id) if s.status != "ended" or s.replay_url]
    if not streams:
        return None
    return {"template": "livestream/event_section.html", "streams": streams}
