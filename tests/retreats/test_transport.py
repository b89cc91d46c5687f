"""Travel plans entered by organisers and by guests, and the day's pick-up list."""

from __future__ import annotations

import pytest

from tests.retreats.lodging_support import DAYS, local, lodging_retreat, party

pytestmark = pytest.mark.asyncio


async def test_pickup_list_is_time_sorted_and_grouped_by_station_and_vehicle(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    await party(
        factory, lodging, "late", 2, arrival=local(0, "15:40"), station="Yiwu Station", vehicle="Bus 1"
    )
    await party(
        factory, lodging, "early", 3, arrival=local(0, "09:10"), station="Yiwu Station", vehicle="Bus 1"
    )
    await party(
        factory, lodging, "flyer", 1, arrival=local(0, "11:30"), station="Yiwu Airport", vehicle="Car 2"
    )
    await party(factory, lodging, "nextday", 2, arrival=local(1, "10:00"))
    response = await client.get(f"{lodging.base}/pickups?day={DAYS[0]}", headers=lodging.organiser.headers)
    assert response.status_code == 200, response.text
    day = response.json()
    assert day["people"] == 6
    groups = [
        (g["station"], g["vehicle"], g["people"], [r["time"] for r in g["rows"]]) for g in day["groups"]
    ]
    assert groups == [
        ("Yiwu Station", "Bus 1", 5, ["09:10", "15:40"]),
        ("Yiwu Airport", "Car 2", 1, ["11:30"]),
    ]
    assert day["groups"][0]["rows"][0]["name"] == "early guest" and day["groups"][0]["rows"][0]["size"] == 3
    bad = await client.get(f"{lodging.base}/pickups?day=tomorrow", headers=lodging.organiser.headers)
    assert bad.status_code == 422


async def test_organiser_and_guest_enter_travel_and_guests_cannot_set_the_vehicle(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    guest = await factory.user(name="Guest")
    guest_reg = await party(factory, lodging, "family", 3, guest=guest)
    body = {"at": "2031-05-10T13:05:00", "mode": "flight", "number": "MU5501", "station_en": "Yiwu Airport",
            "station_zh": "义乌机场", "pickup": True, "vehicle": "Limousine", "note": "Wheelchair"}  # fmt: skip
    mine = await client.put(
        f"/api/v1/me/retreats/{lodging.event_id}/travel/arrival", json=body, headers=guest.headers
    )
    assert mine.status_code == 200, mine.text
    plan = mine.json()[0]
    assert plan["number"] == "MU5501" and plan["vehicle"] == ""  # the vehicle is the organisers' choice
    assert plan["at"].startswith("2031-05-10T05:05")  # local time read in the event's zone, kept in UTC
    path = f"{lodging.base}/parties/{guest_reg}/travel/arrival"
    organised = await client.put(path, json={**body, "vehicle": "Van 3"}, headers=lodging.organiser.headers)
    assert organised.json()[0]["vehicle"] == "Van 3"
    again = await client.put(
        f"/api/v1/me/retreats/{lodging.event_id}/travel/arrival",
        json={**body, "number": "MU5503"},
        headers=guest.headers,
    )
    assert again.json()[0]["vehicle"] == "Van 3" and again.json()[0]["number"] == "MU5503"
    stranger = await factory.user()
    assert (
        await client.get(f"/api/v1/me/retreats/{lodging.event_id}/travel", headers=stranger.headers)
    ).status_code == 404
    other, _org = await factory.organiser()
    assert (await client.put(path, json=body, headers=other.headers)).status_code == 404
    wrong = await client.put(
        f"/api/v1/me/retreats/{lodging.event_id}/travel/sideways", json=body, headers=guest.headers
    )
    assert wrong.status_code in (400, 404, 422)
    # The party's nights follow its plans: arriving on day 0 and leaving on day 2 = two nights.
    depart = {**body, "at": "2031-05-12T10:00:00"}
    await client.put(
        f"/api/v1/me/retreats/{lodging.event_id}/travel/departure", json=depart, headers=guest.headers
    )
    parties = (await client.get(f"{lodging.base}/parties", headers=lodging.organiser.headers)).json()
    assert parties[0]["nights"] == DAYS[:2] and parties[0]["size"] == 3
