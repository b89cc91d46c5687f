"""The pitch pipeline's section on a roadshow's or contest's public page: its calls for pitches
and links to the stage screen and the published results (registered with
``events.page_extras`` by ``app.asgi``)."""

from __future__ import annotations

from typing import Any

from app.auth import CurrentUser
from events.schemas import EventRead
from roadshows.calls import public_calls
from roadshows.tables import ContestRound, PitchSlot

PITCH_KINDS = ("roadshow", "contest")


async def pitch_section(event: EventRead, viewer: CurrentUser | None) -> dict[str, Any] | None:
    if event.kind not in PITCH_KINDS:
        return None
    calls = await public_calls(event.id, viewer)
    has_stage = await PitchSlot.exists().where(PitchSlot.event == event.id)
    has_results = await ContestRound.exists().where(
        (ContestRound.call.event == event.id) & (ContestRound.status == "published")
    )
    if not (calls or has_stage or has_results):
        return None
    return {
        "template": "roadshows/event_section.html",
        "calls": calls,
        "has_stage": has_stage,
        "has_results": has_results,
    }
