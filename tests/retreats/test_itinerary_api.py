"""The itinerary: activities in local time, sign-ups with race-safe capacity, the personal
schedule of a guest and companions, activity check-in lists."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from checkin.tables import CheckinList
from events.tables import Activity, ActivitySignup
from tests.factories import Factory, TestUser
from tests.retreats import care_support as cs


def activities_url(event_id: int, suffix: str = "") -> str:
    return f"/api/v1/events/{event_id}/retreat/activities{suffix}"


def signup_url(event_id: int, activity_id: int) -> str:
    return f"/api/v1/me/retreats/{event_id}/activities/{activity_id}/signups"


async def test_organiser_adds_activities_in_local_time(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    day = await cs.second_day(r.event_id)
    created = await client.post(
        activities_url(r.event_id),
        json={
            "title_en": "Medical check-up", "title_zh": "体检", "kind": "medical",
            "starts_at": f"{day}T08:30:00", "ends_at": f"{day}T11:00:00",
            "location_en": "Jinhua Central Hospital", "optional": False, "capacity": 40,
        },
        headers=r.owner.headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["starts_at"].startswith(f"{day}T00:30:00")  # Asia/Shanghai is UTC+8
    assert body["capacity"] is None and body["optional"] is False  # for everyone: no capacity
    bad = await client.post(
        activities_url(r.event_id),
        json={"title_en": "Backwards", "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T09:00:00"},
        headers=r.owner.headers,
    )
    assert bad.status_code == 422
    outside = await client.post(
        activities_url(r.event_id),
        json={"title_en": "Too late", "starts_at": "2099-01-01T10:00:00", "ends_at": "2099-01-01T11:00:00"},
        headers=r.owner.headers,
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "starts_at"
    stranger, _org = await factory.organiser()
    assert (await client.get(activities_url(r.event_id), headers=stranger.headers)).status_code == 404
    listing = await client.get(activities_url(r.event_id), headers=r.organiser.headers)
    assert [a["title_zh"] for a in listing.json()] == ["体检"]


async def test_capacity_cannot_drop_below_signups(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory, companions=2)
    activity_id = await cs.activity(r.event_id, capacity=5)
    for person in (r.guest_registration, *r.companions):
        ok = await client.post(
            signup_url(r.event_id, activity_id), json={"registration_id": person}, headers=r.guest.headers
        )
        assert ok.status_code == 204, ok.text
    lower = await client.patch(
        activities_url(r.event_id, f"/{activity_id}"), json={"capacity": 2}, headers=r.owner.headers
    )
    assert lower.status_code == 409 and lower.json()["code"] == "capacity_below_signups"
    fine = await client.patch(
        activities_url(r.event_id, f"/{activity_id}"), json={"capacity": 3}, headers=r.owner.headers
    )
    assert fine.status_code == 200 and fine.json()["free"] == 0
    signups = await client.get(
        activities_url(r.event_id, f"/{activity_id}/signups"), headers=r.organiser.headers
    )
    assert [s["name"] for s in signups.json()] == ["Academician Zhang", "Companion 1", "Companion 2"]


async def test_twenty_concurrent_signups_for_five_places(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory, companions=0)
    activity_id = await cs.activity(r.event_id, capacity=5)
    guests: list[tuple[TestUser, int]] = [(r.guest, r.guest_registration)]
    for index in range(19):
        guests.append(await cs.registration(factory, r.event_id, r.ticket_type_id, name=f"Guest {index}"))

    async def sign(guest: TestUser, registration_id: int) -> httpx.Response:
        return await client.post(
            signup_url(r.event_id, activity_id),
            json={"registration_id": registration_id},
            headers=guest.headers,
        )

    responses = await asyncio.gather(*(sign(g, reg) for g, reg in guests))
    codes = sorted(x.status_code for x in responses)
    assert codes.count(204) == 5, codes
    assert codes.count(409) == 15
    assert {x.json()["code"] for x in responses if x.status_code == 409} == {"activity_full"}
    row = await Activity.select(Activity.taken).where(Activity.id == activity_id).first()
    assert row["taken"] == 5
    assert await ActivitySignup.count().where(ActivitySignup.activity == activity_id) == 5


async def test_control_read_then_write_overfills(factory: Factory) -> None:
    """Control: the same concurrent sign-ups done as read-check-write (no conditional update)
    let more than 5 people in, so the test above can see a race when there is one."""
    r = await cs.retreat(factory, companions=0)
    activity_id = await cs.activity(r.event_id, capacity=5)
    people = [r.guest_registration]
    for index in range(19):
        people.append(
            (await cs.registration(factory, r.event_id, r.ticket_type_id, name=f"Control {index}"))[1]
        )

    async def naive(registration_id: int) -> bool:
        row = (
            await Activity.select(Activity.taken, Activity.capacity).where(Activity.id == activity_id).first()
        )
        if row["taken"] >= row["capacity"]:
            return False
        await Activity.update({Activity.taken: row["taken"] + 1}).where(Activity.id == activity_id)
        await ActivitySignup(activity=activity_id, registration=registration_id).save()
        return True

    admitted = sum(await asyncio.gather(*(naive(p) for p in people)))
    assert admitted > 5, "the control should overfill: without it the race test proves nothing"


async def test_repeat_signup_and_cancel_keep_the_count(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    activity_id = await cs.activity(r.event_id, capacity=2)
    url = signup_url(r.event_id, activity_id)
    first = await client.post(url, json={"registration_id": r.guest_registration}, headers=r.guest.headers)
    assert first.status_code == 204
    again = await client.post(url, json={"registration_id": r.guest_registration}, headers=r.guest.headers)
    assert again.status_code == 409 and again.json()["code"] == "already_signed_up"
    taken = await Activity.select(Activity.taken).where(Activity.id == activity_id).first()
    assert taken["taken"] == 1  # the failed attempt's seat was rolled back
    other = await cs.retreat(factory)
    stranger = await client.post(
        url, json={"registration_id": r.guest_registration}, headers=other.guest.headers
    )
    assert stranger.status_code == 404
    gone = await client.delete(f"{url}/{r.guest_registration}", headers=r.guest.headers)
    assert gone.status_code == 204
    taken = await Activity.select(Activity.taken).where(Activity.id == activity_id).first()
    assert taken["taken"] == 0
    assert (await client.delete(f"{url}/{r.guest_registration}", headers=r.guest.headers)).status_code == 404


async def test_clash_and_everyone_activities(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    morning = await cs.activity(r.event_id, hours_from_start=26)
    overlapping = await cs.activity(r.event_id, hours_from_start=27, title_en="Tea tasting")
    lecture = await cs.activity(
        r.event_id, hours_from_start=30, optional=False, capacity=None, kind="lecture"
    )
    body = {"registration_id": r.guest_registration}
    assert (
        await client.post(signup_url(r.event_id, morning), json=body, headers=r.guest.headers)
    ).status_code == 204
    clash = await client.post(signup_url(r.event_id, overlapping), json=body, headers=r.guest.headers)
    assert clash.status_code == 409 and clash.json()["code"] == "schedule_clash"
    everyone = await client.post(signup_url(r.event_id, lecture), json=body, headers=r.guest.headers)
    assert everyone.status_code == 409 and everyone.json()["code"] == "activity_not_optional"


async def test_personal_schedule_of_guest_and_companion(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory, companions=1)
    trip = await cs.activity(r.event_id, hours_from_start=26, capacity=1)
    lecture = await cs.activity(
        r.event_id, hours_from_start=50, optional=False, capacity=None, kind="lecture"
    )
    signed = await client.post(
        signup_url(r.event_id, trip), json={"registration_id": r.companions[0]}, headers=r.guest.headers
    )
    assert signed.status_code == 204
    response = await client.get(f"/api/v1/me/retreats/{r.event_id}/schedule", headers=r.guest.headers)
    assert response.status_code == 200, response.text
    people = response.json()["people"]
    assert [(p["name"], p["role"]) for p in people] == [
        ("Academician Zhang", "guest"),
        ("Companion 1", "companion"),
    ]
    states = {p["role"]: {i["activity"]["id"]: i["state"] for i in p["items"]} for p in people}
    assert states["guest"] == {trip: "full", lecture: "everyone"}
    assert states["companion"] == {trip: "signed_up", lecture: "everyone"}
    nobody = await factory.user()
    assert (
        await client.get(f"/api/v1/me/retreats/{r.event_id}/schedule", headers=nobody.headers)
    ).status_code == 404


async def test_activity_checkin_list(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    activity_id = await cs.activity(r.event_id, hours_from_start=30, location_en="Shuanglong Cave")
    made = await client.post(
        activities_url(r.event_id, f"/{activity_id}/checkin-list"), headers=r.owner.headers
    )
    assert made.status_code == 201, made.text
    list_id = made.json()["checkin_list_id"]
    row = await CheckinList.select().where(CheckinList.id == list_id).output(load_json=True).first()
    assert row["event"] == r.event_id and row["name_en"] == "West Lake excursion"
    assert row["gate"] == "Shuanglong Cave"
    activity = await Activity.select(Activity.starts_at).where(Activity.id == activity_id).first()
    local_day = (activity["starts_at"] + dt.timedelta(hours=8)).date().isoformat()  # Asia/Shanghai
    assert row["days"] == [local_day]
    again = await client.post(
        activities_url(r.event_id, f"/{activity_id}/checkin-list"), headers=r.owner.headers
    )
    assert again.status_code == 409 and again.json()["code"] == "activity_has_checkin_list"


async def test_an_optional_activity_s_door_admits_the_people_signed_up(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from checkin.scan_rules import WRONG_LIST, TicketState, decide
    from checkin.scans import list_info

    r = await cs.retreat(factory, companions=1)
    (companion,) = r.companions
    activity_id = await cs.activity(r.event_id, hours_from_start=30)
    url = signup_url(r.event_id, activity_id)
    assert (
        await client.post(url, json={"registration_id": companion}, headers=r.guest.headers)
    ).status_code == 204
    made = await client.post(
        activities_url(r.event_id, f"/{activity_id}/checkin-list"), headers=r.owner.headers
    )
    list_id = made.json()["checkin_list_id"]
    assert (await list_info(list_id)).registration_ids == frozenset({companion})

    guest = {"registration_id": r.guest_registration}
    assert (await client.post(url, json=guest, headers=r.guest.headers)).status_code == 204
    info = await list_info(list_id)
    assert info.registration_ids == frozenset({companion, r.guest_registration})
    cancelled = await client.delete(f"{url}/{companion}", headers=r.guest.headers)
    assert cancelled.status_code == 204, cancelled.text
    info = await list_info(list_id)
    assert info.registration_ids == frozenset({r.guest_registration})

    def at_door(registration_id: int) -> str:
        state = TicketState(registration_id, r.event_id, "confirmed", r.ticket_type_id, "C", "N", "", 1)
        return decide(info, None, state, "entry", next(iter(info.days)))

    assert at_door(r.guest_registration) == "ok"
    assert at_door(companion) == WRONG_LIST  # no longer signed up: the door says so
