"""Manifests of a day as CSV, parsed back: hotel, buses and restaurant (with and without the care
permission), in English and Chinese."""

from __future__ import annotations

import csv
import io

import pytest

from tests.retreats.lodging_support import DAYS, NIGHTS, hotel, local, lodging_retreat, party

pytestmark = pytest.mark.asyncio


async def _scene(factory):
    from events.retreats.room_assignment import assign_rooms
    from events.tables import Activity, ActivitySignup, CareRecord, Event

    lodging = await lodging_retreat(factory)
    await hotel(lodging, "Spring", [("Twin", 2, ["201", "202"]), ("Family", 3, ["301"])])
    await party(factory, lodging, "Wang", 3, arrival=local(0, "10:00"), vehicle="Bus 1")
    await party(factory, lodging, "Li", 2, arrival=local(1, "09:00"), vehicle="Car 2")
    await party(factory, lodging, "Zhao", 1)
    event = await Event.select().where(Event.id == lodging.event_id).first()
    await assign_rooms(event)
    lunch = Activity(event=lodging.event_id, kind="meal", title_en="Lunch", title_zh="午餐", location_en="Garden",
                     starts_at=local(1, "12:00"), ends_at=local(1, "13:00"), optional=False)  # fmt: skip
    walk = Activity(event=lodging.event_id, kind="excursion", title_en="Tea walk", title_zh="茶园游览",
                    starts_at=local(1, "14:00"), ends_at=local(1, "17:00"), optional=True, capacity=10,
                    vehicle="Bus 7")  # fmt: skip
    await Activity.insert(lunch, walk)
    for registration in lodging.members["Wang"][:2]:
        await ActivitySignup(activity=walk.id, registration=registration).save()
    await CareRecord(registration=lodging.members["Wang"][1], dietary="No seafood").save()
    return lodging


def _parse(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_hotel_and_buses_manifests(client, factory) -> None:
    lodging = await _scene(factory)
    headers = lodging.organiser.headers
    hotel_rows = _parse(
        await client.get(f"{lodging.base}/manifests/hotel/csv?day={NIGHTS[1]}", headers=headers)
    )
    assert hotel_rows[0] == ["Hotel", "Room number", "Room type", "Party", "Party members", "People"]
    rooms = {row[1]: (row[3], row[5]) for row in hotel_rows[1:]}
    assert rooms == {"301": ("Wang guest", "3"), "201": ("Li guest", "2"), "202": ("Zhao guest", "1")}
    first_night = _parse(
        await client.get(f"{lodging.base}/manifests/hotel/csv?day={NIGHTS[0]}", headers=headers)
    )
    assert {row[1] for row in first_night[1:]} == {"301", "202"}  # the Li party arrives on day 1
    buses = _parse(await client.get(f"{lodging.base}/manifests/buses/csv?day={DAYS[1]}", headers=headers))
    assert buses[0] == ["Vehicle", "Time", "Trip", "Name", "People"]
    assert ["Bus 7", "14:00", "Tea walk", "Wang guest", "1"] in buses
    assert sum(1 for row in buses if row[0] == "Bus 7") == 2
    pickup = next(row for row in buses if row[0] == "Car 2")
    assert pickup[1] == "09:00" and pickup[2] == "Pick-up at Yiwu Station" and pickup[4] == "2"
    zh = await client.get(
        f"{lodging.base}/manifests/hotel/csv?day={NIGHTS[1]}", headers={**headers, "Accept-Language": "zh-CN"}
    )
    assert _parse(zh)[0] == ["酒店", "房间号", "房型", "住客", "同住成员", "人数"]


async def test_restaurant_manifest_shows_dietary_needs_only_with_the_care_permission(client, factory) -> None:
    from events.tables import CareAccessLog, CarePermission

    lodging = await _scene(factory)
    headers = lodging.organiser.headers
    path = f"{lodging.base}/manifests/restaurant"
    counts = (await client.get(f"{path}?day={DAYS[1]}", headers=headers)).json()
    assert counts["care_shown"] is False and "care permission" in counts["notice"]
    assert counts["headers"] == ["Time", "Meal", "Location", "People"]
    assert counts["rows"] == [["12:00", "Lunch", "Garden", "6"]]
    refused = await CareAccessLog.count().where(
        (CareAccessLog.event == lodging.event_id) & (CareAccessLog.action == "refused")
    )
    assert refused == 1
    await CarePermission(event=lodging.event_id, user=lodging.organiser.id).save()
    rows = _parse(await client.get(f"{path}/csv?day={DAYS[1]}", headers=headers))
    assert rows[0][-1] == "Dietary needs"
    assert rows[1][3] == "6" and rows[1][4] == "Wang companion 1: No seafood"
    exports = await CareAccessLog.select(CareAccessLog.detail).where(
        (CareAccessLog.event == lodging.event_id) & (CareAccessLog.action == "export")
    )
    assert [e["detail"].startswith("restaurant manifest") for e in exports] == [True]
    # On the first day only the Wang and Zhao parties are there.
    assert (await client.get(f"{path}?day={DAYS[0]}", headers=headers)).json()["rows"] == []
