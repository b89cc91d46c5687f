"""Pitch slots: creating pitches and breaks, validation, planned times, reordering and who may
manage them; the public run of show."""

from __future__ import annotations

import datetime as dt

import httpx

from events.tables import AgendaSession
from roadshows.slots import planned_times
from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.show_support import EVENT_START, add_slot, stage


def _path(event_id: int, rest: str = "") -> str:
    return f"/api/v1/events/{event_id}/slots{rest}"


async def test_pitches_and_breaks_follow_each_other_from_the_event_start(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await stage(factory)
    first = await add_slot(
        client, built, submission_id=built.submissions[0], stage="Main hall", duration_min=10
    )
    pause = await add_slot(client, built, title_en="Coffee break", title_zh="茶歇", duration_min=15)
    second = await add_slot(client, built, submission_id=built.submissions[1], duration_min=7)
    assert first["project_name_en"] == "Pitch 1" and first["project_name_zh"] == "项目1"
    assert first["project_id"] == built.projects[0] and first["stage"] == "Main hall"
    assert (first["position"], pause["position"], second["position"]) == (0, 1, 2)
    assert pause["submission_id"] is None and pause["title_zh"] == "茶歇"

    listed = (await client.get(_path(built.event_id), headers=built.organiser.headers)).json()
    starts = [dt.datetime.fromisoformat(s["planned_start"]) for s in listed]
    assert starts == [
        EVENT_START,
        EVENT_START + dt.timedelta(minutes=10),
        EVENT_START + dt.timedelta(minutes=25),
    ]
    assert dt.datetime.fromisoformat(listed[2]["planned_end"]) == EVENT_START + dt.timedelta(minutes=32)
    assert [s["status"] for s in listed] == ["upcoming"] * 3

    # Inserted at a position: the others move down, and the planned times with them.
    opening = await add_slot(client, built, title_en="Opening", position=0, duration_min=5)
    listed = (await client.get(_path(built.event_id), headers=built.organiser.headers)).json()
    assert [s["id"] for s in listed] == [opening["id"], first["id"], pause["id"], second["id"]]
    assert dt.datetime.fromisoformat(listed[1]["planned_start"]) == EVENT_START + dt.timedelta(minutes=5)


async def test_each_agenda_session_starts_its_own_clock(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    afternoon = AgendaSession(
        event=built.event_id,
        title_en="Afternoon pitches",
        starts_at=EVENT_START + dt.timedelta(hours=5),
        ends_at=EVENT_START + dt.timedelta(hours=7),
    )
    await afternoon.save()
    a = await add_slot(client, built, submission_id=built.submissions[0], agenda_session_id=afternoon.id)
    b = await add_slot(client, built, submission_id=built.submissions[1])  # no session: event start
    c = await add_slot(client, built, submission_id=built.submissions[2], agenda_session_id=afternoon.id)
    assert dt.datetime.fromisoformat(a["planned_start"]) == EVENT_START + dt.timedelta(hours=5)
    assert dt.datetime.fromisoformat(b["planned_start"]) == EVENT_START
    assert dt.datetime.fromisoformat(c["planned_start"]) == EVENT_START + dt.timedelta(hours=5, minutes=7)


def test_planned_times_are_pure() -> None:
    rows = [
        {"id": 1, "agenda_session": None, "duration_s": 600},
        {"id": 2, "agenda_session": 9, "duration_s": 300},
        {"id": 3, "agenda_session": None, "duration_s": 60},
        {"id": 4, "agenda_session": 8, "duration_s": 60},  # a session that is gone: event start
    ]
    session_start = EVENT_START + dt.timedelta(hours=1)
    planned = planned_times(rows, EVENT_START, {9: session_start})
    assert planned[1] == (EVENT_START, EVENT_START + dt.timedelta(minutes=10))
    assert planned[2] == (session_start, session_start + dt.timedelta(minutes=5))
    assert planned[3][0] == EVENT_START + dt.timedelta(minutes=10)
    assert planned[4][0] == EVENT_START


async def test_invalid_slots_are_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    other = await stage(factory, pitches=1)
    headers = built.organiser.headers

    async def refused(body: dict, field: str) -> None:
        response = await client.post(_path(built.event_id), json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert field in {e["field"] for e in response.json().get("errors", [])}, response.json()

    await refused({"submission_id": other.submissions[0]}, "submission_id")  # another event's call
    await refused({"submission_id": 999_999_999}, "submission_id")
    await refused({"stage": "Main hall"}, "title_en")  # neither a pitch nor a titled break
    await refused({"title_en": "Break", "duration_min": 0}, "duration_min")
    await refused({"title_en": "Break", "duration_min": 121}, "duration_min")
    session_elsewhere = AgendaSession(
        event=other.event_id, title_en="Elsewhere", starts_at=EVENT_START, ends_at=EVENT_START
    )
    await session_elsewhere.save()
    await refused({"title_en": "Break", "agenda_session_id": session_elsewhere.id}, "agenda_session_id")
    withdrawn = await support.submission(
        built.call_id, await support.project(await factory.user(entrepreneur=True)), status="withdrawn"
    )
    await refused({"submission_id": withdrawn}, "submission_id")
    assert (await client.get(_path(built.event_id), headers=headers)).json() == []

    slot = await add_slot(client, built, submission_id=built.submissions[0])
    response = await client.patch(
        _path(built.event_id, f"/{slot['id']}"), json={"submission_id": None}, headers=headers
    )
    assert response.status_code == 422  # it would become a break without a title
    response = await client.patch(
        _path(built.event_id, f"/{slot['id']}"),
        json={"submission_id": None, "title_en": "Keynote", "duration_min": 20},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert (response.json()["title_en"], response.json()["duration_min"]) == ("Keynote", 20)


async def test_reorder_takes_exactly_the_events_slots(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    other = await stage(factory, pitches=1)
    foreign = await add_slot(client, other, submission_id=other.submissions[0])
    ids = [(await add_slot(client, built, submission_id=s))["id"] for s in built.submissions]
    headers = built.organiser.headers
    for wrong in ([ids[0], ids[1]], [*ids, ids[0]], [ids[0], ids[1], foreign["id"]], []):
        response = await client.put(
            _path(built.event_id, "/order"), json={"slot_ids": wrong}, headers=headers
        )
        assert response.status_code == 422, (wrong, response.text)
    order = [ids[2], ids[0], ids[1]]
    response = await client.put(_path(built.event_id, "/order"), json={"slot_ids": order}, headers=headers)
    assert response.status_code == 200, response.text
    assert [s["id"] for s in response.json()] == order
    assert [s["position"] for s in response.json()] == [0, 1, 2]

    deleted = await client.delete(_path(built.event_id, f"/{ids[2]}"), headers=headers)
    assert deleted.status_code == 204
    listed = (await client.get(_path(built.event_id), headers=headers)).json()
    assert [(s["id"], s["position"]) for s in listed] == [(ids[0], 0), (ids[1], 1)]


async def test_only_the_events_organisers_manage_slots(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    slot = await add_slot(client, built, submission_id=built.submissions[0])
    stranger, _ = await factory.organiser()
    attendee = await factory.user()
    entrepreneur = await factory.user(entrepreneur=True)
    body = {"title_en": "Sneaky break"}
    for user, status in ((stranger, 404), (attendee, 403), (entrepreneur, 403)):
        h = user.headers
        assert (await client.get(_path(built.event_id), headers=h)).status_code == status
        assert (await client.post(_path(built.event_id), json=body, headers=h)).status_code == status
        patched = await client.patch(_path(built.event_id, f"/{slot['id']}"), json=body, headers=h)
        assert patched.status_code == status
        assert (await client.delete(_path(built.event_id, f"/{slot['id']}"), headers=h)).status_code == status
        reorder = await client.put(
            _path(built.event_id, "/order"), json={"slot_ids": [slot["id"]]}, headers=h
        )
        assert reorder.status_code == status
    assert (await client.get(_path(built.event_id))).status_code == 401
    # A slot id of another event is "not found" under this one.
    other = await stage(factory, pitches=1)
    theirs = await add_slot(client, other, submission_id=other.submissions[0])
    response = await client.patch(
        _path(built.event_id, f"/{theirs['id']}"), json=body, headers=built.organiser.headers
    )
    assert response.status_code == 404
    listed = (await client.get(_path(built.event_id), headers=built.organiser.headers)).json()
    assert [s["title_en"] for s in listed] == [""]


async def test_the_public_run_of_show(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory)
    await add_slot(client, built, submission_id=built.submissions[0], stage="Hall A")
    await add_slot(client, built, title_en="Lunch", title_zh="午餐", duration_min=60)
    response = await client.get(f"/api/v1/events/{built.event_id}/run-of-show")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "Asia/Shanghai"
    pitch, lunch = body["slots"]
    assert (pitch["kind"], pitch["name_en"], pitch["name_zh"], pitch["stage"]) == (
        "pitch",
        "Pitch 1",
        "项目1",
        "Hall A",
    )
    assert (lunch["kind"], lunch["name_en"], lunch["status"]) == ("break", "Lunch", "upcoming")
    assert not {"submission_id", "project_id", "score", "rank"} & set(pitch)  # no judging data

    draft = await stage(factory, pitches=1, status="draft")
    assert (await client.get(f"/api/v1/events/{draft.event_id}/run-of-show")).status_code == 404
    own = await client.get(f"/api/v1/events/{draft.event_id}/run-of-show", headers=draft.organiser.headers)
    assert own.status_code == 200
