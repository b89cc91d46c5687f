"""Check-in lists: CRUD through the API, validation, access (IDOR, staff read-only), and rules."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from checkin.lists import rules_for
from checkin.schemas import CheckinListRead
from tests import factories
from tests.checkin.support import shanghai
from tests.factories import Factory

DAY1, DAY2 = dt.date(2027, 5, 10), dt.date(2027, 5, 11)


async def _event(factory: Factory) -> tuple[factories.TestUser, int, int]:
    """An organiser, their two-day event in Shanghai (10–11 May 2027) and one ticket type."""
    owner, org_id = await factory.organiser()
    event_id = await factory.event(
        org_id,
        starts_at=shanghai(2027, 5, 10, 9),
        ends_at=shanghai(2027, 5, 11, 17),
        timezone="Asia/Shanghai",
    )
    return owner, event_id, await factory.ticket_type(event_id)


def _url(event_id: int, list_id: int | None = None) -> str:
    base = f"/api/v1/events/{event_id}/checkin-lists"
    return base if list_id is None else f"{base}/{list_id}"


async def _session(event_id: int) -> int:
    from events.tables import AgendaSession

    row = AgendaSession(
        event=event_id,
        title_en="Keynote",
        starts_at=shanghai(2027, 5, 10, 10),
        ends_at=shanghai(2027, 5, 10, 11),
    )
    await row.save()
    return row.id


async def test_crud(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, ticket_type_id = await _event(factory)
    session_id = await _session(event_id)
    created = await client.post(
        _url(event_id),
        json={
            "name_en": "Main hall, day 1",
            "name_zh": "主会场第一天",
            "gate": "North",
            "agenda_session_id": session_id,
            "ticket_type_ids": [ticket_type_id, ticket_type_id],
            "days": ["2027-05-10"],
            "allow_reentry": True,
        },
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["event_id"] == event_id
    assert body["name_zh"] == "主会场第一天"
    assert body["agenda_session_id"] == session_id
    assert body["ticket_type_ids"] == [ticket_type_id]  # de-duplicated
    assert body["days"] == ["2027-05-10"]
    assert body["allow_reentry"] is True and body["allow_exit"] is False
    list_id = body["id"]

    second = await client.post(
        _url(event_id), json={"name_en": "Any door", "position": 5}, headers=owner.headers
    )
    assert second.status_code == 201, second.text
    assert second.json()["ticket_type_ids"] == [] and second.json()["days"] == []

    listed = await client.get(_url(event_id), headers=owner.headers)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == [list_id, second.json()["id"]]

    patched = await client.patch(
        _url(event_id, list_id),
        json={"days": ["2027-05-11", "2027-05-10"], "agenda_session_id": None, "allow_exit": True},
        headers=owner.headers,
    )
    assert patched.status_code == 200, patched.text
    p = patched.json()
    assert p["days"] == ["2027-05-10", "2027-05-11"]
    assert p["agenda_session_id"] is None and p["allow_exit"] is True
    assert p["name_en"] == "Main hall, day 1" and p["allow_reentry"] is True  # untouched

    deleted = await client.delete(_url(event_id, list_id), headers=owner.headers)
    assert deleted.status_code == 204
    assert (await client.delete(_url(event_id, list_id), headers=owner.headers)).status_code == 404
    assert [r["id"] for r in (await client.get(_url(event_id), headers=owner.headers)).json()] == [
        second.json()["id"]
    ]


async def _field_error(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return response.json()["errors"][0]["field"]


async def test_validation(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    _, other_event, other_ticket = await _event(factory)
    other_session = await _session(other_event)
    h = owner.headers
    post = lambda body: client.post(_url(event_id), json={"name_en": "L", **body}, headers=h)  # noqa: E731

    assert await _field_error(await post({"ticket_type_ids": [other_ticket]})) == "ticket_type_ids"
    assert await _field_error(await post({"ticket_type_ids": [2_000_000_000]})) == "ticket_type_ids"
    assert await _field_error(await post({"days": ["2027-05-12"]})) == "days"
    assert await _field_error(await post({"days": ["2027-05-09"]})) == "days"
    assert await _field_error(await post({"agenda_session_id": other_session})) == "agenda_session_id"
    assert (await post({"name_en": ""})).status_code == 422
    assert (await post({"unknown": 1})).status_code == 422
    assert (await client.post(_url(event_id), json={}, headers=h)).status_code == 422

    list_id = (await post({})).json()["id"]
    patch = await client.patch(_url(event_id, list_id), json={"ticket_type_ids": [other_ticket]}, headers=h)
    assert await _field_error(patch) == "ticket_type_ids"
    patch = await client.patch(_url(event_id, list_id), json={"days": ["2027-06-01"]}, headers=h)
    assert await _field_error(patch) == "days"


async def test_days_follow_the_event_time_zone(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, org_id = await factory.organiser()
    # 23:30 UTC on 9 May is already 10 May in Shanghai; the event ends 11 May 01:00 Shanghai time.
    event_id = await factory.event(
        org_id,
        starts_at=dt.datetime(2027, 5, 9, 23, 30, tzinfo=dt.UTC),
        ends_at=shanghai(2027, 5, 11, 1),
        timezone="Asia/Shanghai",
    )
    ok = await client.post(
        _url(event_id), json={"name_en": "L", "days": ["2027-05-10", "2027-05-11"]}, headers=owner.headers
    )
    assert ok.status_code == 201, ok.text
    bad = await client.post(
        _url(event_id), json={"name_en": "L", "days": ["2027-05-09"]}, headers=owner.headers
    )
    assert await _field_error(bad) == "days"


async def test_anonymous_gets_401(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    list_id = (await client.post(_url(event_id), json={"name_en": "L"}, headers=owner.headers)).json()["id"]
    for method, url, body in [
        ("GET", _url(event_id), None),
        ("POST", _url(event_id), {"name_en": "x"}),
        ("PATCH", _url(event_id, list_id), {"name_en": "x"}),
        ("DELETE", _url(event_id, list_id), None),
    ]:
        response = await client.request(method, url, json=body if body is not None else {})
        assert response.status_code == 401, (method, response.text)


async def test_other_organisation_and_attendees_get_404(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    list_id = (await client.post(_url(event_id), json={"name_en": "L"}, headers=owner.headers)).json()["id"]
    intruder, _org = await factory.organiser()
    attendee = await factory.user()
    for user in (intruder, attendee):
        h = user.headers
        assert (await client.get(_url(event_id), headers=h)).status_code == 404
        assert (await client.post(_url(event_id), json={"name_en": "x"}, headers=h)).status_code == 404
        assert (
            await client.patch(_url(event_id, list_id), json={"name_en": "x"}, headers=h)
        ).status_code == 404
        assert (await client.delete(_url(event_id, list_id), headers=h)).status_code == 404
    # The intruder's own event does not unlock another event's list id either.
    _, own_event, _ = await _event(factory)
    assert (await client.delete(_url(own_event, list_id), headers=owner.headers)).status_code == 404
    listed = await client.get(_url(event_id), headers=owner.headers)
    assert [r["name_en"] for r in listed.json()] == ["L"]


async def test_staff_can_read_but_not_write(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.tables import EventStaff

    owner, event_id, _ = await _event(factory)
    list_id = (await client.post(_url(event_id), json={"name_en": "L"}, headers=owner.headers)).json()["id"]
    staff = await factory.user()
    await EventStaff(event=event_id, user=staff.id).save()
    h = staff.headers
    listed = await client.get(_url(event_id), headers=h)
    assert listed.status_code == 200 and [r["id"] for r in listed.json()] == [list_id]
    assert (await client.post(_url(event_id), json={"name_en": "x"}, headers=h)).status_code == 404
    assert (await client.patch(_url(event_id, list_id), json={"name_en": "x"}, headers=h)).status_code == 404
    assert (await client.delete(_url(event_id, list_id), headers=h)).status_code == 404
    # Staff of one event see nothing of another.
    _, other_event, _ = await _event(factory)
    assert (await client.get(_url(other_event), headers=h)).status_code == 404


def _row(types: list[int], days: list[str]) -> dict:
    return {"ticket_type_ids": types, "days": days}


@pytest.mark.parametrize(
    ("types", "days", "ticket_type_id", "day", "allowed"),
    [
        ([], [], 7, DAY1, True),  # empty rules: everything
        ([7, 8], [], 7, DAY2, True),
        ([7, 8], [], 9, DAY1, False),  # wrong ticket type
        ([], ["2027-05-10"], 9, DAY1, True),
        ([], ["2027-05-10"], 9, DAY2, False),  # wrong day
        ([7], ["2027-05-10", "2027-05-11"], 7, DAY2, True),
        ([7], ["2027-05-10"], 8, DAY2, False),  # both wrong
        ([7], ["2027-05-10"], 8, DAY1, False),
    ],
)
def test_rules_for(
    types: list[int], days: list[str], ticket_type_id: int, day: dt.date, allowed: bool
) -> None:
    assert rules_for(_row(types, days), ticket_type_id, day) is allowed


def test_rules_for_accepts_api_shape_and_none() -> None:
    read = CheckinListRead(
        id=1,
        event_id=1,
        name_en="L",
        name_zh="",
        gate="",
        agenda_session_id=None,
        ticket_type_ids=[3],
        days=[DAY1],
        allow_reentry=False,
        allow_exit=False,
        position=0,
        created_at=dt.datetime.now(dt.UTC),
    )
    assert rules_for(read, 3, DAY1) is True
    assert rules_for(read, 3, DAY2) is False
    assert rules_for({"ticket_type_ids": None, "days": None}, 1, DAY1) is True
