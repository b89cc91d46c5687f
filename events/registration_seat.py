"""Seats: organisers may give a registration a seat (free text, e.g. "Hall A · Row 3 · Seat 12").

The seat shows on the attendee's ticket page, its print and .ics; it is not part of the signed
ticket token, so changing it needs no new token.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.auth import CurrentUser
from app.errors import NotFound
from events.access import organiser_event
from events.registration_db import now
from events.tables import Registration

SEAT_LENGTH = 120


class SeatUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """``""`` clears the seat. Runs of white space are folded to one space."""

    seat: Annotated[str, msgspec.Meta(max_length=SEAT_LENGTH)]


class SeatRead(msgspec.Struct):
    registration_id: int
    event_id: int
    seat: str


async def set_seat(user: CurrentUser, event_id: int, registration_id: int, seat: str) -> SeatRead:
    """Organisers of the event only; anyone else, or another event's registration, gets 404."""
    await organiser_event(user, event_id)
    clean = " ".join(seat.split())
    rows = (
        await Registration.update({Registration.seat: clean, Registration.updated_at: now()})
        .where((Registration.id == registration_id) & (Registration.event == event_id))
        .returning(Registration.id)
    )
    if not rows:
        raise NotFound()
    return SeatRead(registration_id=registration_id, event_id=event_id, seat=clean)
