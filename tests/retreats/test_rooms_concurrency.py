"""No room is ever double-booked, also when organisers and the automatic pass write at once.

The proof is the unique index on (room, night) (migration ``events_2026_11_22t08_38_00``): a
second row for a taken room-night cannot exist, whatever the application does. The services add
a check inside their transaction so that a clash answers a clear 409 naming the night and room,
and turn an index violation from a writer that raced past the check into the same 409. The
control below shows that the check alone is not enough: two writers that both check before
either writes both see the room free, and only the index stops the second insert.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from tests.retreats.lodging_support import NIGHTS, hotel, lodging_retreat, party

pytestmark = pytest.mark.asyncio


async def _room_nights(event_id: int) -> list[tuple[int, str]]:
    from events.tables import RoomNight

    rows = await RoomNight.select(RoomNight.room, RoomNight.night).where(
        RoomNight.room.room_type.hotel.event == event_id
    )
    return [(r["room"], r["night"]) for r in rows]


async def test_conflicting_moves_and_automatic_passes_at_once(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    await hotel(lodging, "Spring", [("Twin", 2, ["201", "202", "203"])])
    for label in ("A", "B", "C", "D"):
        await party(factory, lodging, label, 2)
    headers = lodging.organiser.headers
    target = lodging.rooms["203"]

    def move(label: str):
        body = {"guest_registration_id": lodging.parties[label], "room_id": target, "nights": NIGHTS[:2]}
        return client.post(f"{lodging.base}/assignment/move", json=body, headers=headers)

    # Two organisers move two parties into the same room at once: exactly one wins.
    responses = await asyncio.gather(move("A"), move("B"))
    moves = [r.status_code for r in responses]
    assert sorted(moves) == [200, 409], [r.text for r in responses]
    loser = responses[moves.index(409)].json()
    assert loser["code"] == "room_taken" and {c["night"] for c in loser["clashes"]} <= set(NIGHTS[:2])
    # Then the automatic pass twice and another move into that room, all at once: whatever the
    # order, every answer is a success or a clear 409, and no room-night is taken twice.
    auto = f"{lodging.base}/assignment/auto"
    responses = await asyncio.gather(
        client.post(auto, headers=headers), client.post(auto, headers=headers), move("C")
    )
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert responses[2].status_code == 409 and responses[2].json()["code"] == "room_taken"
    taken = await _room_nights(lodging.event_id)
    assert max(Counter(taken).values()) == 1  # never two parties in one room on one night
    # Three twins, four pairs: exactly one pair lacks a room on each night, and all are reported.
    assert len(taken) == 3 * len(NIGHTS)


async def test_control_the_check_alone_would_double_book(factory) -> None:
    """Two writers check the same room-night before either writes: both see it free. Without the
    unique index both inserts would succeed; with it, the second fails."""
    from events.retreats.room_assignment import is_room_clash
    from events.tables import RoomNight

    lodging = await lodging_retreat(factory)
    await hotel(lodging, "Spring", [("Twin", 2, ["201"])])
    first = await party(factory, lodging, "A", 2)
    second = await party(factory, lodging, "B", 2)
    room, night = lodging.rooms["201"], NIGHTS[0]
    both_checked = asyncio.Barrier(2)

    async def writer(guest: int) -> Exception | None:
        free = not await RoomNight.exists().where((RoomNight.room == room) & (RoomNight.night == night))
        await both_checked.wait()  # the race: each saw the room free before either wrote
        assert free
        try:
            await RoomNight(room=room, night=night, guest_registration=guest).save()
        except Exception as exc:  # the point is which error it is
            return exc
        return None

    results = await asyncio.gather(writer(first), writer(second))
    errors = [e for e in results if e is not None]
    assert len(errors) == 1 and is_room_clash(errors[0]), results
    assert await _room_nights(lodging.event_id) == [(room, night)]
