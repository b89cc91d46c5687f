"""The demo retreat: 150 invitations, parties with families, hotels, travel, the itinerary and the
automatic room plan, so that every day of the five has its manifests."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from rich.progress import Progress

from app.demo.catalogue import RETREAT
from tests.factories import unique
from tests.retreats.lodging_support import DAYS, NIGHTS, local

pytestmark = pytest.mark.asyncio


async def _loader_state(factory):
    """What ``app.demo.loader`` leaves for the retreat: the event, its two tickets and questions,
    confirmed and pending academicians and family members."""
    from app.accounts.tables import User
    from app.demo.accounts import DemoAccounts
    from events.tables import Question, Registration

    organiser, org = await factory.organiser()
    event_id = await factory.event(
        org, kind="retreat", invitation_only=True, starts_at=local(0, "14:00"), ends_at=local(4, "12:00")
    )
    academician = await factory.ticket_type(event_id, capacity=150, name_en="Academician", position=0)
    family = await factory.ticket_type(event_id, capacity=300, name_en="Family", position=1)
    await Question(event=event_id, kind="single", label_en="Accompanying family members", position=0).save()
    rows = []
    for n, (ticket, status) in enumerate(
        [(academician, "confirmed")] * 12 + [(academician, "pending")] * 3 + [(family, "confirmed")] * 15
    ):
        user = User(email=f"{unique('demo')}@example.test", password_hash="!", display_name=f"Person {n}")
        await user.save()
        rows.append(
            Registration(
                event=event_id, ticket_type=ticket, user=user.id, status=status, code=unique("D")[-12:],
                attendee_name=f"Person {n}", attendee_email=user.email,
            )
        )  # fmt: skip
    await Registration.insert(*rows)
    accounts = DemoAccounts(user_ids={"organiser": organiser.id}, organisation_id=org, institution_id=0)
    return organiser, event_id, accounts, [rows[0].user]


async def _load(factory, seed: int):
    from app.demo.retreat import load_retreat

    organiser, event_id, accounts, person_ids = await _loader_state(factory)
    with Progress(disable=True) as progress:
        await load_retreat(accounts, {RETREAT.slug: event_id}, person_ids, random.Random(seed), progress)
    return organiser, event_id


async def _plan(event_id: int) -> list[tuple[int, list[str]]]:
    from events.retreats.room_assignment import party_stays
    from events.tables import Event

    event = await Event.select().where(Event.id == event_id).first()
    return [(p.size, [s.room_number for s in p.stays]) for p in await party_stays(event)]


async def test_demo_retreat_assigns_rooms_and_has_manifests_for_every_day(client, factory) -> None:
    from events.tables import Activity, CarePermission, RetreatInvitation, RoomNight

    organiser, event_id = await _load(factory, 7)
    invitations = Counter(
        r["status"]
        for r in await RetreatInvitation.select(RetreatInvitation.status).where(
            RetreatInvitation.event == event_id
        )
    )
    assert invitations == {"accepted": 132, "declined": 8, "sent": 10}
    base = f"/api/v1/retreats/{event_id}/lodging"
    parties = (await client.get(f"{base}/parties", headers=organiser.headers)).json()
    assert len(parties) == 132 and sum(p["size"] for p in parties) > 250
    assert {p["size"] for p in parties} == {1, 2, 3, 4}
    waiting = [(p["size"], p["unassigned_nights"]) for p in parties if p["unassigned_nights"]]
    assert not waiting  # everybody has a room every night
    assert await RoomNight.count().where(RoomNight.room.room_type.hotel.event == event_id) >= 132 * 3
    assert await Activity.count().where(Activity.event == event_id) >= 15
    await CarePermission(event=event_id, user=organiser.id).save()
    for night in NIGHTS:
        hotel = (await client.get(f"{base}/manifests/hotel?day={night}", headers=organiser.headers)).json()
        assert len(hotel["rows"]) >= 120, night
    for day in DAYS:
        buses = (await client.get(f"{base}/manifests/buses?day={day}", headers=organiser.headers)).json()
        restaurant = (
            await client.get(f"{base}/manifests/restaurant?day={day}", headers=organiser.headers)
        ).json()
        assert buses["rows"], day
        assert restaurant["rows"] and restaurant["care_shown"], day
    pickups = (await client.get(f"{base}/pickups?day={DAYS[0]}", headers=organiser.headers)).json()
    assert pickups["people"] > 150 and {g["station"] for g in pickups["groups"]} >= {
        "Jinhua Station",
        "Yiwu Airport",
    }
    departures = (await client.get(f"{base}/pickups?day={DAYS[4]}", headers=organiser.headers)).json()
    assert {g["direction"] for g in departures["groups"]} == {"departure"}


async def test_demo_retreat_is_deterministic(factory) -> None:
    _organiser, first = await _load(factory, 11)
    _organiser, second = await _load(factory, 11)
    plan = await _plan(first)
    assert plan == await _plan(second)
    assert len(plan) == 132 and all(len(rooms) >= 3 for _size, rooms in plan)
