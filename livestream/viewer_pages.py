"""The viewer page of a stream (``/live/{stream_id}``): the player, the live audience counts and
what is on stage now. Mobile first; without JavaScript it still shows the player link, the
schedule and the figures of the moment it was loaded.

The player is the provider's: an HLS playlist (played natively on iOS/Safari, with hls.js
elsewhere) or the provider's embed page in a sandboxed frame. After the stream the replay link
takes its place.

"What is on stage" comes from the run of show (``roadshows.show``) when that module is there:
``on_stage`` is the hook, read once for the page; the browser then follows the show's own
websocket.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from app.auth import public
from app.i18n import N_, _, localized
from app.templating import page
from events.tables import AgendaSession
from livestream.audience import audience_for
from livestream.stream_schemas import StreamRead
from livestream.streams import public_stream, viewer_url
from livestream.viewer_socket import audience_path

log = logging.getLogger("luyan.livestream.pages")

STATUS_LABELS = {"upcoming": N_("Starting soon"), "live": N_("On air"), "ended": N_("Ended")}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


async def on_stage(event_id: int, viewer: Any) -> dict[str, Any] | None:
    """What is on stage at the event now, from the run of show: the show socket to follow and
    the current state, or ``None`` where the event has no run of show."""
    try:
        from roadshows import show
    except ImportError:  # an installation without the run of show: the page shows no stage
        return None
    try:
        state = await show.public_state(event_id, viewer)
    except Exception:
        log.warning("run of show of event %s unavailable", event_id, exc_info=True)
        return None
    if not state.total:
        return None
    now = state.now.slot if state.now is not None else None
    upcoming = state.next
    return {
        "socket": show.SHOW_PATH.replace("{event_id:int}", str(event_id)),
        "now": localized(now.name_en, now.name_zh) if now else None,
        "now_kind": now.kind if now else None,
        "next": localized(upcoming.name_en, upcoming.name_zh) if upcoming else None,
    }


def _strings() -> dict[str, str]:
    """Words the viewer script shows, already translated."""
    return {
        "connecting": _("Connecting…"),
        "live": _("Live counts"),
        "offline": _("Reconnecting…"),
        "ended": _("The stream has ended."),
        "upcoming": status_label("upcoming"),
        "live_status": status_label("live"),
        "ended_status": status_label("ended"),
        "nothing": _("Nothing on stage right now."),
        "pitching": _("Now pitching"),
        "on_stage": _("On stage"),
        "no_player": _("This browser cannot play the stream here. Open it directly:"),
    }


async def _session_title(stream: StreamRead) -> str | None:
    if stream.agenda_session_id is None:
        return None
    row = (
        await AgendaSession.select(AgendaSession.title_en, AgendaSession.title_zh)
        .where(AgendaSession.id == stream.agenda_session_id)
        .first()
    )
    return localized(row["title_en"], row["title_zh"]) if row else None


@get("/live/{stream_id:int}", guards=[public], include_in_schema=False)
async def viewer_page(request: Request, stream_id: FromPath[int]) -> Template:
    viewer = request.scope.get("user")
    stream, event = await public_stream(stream_id, viewer)
    figures = await audience_for(request.app).now(
        stream.id, stream.event_id, stream.status, stream.peak_viewers
    )
    stage = await on_stage(event["id"], viewer)
    config = {
        "stream_id": stream.id,
        "socket": audience_path(stream.id),
        "status": stream.status,
        "player_kind": stream.player_kind,
        "player_url": stream.player_url,
        "show_socket": stage["socket"] if stage else None,
        "strings": _strings(),
    }
    return await page(
        request,
        "livestream/viewer.html",
        stream=stream,
        event=event,
        session_title=await _session_title(stream),
        figures=figures,
        stage=stage,
        status_label=status_label(stream.status),
        page_url=viewer_url(stream.id),
        config=config,
    )


ROUTES = [viewer_page]
