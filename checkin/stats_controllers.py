"""The check-in dashboard API (tag ``checkin``): live figures and the conflicts report.

Organisers of the event and its check-in staff may read them; anyone else gets the 404 of a
missing event.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery, Parameter

from app.auth import current_user, requires_login
from checkin import stats
from checkin.stats_schemas import CheckinStats, ConflictRead

EventId = FromPath[int]


class CheckinStatsController(Controller):
    path = "/api/v1/events/{event_id:int}"
    tags = ["checkin"]

    @get(
        "/checkin-stats",
        guards=[requires_login],
        summary="Check-in figures: checked in, inside now and expected per list; arrivals per minute",
        description=(
            "Arrivals cover the last `hours` hours (default 3, at most 72) or one local `day` of the "
            "event (YYYY-MM-DD in the event's time zone)."
        ),
    )
    async def checkin_stats(
        self,
        request: Request,
        event_id: EventId,
        hours: Annotated[int | None, Parameter(ge=1, le=stats.MAX_HOURS)] = None,
        day: FromQuery[dt.date | None] = None,
    ) -> CheckinStats:
        return await stats.stats_for(current_user(request), event_id, hours, day)

    @get(
        "/checkin-conflicts",
        guards=[requires_login],
        summary="Tickets admitted more than once on a list without re-entry (mostly offline scans)",
    )
    async def checkin_conflicts(self, request: Request, event_id: EventId) -> list[ConflictRead]:
        return await stats.conflicts_for(current_user(request), event_id)


ROUTES = [CheckinStatsController]
